#pragma once
/// @file service.hpp
/// A WebSocket sub-protocol served by the listener. The listener owns everything common to
/// every sub-protocol: TLS, the upgrade checks, connection limits, keep-alive, the write queue
/// and the close handshake. A service owns what is its own: who may connect (authenticate), its
/// message rules, and what its messages mean. Services register by sub-protocol name and path
/// (listener_options::services); BFCP over WebSocket (RFC 8857) is the first, served by the
/// ws::handler given to listener::create().

#include <ws/close.hpp>
#include <ws/http.hpp>
#include <ws/upgrade.hpp>

#include <floorctl/event.hpp>
#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace ws {

/// What a valid token binds a connection to (for BFCP, RFC 8857 §6/§7: the server checks every
/// message against it).
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

/// Result of service::authenticate().
using auth_result = std::variant<binding, auth_denial>;

/// Facts about the connection an HTTP request arrived on.
struct request_context {
    floorctl::connection_id conn{}; ///< id of the TCP connection (unique, never 0)
    bool secure = false;            ///< arrived over TLS
    std::string remote_address;     ///< peer address without port, e.g. "127.0.0.1", "::1"
    std::uint16_t remote_port = 0;
};

/// The rules a service sets for the messages it receives; the session enforces them before
/// on_frame() and closes with the code given.
struct message_rules {
    std::size_t max_message = floorctl::max_message_size; ///< longer: 1009
    bool binary_only = true;                              ///< a text message: 1003
    bool unfragmented = true;                             ///< a fragmented message: 1002
    /// Messages per second per connection (burst: as many; 0: off) beyond which the session
    /// closes with 1008; unset: the listener's max_messages_per_second.
    std::optional<std::uint32_t> messages_per_second;
};

/// One sub-protocol's connections.
/// @par Thread Safety
/// Every method is called on the strand of the connection concerned, from any io_context thread;
/// calls for different connections run concurrently, calls for one connection never do. Methods
/// must not block and must not throw.
class service {
public:
    virtual ~service() = default;

    /// Validates `token` (already extracted from ?token=, cookie or Authorization: Bearer; empty
    /// when the route does not require one) for an upgrade `req` that passed check_upgrade().
    /// Called before the 101 response.
    [[nodiscard]] virtual auth_result
    authenticate(std::string const& token, http_request const& req, request_context const& ctx) = 0;

    /// The WebSocket handshake completed (101 sent); `conn` is now addressable in the registry.
    /// Called once, before any on_frame() for `conn`. `remote` is "address:port".
    virtual void on_open(floorctl::connection_id conn, binding const& bound,
                         floorctl::transport_kind transport, std::string const& remote) = 0;

    /// One complete message that passed the service's message_rules (for BFCP: one unfragmented
    /// binary message, a BFCP message candidate not yet decoded). `frame` is the session's read
    /// buffer, valid only during the call: a service that keeps the bytes copies them (so that
    /// one answering at once allocates nothing for them).
    virtual void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) = 0;

    /// The connection is gone: called exactly once for every on_open(), after the last
    /// on_frame(). `conn` is no longer in the registry when this runs.
    virtual void on_close(floorctl::connection_id conn, close_info const& info) = 0;
};

/// A registered service: its route (sub-protocol name, path, token rule), its rules, itself.
struct service_entry {
    subprotocol_route route;
    message_rules rules;
    std::shared_ptr<service> handler;
};

} // namespace ws
