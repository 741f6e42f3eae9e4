// Minimal SIP user agent client for the load generator (docs/performance.md, "BFCP over UDP" and
// "SIP over WebSocket against SIP over TCP"). Over UDP it negotiates UDP/BFCP participants the way
// a room system does (RFC 3261 INVITE with an RFC 8856 offer, ACK of the 200, BYE at the end), so
// floorctl accepts their datagrams through its real SIP path. Over a reliable connection (TCP, or
// a WebSocket with sub-protocol `sip`, RFC 7118) `call_loop` places full calls one after another.
// Enough SIP for one loopback server, not a general stack: no authentication, no forking, no
// re-INVITE.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

/// One established call and what floorctl's answer gave the UDP/BFCP line.
struct sip_call {
    std::string call_id;
    std::string from_tag;
    std::string request_uri; ///< the INVITE's
    std::string to;          ///< the 200's To header value, with the server's tag
    std::string remote_uri;  ///< the 200's Contact: where ACK and BYE go
    std::uint32_t conference = 0;
    std::uint16_t user = 0;
    std::uint16_t floor = 0;
    std::uint16_t bfcp_port = 0; ///< the answer's m=application port
    bool established = false;
};

/// Who sends the requests: the top Via's transport and sent-by, and the Contact URI.
struct sip_caller {
    std::string via_transport; ///< "UDP", "TCP", "WSS", ...
    std::string sent_by;       ///< host[:port] of the Via
    std::string contact;       ///< the Contact URI
};

/// A received SIP response: status code, the headers the client needs, the body.
struct sip_response {
    int status = 0;
    std::string_view call_id, cseq_method, to, contact, body;
};

/// Parses a response; headers by full or compact name (RFC 3261 §7.3.3). nullopt for requests
/// and junk.
std::optional<sip_response> parse_response(std::string_view m);

/// An INVITE for `c` whose SDP offers a video line and then `application_lines` (the BFCP
/// m-line and its attributes, CRLF-terminated). `branch` follows the magic cookie `z9hG4bK-`.
std::string invite_request(sip_caller const& from, sip_call const& c, std::string_view branch,
                           std::string_view application_lines);

/// ACK or BYE within `c`'s dialog (to its remote_uri, with its To tag); `branch` as above.
std::string in_dialog_request(sip_caller const& from, sip_call const& c, std::string_view method,
                              int cseq, std::string_view branch);

/// Places one call per entry of `media_ports` to sip:<user><i>@host:port (`numbered`; a conference
/// per call when floorctl creates conferences from a template) or sip:<user>@host:port, each
/// offering `m=application <media_ports[i]> UDP/BFCP *` with c=IN IP4 127.0.0.1, at most `window`
/// INVITEs outstanding, retransmitted every 500 ms; ACKs each 200. The result has one entry per
/// port; `established` is false where no 200 with a usable answer came within `timeout`.
std::vector<sip_call> invite_all(std::string const& host, std::uint16_t port,
                                 std::string const& user, bool numbered,
                                 std::vector<std::uint16_t> const& media_ports, std::size_t window,
                                 std::chrono::seconds timeout);

/// Sends BYE on every established call (same window and retransmission) and waits for the 200s;
/// returns how many were answered 2xx.
std::size_t bye_all(std::string const& host, std::uint16_t port, std::vector<sip_call>& calls,
                    std::size_t window, std::chrono::seconds timeout);

/// Full calls, one after another, on one reliable connection: INVITE offering
/// `m=application 9 TCP/WSS/BFCP *` (what a web softphone offers, RFC 8857), the 200 with
/// floorctl's answer, ACK, BYE, the BYE's 200. A reliable transport needs no retransmission
/// (RFC 3261 §17.1.1.2). Provisional responses are skipped. A final non-2xx to the INVITE, or a 200
/// without a `websocket-uri` answer, counts as a failed call (the 200 is still ACKed and the call
/// ended with BYE); the next call starts after it.
class call_loop {
public:
    /// `request_uri`: where every INVITE goes; `tag`: makes Call-IDs and branches unique per
    /// connection.
    call_loop(sip_caller caller, std::string request_uri, std::string tag);

    /// What on_message() asks the connection to do.
    struct step {
        std::vector<std::string> send; ///< messages to write, in order
        bool call_ended = false;       ///< a call finished with this message (BYE answered)
        bool failed = false;           ///< that call, or this INVITE, failed
        std::string failure;           ///< why, for the report
    };

    /// The INVITE of the next call.
    std::string start_call();

    /// Takes one message read from the connection.
    step on_message(std::string_view message);

private:
    enum class state { inviting, ending };

    sip_caller caller_;
    std::string tag_;
    sip_call call_;
    unsigned long calls_ = 0;
    state state_ = state::inviting;
    bool answer_ok_ = false;
};

} // namespace bench
