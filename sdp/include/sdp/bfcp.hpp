#pragma once
/// @file bfcp.hpp
/// BFCP offer/answer for a floor control server (RFC 8856, RFC 8857, RFC 8124, RFC 4145).
///
/// floorctl is always the floor control server (`floorctrl:s-only`) and always the passive side
/// of the connection (`setup:passive`, and the DTLS server on UDP/TLS/BFCP): clients connect to
/// it. Over UDP/BFCP `a=setup`/`a=connection` do not apply (RFC 8856 uses them to manage TCP
/// connections); the caller binds the participant by the address the offer names. Everything
/// here is a pure function of its arguments: no I/O, no clock, no randomness (the caller supplies
/// tokens), no exceptions. Thread-safe. See docs/sdp.md for the decision table and examples.

#include <sdp/description.hpp>
#include <sdp/error.hpp>
#include <sdp/parse.hpp>

#include <floorctl/types.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdp {

/// Result type of the offer/answer functions.
template <class T> using negotiation_result = boost::system::result<T, negotiation_error>;

/// BFCP transports, named by their m= proto (RFC 8856 §4, RFC 8857 §6.1).
enum class transport {
    tcp,      ///< TCP/BFCP
    tls,      ///< TCP/TLS/BFCP
    ws,       ///< TCP/WS/BFCP (RFC 8857)
    wss,      ///< TCP/WSS/BFCP (RFC 8857)
    udp,      ///< UDP/BFCP (RFC 8856, RFC 8855 unreliable transport)
    udp_tls,  ///< UDP/TLS/BFCP: BFCP over DTLS (RFC 8856 §8, RFC 8842)
    tcp_dtls, ///< TCP/DTLS/BFCP: recognised, not supported (answered with port 0)
};

/// The m= proto of `t`, e.g. "TCP/WSS/BFCP".
[[nodiscard]] std::string_view to_proto(transport t) noexcept;
/// The transport named by an m= proto (ASCII case-insensitive); nullopt if it is not BFCP.
[[nodiscard]] std::optional<transport> transport_from_proto(std::string_view proto) noexcept;
/// True for the transports floorctl can serve (tcp, tls, ws, wss, udp, udp_tls).
[[nodiscard]] bool is_supported(transport t) noexcept;
/// True for the unreliable transports (udp, udp_tls): RFC 8855 §6.2 rules, bound by address.
[[nodiscard]] bool is_datagram(transport t) noexcept;
/// The BFCP versions floorctl speaks on `t`: {1} on reliable transports, {1, 2} on datagram
/// ones (RFC 8855 §5.1 ties 2 to UDP; deployed endpoints send 1 over UDP as well).
[[nodiscard]] std::vector<unsigned> supported_versions(transport t);

/// `a=setup` values, RFC 4145 §4.
enum class setup_role { active, passive, actpass, holdconn };
/// `a=connection` values, RFC 4145 §5.
enum class connection_mode { fresh /* "new" */, existing };
/// Text of a setup value ("active", ...).
[[nodiscard]] std::string_view to_string(setup_role s) noexcept;
/// Text of a connection value ("new" or "existing").
[[nodiscard]] std::string_view to_string(connection_mode c) noexcept;

/// `a=floorctrl` roles offered, RFC 8856 §5.1. An absent attribute means c-only.
struct floorctrl_roles {
    bool c_only = false; ///< "c-only": the offerer is a floor control client.
    bool s_only = false; ///< "s-only": the offerer is a floor control server.
    bool c_s = false;    ///< "c-s": the offerer can be either.
    friend bool operator==(floorctrl_roles const&, floorctrl_roles const&) = default;
};

/// One `a=floorid` line, RFC 8856 §5.3 (`floorid:<id> mstrm:<label>...`).
struct floorid_line {
    std::uint16_t floor = 0;         ///< The floor ID.
    std::string keyword;             ///< "mstrm" or RFC 4583's "m-stream"; empty if none.
    std::vector<std::string> labels; ///< Media stream labels (RFC 4574 a=label values).
    friend bool operator==(floorid_line const&, floorid_line const&) = default;
};

