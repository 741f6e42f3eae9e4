#include "inbox.hpp"

#include <ws/registry.hpp>

namespace ws {

std::shared_ptr<session_base> registry::find(floorctl::connection_id conn) const
{
    std::lock_guard lock(mutex_);
    auto const it = sessions_.find(floorctl::to_underlying(conn));
    return it == sessions_.end() ? nullptr : it->second.session.lock();
}

bool registry::send(floorctl::connection_id conn, frame_ptr frame, message_kind kind)
{
    // The reply to the message being handed over on this thread: that session is open (it is
    // attached before its first message and detached only after its read loop ends), so the
    // lookup can be skipped (docs/performance.md).
    if (detail::current_reader != nullptr && detail::current_reader_id == conn && frame) {
        detail::current_reader->deliver({std::move(frame), kind});
        return true;
    }
    auto s = find(conn);
    if (!s || !frame) return false;
    s->deliver(
        {std::move(frame), kind}); // outside the lock: deliver() may post to the session's strand
    return true;
}

frame_ptr make_frame(std::span<std::byte const> bytes)
{
    return std::make_shared<frame_bytes const>(bytes.begin(), bytes.end());
}

bool registry::send(floorctl::connection_id conn, std::span<std::byte const> frame,
                    message_kind kind)
{
    if (detail::current_reader != nullptr && detail::current_reader_id == conn)
        return send(conn, make_frame(frame), kind);
    // Looked up before the copy is made: app::routed_connections asks here first for every
    // connection, UDP peers included, and a miss must cost no allocation.
    auto s = find(conn);
    if (!s) return false;
    s->deliver({make_frame(frame), kind});
    return true;
}

bool registry::close(floorctl::connection_id conn, close_code code, std::string reason)
{
    auto s = find(conn);
    if (!s) return false;
    s->close(code, std::move(reason));
    return true;
}

void registry::close_all(close_code code, std::string reason)
{
    std::vector<std::shared_ptr<session_base>> all;
    {
        std::lock_guard lock(mutex_);
        all.reserve(sessions_.size());
        for (auto const& [id, e] : sessions_) {
            if (auto s = e.session.lock()) all.push_back(std::move(s));
        }
    }
    for (auto const& s : all)
        s->close(code, reason);
}

std::size_t registry::count() const
{
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::size_t registry::count(floorctl::transport_kind transport) const
{
    auto const slot = static_cast<std::size_t>(transport);
    std::lock_guard lock(mutex_);
    return slot < per_transport_.size() ? per_transport_[slot] : 0;
}

void registry::attach(floorctl::connection_id conn, std::weak_ptr<session_base> session,
                      floorctl::transport_kind transport)
{
    auto const slot = static_cast<std::size_t>(transport);
    std::lock_guard lock(mutex_);
    auto [it, added] = sessions_.insert_or_assign(floorctl::to_underlying(conn),
                                                  entry{std::move(session), transport});
    (void)it;
    if (added && slot < per_transport_.size()) ++per_transport_[slot];
}

void registry::detach(floorctl::connection_id conn)
{
    std::lock_guard lock(mutex_);
    auto const it = sessions_.find(floorctl::to_underlying(conn));
    if (it == sessions_.end()) return;
    auto const slot = static_cast<std::size_t>(it->second.transport);
    if (slot < per_transport_.size()) --per_transport_[slot];
    sessions_.erase(it);
}

} // namespace ws
