#pragma once
/// @file sip_websocket_service.hpp
/// floorctl::app::sip_websocket_service — SIP over WebSocket (RFC 7118) on the edge: the `sip`
/// sub-protocol. Each WebSocket connection gets a TCP connection of its own (a "flow") to
/// sofia's TCP listener (app::websocket_tcp_flow); messages cross through the pure rewriting of
/// <sip/websocket_alias.hpp> in both directions (docs/sip-over-websocket.md). It decides
/// nothing about calls: the one SIP stack behind the flows does.

#include "sip_websocket_peers.hpp"
#include "websocket_tcp_flow.hpp"

#include <ws/registry.hpp>
#include <ws/service.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace floorctl::app {

/// The `sip` WebSocket service.
/// @par Thread Safety
/// The ws::service methods run on the connections' strands (see ws::service); each flow has a
/// strand of its own on the io_context. set_registry() and set_sip_endpoint() may be called from
/// any thread.
class sip_websocket_service final : public ws::service,
                                    public std::enable_shared_from_this<sip_websocket_service> {
public:
    explicit sip_websocket_service(boost::asio::io_context& ioc);
    ~sip_websocket_service() override;

    /// The registry of the listener this service is registered with (sends and closes).
    void set_registry(ws::registry& registry) noexcept;

    /// Where sofia's TCP listener is, once the SIP side runs, and how often each flow writes
    /// sip::flow_keep_alive to it so that sofia's idle timeout never closes a flow under a live
    /// WebSocket (sip::flow_keep_alive_interval). Until then upgrades get 503.
    void set_sip_endpoint(boost::asio::ip::tcp::endpoint endpoint,
                          std::chrono::milliseconds keep_alive_every);

    /// Which client each flow stands for; the SIP side resolves its events with it and learns
    /// of closed clients from it.
    [[nodiscard]] sip_websocket_peers& peers() noexcept { return *peers_; }

    [[nodiscard]] ws::auth_result authenticate(std::string const& token,
                                               ws::http_request const& req,
                                               ws::request_context const& ctx) override;
    void on_open(floorctl::connection_id conn, ws::binding const& bound,
                 floorctl::transport_kind transport, std::string const& remote) override;
    void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) override;
    void on_close(floorctl::connection_id conn, ws::close_info const& info) override;

    class flow; ///< private; public only so that the .cpp can name it

private:
    boost::asio::io_context& ioc_;
    std::atomic<ws::registry*> registry_{nullptr};
    std::shared_ptr<sip_websocket_peers> peers_ = std::make_shared<sip_websocket_peers>();
    std::mutex mutex_;
    std::optional<boost::asio::ip::tcp::endpoint> sip_; // guarded by mutex_
    std::chrono::milliseconds keep_alive_every_{0};     // guarded by mutex_
    flow_table<flow> flows_;
};

} // namespace floorctl::app
