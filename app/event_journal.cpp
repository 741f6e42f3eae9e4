#include "event_journal.hpp"

#include <floorctl/to_string.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace floorctl::app {

namespace json = boost::json;

namespace {

/// The `data:` of one event: {"type", "conference", "user", "display_name"} and, for floor
/// changes, "floor", "floor_label", "request" (0 for queue_changed) and "queue".
std::string change_to_json(report_change const& c)
{
    json::object o;
    o["type"] = to_string(c.kind);
    o["conference"] = to_underlying(c.conference);
    bool const floor_change = c.floor != floor_id{};
    if (floor_change) {
        o["floor"] = to_underlying(c.floor);
        o["floor_label"] = c.floor_label;
    }
    if (c.user != user_id{}) {
        o["user"] = to_underlying(c.user);
        o["display_name"] = c.display_name;
    }
    if (floor_change) {
        if (c.request != floor_request_id{}) o["request"] = to_underlying(c.request);
        json::array queue;
        for (auto const& q : c.queue) {
            json::object e;
            e["request"] = to_underlying(q.request);
            e["user"] = to_underlying(q.user);
            e["display_name"] = q.display_name;
            queue.push_back(std::move(e));
        }
        o["queue"] = std::move(queue);
    }
    return json::serialize(o);
}

// The reconnection delay EventSource clients use after the stream drops (milliseconds).
constexpr std::string_view retry_line = "retry: 2000\n\n";

} // namespace

std::string format_event(std::uint64_t id, std::string_view name, std::string_view data)
{
    // `data` is one line: JSON serialised by Boost.JSON escapes every control character.
    std::string s;
    s.reserve(data.size() + name.size() + 40);
    if (id != 0) {
        s += "id: ";
        s += std::to_string(id);
        s += '\n';
    }
    s += "event: ";
    s += name;
    s += "\ndata: ";
    s += data;
    s += "\n\n";
    return s;
}

void event_journal::record(report_change const& c)
{
    std::lock_guard lock(mutex_);
    auto const it = journals_.find(c.conference);
    if (it == journals_.end()) return;
    auto& j = it->second;
    auto const id = ++j.last_id;
    j.events.push_back({id, format_event(id, to_string(c.kind), change_to_json(c))});
    while (j.events.size() > window_)
        j.events.pop_front();
    auto const& text = j.events.back().text;
    std::erase_if(j.readers, [&](auto const& r) { return !r->write(text); });
}

void event_journal::subscribe(conference_id conf, std::optional<std::uint64_t> last_id,
                              std::shared_ptr<ws::http_stream> reader)
{
    std::lock_guard lock(mutex_);
    auto& j = journals_[conf];
    if (!reader->write(std::string(retry_line))) return;
    if (last_id && *last_id != j.last_id) {
        auto const oldest = j.events.empty() ? j.last_id + 1 : j.events.front().id;
        // Resumable: the id is in the window (the next event is kept), or it is the newest.
        if (*last_id + 1 >= oldest && *last_id < j.last_id) {
            for (auto const& e : j.events) {
                if (e.id > *last_id && !reader->write(e.text)) return;
            }
        } else {
            json::object o;
            o["type"] = "reset";
            o["conference"] = to_underlying(conf);
            o["last_id"] = j.last_id;
            if (!reader->write(format_event(j.last_id, "reset", json::serialize(o)))) return;
        }
    }
    j.readers.push_back(std::move(reader));
}

void event_journal::keep_alive()
{
    std::lock_guard lock(mutex_);
    for (auto& [conf, j] : journals_)
        std::erase_if(j.readers, [](auto const& r) { return !r->write(": keep-alive\n\n"); });
}

void event_journal::forget(conference_id conf)
{
    std::vector<std::shared_ptr<ws::http_stream>> readers;
    {
        std::lock_guard lock(mutex_);
        auto const it = journals_.find(conf);
        if (it == journals_.end()) return;
        readers = std::move(it->second.readers);
        journals_.erase(it);
    }
    for (auto const& r : readers)
        r->close();
}

std::size_t event_journal::readers(conference_id conf) const
{
    std::lock_guard lock(mutex_);
    auto const it = journals_.find(conf);
    return it == journals_.end() ? 0 : it->second.readers.size();
}

} // namespace floorctl::app
