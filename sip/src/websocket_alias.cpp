#include <sip/websocket_alias.hpp>

#include "message_head.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace sip {

namespace {

using detail::header_field;
using detail::iequals;
using detail::message_head;
using detail::names;
using detail::split_top_level;
using detail::trim;
using detail::unfold;

/// URI parameters naming the connection and carrying the client's own Contact URI in an alias
/// (docs/sip-over-websocket.md, "Contact aliases").
constexpr std::string_view alias_param = "ws-alias";
constexpr std::string_view original_param = "ws-uri";

/// Host written in the Warning headers of the edge's own answers (RFC 3261 §20.43 warn-agent).
constexpr std::string_view warn_agent = "floorctl";

bool valid_utf8(std::string_view s) noexcept
{
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII eight bytes at a time: SIP messages are nearly all ASCII.
        if (i + 8 <= s.size()) {
            std::uint64_t w = 0;
            std::memcpy(&w, s.data() + i, sizeof w);
            if ((w & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1fu;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0fu;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            auto const d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0u) != 0x80u) return false;
            cp = (cp << 6) | (d & 0x3fu);
        }
        // Overlong forms, surrogates and code points above U+10FFFF (RFC 3629 §3).
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

std::string_view via_transport_name(websocket_transport t) noexcept
{
    return t == websocket_transport::ws ? "WS" : "WSS";
}

/// "host" or "[v6]" for a host written in a URI or a Via sent-by.
std::string uri_host(std::string_view host)
{
    if (host.find(':') != std::string_view::npos) return "[" + std::string(host) + "]";
    return std::string(host);
}

// ---- Via --------------------------------------------------------------------------------

/// One via-parm split into its sent-protocol transport and what follows it.
struct via_parts {
    std::string_view transport;
    std::string_view rest; ///< sent-by and via-params
};

/// Parses `SIP / 2.0 / transport LWS sent-by *(;param)` (RFC 3261 §20.42, LWS around "/").
std::optional<via_parts> parse_via(std::string_view v)
{
    std::array<std::string_view, 3> part;
    std::size_t i = 0;
    for (std::size_t k = 0; k < 3; ++k) {
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t'))
            ++i;
        auto const start = i;
        while (i < v.size() && v[i] != '/' && v[i] != ' ' && v[i] != '\t')
            ++i;
        part[k] = v.substr(start, i - start);
        if (part[k].empty()) return std::nullopt;
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t'))
            ++i;
        if (k < 2) {
            if (i >= v.size() || v[i] != '/') return std::nullopt;
            ++i;
        }
    }
    if (!iequals(part[0], "SIP") || part[1] != "2.0") return std::nullopt;
    auto const rest = trim(v.substr(i));
    if (rest.empty() || rest.front() == ';') return std::nullopt;
    return via_parts{part[2], rest};
}

bool is_websocket_transport(std::string_view t) noexcept
{
    return iequals(t, "WS") || iequals(t, "WSS");
}

/// The first via-parm of `value` with its transport replaced; with `peer`, received and rport
/// are set to the real peer (RFC 3261 §18.2.1, RFC 3581 §4). Empty when the Via is malformed.
std::optional<std::string> rewrite_top_via(std::string_view value, std::string_view transport,
                                           websocket_peer const* peer)
{
    auto const folded = unfold(value);
    auto const vias = split_top_level(folded, ',');
    auto const top = parse_via(vias.front());
    if (!top) return std::nullopt;
    std::string out = "SIP/2.0/";
    out += transport;
    out += ' ';
    auto const params = split_top_level(top->rest, ';');
    out += params.front();
    bool received = false;
    for (std::size_t i = 1; i < params.size(); ++i) {
        auto const p = params[i];
        auto const name = trim(p.substr(0, p.find('=')));
        if (peer && iequals(name, "received")) {
            out += ";received=" + peer->address;
            received = true;
        } else if (peer && iequals(name, "rport")) {
            out += ";rport=" + std::to_string(peer->port);
        } else {
            out += ';';
            out += p;
        }
    }
    if (peer && !received) out += ";received=" + peer->address;
    for (std::size_t i = 1; i < vias.size(); ++i) {
        out += ", ";
        out += vias[i];
    }
    return out;
}

// ---- URIs -------------------------------------------------------------------------------

/// A SIP URI cut where the rewriting needs it: `scheme:` `userinfo@` `hostport` `;params`
/// `?headers`.
struct uri_parts {
    std::string_view scheme;
    std::string_view userinfo; ///< without '@'; empty when none
    std::string_view hostport;
    std::vector<std::string_view> params; ///< each "name[=value]"
    std::string_view headers;             ///< with '?'; empty when none
};

std::optional<uri_parts> parse_sip_uri(std::string_view uri)
{
    uri_parts u;
    auto const colon = uri.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    u.scheme = uri.substr(0, colon);
    if (!iequals(u.scheme, "sip") && !iequals(u.scheme, "sips")) return std::nullopt;
    auto rest = uri.substr(colon + 1);
    if (auto const at = rest.find('@'); at != std::string_view::npos) {
        u.userinfo = rest.substr(0, at);
        rest.remove_prefix(at + 1);
    }
    if (auto const q = rest.find('?'); q != std::string_view::npos) {
        u.headers = rest.substr(q);
        rest = rest.substr(0, q);
    }
    auto const semi = rest.find(';');
    u.hostport = rest.substr(0, semi);
    if (u.hostport.empty()) return std::nullopt;
    if (semi != std::string_view::npos) {
        for (auto const p : split_top_level(rest.substr(semi + 1), ';'))
            if (!p.empty()) u.params.push_back(p);
    }
    return u;
}

std::string_view param_name(std::string_view p) noexcept
{
    return trim(p.substr(0, p.find('=')));
}

std::string_view param_value(std::string_view p) noexcept
{
    auto const eq = p.find('=');
    return eq == std::string_view::npos ? std::string_view{} : trim(p.substr(eq + 1));
}

std::string join_uri(uri_parts const& u, std::string_view hostport,
                     std::vector<std::string> const& params)
{
    std::string out(u.scheme);
    out += ':';
    if (!u.userinfo.empty()) {
        out += u.userinfo;
        out += '@';
    }
    out += hostport;
    for (auto const& p : params)
        out += ";" + p;
    out += u.headers;
    return out;
}

/// `uri` with its transport parameter set to `transport`, added if absent. With
/// `only_websocket`, only a transport=ws|wss is replaced and anything else is left alone.
std::string with_transport(std::string_view uri, std::string_view transport, bool only_websocket)
{
    auto const u = parse_sip_uri(uri);
    if (!u) return std::string(uri);
    std::vector<std::string> params;
    bool found = false;
    for (auto const p : u->params) {
        if (iequals(param_name(p), "transport")) {
            found = true;
            if (only_websocket && !is_websocket_transport(param_value(p))) return std::string(uri);
            params.push_back("transport=" + std::string(transport));
        } else {
            params.emplace_back(p);
        }
    }
    if (!found) {
        if (only_websocket) return std::string(uri);
        params.push_back("transport=" + std::string(transport));
    }
    return join_uri(*u, u->hostport, params);
}

bool escape_free(char c) noexcept
{
    // RFC 3261 §25.1 unreserved and param-unreserved: what a pvalue may carry unescaped.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-_.!~*'()[]/:&+$").find(c) != std::string_view::npos;
}

std::string escape(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char const c : s) {
        if (escape_free(c)) {
            out += c;
        } else {
            auto const b = static_cast<unsigned char>(c);
            out += '%';
            out += hex[b >> 4];
            out += hex[b & 0x0f];
        }
    }
    return out;
}

std::optional<std::string> unescape(std::string_view s)
{
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int const hi = digit(s[i + 1]);
        int const lo = digit(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

/// The alias sofia is given instead of a client's Contact URI: the loopback connection's
/// address over TCP, the connection's name and the original URI (so that it can be restored in
/// the Request-URI of in-dialog requests sofia sends).
std::string alias_uri(uri_parts const& original, std::string_view original_text,
                      websocket_peer const& peer)
{
    std::string out = "sip:";
    if (!original.userinfo.empty()) {
        out += original.userinfo;
        out += '@';
    }
    out += uri_host(peer.alias_host) + ":" + std::to_string(peer.alias_port);
    out += ";transport=tcp;";
    out += alias_param;
    out += '=';
    out += peer.connection;
    out += ';';
    out += original_param;
    out += '=';
    out += escape(original_text);
    return out;
}

/// One Contact header value with every URI replaced by its alias (RFC 3261 §20.10: name-addr,
/// or addr-spec whose ';' starts header parameters). Empty when a contact is malformed.
std::optional<std::string> alias_contacts(std::string_view value, websocket_peer const& peer)
{
    auto const folded = unfold(value);
    if (trim(folded) == "*") return std::string(trim(folded));
    std::string out;
    for (auto const c : split_top_level(folded, ',')) {
        std::string_view prefix, uri, suffix;
        if (auto const lt = c.find('<'); lt != std::string_view::npos) {
            auto const gt = c.find('>', lt);
            if (gt == std::string_view::npos) return std::nullopt;
            prefix = c.substr(0, lt);
            uri = c.substr(lt + 1, gt - lt - 1);
            suffix = c.substr(gt + 1);
        } else {
            auto const semi = c.find(';');
            uri = trim(c.substr(0, semi));
            suffix = semi == std::string_view::npos ? std::string_view{} : c.substr(semi);
        }
        auto const u = parse_sip_uri(uri);
        if (!u) return std::nullopt;
        if (!out.empty()) out += ", ";
        out += prefix;
        out += '<';
        out += alias_uri(*u, uri, peer);
        out += '>';
        out += suffix;
    }
    return out;
}

/// Every URI of a Contact value (floorctl's own) with transport=ws|wss.
std::string websocket_contacts(std::string_view value, std::string_view transport)
{
    auto const folded = unfold(value);
    if (trim(folded) == "*") return std::string(trim(folded));
    std::string out;
    for (auto const c : split_top_level(folded, ',')) {
        if (!out.empty()) out += ", ";
        if (auto const lt = c.find('<'); lt != std::string_view::npos) {
            auto const gt = c.find('>', lt);
            if (gt == std::string_view::npos) {
                out += c;
                continue;
            }
            out += c.substr(0, lt + 1);
            out += with_transport(c.substr(lt + 1, gt - lt - 1), transport, false);
            out += c.substr(gt);
        } else {
            // addr-spec: the URI ends at the first ';'. Written back as name-addr so that the
            // transport parameter belongs to the URI, not to the header.
            auto const semi = c.find(';');
            out += '<';
            out += with_transport(trim(c.substr(0, semi)), transport, false);
            out += '>';
            if (semi != std::string_view::npos) out += c.substr(semi);
        }
    }
    return out;
}

// ---- Answers ----------------------------------------------------------------------------

/// The fields a response copies from its request (RFC 3261 §8.2.6.2).
struct dialog_fields {
    std::vector<header_field const*> vias;
    header_field const* from = nullptr;
    header_field const* to = nullptr;
    header_field const* call_id = nullptr;
    header_field const* cseq = nullptr;
    [[nodiscard]] bool answerable() const noexcept
    {
        return !vias.empty() && from && to && call_id && cseq;
    }
};

dialog_fields dialog_fields_of(message_head const& head)
{
    dialog_fields f;
    for (auto const& h : head.headers) {
        if (names(h.name, "Via", 'v'))
            f.vias.push_back(&h);
        else if (names(h.name, "From", 'f') && !f.from)
            f.from = &h;
        else if (names(h.name, "To", 't') && !f.to)
            f.to = &h;
        else if (names(h.name, "Call-ID", 'i') && !f.call_id)
            f.call_id = &h;
        else if (iequals(h.name, "CSeq") && !f.cseq)
            f.cseq = &h;
    }
    return f;
}

bool has_tag(std::string_view to)
{
    // Header parameters follow the name-addr's '>' or, in an addr-spec, the first ';'.
    auto const gt = to.find('>');
    auto const params = gt == std::string_view::npos ? to : to.substr(gt + 1);
    auto const parts = split_top_level(params, ';');
    for (std::size_t i = gt == std::string_view::npos ? 1 : 0; i < parts.size(); ++i)
        if (iequals(param_name(parts[i]), "tag")) return true;
    return false;
}

/// A To tag for the edge's own answers: derived from the Call-ID (no clock, no randomness) so
/// that a retransmission gets the same answer (RFC 3261 §8.2.6.2).
std::string derived_tag(std::string_view call_id)
{
    std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
    for (char const c : call_id) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string tag = "ws";
    for (int i = 0; i < 12; ++i)
        tag += hex[(h >> (i * 4)) & 0xf];
    return tag;
}

/// A response to a request whose `f` is answerable, with `top_via` replacing the
/// first Via header's value when given.
std::string make_answer(dialog_fields const& f, int status, std::string_view phrase,
                        std::string_view warning, std::optional<std::string> const& top_via)
{
    std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(phrase) + "\r\n";
    for (auto const* v : f.vias) {
        if (v == f.vias.front() && top_via)
            out += "Via: " + *top_via + "\r\n";
        else
            out += "Via: " + unfold(v->value) + "\r\n";
    }
    out += "From: " + unfold(f.from->value) + "\r\n";
    out += "To: " + unfold(f.to->value);
    if (!has_tag(f.to->value)) out += ";tag=" + derived_tag(unfold(f.call_id->value));
    out += "\r\nCall-ID: " + unfold(f.call_id->value) + "\r\n";
    out += "CSeq: " + unfold(f.cseq->value) + "\r\n";
    if (!warning.empty()) {
        out += "Warning: 399 ";
        out += warn_agent;
        out += " \"";
        for (char const c : warning)
            if (c != '"' && c != '\\') out += c;
        out += "\"\r\n";
    }
    out += "Content-Length: 0\r\n\r\n";
    return out;
}

// ---- Rebuilding -------------------------------------------------------------------------

/// What changes in a message on its way through: a new start line, new values for some header
/// fields (by index), the body length.
struct rewrite {
    std::string start_line;
    std::vector<std::optional<std::string>> values; ///< per header; empty = copy verbatim
    std::size_t body_length = 0;
};

std::string rebuild(message_head const& head, rewrite const& r, std::string_view message)
{
    std::string out;
    out.reserve(message.size() + 128);
    out += r.start_line;
    out += "\r\n";
    for (std::size_t i = 0; i < head.headers.size(); ++i) {
        auto const& h = head.headers[i];
        if (names(h.name, "Content-Length", 'l')) continue;
        if (r.values[i]) {
            out += h.name;
            out += ": ";
            out += *r.values[i];
            out += "\r\n";
        } else {
            out += h.raw;
        }
    }
    out += "Content-Length: " + std::to_string(r.body_length) + "\r\n\r\n";
    out += message.substr(head.body_offset, r.body_length);
    return out;
}

/// Checks Content-Length against the body the WebSocket message carried (RFC 7118 §5: optional
/// over WebSocket). Returns the body length to forward, or the fault.
struct length_check {
    std::optional<std::size_t> length;
    std::string fault;
};

length_check check_length(message_head const& head, std::size_t available)
{
    std::optional<std::size_t> declared;
    for (auto const& h : head.headers) {
        if (!names(h.name, "Content-Length", 'l')) continue;
        auto const n = detail::parse_content_length(unfold(h.value));
        if (!n) return {std::nullopt, "malformed Content-Length"};
        if (declared && *declared != *n) return {std::nullopt, "conflicting Content-Length values"};
        declared = n;
    }
    if (!declared) return {available, {}};
    // RFC 3261 §18.3 (message transports): a short body is an error, extra octets are discarded.
    if (*declared > available) return {std::nullopt, "body shorter than Content-Length"};
    return {*declared, {}};
}

} // namespace

std::chrono::milliseconds flow_keep_alive_interval(std::chrono::milliseconds sip_idle) noexcept
{
    return std::max(sip_idle / 3, std::chrono::milliseconds{1});
}

std::string_view to_string(websocket_transport t) noexcept
{
    return t == websocket_transport::ws ? "ws" : "wss";
}

client_decision from_websocket(std::string_view message, bool text, websocket_peer const& peer,
                               websocket_limits const& limits)
{
    // RFC 6455 §8.1: a text message that is not UTF-8 fails the connection with 1007.
    if (text && !valid_utf8(message)) return close_client{1007, "text message is not UTF-8"};
    if (message.empty()) return drop_message{"empty message", true};
    if (message.find_first_not_of("\r\n") == std::string_view::npos) {
        // RFC 5626 §4.4.1 keep-alive: a CRLF CRLF "ping" is answered with a CRLF "pong"
        // (RFC 7118 §6 allows it next to WebSocket pings); a lone CRLF is a pong.
        if (message.find("\r\n\r\n") != std::string_view::npos) return answer_client{"\r\n"};
        return drop_message{"keep-alive pong", true};
    }

    auto const scanned = detail::scan_head(message, limits.max_headers);
    bool const oversize = message.size() > limits.max_message;
    if (!scanned.head) {
        if (oversize) return close_client{1009, "message too big"};
        return drop_message{"malformed message: " + scanned.error};
    }
    auto const& head = *scanned.head;
    auto const fields = dialog_fields_of(head);
    bool const answerable = head.request && head.method != "ACK" && fields.answerable();
    auto const client_via = [&]() -> std::optional<std::string> {
        if (fields.vias.empty()) return std::nullopt;
        return rewrite_top_via(fields.vias.front()->value, via_transport_name(peer.transport),
                               &peer);
    };
    auto const refuse = [&](int status, std::string_view phrase,
                            std::string const& fault) -> client_decision {
        if (!answerable || !client_via()) return drop_message{fault};
        auto answer = make_answer(fields, status, phrase, fault, client_via());
        bool const utf8 = valid_utf8(answer);
        return answer_client{std::move(answer), utf8};
    };

    if (oversize) {
        if (!answerable || !client_via()) return close_client{1009, "message too big"};
        return refuse(413, "Request Entity Too Large",
                      "message larger than " + std::to_string(limits.max_message) + " octets");
    }
    if (fields.vias.empty()) return drop_message{"message without Via"};
    auto const top_value = unfold(fields.vias.front()->value);
    auto const top = parse_via(split_top_level(top_value, ',').front());
    if (!top) return refuse(400, "Bad Request", "malformed Via");
    // RFC 7118 §5.2: a message on a WebSocket carries WS or WSS in its top Via (the client's own
    // in requests, the one floorctl wrote in responses).
    if (!is_websocket_transport(top->transport)) {
        if (!head.request) return drop_message{"response whose top Via is not WS or WSS"};
        return refuse(400, "Bad Request", "top Via transport must be WS or WSS (RFC 7118)");
    }
    if (!fields.answerable()) return drop_message{"message without From, To, Call-ID or CSeq"};

    auto const length = check_length(head, message.size() - head.body_offset);
    if (!length.length) {
        if (!head.request) return drop_message{"response with " + length.fault};
        return refuse(400, "Bad Request", length.fault);
    }

    rewrite r;
    r.body_length = *length.length;
    r.values.resize(head.headers.size());
    if (head.request) {
        r.start_line = std::string(head.method) + " " +
                       with_transport(head.request_uri, "tcp", true) + " SIP/2.0";
    } else {
        r.start_line = std::string(head.start_line);
    }
    for (std::size_t i = 0; i < head.headers.size(); ++i) {
        auto const& h = head.headers[i];
        if (&h == fields.vias.front()) {
            // received/rport are left to sofia: it fills them from the loopback peer, and
            // to_websocket() puts the real peer back into the responses.
            r.values[i] = rewrite_top_via(h.value, "TCP", nullptr);
        } else if (names(h.name, "Contact", 'm')) {
            auto v = alias_contacts(h.value, peer);
            if (!v) {
                if (!head.request) return drop_message{"response with a malformed Contact"};
                return refuse(400, "Bad Request", "malformed Contact");
            }
            r.values[i] = std::move(v);
        }
    }
    return forward_to_sip{rebuild(head, r, message)};
}

sip_decision to_websocket(std::string_view message, websocket_peer const& peer)
{
    auto const scanned = detail::scan_head(message, 1024);
    if (!scanned.head)
        return drop_message{"malformed message from the SIP stack: " + scanned.error};
    auto const& head = *scanned.head;
    auto const fields = dialog_fields_of(head);
    if (fields.vias.empty()) return drop_message{"message from the SIP stack without Via"};
    auto const transport = to_string(peer.transport);

    rewrite r;
    r.values.resize(head.headers.size());
    auto const length = check_length(head, message.size() - head.body_offset);
    if (!length.length) return drop_message{"message from the SIP stack with " + length.fault};
    r.body_length = *length.length;
    r.start_line = std::string(head.start_line);

    if (head.request) {
        // A request for a client's dialog goes to its alias; put the client's own URI back.
        auto const u = parse_sip_uri(head.request_uri);
        std::optional<std::string_view> conn, original;
        if (u) {
            for (auto const p : u->params) {
                if (iequals(param_name(p), alias_param)) conn = param_value(p);
                if (iequals(param_name(p), original_param)) original = param_value(p);
            }
        }
        if (conn || original) {
            auto const restored = original ? unescape(*original) : std::nullopt;
            if (!conn || *conn != peer.connection || !restored) {
                // RFC 5626 §11: the flow this dialog used is gone (the loopback port now serves
                // another WebSocket connection).
                if (head.method == "ACK" || !fields.answerable())
                    return drop_message{"request for another connection's alias"};
                return answer_sip{make_answer(fields, 430, "Flow Failed",
                                              "the WebSocket connection of this dialog is gone",
                                              std::nullopt)};
            }
            r.start_line = std::string(head.method) + " " + *restored + " SIP/2.0";
        }
    }
    for (std::size_t i = 0; i < head.headers.size(); ++i) {
        auto const& h = head.headers[i];
        if (&h == fields.vias.front()) {
            auto v = rewrite_top_via(h.value, via_transport_name(peer.transport),
                                     head.request ? nullptr : &peer);
            if (!v) return drop_message{"message from the SIP stack with a malformed Via"};
            r.values[i] = std::move(v);
        } else if (names(h.name, "Contact", 'm')) {
            r.values[i] = websocket_contacts(h.value, transport);
        }
    }
    auto out = rebuild(head, r, message);
    bool const text = valid_utf8(out);
    return send_to_client{std::move(out), text};
}

} // namespace sip