/// What one BFCP m-line says (any side, offer or answer). Produced by inspect_bfcp().
struct bfcp_media {
    std::size_t index = 0;                      ///< Index in description::media.
    std::size_t line = 0;                       ///< Line of the m= (0 if built in code).
    std::string proto;                          ///< As written.
    std::optional<transport> transport_kind;    ///< nullopt: a "/BFCP" proto we do not know.
    std::uint16_t port = 0;                     ///< m= port.
    bool roles_present = false;                 ///< a=floorctrl was present.
    floorctrl_roles roles{true, false, false};  ///< Roles (default c-only).
    std::optional<setup_role> setup;            ///< a=setup, nullopt when absent.
    std::optional<connection_mode> connection;  ///< a=connection, nullopt when absent.
    std::optional<std::uint32_t> conference_id; ///< a=confid.
    std::optional<std::uint16_t> user_id;       ///< a=userid.
    std::vector<floorid_line> floors;           ///< a=floorid lines in order.
    std::vector<unsigned> versions;             ///< a=bfcpver values; empty when absent.
    std::optional<std::string> websocket_uri;   ///< a=websocket-uri (RFC 8124 §3).
    /// a=fingerprint values as written ("SHA-256 4A:AD:..."; RFC 8122 §5), media level, else
    /// session level. Each checked: `<hash-func> 2HEX *(":" 2HEX)`.
    std::vector<std::string> fingerprints;
    /// a=tls-id (RFC 8842 §4, media level): the DTLS association the writer means; empty when
    /// absent. Checked on UDP/TLS/BFCP lines (is_tls_id()), ignored elsewhere.
    std::string tls_id;
    std::optional<negotiation_error> problem; ///< Set when an attribute above is malformed.
};

/// Every m-line whose proto ends in "/BFCP" (case-insensitive), inspected, in m-line order.
/// Malformed BFCP attributes do not fail the call: they set bfcp_media::problem.
[[nodiscard]] std::vector<bfcp_media> inspect_bfcp(description const& d);

/// One floor the server offers or answers.
struct floor_spec {
    floorctl::floor_id id{}; ///< The floor ID written in a=floorid.
    std::string label;       ///< mstrm label used when no media line matches; may be empty.
    std::string content;     ///< If non-empty: an offered media line with a=content:<content>
                             ///< (RFC 4796, e.g. "slides") and an a=label supplies the mstrm label.
};

/// Where WebSocket clients connect (RFC 8124 §3: ws-URI / wss-URI of RFC 6455 §3).
struct websocket_endpoint {
    std::string host;       ///< Host name; must not be an IP address for wss (certificate check).
    std::uint16_t port = 0; ///< 0 = default (443 for wss, 80 for ws); written only if not default.
    std::string path = "/"; ///< Absolute path, may be empty; may carry a query ("?x=y").
};

/// A TCP/BFCP, TCP/TLS/BFCP, UDP/BFCP or UDP/TLS/BFCP listener.
struct listener_endpoint {
    std::string address;    ///< IP address or host name for c=; empty = the origin address.
    std::uint16_t port = 0; ///< Listening port; must be non-zero when the transport is enabled.
    friend bool operator==(listener_endpoint const&, listener_endpoint const&) = default;
};

/// The connection a previous exchange set up (for re-INVITEs, RFC 4145 §5 / RFC 8124 §4.5).
struct established {
    transport kind = transport::wss; ///< Transport of that connection.
    std::string token;               ///< Token it was given.
    /// UDP/TLS/BFCP: our a=tls-id for the DTLS association of the dialog (answer::tls_id).
    std::string tls_id;
    /// UDP/TLS/BFCP: the peer's a=tls-id for it (answer::peer_tls_id); empty if it wrote none.
    std::string peer_tls_id;
};

