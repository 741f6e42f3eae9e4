#include "event_journal.hpp"
#include "http_json.hpp"

#include <floorctl/to_string.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace floorctl::app {

namespace json = boost::json;

namespace {

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

event_journal::event_journal(std::size_t window, std::size_t max_events)
    : window_(std::max<std::size_t>(window, 1)), max_events_(std::max<std::size_t>(max_events, 1))
{
}

void event_journal::record(report_change const& c)
{
    std::lock_guard lock(mutex_);
    auto const it = journals_.find(c.conference);
    if (it == journals_.end()) return;
    auto& j = it->second;
    auto const id = ++j.last_id;
    j.events.push_back({id, next_order_++, format_event(id, to_string(c.kind), change_to_json(c))});
    ++kept_;
    if (j.events.size() == 1) oldest_.emplace(j.events.front().order, c.conference);
    auto const& text = j.events.back().text;
    std::erase_if(j.readers, [&](auto const& r) { return !r->write(text); });
    if (j.events.size() > window_) drop_oldest(c.conference, j);
    while (kept_ > max_events_) {
        auto const conf = oldest_.begin()->second;
        drop_oldest(conf, journals_.at(conf));
    }
}

void event_journal::drop_oldest(conference_id conf, journal& j)
{
    oldest_.erase({j.events.front().order, conf});
    j.events.pop_front();
    --kept_;
    if (!j.events.empty()) oldest_.emplace(j.events.front().order, conf);
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
        auto& j = it->second;
        readers = std::move(j.readers);
        if (!j.events.empty()) oldest_.erase({j.events.front().order, conf});
        kept_ -= j.events.size();
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

std::size_t event_journal::kept() const
{
    std::lock_guard lock(mutex_);
    return kept_;
}

} // namespace floorctl::app
