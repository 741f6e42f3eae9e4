#pragma once
/// @file upgrade.hpp
/// The WebSocket upgrade check as a pure function: request + config + the registered
/// sub-protocol routes -> outcome. No I/O, no clock; the listener calls it, then the chosen
/// service's authenticate() with the token.

#include <ws/http.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ws {

/// What the upgrade check needs from the configuration.
struct upgrade_config {
    /// The WebSocket path advertised in a=websocket-uri (RFC 8124), e.g. "/bfcp". Compared with
    /// the request target's path (query removed), exactly.
    std::string path = "/bfcp";
    /// Allowed Origin values (exact, case-insensitive ASCII compare, e.g. "https://app.example").
    /// Empty: any Origin, or none, is accepted.
    std::vector<std::string> allowed_origins;
    /// Name of the cookie that may carry the token.
    std::string token_cookie = "bfcp_token";
};

/// One WebSocket sub-protocol served at one path: what the upgrade check matches a request
/// against (ws::service_entry carries one per registered service).
struct subprotocol_route {
    /// The registered name, e.g. "BFCP" (RFC 8857 §4). Matched case-insensitively against the
    /// client's offered Sec-WebSocket-Protocol values; the client's spelling is echoed.
    std::string name;
    std::string path;           ///< request path (query removed), compared exactly
    bool token_required = true; ///< no token: 401 no_token; else the token may be empty
    std::string reference;      ///< cited in refusals when it is the path's only route
    /// Also chosen for an upgrade that offers no Sec-WebSocket-Protocol at all (clients that
    /// cannot set one reach the service by its path); the 101 then names no sub-protocol.
    bool without_subprotocol = false;
};

/// The route BFCP over WebSocket uses: "BFCP" at `path`, token required, RFC 8857.
[[nodiscard]] subprotocol_route bfcp_route(std::string path);

/// Why an upgrade was refused. Every value maps to one HTTP status (see check_upgrade()).
enum class upgrade_failure : std::uint8_t {
    not_websocket,    ///< 426 Upgrade Required: a plain request on the WebSocket path
    bad_version,      ///< 426 Upgrade Required (+ Sec-WebSocket-Version: 13): not version 13
    wrong_path,       ///< 404 Not Found: an upgrade to any other path
    no_subprotocol,   ///< 400 Bad Request: Sec-WebSocket-Protocol does not offer BFCP
    origin_forbidden, ///< 403 Forbidden: Origin missing or not in the allow-list
    no_token,         ///< 401 Unauthorized: no ?token=, cookie or Authorization: Bearer
    auth_denied,      ///< 401 or 403 as the app's authenticate() said (unknown/expired token)
    header_too_large, ///< 431 Request Header Fields Too Large (listener, before the check)
    body_too_large,   ///< 413 Content Too Large (listener, before the check)
    limit_exceeded,   ///< never an HTTP answer: connection limits close the socket at accept
    timeout,          ///< never an HTTP answer: the handshake took longer than allowed
    malformed,        ///< 400 Bad Request: unparseable HTTP or WebSocket handshake
};

/// Short name ("no_subprotocol") for logs and metrics labels.
[[nodiscard]] char const* to_string(upgrade_failure f) noexcept;

/// The check passed: what the session needs.
struct upgrade_accepted {
    /// The client's own spelling of the BFCP token from Sec-WebSocket-Protocol ("BFCP", "bfcp"),
    /// echoed in the 101 response (RFC 6455 §4.2.2: the server selects one offered value).
    /// Empty when the client offered none and the route serves such clients
    /// (subprotocol_route::without_subprotocol): the 101 then carries no Sec-WebSocket-Protocol.
    std::string subprotocol;
    /// The bearer token: ?token= first, then the cookie, then Authorization: Bearer. Empty
    /// only for a route that does not require one.
    std::string token;
    /// Index of the chosen route in the routes given to check_upgrade().
    std::size_t route = 0;
};

/// The check failed: the HTTP answer to send (Connection: close).
struct upgrade_rejected {
    upgrade_failure failure{};
    http_status status{};
    std::string body; ///< one human-readable line, text/plain
};

/// Outcome of check_upgrade().
using upgrade_outcome = std::variant<upgrade_accepted, upgrade_rejected>;

/// True when `req` asks for a WebSocket upgrade (GET, Connection: upgrade, Upgrade: websocket).
/// The listener sends requests for which this is false, on any path other than config.path, to
/// the app's HTTP handler.
[[nodiscard]] bool is_websocket_upgrade(http_request const& req) noexcept;

/// Checks `req` against `routes` and `cfg`, in this order: path (404 for an upgrade to a path
/// no route serves; 426 for a non-upgrade on a served path), Sec-WebSocket-Version 13 (426),
/// sub-protocol (400 unless an offered value, in the client's order, names a route at this
/// path: that route is chosen; with no Sec-WebSocket-Protocol at all, the first route at this
/// path that serves clients without one), Origin allowed (403), token present when the chosen route
/// requires one (401). Pure and thread-safe.
[[nodiscard]] upgrade_outcome check_upgrade(http_request const& req, upgrade_config const& cfg,
                                            std::span<subprotocol_route const> routes);

/// check_upgrade() with the one route bfcp_route(cfg.path) (RFC 8857).
[[nodiscard]] upgrade_outcome check_upgrade(http_request const& req, upgrade_config const& cfg);

/// The token of `req` (query, then cookie `cookie_name`, then Authorization: Bearer), or nullopt.
/// The query value is percent-decoded.
[[nodiscard]] std::optional<std::string> extract_token(http_request const& req,
                                                       std::string_view cookie_name);

/// The path of a request target (everything before '?').
[[nodiscard]] std::string_view target_path(std::string_view target) noexcept;

} // namespace ws