/// Everything make_answer() and make_offer() need besides the offer.
struct answer_params {
    std::string username = "floorctl";    ///< o= username.
    std::uint64_t session_id = 0;         ///< o= sess-id (stable across the dialog).
    std::uint64_t session_version = 0;    ///< o= sess-version (increment per new SDP).
    std::string address;                  ///< Our address or host name for o= and session c=.
    std::string session_name = "-";       ///< s= value.
    floorctl::conference_id conference{}; ///< a=confid value.
    floorctl::user_id user{};             ///< a=userid value.
    std::vector<floor_spec> floors;       ///< One a=floorid line each, in this order.
    /// Enabled transports, most preferred first (e.g. wss, ws, tls, tcp, udp, udp_tls). Others
    /// are refused.
    std::vector<transport> transports{transport::wss, transport::ws,  transport::tls,
                                      transport::tcp, transport::udp, transport::udp_tls};
    websocket_endpoint wss; ///< Used for TCP/WSS/BFCP.
    websocket_endpoint ws;  ///< Used for TCP/WS/BFCP.
    listener_endpoint tcp;  ///< Used for TCP/BFCP.
    listener_endpoint tls;  ///< Used for TCP/TLS/BFCP.
    /// UDP/BFCP listeners in order of preference. A UDP/BFCP line is answered with the first
    /// whose address family is the offer's (the c= of the line, else the session c=: `IN IP6`
    /// wants an IPv6 address, anything else an IPv4 one; an empty address has the family of
    /// `address`); an offer without c= takes the first. With none of its family the line is
    /// refused (port 0). make_offer() offers the first.
    std::vector<listener_endpoint> udp;
    /// UDP/TLS/BFCP (BFCP over DTLS) listeners, chosen as `udp` is.
    std::vector<listener_endpoint> dtls;
    /// The certificate fingerprint of our TLS/DTLS certificate (RFC 8122 §5), e.g.
    /// "SHA-256 4A:AD:...". Written as `a=fingerprint:<value>` on a TCP/TLS/BFCP line when
    /// non-empty and on a UDP/TLS/BFCP line, where it is required (RFC 8842 §5). Not written for
    /// WSS, whose URI host is verified.
    std::string tls_fingerprint;
    /// Token for a new connection: the caller draws it (>= 128 random bits, URL-safe characters
    /// A-Z a-z 0-9 - . _ ~). Needed whenever a WebSocket transport may be chosen.
    std::string token;
    /// Our a=tls-id for a new DTLS association (RFC 8842 §4): the caller draws it (>= 120
    /// random bits; 20 to 255 characters of A-Z a-z 0-9 + / - _). Needed whenever UDP/TLS/BFCP
    /// may be chosen; a re-answer that keeps the association writes `previous->tls_id` instead.
    std::string tls_id;
    std::optional<established> previous; ///< Set on a re-offer within an existing dialog.
};

/// A floor as written in the answer and what it is linked to.
struct floor_binding {
    floorctl::floor_id id{};                ///< Floor ID.
    std::string label;                      ///< mstrm label written (empty: none written).
    std::optional<std::size_t> media_index; ///< Offer m-line carrying a=label:<label>, if any.
    friend bool operator==(floor_binding const&, floor_binding const&) = default;
};

/// What happened to one offered BFCP m-line.
struct line_outcome {
    std::size_t index = 0;                   ///< Index in description::media.
    bool accepted = false;                   ///< True for the one line answered with a port.
    std::optional<negotiation_error> reason; ///< Why it was refused (nullopt if accepted or if
                                             ///< it was usable but a preferred line won).
};

/// The answer to an offer, and the decisions the caller must act on.
struct answer {
    std::string sdp;  ///< The answer text (CRLF), every offered m-line answered in order.
    transport kind{}; ///< Transport of the accepted BFCP line.
    std::size_t media_index = 0; ///< Index of the accepted m-line.
    /// existing: keep the current connection and its token (re-offer, same transport; on
    /// UDP/TLS/BFCP also the same peer tls-id); fresh: a new connection (a new DTLS association);
    /// the token below is new and the old one must be revoked.
    connection_mode connection = connection_mode::fresh;
    std::string token;         ///< Token in the websocket-uri (empty for TCP/TLS).
    std::string websocket_uri; ///< The a=websocket-uri value (empty for TCP/TLS).
    /// The BFCP version the server speaks first: the highest of the versions both sides list
    /// (the answer's `a=bfcpver`). 1 on reliable transports, and on UDP when the offer lists only
    /// 1 or no bfcpver at all; 2 when a UDP offer lists 2. A datagram layer still answers each
    /// peer in the version it last used.
    unsigned bfcp_version = 1;
    std::vector<floor_binding> floors;    ///< Floors as answered.
    std::vector<line_outcome> bfcp_lines; ///< One entry per offered BFCP m-line.
    /// The offerer's address for the accepted line: the c= of that m-line, else the session c=;
    /// empty when the offer has neither (the caller falls back to the SIP source address).
    /// Datagram transports bind the participant to this address (any port, latched on the first
    /// valid message: docs/sdp.md, "NAT rule").
    std::string peer_address;
    std::uint16_t peer_port = 0; ///< The m= port of the accepted line (the offerer's port).
    /// The offerer's a=fingerprint values for the accepted line (UDP/TLS/BFCP: at least one): the
    /// certificate the peer presents in the DTLS (or TLS) handshake must match one of them.
    std::vector<std::string> peer_fingerprints;
    /// UDP/TLS/BFCP: the a=tls-id written (RFC 8842 §5.3): `previous->tls_id` when the
    /// association is kept, else answer_params::tls_id. Empty on other transports.
    std::string tls_id;
    std::string peer_tls_id; ///< The offer's a=tls-id for the accepted line (empty: none).
};

