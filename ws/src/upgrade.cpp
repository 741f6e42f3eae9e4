#include <ws/upgrade.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <cctype>

namespace ws {

namespace http = boost::beast::http;

namespace {

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 §2.1. A malformed escape makes the whole value unusable rather than guessing.
std::optional<std::string> percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int const hi = hex_value(s[i + 1]);
        int const lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::optional<std::string> token_from_query(std::string_view target)
{
    auto const q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(q + 1);
    if (auto const frag = query.find('#'); frag != std::string_view::npos)
        query = query.substr(0, frag);
    while (!query.empty()) {
        auto const amp = query.find('&');
        std::string_view const pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto const eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != "token") continue;
        auto value = percent_decode(pair.substr(eq + 1));
        if (value && !value->empty()) return value;
        return std::nullopt;
    }
    return std::nullopt;
}

// RFC 6265 §5.4: "name=value; name2=value2".
std::optional<std::string> token_from_cookie(std::string_view header, std::string_view name)
{
    while (!header.empty()) {
        auto const semi = header.find(';');
        std::string_view const pair = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        auto const eq = pair.find('=');
        if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
        std::string_view value = trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (!value.empty()) return std::string{value};
    }
    return std::nullopt;
}

// RFC 6750 §2.1: "Bearer <token>", scheme case-insensitive.
std::optional<std::string> token_from_authorization(std::string_view header)
{
    header = trim(header);
    constexpr std::string_view scheme = "bearer";
    if (header.size() <= scheme.size() ||
        !boost::beast::iequals(header.substr(0, scheme.size()), scheme) ||
        (header[scheme.size()] != ' ' && header[scheme.size()] != '\t'))
        return std::nullopt;
    std::string_view const value = trim(header.substr(scheme.size()));
    if (value.empty()) return std::nullopt;
    return std::string{value};
}

upgrade_rejected reject(upgrade_failure f, http_status s, std::string body)
{
    return upgrade_rejected{f, s, std::move(body)};
}

} // namespace

char const* to_string(upgrade_failure f) noexcept
{
    switch (f) {
    case upgrade_failure::not_websocket:
        return "not_websocket";
    case upgrade_failure::bad_version:
        return "bad_version";
    case upgrade_failure::wrong_path:
        return "wrong_path";
    case upgrade_failure::no_subprotocol:
        return "no_subprotocol";
    case upgrade_failure::origin_forbidden:
        return "origin_forbidden";
    case upgrade_failure::no_token:
        return "no_token";
    case upgrade_failure::auth_denied:
        return "auth_denied";
    case upgrade_failure::header_too_large:
        return "header_too_large";
    case upgrade_failure::body_too_large:
        return "body_too_large";
    case upgrade_failure::limit_exceeded:
        return "limit_exceeded";
    case upgrade_failure::timeout:
        return "timeout";
    case upgrade_failure::malformed:
        return "malformed";
    }
    return "unknown";
}

std::string_view target_path(std::string_view target) noexcept
{
    auto const q = target.find_first_of("?#");
    return q == std::string_view::npos ? target : target.substr(0, q);
}

bool is_websocket_upgrade(http_request const& req) noexcept
{
    return boost::beast::websocket::is_upgrade(req);
}

std::optional<std::string> extract_token(http_request const& req, std::string_view cookie_name)
{
    if (auto t = token_from_query(req.target())) return t;
    if (!cookie_name.empty()) {
        auto const [first, last] = req.equal_range(http::field::cookie);
        for (auto it = first; it != last; ++it) {
            if (auto t = token_from_cookie(it->value(), cookie_name)) return t;
        }
    }
    if (auto it = req.find(http::field::authorization); it != req.end())
        return token_from_authorization(it->value());
    return std::nullopt;
}

subprotocol_route bfcp_route(std::string path)
{
    return subprotocol_route{"BFCP", std::move(path), true, "RFC 8857"};
}

