#include <msrp/uri.hpp>

#include "chars.hpp"

namespace msrp {
namespace {

/// RFC 3986 unreserved.
bool is_unreserved(char c)
{
    return detail::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/// RFC 3986 sub-delims without ';', which ends the authority of an MSRP URI.
bool is_host_char(char c)
{
    return is_unreserved(c) || c == '%' || c == '!' || c == '$' || c == '&' || c == '\'' ||
           c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == '=';
}

bool is_userinfo_char(char c)
{
    return is_host_char(c) || c == ':' || c == ';';
}

/// RFC 4975 §9: session-id = 1*( unreserved / "+" / "=" / "/" ).
bool is_session_char(char c)
{
    return is_unreserved(c) || c == '+' || c == '=' || c == '/';
}

bool is_param_char(char c)
{
    return is_unreserved(c) || c == '=' || c == '+' || c == '%';
}

bool valid_host(std::string_view h)
{
    if (h.empty()) return false;
    if (h.front() == '[') {
        if (h.size() < 3 || h.back() != ']') return false;
        for (char c : h.substr(1, h.size() - 2)) {
            if (!detail::is_hex(c) && c != ':' && c != '.') return false;
        }
        return true;
    }
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (!is_host_char(h[i])) return false;
        if (h[i] == '%' &&
            (i + 2 >= h.size() || !detail::is_hex(h[i + 1]) || !detail::is_hex(h[i + 2]))) {
            return false;
        }
    }
    return true;
}

/// Lower case, with percent-encoded unreserved characters decoded (RFC 3986 §6.2.2.2).
std::string normalise_host(std::string_view h)
{
    std::string out;
    out.reserve(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (h[i] == '%' && i + 2 < h.size()) {
            auto const c =
                static_cast<char>(detail::hex_value(h[i + 1]) * 16 + detail::hex_value(h[i + 2]));
            if (is_unreserved(c)) {
                out.push_back(detail::lower(c));
                i += 2;
                continue;
            }
        }
        out.push_back(detail::lower(h[i]));
    }
    return out;
}

} // namespace

std::optional<uri> parse_uri(std::string_view text)
{
    uri u;
    auto const sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    auto const scheme = text.substr(0, sep);
    if (detail::iequals(scheme, "msrps")) {
        u.secure = true;
    } else if (!detail::iequals(scheme, "msrp")) {
        return std::nullopt;
    }
    auto rest = text.substr(sep + 3);

    // Userinfo cannot hold '/', so an '@' before the first '/' ends it; it may hold ';'.
    auto const slash = rest.find('/');
    if (auto const at = rest.substr(0, slash).rfind('@'); at != std::string_view::npos) {
        auto const info = rest.substr(0, at);
        if (info.empty()) return std::nullopt;
        for (char c : info) {
            if (!is_userinfo_char(c)) return std::nullopt;
        }
        u.userinfo = std::string(info);
        rest.remove_prefix(at + 1);
    }
    auto const auth_end = rest.find_first_of("/;");
    if (auth_end == std::string_view::npos) return std::nullopt; // a transport is mandatory
    auto hostport = rest.substr(0, auth_end);
    rest.remove_prefix(auth_end);

    std::string_view port_text;
    if (!hostport.empty() && hostport.front() == '[') {
        auto const close = hostport.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        auto const after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port_text = after.substr(1);
            if (port_text.empty()) return std::nullopt;
        }
        hostport = hostport.substr(0, close + 1);
    } else if (auto const colon = hostport.rfind(':'); colon != std::string_view::npos) {
        port_text = hostport.substr(colon + 1);
        if (port_text.empty()) return std::nullopt;
        hostport = hostport.substr(0, colon);
    }
    if (!valid_host(hostport)) return std::nullopt;
    u.host = std::string(hostport);
    if (!port_text.empty()) {
        auto const port = detail::parse_decimal(port_text, 65535);
        if (!port || *port == 0) return std::nullopt;
        u.port = static_cast<std::uint16_t>(*port);
    }

    if (rest.front() == '/') {
        auto const semi = rest.find(';');
        if (semi == std::string_view::npos) return std::nullopt;
        auto const sid = rest.substr(1, semi - 1);
        if (sid.empty()) return std::nullopt;
        for (char c : sid) {
            if (!is_session_char(c)) return std::nullopt;
        }
        u.session_id = std::string(sid);
        rest.remove_prefix(semi);
    }
    rest.remove_prefix(1); // ';'
    auto const next = rest.find(';');
    auto const transport = rest.substr(0, next);
    if (transport.empty()) return std::nullopt;
    for (char c : transport) {
        if (!detail::is_alnum(c)) return std::nullopt;
    }
    u.transport = std::string(transport);
    if (next != std::string_view::npos) {
        auto const params = rest.substr(next);
        // Each parameter: ";" token ["=" token], non-empty.
        for (std::size_t i = 0; i < params.size(); ++i) {
            char const c = params[i];
            if (c == ';') {
                if (i + 1 == params.size() || params[i + 1] == ';') return std::nullopt;
            } else if (!is_param_char(c)) {
                return std::nullopt;
            }
        }
        u.parameters = std::string(params);
    }
    return u;
}

std::string to_string(uri const& u)
{
    std::string out = u.secure ? "msrps://" : "msrp://";
    if (!u.userinfo.empty()) {
        out += u.userinfo;
        out += '@';
    }
    out += u.host;
    if (u.port) {
        out += ':';
        out += std::to_string(*u.port);
    }
    if (!u.session_id.empty()) {
        out += '/';
        out += u.session_id;
    }
    out += ';';
    out += u.transport;
    out += u.parameters;
    return out;
}

bool same_authority(uri const& a, uri const& b)
{
    return a.secure == b.secure && a.port == b.port && detail::iequals(a.transport, b.transport) &&
           normalise_host(a.host) == normalise_host(b.host);
}

bool equivalent(uri const& a, uri const& b)
{
    return same_authority(a, b) && a.session_id == b.session_id;
}

} // namespace msrp