/// Builds the answer to `offer` (RFC 3264 §6, RFC 8856 §§5-10, RFC 8857 §7, RFC 8124 §4).
///
/// Every m-line of the offer is answered in order: non-BFCP lines and refused BFCP lines with
/// port 0; the BFCP line whose transport comes first in `p.transports` (ties: first in the
/// offer) with `setup:passive`, `connection`, `websocket-uri` (WS/WSS), `floorctrl:s-only`,
/// `confid`, `userid`, `floorid` and `bfcpver`.
///
/// Fails with the reason of every refused line when no BFCP line is usable (SIP: 488 + Warning),
/// with no_bfcp_stream when there is none, and with bad_answer_params when `p` is unusable.
/// Pure; thread-safe.
[[nodiscard]] negotiation_result<answer> make_answer(description const& offered,
                                                     answer_params const& p);

/// parse() then make_answer(); a parse error becomes a negotiation_error whose reason is
/// "malformed SDP: line N: ...". Convenience for the SIP adapter.
[[nodiscard]] negotiation_result<answer>
answer_offer(std::string_view offer_text, answer_params const& p, limits const& lim = {});

/// An offer made by floorctl for an offerless INVITE (RFC 8124 §4, RFC 8857 §7).
struct offer {
    std::string sdp;             ///< The offer text (CRLF).
    transport kind{};            ///< Transport offered (the first of answer_params::transports).
    std::size_t media_index = 0; ///< Index of the BFCP m-line (always 0).
    std::string token;           ///< Token in the websocket-uri (empty for TCP/TLS).
    std::string websocket_uri;   ///< The a=websocket-uri value (empty for TCP/TLS).
    std::vector<floor_binding> floors; ///< Floors offered.
};

/// Builds an offer with one BFCP m-line on the preferred transport: `setup:passive` (not on
/// UDP/BFCP), `connection:new` (reliable transports), `fingerprint` (TLS, UDP/TLS),
/// `tls-id` (UDP/TLS, answer_params::tls_id), `websocket-uri` for WS/WSS, `floorctrl:s-only`,
/// `confid`, `userid`, one `floorid` per floor (`mstrm:` with the floor's label), `bfcpver` (1;
/// on UDP "2 1").
/// Fails with bad_answer_params when `p` is unusable. Pure; thread-safe.
[[nodiscard]] negotiation_result<offer> make_offer(answer_params const& p);

/// What a valid answer to our offer says.
struct accepted_answer {
    transport kind{};          ///< Transport of the BFCP line.
    unsigned bfcp_version = 1; ///< Version the server speaks first (as answer::bfcp_version).
    /// The answerer's address for the BFCP line: its c=, else the session c=; empty when the
    /// answer has neither (as answer::peer_address: datagram and TCP peers are bound to it).
    std::string peer_address;
    std::uint16_t peer_port = 0; ///< The answer's m= port for the BFCP line.
    /// The answerer's a=fingerprint values (UDP/TLS/BFCP: at least one): its certificate must
    /// match one of them (as answer::peer_fingerprints).
    std::vector<std::string> peer_fingerprints;
    std::string peer_tls_id; ///< The answer's a=tls-id (UDP/TLS/BFCP; empty: none).
};

/// Validates the answer that comes back (in the ACK) to an offer made by make_offer():
/// same m-line count, the BFCP line not rejected (port != 0), same proto, `setup:active` (not
/// on UDP/BFCP), `fingerprint` present (UDP/TLS), `floorctrl:c-only` (absent is read as c-only),
/// `bfcpver` (if present) sharing a version with supported_versions().
/// An error means the SIP side ends the call with BYE. Pure; thread-safe.
[[nodiscard]] negotiation_result<accepted_answer> check_answer(offer const& sent,
                                                               description const& reply);

/// True if `v` is a tls-id value (RFC 8842 §4): 20 to 255 characters of A-Z a-z 0-9 + / - _.
[[nodiscard]] bool is_tls_id(std::string_view v) noexcept;

/// True if `host` is an IPv4 or IPv6 literal (bracketed or not) rather than a host name.
[[nodiscard]] bool is_ip_literal(std::string_view host) noexcept;

} // namespace sdp
