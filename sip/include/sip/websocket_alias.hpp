#pragma once
/// @file websocket_alias.hpp
/// SIP over WebSocket (RFC 7118) in front of sofia-sip's TCP transport: the rewriting, both ways.
///
/// Debian's sofia-sip has no WebSocket transport, so each `sip` WebSocket connection is carried
/// to sofia over a loopback TCP connection of its own (docs/sip-over-websocket.md). sofia then
/// sees a TCP client at 127.0.0.1:<alias port>; these functions make each message true for the
/// side that reads it:
/// - client → sofia (from_websocket): top Via WS/WSS → TCP; every Contact URI → an alias URI
///   naming the loopback connection (sofia sends in-dialog requests there) with the original URI
///   carried in a parameter; Request-URI `transport=ws|wss` → `tcp`; Content-Length added or
///   checked (RFC 7118 §5: optional over WebSocket, required by sofia on a stream); the
///   CRLF CRLF keep-alive answered with CRLF (RFC 5626 §4.4.1) instead of reaching sofia.
/// - sofia → client (to_websocket): top Via TCP → WS/WSS, and in responses received/rport set to
///   the real peer (RFC 3261 §18.2.1, RFC 3581); an alias Request-URI restored to the client's
///   own Contact URI, or the request answered 430 Flow Failed (RFC 5626 §11) when the alias
///   names another connection; floorctl's Contact gets `transport=ws|wss` (JsSIP checks it).
///
/// Pure: no I/O, no clock, no state between calls. Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sip {

/// The WebSocket transport a client used, as written in Via (RFC 7118 §5.2: "WS", "WSS") and in
/// SIP URIs (`transport=ws`, `transport=wss`).
enum class websocket_transport : std::uint8_t { ws, wss };

/// What the edge knows about one `sip` WebSocket connection.
struct websocket_peer {
    websocket_transport transport = websocket_transport::wss;
    std::string
        address; ///< the client's real IP address, no brackets: "198.51.100.7", "2001:db8::1"
    std::uint16_t port = 0; ///< the client's real port
    /// The edge's end of this connection's loopback TCP connection to sofia, as sofia sees the
    /// peer: "127.0.0.1" and the local port. Alias Contact URIs point here.
    std::string alias_host = "127.0.0.1";
    std::uint16_t alias_port = 0;
    /// Names the WebSocket connection in alias URIs (a token: letters, digits), so that a request
    /// sofia sends to a loopback port reused by a later connection is refused, not misdelivered.
    std::string connection;
};

/// Bounds on what a client may send.
struct websocket_limits {
    /// Largest SIP message accepted from a client. A larger request that can be answered gets
    /// 413 (RFC 3261 §21.4.11); anything else larger closes the connection with 1009.
    std::size_t max_message = 64 * 1024;
    /// Header fields in one message; more is malformed (400).
    std::size_t max_headers = 128;
};

/// Write these bytes to the connection's loopback TCP stream (one SIP message, Content-Length
/// exact).
struct forward_to_sip {
    std::string bytes;
};

/// Send this message back to the client over its WebSocket: the CRLF keep-alive answer, or a
/// 400/413 response the edge produced itself. `text` as in send_to_client: the answer copies the
/// client's Via, From, To and Call-ID, which a binary message may carry in any octets.
struct answer_client {
    std::string message;
    bool text = true;
};

/// Write these bytes to the loopback stream instead of forwarding: the edge's own answer to a
/// request sofia sent (430 Flow Failed for an alias of another connection).
struct answer_sip {
    std::string bytes;
};

/// Send this message to the client. `text` is true when it is valid UTF-8: it then goes in a text
/// frame (RFC 7118 §5.2 allows either; SIP is UTF-8 text, RFC 3261 §7), otherwise in a binary one
/// (a text frame must be UTF-8, RFC 6455 §8.1).
struct send_to_client {
    std::string message;
    bool text = true;
};

/// Nothing to send; log `reason` (e.g. a response that cannot be matched, a CRLF pong, a
/// malformed message that cannot be answered: RFC 3261 §18.3 discards those).
struct drop_message {
    std::string reason;
    /// A keep-alive pong or an empty message: nothing wrong with the client.
    bool keep_alive = false;
};

/// Close the WebSocket with `code` (RFC 6455 §7.4.1: 1007 invalid UTF-8 in a text message,
/// 1009 too big to answer).
struct close_client {
    std::uint16_t code = 1002;
    std::string reason;
};

/// What to do with one message from a client.
using client_decision = std::variant<forward_to_sip, answer_client, drop_message, close_client>;

/// What to do with one message from sofia for this connection's client.
using sip_decision = std::variant<send_to_client, answer_sip, drop_message>;

/// Translates one WebSocket message from a client (RFC 7118 §5.1: exactly one SIP message;
/// `text` tells whether it came in a text frame).
///
/// Requests that are malformed but carry Via, From, To, Call-ID and CSeq are answered 400 with
/// a Warning naming the fault (never ACK: RFC 3261 §17.1.1.3); responses and requests that
/// cannot be answered are dropped. A body longer than Content-Length is cut to it, a shorter one
/// is a 400 (RFC 3261 §18.3).
[[nodiscard]] client_decision from_websocket(std::string_view message, bool text,
                                             websocket_peer const& peer,
                                             websocket_limits const& limits = {});

/// Translates one complete SIP message sofia wrote to this connection's loopback stream (framed
/// by sip::stream_reader).
[[nodiscard]] sip_decision to_websocket(std::string_view message, websocket_peer const& peer);

/// What the edge writes to a connection's loopback stream, past the rewriting, so that sofia's
/// idle timeout (sip::config::tcp_idle_timeout) never closes it under a live WebSocket: a dialog
/// holds no reference to its connection, and the client's own keep-alives stop at the edge. It
/// is RFC 5626 §4.4.1's CRLF CRLF ping; a CRLF answer from sofia, if any, is skipped by
/// sip::stream_reader.
inline constexpr std::string_view flow_keep_alive = "\r\n\r\n";

/// How often the edge writes flow_keep_alive when sofia closes idle connections after
/// `sip_idle`: a third of it (at least 1 ms), so that one late or lost write still leaves a
/// margin.
[[nodiscard]] std::chrono::milliseconds
flow_keep_alive_interval(std::chrono::milliseconds sip_idle) noexcept;

/// "ws" or "wss".
[[nodiscard]] std::string_view to_string(websocket_transport t) noexcept;

} // namespace sip
