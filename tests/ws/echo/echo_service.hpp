#pragma once
// A second WebSocket sub-protocol, "echo", to show what adding one takes: a folder with a
// ws::service (who may connect, the message rules, what a message means) and one
// listener_options::services entry. Everything else (TLS, upgrade checks, limits, keep-alive,
// write queue, close handling) is the listener's.

#include <ws/registry.hpp>
#include <ws/service.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace echo {

/// Sends every message back on the connection it came from. Anyone may connect.
class service final : public ws::service {
public:
    ws::auth_result authenticate(std::string const&, ws::http_request const&,
                                 ws::request_context const&) override
    {
        return ws::binding{};
    }

    void on_open(floorctl::connection_id conn, ws::binding const&, floorctl::transport_kind,
                 std::string const&) override
    {
        std::lock_guard l(m_);
        opened.push_back(conn);
    }

    void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) override
    {
        if (auto r = registry.lock()) r->send(conn, frame);
    }

    void on_close(floorctl::connection_id, ws::close_info const&) override { ++closed; }

    /// The listener's registry (set once the listener exists).
    std::weak_ptr<ws::registry> registry;
    std::vector<floorctl::connection_id> opened; // guarded by m_
    std::atomic<int> closed{0};

    [[nodiscard]] std::size_t open_count()
    {
        std::lock_guard l(m_);
        return opened.size();
    }

private:
    std::mutex m_;
};

/// The registration: "echo" at `path`, no token, text or binary, fragmented allowed.
inline ws::service_entry entry(std::shared_ptr<service> s, std::string path)
{
    return ws::service_entry{
        ws::subprotocol_route{"echo", std::move(path), false, {}, false},
        ws::message_rules{64 * 1024, false, false, std::nullopt},
        std::move(s),
    };
}

} // namespace echo
