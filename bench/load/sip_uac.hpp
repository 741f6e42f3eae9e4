// Minimal SIP user agent client over UDP for the load generator (docs/performance.md, "BFCP over
// UDP"): it negotiates UDP/BFCP participants the way a room system does (RFC 3261 INVITE with an
// RFC 8856 offer, ACK of the 200, BYE at the end), so floorctl accepts their datagrams through
// its real SIP path. Enough SIP for one loopback server, not a general stack: no authentication,
// no forking, no re-INVITE.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
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

} // namespace bench
