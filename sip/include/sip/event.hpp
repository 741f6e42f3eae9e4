#pragma once
/// @file event.hpp
/// What the SIP user agent reports to the application: plain C++ values (strings and ids).
/// Nothing sofia-typed ever leaves sip/; these structs are the translation point.
/// Value types: they own their data and may cross threads freely.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sip {

/// Opaque id of one INVITE dialog, chosen by the agent. Never 0, never reused within a process.
/// Commands (agent::respond, agent::bye) are addressed by it, never by a sofia handle, so a
/// command that arrives after the call is gone is simply dropped.
enum class call_id : std::uint64_t {};

/// The transport the SIP request arrived on (from the top Via). `ws`/`wss`: SIP over WebSocket (RFC
/// 7118); the agent itself never reports them (sofia sees the edge's loopback TCP flow), the
/// application does once it has mapped the flow back to its WebSocket client
/// (app/sip_websocket_peers.hpp).
enum class signalling_transport : std::uint8_t { udp, tcp, tls, other, ws, wss };

/// Name of a signalling transport for logs and metrics ("udp", "tcp", "tls", "ws", "wss",
/// "other").
[[nodiscard]] constexpr char const* to_string(signalling_transport t) noexcept
{
    switch (t) {
    case signalling_transport::udp:
        return "udp";
    case signalling_transport::tcp:
        return "tcp";
    case signalling_transport::tls:
        return "tls";
    case signalling_transport::ws:
        return "ws";
    case signalling_transport::wss:
        return "wss";
    case signalling_transport::other:
        break;
    }
    return "other";
}

/// An INVITE arrived: a new call (`is_reinvite == false`) or a re-INVITE within the dialog of
/// `call`. The agent has already sent 100 Trying. The application must answer it with
/// agent::respond (a final status), or the caller's timer ends the call.
struct invite {
    call_id call{};
    bool is_reinvite = false;
    std::string request_uri;  ///< e.g. "sip:demo@127.0.0.1:5060"
    std::string request_user; ///< user part of the Request-URI ("demo"); empty if none
    std::string from_uri;     ///< e.g. "sip:alice@example.com" (no display name, no tag)
    std::string from_display; ///< From display name, quotes removed; empty if none
    std::string to_uri;
    std::string sip_call_id; ///< the Call-ID header, for logs
    std::string
        content_type; ///< media type without parameters ("application/sdp"); empty if no body
    std::string body; ///< the offer, or empty for an offerless INVITE
    signalling_transport transport = signalling_transport::udp;
    std::string
        peer_address; ///< source IP address of the request ("127.0.0.1"), for binding checks
    /// Source port of the request. With peer_address it names the connection the INVITE came
    /// over; for SIP over WebSocket that is the client's loopback flow, which the edge maps back
    /// to the WebSocket peer (docs/sip-over-websocket.md).
    std::uint16_t peer_port = 0;
    /// The digest user name when authentication is configured and succeeded (initial INVITE only).
    std::optional<std::string> authenticated_user;
};

/// The ACK for the 2xx of (re-)INVITE of `call` arrived. After an offerless INVITE its body is the
/// answer (RFC 3264 §2); an empty body then means the caller sent none and the call must be ended.
struct ack {
    call_id call{};
    std::string content_type;
    std::string body;
};

/// The caller CANCELled the pending INVITE of `call`; the agent already answered 200 to the CANCEL
/// and 487 to the INVITE. A `terminated` event follows.
struct cancelled {
    call_id call{};
};

/// Why a call ended.
enum class end_reason : std::uint8_t {
    remote_bye, ///< the caller sent BYE
    local_bye,  ///< agent::bye was called
    cancelled,  ///< CANCEL before the final answer
    rejected,   ///< the application answered the initial INVITE with a status >= 300
    failed,     ///< transaction failure (no ACK, transport error, timer expiry)
    shutdown,   ///< the agent stopped while the call was up (agent::stop)
};

/// The dialog of `call` is over; the id is dead and any later command on it is dropped.
/// Delivered exactly once per call that produced an `invite` event.
struct terminated {
    call_id call{};
    end_reason reason = end_reason::failed;
    int status = 0; ///< the SIP status that ended it (e.g. 200 to BYE, 487, 488), 0 if none
};

/// An OPTIONS request was answered 200 with Allow (informational; the application need not act).
struct options {
    std::string from_uri;
};

/// Everything the agent reports. Delivered in the order sofia produced it, one call at a time.
using event = std::variant<invite, ack, cancelled, terminated, options>;

/// Name of the event alternative ("invite", "ack", ...), for logs and tests.
[[nodiscard]] char const* event_name(event const& e) noexcept;

/// Name of an end reason ("remote_bye", ...).
[[nodiscard]] char const* to_string(end_reason r) noexcept;

} // namespace sip
