#pragma once
/// @file transport_bridge.hpp
/// app::transport_bridge — what the listeners call: it turns WebSocket and TCP/TLS BFCP
/// connection events into token checks, stream binding checks and core host events, and HTTP
/// requests into the HTTP API. It translates; the core host and the core decide.

#include <ws/handler.hpp>
#include <ws/stream_listener.hpp>

namespace floorctl::app {

class application;

/// The ws::handler (WebSocket listener) and ws::stream_handler (TCP/BFCP and TCP/TLS/BFCP
/// listeners) of the application. Both kinds of connection open, carry frames and close the
/// same way; only how a connection is bound differs (a token at the upgrade, or the first
/// message's ids from the address the SDP negotiated).
///
/// @par Thread Safety
/// Stateless apart from the application reference; every callback is thread-safe.
class transport_bridge final : public ws::handler, public ws::stream_handler {
public:
    explicit transport_bridge(application& a) : app_(a) {}

    // ws::handler
    ws::auth_result authenticate(std::string const& token, ws::http_request const& req,
                                 ws::request_context const& ctx) override;
    void on_http(ws::http_request req, ws::request_context const& ctx,
                 ws::http_responder respond) override;
    void on_handshake_rejected(ws::upgrade_failure failure, ws::http_status status,
                               ws::request_context const& ctx) override;

    // ws::stream_handler
    stream_verdict on_first_message(ws::stream_peer const& peer,
                                    std::span<std::byte const> message) override;
    void on_rejected(ws::stream_peer const& peer, std::string const& reason) override;

    // both
    void on_open(connection_id conn, ws::binding const& bound, transport_kind transport,
                 std::string const& remote) override;
    void on_frame(connection_id conn, std::span<std::byte const> frame) override;
    void on_close(connection_id conn, ws::close_info const& info) override;

private:
    application& app_;
};

} // namespace floorctl::app