namespace {

// "BFCP (RFC 8857)" for a path's only route, "BFCP or echo" for several.
std::string route_names(std::span<subprotocol_route const> routes, std::string_view path)
{
    std::string names;
    subprotocol_route const* only = nullptr;
    std::size_t n = 0;
    for (auto const& r : routes) {
        if (r.path != path) continue;
        if (n++ != 0) names += " or ";
        names += r.name;
        only = &r;
    }
    if (n == 1 && !only->reference.empty()) names += " (" + only->reference + ")";
    return names;
}

// A route at `path` named by an offered value, in the client's order, and its spelling; with
// nothing offered, the first route at `path` that serves clients without a sub-protocol.
std::optional<std::pair<std::size_t, std::string>>
choose_route(std::string_view offered, std::span<subprotocol_route const> routes,
             std::string_view path)
{
    if (offered.empty()) {
        for (std::size_t i = 0; i < routes.size(); ++i) {
            if (routes[i].path == path && routes[i].without_subprotocol)
                return std::pair{i, std::string{}};
        }
        return std::nullopt;
    }
    for (auto const& value : http::token_list{offered}) {
        for (std::size_t i = 0; i < routes.size(); ++i) {
            if (routes[i].path == path && boost::beast::iequals(value, routes[i].name))
                return std::pair{i, std::string{value}};
        }
    }
    return std::nullopt;
}

} // namespace

upgrade_outcome check_upgrade(http_request const& req, upgrade_config const& cfg,
                              std::span<subprotocol_route const> routes)
{
    bool const upgrade = is_websocket_upgrade(req);
    auto const path = target_path(req.target());
    bool const on_path = std::any_of(routes.begin(), routes.end(),
                                     [&](subprotocol_route const& r) { return r.path == path; });
    if (!on_path) {
        return reject(upgrade_failure::wrong_path, http_status::not_found,
                      "no WebSocket service at this path");
    }
    if (!upgrade) {
        // "this path only serves BFCP over WebSocket (RFC 8857)"
        auto names = route_names(routes, path);
        auto const paren = names.find(" (");
        auto body = "this path only serves " +
                    (paren == std::string::npos
                         ? names + " over WebSocket"
                         : names.substr(0, paren) + " over WebSocket" + names.substr(paren));
        return reject(upgrade_failure::not_websocket, http_status::upgrade_required,
                      std::move(body));
    }
    if (req[http::field::sec_websocket_version] != "13") {
        return reject(upgrade_failure::bad_version, http_status::upgrade_required,
                      "WebSocket version 13 required (RFC 6455)");
    }
    auto chosen = choose_route(req[http::field::sec_websocket_protocol], routes, path);
    if (!chosen) {
        return reject(upgrade_failure::no_subprotocol, http_status::bad_request,
                      "Sec-WebSocket-Protocol must offer " + route_names(routes, path));
    }
    if (!cfg.allowed_origins.empty()) {
        auto const it = req.find(http::field::origin);
        bool const allowed =
            it != req.end() && std::any_of(cfg.allowed_origins.begin(), cfg.allowed_origins.end(),
                                           [&](std::string const& o) {
                                               return boost::beast::iequals(o, it->value());
                                           });
        if (!allowed) {
            return reject(upgrade_failure::origin_forbidden, http_status::forbidden,
                          "Origin not allowed");
        }
    }
    auto token = extract_token(req, cfg.token_cookie);
    if (!token && routes[chosen->first].token_required) {
        return reject(upgrade_failure::no_token, http_status::unauthorized,
                      "a token is required (?token=, cookie or Authorization: Bearer)");
    }
    return upgrade_accepted{std::move(chosen->second), token ? std::move(*token) : std::string{},
                            chosen->first};
}

upgrade_outcome check_upgrade(http_request const& req, upgrade_config const& cfg)
{
    subprotocol_route const bfcp[] = {bfcp_route(cfg.path)};
    return check_upgrade(req, cfg, bfcp);
}

} // namespace ws
