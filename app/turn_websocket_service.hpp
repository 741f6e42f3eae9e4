#pragma once
/// @file turn_websocket_service.hpp
/// floorctl::app::turn_websocket_service — TURN over WebSocket on the edge (experimental,
/// docs/turn.md): the `turn` sub-protocol, and a path for clients that offer none. Each
/// WebSocket connection gets a TCP connection of its own to a TURN server
/// (app::websocket_tcp_flow); messages cross through the pure framing of <turn/framing.hpp>.
/// It decides nothing about TURN: the TURN server allocates, authenticates and relays.

#include "metrics.hpp"
#include "websocket_tcp_flow.hpp"

#include <ws/registry.hpp>
#include <ws/service.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace floorctl::app {

/// The `turn` WebSocket service.
/// @par Thread Safety
/// The ws::service methods run on the connections' strands (see ws::service); each flow has a
/// strand of its own on the io_context. set_registry() and counters() may be called from any
/// thread.
class turn_websocket_service final : public ws::service,
                                     public std::enable_shared_from_this<turn_websocket_service> {
public:
    /// `server`: the TURN server's TCP listener; `max_connections`: TURN connections at once
    /// (further upgrades get 503).
    turn_websocket_service(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint server,
                           std::uint32_t max_connections);
    ~turn_websocket_service() override;

    /// The registry of the listener this service is registered with (sends and closes).
    void set_registry(ws::registry& registry) noexcept;

    /// The counters for /metrics.
    [[nodiscard]] turn_relay_counters counters() const noexcept;

    [[nodiscard]] ws::auth_result authenticate(std::string const& token,
                                               ws::http_request const& req,
                                               ws::request_context const& ctx) override;
    void on_open(floorctl::connection_id conn, ws::binding const& bound,
                 floorctl::transport_kind transport, std::string const& remote) override;
    void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) override;
    void on_close(floorctl::connection_id conn, ws::close_info const& info) override;

    class flow;   ///< private; public only so that the .cpp can name it
    struct tally; ///< the counters, shared with the flows

private:
    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::endpoint server_;
    std::uint32_t max_connections_;
    std::atomic<ws::registry*> registry_{nullptr};
    std::shared_ptr<tally> tally_;
    flow_table<flow> flows_;
};

} // namespace floorctl::app
