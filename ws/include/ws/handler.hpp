#pragma once
/// @file handler.hpp
/// The interface the app implements: authentication, WebSocket lifecycle and frames, HTTP.
/// ws/ translates; every decision about BFCP (and about supersede) is the app's.

#include <ws/close.hpp>
#include <ws/http.hpp>
#include <ws/upgrade.hpp>

#include <floorctl/event.hpp>
#include <floorctl/types.hpp>

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ws {

/// What a valid token binds a connection to (RFC 8857 §6/§7: the server checks every message
/// against it).
struct binding {
    floorctl::conference_id conference{};
    floorctl::user_id user{};
    /// Opaque to ws/ (e.g. the token's id), handed back in on_open() so the app can find an
    /// older connection with the same token and supersede it.
    std::string key;
};

/// A refused token. `status` should be 401 (missing/unknown) or 403 (expired/forbidden); any
/// other 4xx is sent as given.
struct auth_denial {
    http_status status = http_status::unauthorized;
    std::string reason; ///< body line and log text; must not echo the token
};

/// Result of handler::authenticate().
using auth_result = std::variant<binding, auth_denial>;

/// Facts about the connection an HTTP request arrived on.
struct request_context {
    floorctl::connection_id conn{}; ///< id of the TCP connection (unique, never 0)
    bool secure = false;            ///< arrived over TLS
    std::string remote_address;     ///< peer address without port, e.g. "127.0.0.1", "::1"
    std::uint16_t remote_port = 0;
};

/// Completes an HTTP request with a response. Call exactly once, from any thread, now or later
/// (e.g. after a round trip to the core's strand). Dropping it without a call answers 500.
using http_responder = std::function<void(http_response)>;

/// Implemented by the app. Kept alive by the listener (shared_ptr) until the listener and all its
/// connections are gone.
/// @par Thread Safety
/// Every method is called on the strand of the connection concerned, from any io_context thread;
/// calls for different connections run concurrently, calls for one connection never do. Methods
/// must not block (post to the core's strand instead) and must not throw.
class handler {
public:
    virtual ~handler() = default;

    /// Validates `token` (already extracted from ?token=, cookie or Authorization: Bearer) for
    /// an upgrade `req` that passed check_upgrade(). Called before the 101 response.
    [[nodiscard]] virtual auth_result
    authenticate(std::string const& token, http_request const& req, request_context const& ctx) = 0;

    /// The WebSocket handshake completed (101 sent); `conn` is now addressable in the registry.
    /// Called once, before any on_frame() for `conn`. `remote` is "address:port".
    virtual void on_open(floorctl::connection_id conn, binding const& bound,
                         floorctl::transport_kind transport, std::string const& remote) = 0;

    /// One complete, unfragmented binary WebSocket message (one BFCP message candidate, not yet
    /// decoded), at most floorctl::max_message_size octets. `frame` is the session's read buffer,
    /// valid only during the call: an app that keeps the bytes copies them (so that an app
    /// answering at once allocates nothing for them).
    virtual void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) = 0;

    /// The connection is gone: called exactly once for every on_open(), after the last
    /// on_frame(). `conn` is no longer in the registry when this runs.
    virtual void on_close(floorctl::connection_id conn, close_info const& info) = 0;

    /// A non-upgrade HTTP request (any path other than the WebSocket path): /healthz, /metrics,
    /// /api/..., the demo page. Answer through `respond`. HTTP/1.1 keep-alive is handled by the
    /// listener (it honours `Connection: close` in either message).
    virtual void on_http(http_request req, request_context const& ctx, http_responder respond) = 0;

    /// Every refused handshake, for metrics (the listener already logged and answered it).
    /// Default: nothing.
    virtual void on_handshake_rejected(upgrade_failure /*failure*/, http_status /*status*/,
                                       request_context const& /*ctx*/)
    {
    }
};

} // namespace ws
