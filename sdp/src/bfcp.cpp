#include <sdp/bfcp.hpp>
#include <sdp/write.hpp>

#include "chars.hpp"

#include <algorithm>
#include <array>

namespace sdp {
namespace {

using detail::iequals;

// An absent a=bfcpver means version 1 (RFC 8856 §5.5 on reliable transports; on UDP deployed
// endpoints that omit it speak 1 as well).
constexpr unsigned default_version = 1;

struct proto_name {
    transport kind;
    std::string_view text;
};
constexpr std::array<proto_name, 7> protos{{
    {transport::tcp, "TCP/BFCP"},
    {transport::tls, "TCP/TLS/BFCP"},
    {transport::ws, "TCP/WS/BFCP"},
    {transport::wss, "TCP/WSS/BFCP"},
    {transport::udp, "UDP/BFCP"},
    {transport::udp_tls, "UDP/TLS/BFCP"},
    {transport::tcp_dtls, "TCP/DTLS/BFCP"},
}};

/// IPv4 or IPv6, as an SDP c= addrtype names it ("IP4", "IP6").
enum class address_family { ip4, ip6 };

// The family of an IP literal or host name: a ':' makes it IPv6; a host name counts as IPv4.
address_family family_of(std::string_view address) noexcept
{
    return address.find(':') == std::string_view::npos ? address_family::ip4 : address_family::ip6;
}

bool is_websocket(transport t) noexcept
{
    return t == transport::ws || t == transport::wss;
}

// RFC 4145 / RFC 8856: a=setup and a=connection manage TCP connections; DTLS (RFC 8842) keeps
// a=setup for the handshake roles; plain UDP has neither.
bool has_setup(transport t) noexcept
{
    return t != transport::udp;
}

bool has_connection(transport t) noexcept
{
    return !is_datagram(t);
}

bool has_fingerprint(transport t) noexcept
{
    return t == transport::tls || t == transport::udp_tls;
}

bool ends_with_bfcp(std::string_view proto) noexcept
{
    return proto.size() >= 5 && iequals(proto.substr(proto.size() - 5), "/BFCP");
}

std::string line_name(bfcp_media const& m)
{
    std::string s = "m-line ";
    s += std::to_string(m.index + 1);
    s += " (";
    s += m.proto;
    s += ')';
    return s;
}

negotiation_error problem(error code, bfcp_media const& m, std::string_view what)
{
    return {code, line_name(m) + ": " + std::string(what)};
}

negotiation_error param_error(std::string_view what)
{
    return {error::bad_answer_params, "bad answer parameters: " + std::string(what)};
}

// --- attribute readers (RFC 8856 §5, RFC 4145 §§4-5). Each returns false on a malformed value.

bool read_roles(std::string_view v, floorctrl_roles& out)
{
    out = {};
    detail::sp_splitter sp(v);
    while (!sp.done()) {
        auto const role = sp.next();
        if (iequals(role, "c-only"))
            out.c_only = true;
        else if (iequals(role, "s-only"))
            out.s_only = true;
        else if (iequals(role, "c-s"))
            out.c_s = true;
        else
            return false;
    }
    return true;
}

std::optional<setup_role> read_setup(std::string_view v)
{
    for (auto s :
         {setup_role::active, setup_role::passive, setup_role::actpass, setup_role::holdconn})
        if (iequals(v, to_string(s))) return s;
    return std::nullopt;
}

std::optional<connection_mode> read_connection(std::string_view v)
{
    if (iequals(v, "new")) return connection_mode::fresh;
    if (iequals(v, "existing")) return connection_mode::existing;
    return std::nullopt;
}

std::optional<floorid_line> read_floorid(std::string_view v)
{
    detail::sp_splitter sp(v);
    auto const id = detail::parse_decimal(sp.next(), 0xFFFF);
    if (!id) return std::nullopt;
    floorid_line out;
    out.floor = static_cast<std::uint16_t>(*id);
    if (sp.done()) return out;
    auto const stream = sp.next();
    auto const colon = stream.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto const keyword = stream.substr(0, colon);
    // RFC 8856 §5.4 writes "mstrm"; RFC 4583's example wrote "m-stream". Accept both.
    if (!iequals(keyword, "mstrm") && !iequals(keyword, "m-stream")) return std::nullopt;
    out.keyword = std::string(keyword);
    auto label = stream.substr(colon + 1);
    while (true) {
        if (!detail::is_token(label)) return std::nullopt;
        out.labels.emplace_back(label);
        if (sp.done()) break;
        label = sp.next();
    }
    return out;
}

bool read_versions(std::string_view v, std::vector<unsigned>& out)
{
    detail::sp_splitter sp(v);
    while (!sp.done()) {
        auto const n = detail::parse_decimal(sp.next(), 255);
        if (!n || *n == 0) return false;
        out.push_back(static_cast<unsigned>(*n));
    }
    return true;
}

bool is_hex(char c) noexcept
{
    return detail::is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

// RFC 8122 §5: fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint, with
// hash-func a token and fingerprint = 2UHEX *(":" 2UHEX). Lower-case hex is accepted too
// (RFC 4572 senders wrote it).
bool is_fingerprint(std::string_view v) noexcept
{
    auto const sp = v.find(' ');
    if (sp == std::string_view::npos || !detail::is_token(v.substr(0, sp))) return false;
    auto const hex = v.substr(sp + 1);
    if (hex.size() % 3 != 2) return false;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        bool const ok = i % 3 == 2 ? hex[i] == ':' : is_hex(hex[i]);
        if (!ok) return false;
    }
    return true;
}

// The a=fingerprint lines of `fields`; false when one is malformed.
bool read_fingerprints(std::vector<field> const& fields, std::vector<std::string>& out)
{
    bool ok = true;
    for (auto const& f : fields) {
        if (f.type != 'a') continue;
        auto const a = split_attribute(f.value);
        if (a.name != "fingerprint") continue;
        if (is_fingerprint(a.value))
            out.emplace_back(a.value);
        else
            ok = false;
    }
    return ok;
}

std::string join_versions(std::vector<unsigned> const& versions)
{
    std::string out;
    for (auto const v : versions) {
        if (!out.empty()) out += ' ';
        out += std::to_string(v);
    }
    return out;
}

// The versions both sides speak, in the order `offered` lists them (an empty list means 1).
std::vector<unsigned> common_versions(std::vector<unsigned> const& offered, transport t)
{
    auto const ours = supported_versions(t);
    std::vector<unsigned> out;
    if (offered.empty()) {
        out.push_back(default_version);
        return out;
    }
    for (auto const v : offered)
        if (std::find(ours.begin(), ours.end(), v) != ours.end() &&
            std::find(out.begin(), out.end(), v) == out.end())
            out.push_back(v);
    return out;
}

// The version the server speaks first: the highest common one (1 when none is listed).
unsigned first_version(std::vector<unsigned> const& common) noexcept
{
    return common.empty() ? default_version : *std::max_element(common.begin(), common.end());
}

// The offerer's c= address for media `index`: the media-level c=, else the session-level c=.
// The c= that applies to m-line `index` (RFC 8866 §5.7): the media-level one, else the
// session-level one; nullopt when there is neither. Views into `d`.
std::optional<connection_data> connection_of(description const& d, std::size_t index)
{
    auto from = [](std::vector<field> const& fields) -> std::optional<connection_data> {
        for (auto const& f : fields) {
            if (f.type != 'c') continue;
            if (auto c = parse_connection(f.value)) return *c;
        }
        return std::nullopt;
    };
    if (index < d.media.size()) {
        if (auto c = from(d.media[index].fields)) return c;
    }
    return from(d.fields);
}

std::string connection_address(description const& d, std::size_t index)
{
    auto const c = connection_of(d, index);
    return c ? std::string(c->address) : std::string();
}

// The address family an offer names for m-line `index` (its c= addrtype, RFC 8866 §5.7);
// nullopt when it has no c=.
std::optional<address_family> offered_family(description const& d, std::size_t index)
{
    auto const c = connection_of(d, index);
    if (!c) return std::nullopt;
    return iequals(c->addrtype, "IP6") ? address_family::ip6 : address_family::ip4;
}

void inspect_attributes(media_description const& md, bfcp_media& m)
{
    auto const bad = [&](std::string_view what) {
        if (!m.problem) m.problem = problem(error::bad_bfcp_attribute, m, what);
    };
    bool seen_setup = false, seen_connection = false, seen_confid = false, seen_userid = false,
         seen_version = false, seen_uri = false, seen_tls_id = false;
    // RFC 8842 §4: only DTLS uses a=tls-id; elsewhere a bad one harms nothing.
    bool const tls_id_applies = m.transport_kind == transport::udp_tls;
    // What does not apply to the transport (a=setup on UDP, a=connection on UDP and DTLS) is
    // read but never refused: endpoints write them anyway (Cisco: setup:actpass on UDP).
    bool const setup_applies = !m.transport_kind || has_setup(*m.transport_kind);
    bool const connection_applies = !m.transport_kind || has_connection(*m.transport_kind);
    for (auto const& f : md.fields) {
        if (f.type != 'a') continue;
        auto const a = split_attribute(f.value);
        if (a.name == "floorctrl") {
            if (m.roles_present) bad("a=floorctrl appears twice");
            m.roles_present = true;
            if (!read_roles(a.value, m.roles))
                bad("a=floorctrl must list c-only, s-only or c-s separated by single spaces");
        } else if (a.name == "setup") {
            if (seen_setup && setup_applies) bad("a=setup appears twice");
            seen_setup = true;
            m.setup = read_setup(a.value);
            if (!m.setup && setup_applies)
                bad("a=setup must be active, passive, actpass or holdconn");
        } else if (a.name == "connection") {
            if (seen_connection && connection_applies) bad("a=connection appears twice");
            seen_connection = true;
            m.connection = read_connection(a.value);
            if (!m.connection && connection_applies) bad("a=connection must be new or existing");
        } else if (a.name == "confid") {
            if (seen_confid) bad("a=confid appears twice");
            seen_confid = true;
            auto const v = detail::parse_decimal(a.value, 0xFFFFFFFF);
            if (!v)
                bad("a=confid must be a decimal number in 0..4294967295");
            else
                m.conference_id = static_cast<std::uint32_t>(*v);
        } else if (a.name == "userid") {
            if (seen_userid) bad("a=userid appears twice");
            seen_userid = true;
            auto const v = detail::parse_decimal(a.value, 0xFFFF);
            if (!v)
                bad("a=userid must be a decimal number in 0..65535");
            else
                m.user_id = static_cast<std::uint16_t>(*v);
        } else if (a.name == "floorid") {
            auto fl = read_floorid(a.value);
            if (!fl)
                bad("a=floorid must be <number> [mstrm:<label>...]");
            else
                m.floors.push_back(std::move(*fl));
        } else if (a.name == "bfcpver") {
            if (seen_version) bad("a=bfcpver appears twice");
            seen_version = true;
            if (!read_versions(a.value, m.versions))
                bad("a=bfcpver must list version numbers in 1..255");
        } else if (a.name == "websocket-uri") {
            if (seen_uri) bad("a=websocket-uri appears twice");
            seen_uri = true;
            m.websocket_uri = std::string(a.value);
        } else if (a.name == "tls-id" && tls_id_applies) {
            if (seen_tls_id) bad("a=tls-id appears twice");
            seen_tls_id = true;
            if (!is_tls_id(a.value))
                bad("a=tls-id must be 20 to 255 characters of A-Z a-z 0-9 + / - _ (RFC 8842)");
            else
                m.tls_id = std::string(a.value);
        }
    }
    // Only TLS and DTLS check the peer's certificate; elsewhere a bad fingerprint harms nothing.
    if (!read_fingerprints(md.fields, m.fingerprints) && m.transport_kind &&
        has_fingerprint(*m.transport_kind))
        bad("a=fingerprint must be <hash-func> <2 hex digits>*(:<2 hex digits>) (RFC 8122)");
}

// --- parameter checks (local configuration, not the peer's fault) ---

// RFC 3986 §2.3 unreserved: tokens go into a URI query unescaped.
bool is_url_safe_token(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (char const c : s) {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || detail::is_digit(c) ||
                        c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) return false;
    }
    return true;
}

bool is_host_char(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || detail::is_digit(c) || c == '-' ||
           c == '.' || c == ':' || c == '[' || c == ']';
}

std::optional<negotiation_error> check_websocket(websocket_endpoint const& e, bool secure)
{
    std::string_view const scheme = secure ? "wss" : "ws";
    if (e.host.empty()) return param_error(std::string(scheme) + " host is empty");
    for (char const c : e.host)
        if (!is_host_char(c)) return param_error(std::string(scheme) + " host has a bad character");
    // RFC 8124 §6 / RFC 7525 §6.1: the client verifies the server certificate against the host
    // name in the URI, so a wss URI must carry a name, not an address.
    if (secure && is_ip_literal(e.host))
        return param_error("wss host must be a host name, not an IP address");
    if (!e.path.empty() && e.path[0] != '/' && e.path[0] != '?')
        return param_error(std::string(scheme) + " path must start with '/'");
    for (char const c : e.path)
        if (!detail::is_visible_ascii(std::string_view(&c, 1)) || c == '#' || c == '"' || c == '\\')
            return param_error(std::string(scheme) + " path has a bad character");
    return std::nullopt;
}

// The listener that serves transport `t` (TCP, TLS, UDP or UDP/TLS) to an offerer of address
// family `wanted`: TCP and TLS have one; UDP and UDP/TLS the first of their family (any family
// when `wanted` is nullopt, i.e. the offer has no c=). nullptr when there is none.
listener_endpoint const* listener_of(transport t, answer_params const& p,
                                     std::optional<address_family> wanted) noexcept
{
    switch (t) {
    case transport::tls:
        return &p.tls;
    case transport::tcp:
        return &p.tcp;
    case transport::udp:
    case transport::udp_tls: {
        auto const& all = t == transport::udp ? p.udp : p.dtls;
        for (auto const& l : all) {
            auto const family = family_of(l.address.empty() ? p.address : l.address);
            if (!wanted || family == *wanted) return &l;
        }
        return nullptr;
    }
    default:
        return nullptr;
    }
}

// Every listener configured for transport `t` (TCP, TLS, UDP or UDP/TLS).
std::vector<listener_endpoint const*> listeners_of(transport t, answer_params const& p)
{
    std::vector<listener_endpoint const*> out;
    if (!is_datagram(t)) {
        out.push_back(listener_of(t, p, std::nullopt));
        return out;
    }
    for (auto const& l : t == transport::udp ? p.udp : p.dtls)
        out.push_back(&l);
    return out;
}

std::optional<negotiation_error> check_params(answer_params const& p)
{
    if (!detail::is_visible_ascii(p.address)) return param_error("address is empty or not ASCII");
    if (!detail::is_visible_ascii(p.username)) return param_error("username is empty or not ASCII");
    if (!detail::is_ascii_text(p.session_name)) return param_error("session name is not ASCII");
    if (p.transports.empty()) return param_error("no transport enabled");
    if (!p.tls_fingerprint.empty() && !is_fingerprint(p.tls_fingerprint))
        return param_error("TLS fingerprint is not <hash-func> <hex>:<hex>...");
    bool any_websocket = false;
    for (auto const t : p.transports) {
        if (!is_supported(t))
            return param_error(std::string(to_proto(t)) + " cannot be enabled (not supported)");
        if (t == transport::wss || t == transport::ws) {
            any_websocket = true;
            if (auto e = check_websocket(t == transport::wss ? p.wss : p.ws, t == transport::wss))
                return e;
        } else {
            auto const all = listeners_of(t, p);
            if (all.empty()) return param_error(std::string(to_proto(t)) + " has no listener");
            for (auto const* l : all) {
                if (l->port == 0)
                    return param_error(std::string(to_proto(t)) + " listener port is 0");
                if (!l->address.empty() && !detail::is_visible_ascii(l->address))
                    return param_error(std::string(to_proto(t)) + " listener address is not ASCII");
            }
            // RFC 8842 §5: the DTLS answerer names its certificate; the peer checks it.
            if (t == transport::udp_tls && p.tls_fingerprint.empty())
                return param_error("UDP/TLS/BFCP needs the certificate fingerprint");
            // RFC 8842 §5.2, §5.3: every DTLS offer and answer carries the writer's tls-id.
            if (t == transport::udp_tls && !is_tls_id(p.tls_id))
                return param_error("UDP/TLS/BFCP needs a tls-id of 20 to 255 characters of A-Z "
                                   "a-z 0-9 + / - _");
            if (t == transport::udp_tls && p.previous && !p.previous->tls_id.empty() &&
                !is_tls_id(p.previous->tls_id))
                return param_error("previous tls-id is not a tls-id value");
        }
    }
    if (any_websocket && !is_url_safe_token(p.token))
        return param_error("token is empty or has characters outside A-Z a-z 0-9 - . _ ~");
    if (p.previous && is_websocket(p.previous->kind) && !is_url_safe_token(p.previous->token))
        return param_error("previous token has characters outside A-Z a-z 0-9 - . _ ~");
    for (auto const& f : p.floors) {
        if (!f.label.empty() && !detail::is_token(f.label))
            return param_error("floor label is not an SDP token");
        if (!f.content.empty() && !detail::is_token(f.content))
            return param_error("floor content match is not an SDP token");
    }
    return std::nullopt;
}

std::string addrtype_of(std::string_view address)
{
    return address.find(':') == std::string_view::npos ? "IP4" : "IP6";
}

std::string websocket_uri(transport t, answer_params const& p, std::string_view token)
{
    bool const secure = t == transport::wss;
    auto const& e = secure ? p.wss : p.ws;
    std::string uri = secure ? "wss://" : "ws://";
    bool const v6 = e.host.find(':') != std::string::npos && e.host.front() != '[';
    if (v6) uri += '[';
    uri += e.host;
    if (v6) uri += ']';
    std::uint16_t const default_port = secure ? 443 : 80;
    if (e.port != 0 && e.port != default_port) {
        uri += ':';
        uri += std::to_string(e.port);
    }
    uri += e.path;
    uri += e.path.find('?') == std::string::npos ? '?' : '&';
    uri += "token=";
    uri += token;
    return uri;
}

// The m= port answered or offered for `t`; `l` is its listener (nullptr for WS/WSS).
std::uint16_t port_of(transport t, answer_params const& p, listener_endpoint const* l)
{
    switch (t) {
    case transport::tcp:
    case transport::tls:
    case transport::udp:
    case transport::udp_tls:
        return l != nullptr ? l->port : std::uint16_t{0};
    case transport::ws:
        return p.ws.port != 0 ? p.ws.port : std::uint16_t{80};
    case transport::wss:
        return p.wss.port != 0 ? p.wss.port : std::uint16_t{443};
    default:
        return 0;
    }
}

session_origin origin_of(answer_params const& p)
{
    return session_origin{
        p.username, std::to_string(p.session_id), std::to_string(p.session_version),
        "IN",       addrtype_of(p.address),       p.address};
}

description skeleton(answer_params const& p)
{
    description d;
    d.origin = origin_of(p);
    d.session_name = p.session_name;
    d.fields.push_back(field{'c', "IN " + addrtype_of(p.address) + " " + p.address});
    d.fields.push_back(field{'t', "0 0"});
    return d;
}

// The answerer's BFCP attributes, in the order of the RFC 8857 §7.2 example.
// Setup, connection and fingerprint depend on the transport: setup:passive except on plain UDP,
// connection only on reliable transports, fingerprint on TLS and DTLS.
// `l` is the listener of `t` (nullptr for WS/WSS): its address goes into a media-level c=
// when it is not the session's.
void add_bfcp_attributes(media_description& m, transport t, answer_params const& p,
                         listener_endpoint const* l, connection_mode conn, std::string const& uri,
                         std::string_view tls_id, std::vector<floor_binding> const& floors,
                         std::string_view keyword, std::vector<unsigned> const& versions)
{
    if (l != nullptr && !l->address.empty() && l->address != p.address)
        m.fields.push_back(field{'c', "IN " + addrtype_of(l->address) + " " + l->address});
    if (has_setup(t)) m.fields.push_back(field{'a', "setup:passive"});
    if (has_connection(t))
        m.fields.push_back(field{'a', "connection:" + std::string(to_string(conn))});
    if (has_fingerprint(t) && !p.tls_fingerprint.empty())
        m.fields.push_back(field{'a', "fingerprint:" + p.tls_fingerprint});
    if (!tls_id.empty()) m.fields.push_back(field{'a', "tls-id:" + std::string(tls_id)});
    if (!uri.empty()) m.fields.push_back(field{'a', "websocket-uri:" + uri});
    m.fields.push_back(field{'a', "floorctrl:s-only"});
    m.fields.push_back(
        field{'a', "confid:" + std::to_string(floorctl::to_underlying(p.conference))});
    m.fields.push_back(field{'a', "userid:" + std::to_string(floorctl::to_underlying(p.user))});
    for (auto const& f : floors) {
        std::string v = "floorid:" + std::to_string(floorctl::to_underlying(f.id));
        if (!f.label.empty()) {
            v += ' ';
            v += keyword;
            v += ':';
            v += f.label;
        }
        m.fields.push_back(field{'a', std::move(v)});
    }
    m.fields.push_back(field{'a', "bfcpver:" + join_versions(versions)});
}

bool has_content(media_description const& m, std::string_view wanted)
{
    for (auto const& f : m.fields) {
        if (f.type != 'a') continue;
        auto const a = split_attribute(f.value);
        if (a.name != "content") continue;
        // RFC 4796 §5: content = mediacnt-tag *("," mediacnt-tag)
        std::string_view rest = a.value;
        while (true) {
            auto const comma = rest.find(',');
            if (iequals(rest.substr(0, comma), wanted)) return true;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

// RFC 8856 §5.4: mstrm points at the a=label (RFC 4574) of a media stream. A floor configured
// with a content match takes the label of the offered stream with that a=content (e.g. slides).
std::vector<floor_binding> bind_floors(description const* offered,
                                       std::vector<floor_spec> const& specs)
{
    std::vector<floor_binding> out;
    out.reserve(specs.size());
    for (auto const& s : specs) {
        floor_binding b{s.id, s.label, std::nullopt};
        if (offered != nullptr) {
            for (std::size_t i = 0; i < offered->media.size(); ++i) {
                auto const& m = offered->media[i];
                if (ends_with_bfcp(m.proto)) continue;
                auto const label = find_attribute(m.fields, "label");
                if (!label) continue;
                bool const match = !s.content.empty() ? has_content(m, s.content)
                                                      : (!s.label.empty() && *label == s.label);
                if (match) {
                    if (!detail::is_token(*label)) continue;
                    b.label = std::string(*label);
                    b.media_index = i;
                    break;
                }
            }
        }
        out.push_back(std::move(b));
    }
    return out;
}

// Why offered line `m` cannot be answered, or nullopt. `family` is the address family of its
// c= (nullopt: none).
std::optional<negotiation_error> evaluate(bfcp_media const& m, answer_params const& p,
                                          std::optional<address_family> family)
{
    if (m.port == 0) return problem(error::stream_disabled, m, "disabled by the offerer (port 0)");
    if (!m.transport_kind)
        return problem(error::unsupported_transport, m, "unknown BFCP transport");
    if (!is_supported(*m.transport_kind))
        return problem(error::unsupported_transport, m,
                       "transport not supported (floorctl serves TCP, TLS, WS, WSS, UDP and "
                       "UDP/TLS)");
    if (std::find(p.transports.begin(), p.transports.end(), *m.transport_kind) ==
        p.transports.end())
        return problem(error::unsupported_transport, m, "transport not enabled on this server");
    // A datagram peer sends from the address its c= names: only a listener of that family can
    // receive it (docs/sdp.md, "Address family").
    if (is_datagram(*m.transport_kind) && listener_of(*m.transport_kind, p, family) == nullptr)
        return problem(error::unsupported_transport, m,
                       family == address_family::ip6
                           ? "no listener for an IPv6 peer (the offer's c= is IN IP6)"
                           : "no listener for an IPv4 peer (the offer's c= is IN IP4)");
    if (m.problem) return m.problem;
    // RFC 8856 §5.1 table: an s-only offerer needs a c-only answerer; floorctl is a server.
    if (!m.roles.c_only && !m.roles.c_s)
        return problem(error::role_conflict, m,
                       "offer allows only floorctrl:s-only but floorctl is a floor control server");
    auto const t = *m.transport_kind;
    // RFC 4145 §4.1: absent setup in an offer means active. Plain UDP has no connection to set
    // up: a=setup there (Cisco sends actpass) is tolerated and ignored.
    auto const setup = m.setup.value_or(setup_role::active);
    if (has_setup(t) && setup == setup_role::passive)
        return problem(error::setup_conflict, m,
                       t == transport::udp_tls
                           ? "setup:passive asks floorctl to be the DTLS client; floorctl is "
                             "always the DTLS server"
                           : "setup:passive asks floorctl to connect out; floorctl only accepts "
                             "connections");
    if (has_setup(t) && setup == setup_role::holdconn)
        return problem(error::setup_conflict, m, "setup:holdconn is not supported");
    // RFC 8842 §5 / RFC 8122: the DTLS client's certificate is checked against the offer's
    // fingerprint; without one nobody could be authenticated.
    if (t == transport::udp_tls && m.fingerprints.empty())
        return problem(error::bad_bfcp_attribute, m, "UDP/TLS/BFCP needs a=fingerprint (RFC 8842)");
    // RFC 8856 §5.5 / §10: the answer lists the versions both sides speak.
    if (common_versions(m.versions, t).empty())
        return problem(error::version_mismatch, m,
                       is_datagram(t) ? "no common BFCP version (floorctl supports versions 1 "
                                        "and 2 on UDP)"
                                      : "no common BFCP version (floorctl supports version 1 on "
                                        "TCP and WebSocket)");
    return std::nullopt;
}

} // namespace

std::string_view to_proto(transport t) noexcept
{
    for (auto const& p : protos)
        if (p.kind == t) return p.text;
    return "?";
}

std::optional<transport> transport_from_proto(std::string_view proto) noexcept
{
    for (auto const& p : protos)
        if (iequals(proto, p.text)) return p.kind;
    return std::nullopt;
}

bool is_supported(transport t) noexcept
{
    return t != transport::tcp_dtls;
}

bool is_datagram(transport t) noexcept
{
    return t == transport::udp || t == transport::udp_tls;
}

std::vector<unsigned> supported_versions(transport t)
{
    if (is_datagram(t)) return {1, 2};
    return {1};
}

std::string_view to_string(setup_role s) noexcept
{
    switch (s) {
    case setup_role::active:
        return "active";
    case setup_role::passive:
        return "passive";
    case setup_role::actpass:
        return "actpass";
    case setup_role::holdconn:
        return "holdconn";
    }
    return "?";
}

std::string_view to_string(connection_mode c) noexcept
{
    return c == connection_mode::existing ? "existing" : "new";
}

bool is_tls_id(std::string_view v) noexcept
{
    // RFC 8842 §4: tls-id-value = 20*255(tls-id-char); tls-id-char = ALPHA / DIGIT / "+" / "/" /
    // "-" / "_".
    if (v.size() < 20 || v.size() > 255) return false;
    for (char const c : v) {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || detail::is_digit(c) ||
                        c == '+' || c == '/' || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

bool is_ip_literal(std::string_view host) noexcept
{
    if (host.empty()) return false;
    if (host.front() == '[' || host.find(':') != std::string_view::npos) return true;
    for (char const c : host)
        if (!detail::is_digit(c) && c != '.') return false;
    return true;
}

std::vector<bfcp_media> inspect_bfcp(description const& d)
{
    std::vector<bfcp_media> out;
    for (std::size_t i = 0; i < d.media.size(); ++i) {
        auto const& md = d.media[i];
        if (!ends_with_bfcp(md.proto)) continue;
        bfcp_media m;
        m.index = i;
        m.line = md.line;
        m.proto = md.proto;
        m.transport_kind = transport_from_proto(md.proto);
        m.port = md.port;
        inspect_attributes(md, m);
        // RFC 8122 §5: a=fingerprint may be written at session level for every stream.
        if (m.fingerprints.empty() && !read_fingerprints(d.fields, m.fingerprints) &&
            m.transport_kind && has_fingerprint(*m.transport_kind) && !m.problem)
            m.problem = problem(error::bad_bfcp_attribute, m,
                                "session-level a=fingerprint must be <hash-func> <2 hex "
                                "digits>*(:<2 hex digits>) (RFC 8122)");
        out.push_back(std::move(m));
    }
    return out;
}

negotiation_result<answer> make_answer(description const& offered, answer_params const& p)
{
    if (auto e = check_params(p)) return *e;
    auto const lines = inspect_bfcp(offered);
    if (lines.empty()) return negotiation_error{error::no_bfcp_stream, "offer has no BFCP m-line"};

    answer out;
    std::optional<std::size_t> best; // index into `lines`
    std::size_t best_rank = 0;
    for (auto const& m : lines) {
        line_outcome o;
        o.index = m.index;
        o.reason = evaluate(m, p, offered_family(offered, m.index));
        if (!o.reason) {
            auto const rank = static_cast<std::size_t>(
                std::find(p.transports.begin(), p.transports.end(), *m.transport_kind) -
                p.transports.begin());
            if (!best || rank < best_rank) {
                best = out.bfcp_lines.size();
                best_rank = rank;
            }
        }
        out.bfcp_lines.push_back(std::move(o));
    }
    if (!best) {
        negotiation_error e{error::stream_disabled, "no usable BFCP stream: "};
        bool code_set = false;
        for (std::size_t i = 0; i < out.bfcp_lines.size(); ++i) {
            auto const& r = *out.bfcp_lines[i].reason;
            if (!code_set && r.code != error::stream_disabled) {
                e.code = r.code;
                code_set = true;
            }
            if (i != 0) e.reason += "; ";
            e.reason += r.reason;
        }
        return e;
    }

    auto const& chosen = lines[*best];
    out.bfcp_lines[*best].accepted = true;
    out.kind = *chosen.transport_kind;
    out.media_index = chosen.index;

    // RFC 4145 §5 / RFC 8124 §4.5: keep the connection only when the offer asks for it and the
    // transport (hence the websocket-uri) is unchanged; otherwise a new one with a new token.
    // A datagram transport has no connection to renew (a=connection is TCP's): the same
    // transport keeps the participant's binding.
    // RFC 8842 §5.5: on UDP/TLS a re-offer keeps the DTLS association unless its tls-id differs
    // from the one the peer gave before (an offer that never wrote one keeps it, as RFC 5763
    // endpoints expect); a new association gets a new tls-id of ours (§5.3).
    bool const same_transport = p.previous && p.previous->kind == out.kind;
    bool const same_association = out.kind != transport::udp_tls ||
                                  (same_transport && chosen.tls_id == p.previous->peer_tls_id);
    bool const keep = same_transport && same_association &&
                      (is_datagram(out.kind) || chosen.connection == connection_mode::existing);
    out.connection = keep ? connection_mode::existing : connection_mode::fresh;
    if (out.kind == transport::udp_tls) {
        out.tls_id = keep && !p.previous->tls_id.empty() ? p.previous->tls_id : p.tls_id;
        out.peer_tls_id = chosen.tls_id;
    }
    if (is_websocket(out.kind)) {
        out.token = keep ? p.previous->token : p.token;
        out.websocket_uri = websocket_uri(out.kind, p, out.token);
    }
    out.floors = bind_floors(&offered, p.floors);
    auto const versions = common_versions(chosen.versions, out.kind);
    out.bfcp_version = first_version(versions);
    out.peer_address = connection_address(offered, chosen.index);
    out.peer_port = chosen.port;
    out.peer_fingerprints = chosen.fingerprints;

    // Answer with the keyword the offer used (RFC 4583 wrote m-stream, RFC 8856 writes mstrm).
    std::string_view keyword = "mstrm";
    for (auto const& f : chosen.floors)
        if (iequals(f.keyword, "m-stream")) keyword = "m-stream";

    description d = skeleton(p);
    d.media.reserve(offered.media.size());
    for (std::size_t i = 0; i < offered.media.size(); ++i) {
        auto const& om = offered.media[i];
        media_description m;
        m.media = om.media;
        m.proto = om.proto;
        m.formats = om.formats;
        // RFC 3264 §6: a refused stream is answered with port 0; floorctl carries no media.
        m.port = 0;
        if (i == out.media_index) {
            auto const* l = listener_of(out.kind, p, offered_family(offered, out.media_index));
            m.port = port_of(out.kind, p, l);
            add_bfcp_attributes(m, out.kind, p, l, out.connection, out.websocket_uri, out.tls_id,
                                out.floors, keyword, versions);
        }
        d.media.push_back(std::move(m));
    }
    out.sdp = write(d);
    return out;
}

negotiation_result<answer> answer_offer(std::string_view offer_text, answer_params const& p,
                                        limits const& lim)
{
    auto parsed = parse(offer_text, lim);
    if (!parsed)
        return negotiation_error{parsed.error().code, "malformed SDP: " + parsed.error().message};
    return make_answer(*parsed, p);
}

negotiation_result<offer> make_offer(answer_params const& p)
{
    if (auto e = check_params(p)) return *e;
    offer out;
    out.kind = p.transports.front();
    out.media_index = 0;
    if (is_websocket(out.kind)) {
        out.token = p.token;
        out.websocket_uri = websocket_uri(out.kind, p, out.token);
    }
    out.floors = bind_floors(nullptr, p.floors);

    description d = skeleton(p);
    media_description m;
    m.media = "application";
    auto const* l = listener_of(out.kind, p, std::nullopt);
    m.port = port_of(out.kind, p, l);
    m.proto = std::string(to_proto(out.kind));
    m.formats = {"*"};
    // RFC 8124 §4 (offerless INVITE) / RFC 8857 §7: the server's offer is setup:passive with a
    // websocket-uri.
    auto versions = supported_versions(out.kind);
    std::reverse(versions.begin(), versions.end()); // "2 1" on UDP, as endpoints write it
    add_bfcp_attributes(m, out.kind, p, l, connection_mode::fresh, out.websocket_uri,
                        out.kind == transport::udp_tls ? std::string_view(p.tls_id)
                                                       : std::string_view(),
                        out.floors, "mstrm", versions);
    d.media.push_back(std::move(m));
    out.sdp = write(d);
    return out;
}

negotiation_result<accepted_answer> check_answer(offer const& sent, description const& reply)
{
    auto const ours = parse(sent.sdp);
    std::size_t const expected = ours ? ours->media.size() : sent.media_index + 1;
    if (reply.media.size() != expected)
        return negotiation_error{error::bad_answer,
                                 "answer has " + std::to_string(reply.media.size()) +
                                     " m-lines, the offer had " + std::to_string(expected)};
    auto const lines = inspect_bfcp(reply);
    auto const it = std::find_if(lines.begin(), lines.end(),
                                 [&](bfcp_media const& m) { return m.index == sent.media_index; });
    if (it == lines.end())
        return negotiation_error{error::bad_answer, "answer m-line " +
                                                        std::to_string(sent.media_index + 1) +
                                                        " is not BFCP"};
    auto const& m = *it;
    if (m.port == 0)
        return negotiation_error{error::answer_rejected,
                                 line_name(m) + ": BFCP stream rejected (port 0)"};
    if (m.transport_kind != sent.kind)
        return negotiation_error{error::bad_answer, line_name(m) +
                                                        ": proto differs from the offered " +
                                                        std::string(to_proto(sent.kind))};
    if (m.problem) return negotiation_error{error::bad_answer, m.problem->reason};
    // RFC 4145 §4.1: an answer without a=setup is passive, which cannot meet our passive side.
    if (has_setup(m.transport_kind.value_or(sent.kind)) && m.setup != setup_role::active)
        return negotiation_error{error::bad_answer,
                                 line_name(m) + ": answer must be setup:active (floorctl offered "
                                                "setup:passive)"};
    if (m.roles_present && !(m.roles == floorctrl_roles{true, false, false}))
        return negotiation_error{error::bad_answer,
                                 line_name(m) + ": answer must be floorctrl:c-only"};
    if (m.connection == connection_mode::existing)
        return negotiation_error{error::bad_answer,
                                 line_name(m) + ": connection:existing answers a connection:new "
                                                "offer"};
    if (sent.kind == transport::udp_tls && m.fingerprints.empty())
        return negotiation_error{error::bad_answer,
                                 line_name(m) + ": UDP/TLS/BFCP answer needs a=fingerprint"};
    auto const versions = common_versions(m.versions, sent.kind);
    if (versions.empty())
        return negotiation_error{error::version_mismatch,
                                 line_name(m) + ": answer bfcpver has no version floorctl speaks"};
    return accepted_answer{
        sent.kind, first_version(versions), connection_address(reply, sent.media_index),
        m.port,    m.fingerprints,          m.tls_id};
}

} // namespace sdp
