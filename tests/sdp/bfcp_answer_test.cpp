// sdp::make_answer: RFC examples and field offers answered as full text, the decision table
// (proto x floorctrl x setup x connection x bfcpver), and parameter checks.

#include "sdp_test_util.hpp"

#include <sdp/bfcp.hpp>
#include <sdp/parse.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using sdp::error;
using sdp::transport;
using sdp_test::crlf;
using sdp_test::read_data;
using sdp_test::server_floors;
using sdp_test::server_head;
using sdp_test::server_params;

sdp::answer answer_file(std::string_view name, sdp::answer_params const& p = server_params())
{
    auto const r = sdp::answer_offer(read_data(name), p);
    EXPECT_TRUE(r) << (r ? "" : r.error().reason);
    return r ? *r : sdp::answer{};
}

// RFC 8857 §7.2: the browser offers TCP/WSS/BFCP with setup:active on the discard port; the
// server answers setup:passive with a websocket-uri, s-only, confid/userid/floorid.
TEST(SdpAnswer, Rfc8857BrowserOffer)
{
    auto const a = answer_file("rfc8857_browser_offer.sdp");
    EXPECT_EQ(a.sdp, crlf(server_head +
                          "m=application 443 TCP/WSS/BFCP *\n" // RFC 4145: the port we listen on
                          "a=setup:passive\n"                  // RFC 8124 §4.6: server is passive
                          "a=connection:new\n"
                          "a=websocket-uri:wss://bfcp.example.com/bfcp?token=tok-3170449312\n"
                          "a=floorctrl:s-only\n" // RFC 8856 §5.1: c-only offer -> s-only
                          "a=confid:4321\n"
                          "a=userid:1234\n"
                          "a=floorid:1 mstrm:10\n"
                          "a=floorid:2 mstrm:11\n"
                          "a=bfcpver:1\n"
                          "m=audio 0 RTP/AVP 0\n" // RFC 3264 §6: refused, floorctl has no media
                          "m=video 0 RTP/AVP 31\n"));
    EXPECT_EQ(a.kind, transport::wss);
    EXPECT_EQ(a.media_index, 0u);
    EXPECT_EQ(a.connection, sdp::connection_mode::fresh);
    EXPECT_EQ(a.token, "tok-3170449312");
    EXPECT_EQ(a.websocket_uri, "wss://bfcp.example.com/bfcp?token=tok-3170449312");
    EXPECT_EQ(a.bfcp_version, 1u);
    ASSERT_EQ(a.floors.size(), 2u);
    EXPECT_EQ(a.floors[0], (sdp::floor_binding{floorctl::floor_id{1}, "10", std::nullopt}));
    ASSERT_EQ(a.bfcp_lines.size(), 1u);
    EXPECT_TRUE(a.bfcp_lines[0].accepted);
}

// RFC 8124 §4.3 offer: same shape; checks the ws (not wss) URI with an explicit port.
TEST(SdpAnswer, Rfc8124OfferOverPlainWebSocket)
{
    auto p = server_params();
    p.transports = {transport::ws};
    auto offer = read_data("rfc8124_offer.sdp");
    auto const pos = offer.find("TCP/WSS/BFCP");
    offer.replace(pos, 12, "TCP/WS/BFCP");
    auto const r = sdp::answer_offer(offer, p);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(r->kind, transport::ws);
    EXPECT_EQ(r->websocket_uri, "ws://bfcp.example.com:8080/bfcp?token=tok-3170449312");
    EXPECT_NE(r->sdp.find("m=application 8080 TCP/WS/BFCP *\r\n"), std::string::npos);
}

// Modelled on the RFC 8856 examples section (TLS, actpass, "c-only s-only", labels 10/11 on the
// audio/video lines; not a byte copy of the RFC text): the labels of the offered media match the
// configured floor labels. "c-only s-only" also appears in field traces of UDP/BFCP offers.
TEST(SdpAnswer, Rfc8856TlsOfferWithFingerprint)
{
    auto p = server_params();
    p.tls_fingerprint = "SHA-256 AA:BB:CC";
    auto const a = answer_file("rfc8856_tls_offer.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head + "m=application 5071 TCP/TLS/BFCP *\n"
                                        "c=IN IP4 192.0.2.10\n" // listener differs from o=/c=
                                        "a=setup:passive\n"     // actpass -> passive
                                        "a=connection:new\n"
                                        "a=fingerprint:SHA-256 AA:BB:CC\n"
                                        "a=floorctrl:s-only\n" // "c-only s-only" -> s-only
                                        "a=confid:4321\n"
                                        "a=userid:1234\n"
                                        "a=floorid:1 mstrm:10\n"
                                        "a=floorid:2 mstrm:11\n"
                                        "a=bfcpver:1\n"
                                        "m=audio 0 RTP/AVP 0\n"
                                        "m=video 0 RTP/AVP 31\n"));
    EXPECT_EQ(a.kind, transport::tls);
    EXPECT_TRUE(a.token.empty());
    EXPECT_TRUE(a.websocket_uri.empty());
    ASSERT_EQ(a.floors.size(), 2u);
    EXPECT_EQ(a.floors[0].media_index, std::optional<std::size_t>{1});
    EXPECT_EQ(a.floors[1].media_index, std::optional<std::size_t>{2});
}

// docs/sdp.md: Poly's two BFCP lines; the inactive UDP one stays at port 0, TCP/BFCP with
// c-s and actpass is accepted; the floor follows a=content:slides to a=label:3.
TEST(SdpAnswer, PolyTwoBfcpLines)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{1}, "", "slides"}};
    auto const a = answer_file("poly_two_bfcp_lines.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head + "m=audio 0 RTP/AVP 9 0 8 101\n"
                                        "m=video 0 RTP/AVP 109 34\n"
                                        "m=application 0 UDP/BFCP *\n"
                                        "m=application 5070 TCP/BFCP *\n"
                                        "c=IN IP4 192.0.2.10\n"
                                        "a=setup:passive\n"
                                        "a=connection:new\n"
                                        "a=floorctrl:s-only\n"
                                        "a=confid:4321\n"
                                        "a=userid:1234\n"
                                        "a=floorid:1 mstrm:3\n"
                                        "a=bfcpver:1\n"
                                        "m=video 0 RTP/AVP 109\n"));
    EXPECT_EQ(a.kind, transport::tcp);
    EXPECT_EQ(a.media_index, 3u);
    ASSERT_EQ(a.bfcp_lines.size(), 2u);
    EXPECT_FALSE(a.bfcp_lines[0].accepted);
    ASSERT_TRUE(a.bfcp_lines[0].reason);
    EXPECT_EQ(a.bfcp_lines[0].reason->code, error::stream_disabled);
    EXPECT_EQ(a.bfcp_lines[0].reason->reason,
              "m-line 3 (UDP/BFCP): disabled by the offerer (port 0)");
    EXPECT_TRUE(a.bfcp_lines[1].accepted);
    ASSERT_EQ(a.floors.size(), 1u);
    EXPECT_EQ(a.floors[0], (sdp::floor_binding{floorctl::floor_id{1}, "3", 4}));
}

// docs/sdp.md: Cisco offers only UDP/BFCP with bfcpver:2 1 and setup:actpass. RFC 8856 keeps
// a=setup/a=connection for TCP: tolerated in the offer, not written in the answer.
TEST(SdpAnswer, CiscoUdpOffer)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{1}, "", "slides"}};
    auto const a = answer_file("cisco_udp_bfcp.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head + "m=audio 0 RTP/AVP 101 9 0 8\n"
                                        "m=video 0 RTP/AVP 97\n"
                                        "m=application 5072 UDP/BFCP *\n" // our UDP listener
                                        "c=IN IP4 192.0.2.10\n" // listener differs from o=/c=
                                        "a=floorctrl:s-only\n"  // c-s -> s-only
                                        "a=confid:4321\n"       // the server's, not the offer's
                                        "a=userid:1234\n"
                                        "a=floorid:1 mstrm:12\n" // a=content:slides -> label 12
                                        "a=bfcpver:2 1\n"        // intersection, offer's order
                                        "m=video 0 RTP/AVP 97\n"));
    EXPECT_EQ(a.kind, transport::udp);
    EXPECT_EQ(a.media_index, 2u);
    EXPECT_EQ(a.bfcp_version, 2u);          // the offer lists 2: RFC 8855 ties it to UDP
    EXPECT_EQ(a.peer_address, "10.47.1.9"); // session c= (the m-line has none)
    EXPECT_EQ(a.peer_port, 2439);
    EXPECT_TRUE(a.peer_fingerprints.empty());
    EXPECT_TRUE(a.token.empty());
    EXPECT_TRUE(a.websocket_uri.empty());
    EXPECT_EQ(a.connection, sdp::connection_mode::fresh);
}

// docs/sdp.md, version rule: a UDP offer that lists only 1, or no bfcpver at all, is spoken to
// in version 1 first (deployed endpoints send 1 over UDP and ignore 2).
TEST(SdpAnswer, UdpVersionFollowsTheOffer)
{
    struct version_case {
        char const* offered; // a=bfcpver line, or "" for none
        char const* answered;
        unsigned first;
    };
    version_case const cases[] = {
        {"a=bfcpver:2 1\n", "a=bfcpver:2 1", 2}, {"a=bfcpver:1 2\n", "a=bfcpver:1 2", 2},
        {"a=bfcpver:1\n", "a=bfcpver:1", 1},     {"", "a=bfcpver:1", 1},
        {"a=bfcpver:2\n", "a=bfcpver:2", 2},     {"a=bfcpver:3 2 1\n", "a=bfcpver:2 1", 2},
    };
    for (auto const& c : cases) {
        auto const r = sdp::answer_offer(
            crlf(std::string("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                             "m=application 5000 UDP/BFCP *\n") +
                 c.offered),
            server_params());
        ASSERT_TRUE(r) << c.offered << r.error().reason;
        EXPECT_NE(r->sdp.find(std::string(c.answered) + "\r\n"), std::string::npos)
            << c.offered << r->sdp;
        EXPECT_EQ(r->bfcp_version, c.first) << c.offered;
    }
}

// RFC 8856 §8 / RFC 8842: BFCP over DTLS. actpass -> we answer passive and are the DTLS server;
// our certificate's fingerprint is written; the peer's is handed to the DTLS layer.
TEST(SdpAnswer, UdpTlsOfferWithActpass)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{1}, "", "slides"}};
    auto const a = answer_file("udp_tls_bfcp_offer.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head + "m=application 5073 UDP/TLS/BFCP *\n"
                                        "c=IN IP4 192.0.2.10\n"
                                        "a=setup:passive\n" // RFC 8842: we are the DTLS server
                                        "a=fingerprint:SHA-256 AA:BB:CC\n" // our certificate
                                        "a=tls-id:floorctl-tls-id-0001\n"  // RFC 8842 §5.3
                                        "a=floorctrl:s-only\n"
                                        "a=confid:4321\n"
                                        "a=userid:1234\n"
                                        "a=floorid:1 mstrm:22\n"
                                        "a=bfcpver:2\n" // no a=connection: that is TCP's
                                        "m=video 0 RTP/AVP 96\n"));
    EXPECT_EQ(a.kind, transport::udp_tls);
    EXPECT_EQ(a.bfcp_version, 2u);
    EXPECT_EQ(a.peer_address, "203.0.113.6"); // media-level c= wins over the session's
    EXPECT_EQ(a.peer_port, 50010);
    EXPECT_EQ(a.peer_fingerprints,
              (std::vector<std::string>{"SHA-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:"
                                        "BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2"}));
}

// RFC 8842 §5.3, §5.5 (RFC 8856 for UDP/TLS/BFCP): the answer carries our tls-id; a re-offer
// with the peer's same tls-id keeps the association and our tls-id, a changed one asks for a new
// association, answered with a new tls-id of ours. A malformed or repeated tls-id refuses the
// line; on other transports a=tls-id is ignored.
TEST(SdpAnswer, UdpTlsTlsIdKeepsOrRenewsTheAssociation)
{
    auto const offer = [](std::string const& tls_id_lines) {
        return crlf("v=0\no=ep 1 1 IN IP4 203.0.113.6\ns=-\nc=IN IP4 203.0.113.6\nt=0 0\n"
                    "m=application 50010 UDP/TLS/BFCP *\n"
                    "a=setup:actpass\n"
                    "a=fingerprint:SHA-256 01:02:03\n" +
                    tls_id_lines + "a=floorctrl:c-only\n");
    };
    auto p = server_params();
    auto const first = sdp::answer_offer(offer("a=tls-id:peer-association-one-01\n"), p);
    ASSERT_TRUE(first) << first.error().reason;
    EXPECT_EQ(first->sdp, crlf(server_head +
                               "m=application 5073 UDP/TLS/BFCP *\n"
                               "c=IN IP4 192.0.2.10\n"
                               "a=setup:passive\n"
                               "a=fingerprint:SHA-256 AA:BB:CC\n"
                               "a=tls-id:floorctl-tls-id-0001\n" + // ours
                               server_floors()));
    EXPECT_EQ(first->tls_id, "floorctl-tls-id-0001");
    EXPECT_EQ(first->peer_tls_id, "peer-association-one-01");
    EXPECT_EQ(first->connection, sdp::connection_mode::fresh);

    // Re-offer, same peer tls-id: the association and our tls-id stay (a newly drawn one in
    // the parameters is not used).
    p.previous = sdp::established{transport::udp_tls, "", first->tls_id, first->peer_tls_id};
    p.tls_id = "floorctl-tls-id-0002";
    auto const same = sdp::answer_offer(offer("a=tls-id:peer-association-one-01\n"), p);
    ASSERT_TRUE(same) << same.error().reason;
    EXPECT_EQ(same->connection, sdp::connection_mode::existing);
    EXPECT_EQ(same->tls_id, "floorctl-tls-id-0001");
    EXPECT_NE(same->sdp.find("a=tls-id:floorctl-tls-id-0001\r\n"), std::string::npos);

    // Re-offer with a new peer tls-id: a new association, answered with our new tls-id.
    auto const renewed = sdp::answer_offer(offer("a=tls-id:peer-association-two-02\n"), p);
    ASSERT_TRUE(renewed) << renewed.error().reason;
    EXPECT_EQ(renewed->connection, sdp::connection_mode::fresh);
    EXPECT_EQ(renewed->tls_id, "floorctl-tls-id-0002");
    EXPECT_EQ(renewed->peer_tls_id, "peer-association-two-02");
    EXPECT_NE(renewed->sdp.find("a=tls-id:floorctl-tls-id-0002\r\n"), std::string::npos);

    // Malformed or repeated: the line is refused.
    for (auto const* bad :
         {"a=tls-id:short\n", "a=tls-id:has space in the middle 0000\n",
          "a=tls-id:peer-association-one-01\na=tls-id:peer-association-one-01\n"}) {
        auto const r = sdp::answer_offer(offer(bad), server_params());
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, error::bad_bfcp_attribute) << bad;
    }
    // Our tls-id is required when UDP/TLS is enabled.
    auto no_id = server_params();
    no_id.tls_id = "too-short";
    auto const r = sdp::answer_offer(offer(""), no_id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::bad_answer_params);
    EXPECT_TRUE(sdp::is_tls_id(std::string(255, 'a')));
    EXPECT_FALSE(sdp::is_tls_id(std::string(256, 'a')));
    EXPECT_TRUE(sdp::is_tls_id("AZaz09+/-_AZaz09+/-_"));
}

// Session-level fingerprint (RFC 8122 §5), lower-case hex, IPv6 c=, setup:active, no bfcpver.
TEST(SdpAnswer, UdpTlsOfferWithSessionFingerprintOverIpv6)
{
    auto p = server_params();
    p.dtls = {{"2001:db8::10", 5073}};
    auto const a = answer_file("udp_tls_bfcp_ipv6.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head +
                          "m=application 5073 UDP/TLS/BFCP *\n"
                          "c=IN IP6 2001:db8::10\n"
                          "a=setup:passive\n" // active -> passive
                          "a=fingerprint:SHA-256 AA:BB:CC\n"
                          "a=tls-id:floorctl-tls-id-0001\n" +
                          server_floors()));
    EXPECT_EQ(a.bfcp_version, 1u);
    EXPECT_EQ(a.peer_address, "2001:db8::7");
    EXPECT_EQ(a.peer_port, 50020);
    EXPECT_EQ(a.peer_fingerprints,
              (std::vector<std::string>{"sha-256 4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:"
                                        "19:e5:7c:ab:3c:d0:25:9e:51:3d:c3:cd:b2:5c:bd:f5"}));
}

// An offer with both TCP/BFCP and UDP/BFCP: the configured preference decides, the other line
// is answered with port 0 (and is not counted as refused).
TEST(SdpAnswer, UdpAndTcpOfferFollowsThePreference)
{
    auto p = server_params(); // default preference: ... tls, tcp, udp, udp_tls
    auto const tcp = answer_file("udp_and_tcp_bfcp.sdp", p);
    EXPECT_EQ(tcp.kind, transport::tcp);
    EXPECT_EQ(tcp.media_index, 2u);
    EXPECT_NE(tcp.sdp.find("m=application 0 UDP/BFCP *\r\nm=application 5070 TCP/BFCP *\r\n"),
              std::string::npos);
    ASSERT_EQ(tcp.bfcp_lines.size(), 2u);
    EXPECT_FALSE(tcp.bfcp_lines[0].accepted);
    EXPECT_FALSE(tcp.bfcp_lines[0].reason);

    p.transports = {transport::udp, transport::tcp};
    auto const udp = answer_file("udp_and_tcp_bfcp.sdp", p);
    EXPECT_EQ(udp.kind, transport::udp);
    EXPECT_EQ(udp.media_index, 1u);
    EXPECT_EQ(udp.peer_port, 40010);
    EXPECT_EQ(udp.peer_address, "198.51.100.20");
    EXPECT_EQ(udp.sdp, crlf(server_head +
                            "m=audio 0 RTP/AVP 0\n"
                            "m=application 5072 UDP/BFCP *\n"
                            "c=IN IP4 192.0.2.10\n" +
                            server_floors() +
                            "m=application 0 TCP/BFCP *\n"
                            "m=video 0 RTP/AVP 96\n"));
    EXPECT_TRUE(udp.bfcp_lines[0].accepted);
    EXPECT_FALSE(udp.bfcp_lines[1].reason);

    p.transports = {transport::tcp}; // UDP not enabled: only TCP can be answered
    auto const only_tcp = answer_file("udp_and_tcp_bfcp.sdp", p);
    EXPECT_EQ(only_tcp.kind, transport::tcp);
    ASSERT_TRUE(only_tcp.bfcp_lines[0].reason);
    EXPECT_EQ(only_tcp.bfcp_lines[0].reason->reason,
              "m-line 2 (UDP/BFCP): transport not enabled on this server");
}

// The peer's address for the datagram binding: media c=, else session c=, else empty; the
// m-line port; IPv6 as written.
TEST(SdpAnswer, PeerAddressAndPort)
{
    struct address_case {
        char const* session_c;
        char const* media_c;
        char const* expected;
    };
    address_case const cases[] = {
        {"c=IN IP4 192.0.2.1\n", "", "192.0.2.1"},
        {"c=IN IP4 192.0.2.1\n", "c=IN IP4 192.0.2.99\n", "192.0.2.99"},
        {"", "c=IN IP6 2001:db8::99\n", "2001:db8::99"},
        {"c=IN IP6 2001:db8::1\n", "", "2001:db8::1"},
        {"", "", ""}, // no c= at all: the caller falls back to the SIP source address
    };
    for (auto const& c : cases) {
        auto const r = sdp::answer_offer(crlf(std::string("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n") +
                                              c.session_c +
                                              "t=0 0\nm=application 6000 UDP/BFCP *\n" + c.media_c),
                                         server_params());
        ASSERT_TRUE(r) << r.error().reason;
        EXPECT_EQ(r->peer_address, c.expected);
        EXPECT_EQ(r->peer_port, 6000);
    }
}

// docs/sdp.md, "Address family": a datagram peer sends from its c= address, so the answer names
// the listener of that family (IPv6: c=IN IP6 and that listener's port), and refuses the line
// (port 0, with the reason) when no listener of the family is configured.
TEST(SdpAnswer, DatagramAnswerNamesTheListenerOfTheOffersFamily)
{
    auto const offer = [](char const* c, char const* proto) {
        return crlf(std::string("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"
                                "m=application 6000 ") +
                    proto + " *\n" + c +
                    "a=fingerprint:SHA-256 4A:AD\na=setup:active\na=floorctrl:c-only\n");
    };
    auto const ipv6 =
        sdp::answer_offer(offer("c=IN IP6 2001:db8::99\n", "UDP/BFCP"), server_params());
    ASSERT_TRUE(ipv6) << ipv6.error().reason;
    EXPECT_EQ(ipv6->sdp, crlf(server_head +
                              "m=application 5074 UDP/BFCP *\n" // the IPv6 one
                              "c=IN IP6 2001:db8::10\n" +
                              server_floors()));

    auto const ipv4 =
        sdp::answer_offer(offer("c=IN IP4 192.0.2.99\n", "UDP/BFCP"), server_params());
    ASSERT_TRUE(ipv4) << ipv4.error().reason;
    EXPECT_NE(ipv4->sdp.find("m=application 5072 UDP/BFCP *\r\nc=IN IP4 192.0.2.10\r\n"),
              std::string::npos)
        << ipv4->sdp;

    // No c= at all: the first listener (the caller binds the SIP source address).
    auto const none = sdp::answer_offer(offer("", "UDP/BFCP"), server_params());
    ASSERT_TRUE(none) << none.error().reason;
    EXPECT_NE(none->sdp.find("m=application 5072 UDP/BFCP *\r\n"), std::string::npos);

    // DTLS has only an IPv4 listener here: an IPv6 offer is refused, the IPv4 one answered.
    auto const dtls_v6 =
        sdp::answer_offer(offer("c=IN IP6 2001:db8::99\n", "UDP/TLS/BFCP"), server_params());
    ASSERT_FALSE(dtls_v6);
    EXPECT_EQ(dtls_v6.error().code, error::unsupported_transport);
    EXPECT_EQ(dtls_v6.error().reason,
              "no usable BFCP stream: m-line 1 (UDP/TLS/BFCP): no listener for an IPv6 peer "
              "(the offer's c= is IN IP6)");
    EXPECT_TRUE(sdp::answer_offer(offer("c=IN IP4 192.0.2.99\n", "UDP/TLS/BFCP"), server_params()));

    // With another usable line the refused one is answered with port 0 and keeps its reason.
    auto p = server_params();
    p.udp = {{"2001:db8::10", 5074}}; // IPv6 only
    p.transports = {transport::udp, transport::tcp};
    auto const both = answer_file("udp_and_tcp_bfcp.sdp", p); // IPv4 offer
    EXPECT_EQ(both.kind, transport::tcp);
    EXPECT_NE(both.sdp.find("m=application 0 UDP/BFCP *\r\n"), std::string::npos);
    ASSERT_TRUE(both.bfcp_lines[0].reason);
    EXPECT_EQ(both.bfcp_lines[0].reason->reason,
              "m-line 2 (UDP/BFCP): no listener for an IPv4 peer (the offer's c= is IN IP4)");
}

// Re-offers on UDP: a datagram transport has no connection to renew, whatever a=connection says
// (Cisco writes connection:new on UDP): the same transport keeps the participant's binding.
TEST(SdpAnswer, UdpReofferKeepsTheBinding)
{
    auto p = server_params();
    p.previous = sdp::established{transport::udp, "", {}, {}};
    auto const kept = answer_file("cisco_udp_bfcp.sdp", p);
    EXPECT_EQ(kept.connection, sdp::connection_mode::existing);
    EXPECT_EQ(kept.sdp.find("a=connection"), std::string::npos);

    p.previous = sdp::established{transport::tcp, "", {}, {}};
    auto const moved = answer_file("cisco_udp_bfcp.sdp", p);
    EXPECT_EQ(moved.connection, sdp::connection_mode::fresh);
}

TEST(SdpAnswer, CiscoOfferAttributesAreRead)
{
    auto const d = sdp::parse(read_data("cisco_udp_bfcp.sdp"));
    ASSERT_TRUE(d);
    auto const lines = sdp::inspect_bfcp(*d);
    ASSERT_EQ(lines.size(), 1u);
    auto const& m = lines[0];
    EXPECT_EQ(m.index, 2u);
    EXPECT_EQ(m.line, 22u); // the m=application line of the file
    EXPECT_EQ(m.transport_kind, transport::udp);
    EXPECT_EQ(m.port, 2439);
    EXPECT_TRUE(m.roles_present);
    EXPECT_EQ(m.roles, (sdp::floorctrl_roles{false, false, true}));
    EXPECT_EQ(m.setup, sdp::setup_role::actpass);
    EXPECT_EQ(m.connection, sdp::connection_mode::fresh);
    EXPECT_EQ(m.conference_id, 1u);
    EXPECT_EQ(m.user_id, 18u);
    EXPECT_EQ(m.versions, (std::vector<unsigned>{2, 1}));
    EXPECT_TRUE(m.fingerprints.empty());
    ASSERT_EQ(m.floors.size(), 1u);
    EXPECT_EQ(m.floors[0], (sdp::floorid_line{2, "mstrm", {"12"}}));
    EXPECT_FALSE(m.problem);
}

// docs/sdp.md: floorctrl:c-s with setup:actpass over TCP; bfcpver 2 1 intersects to 1.
TEST(SdpAnswer, ClientServerRolesWithActpassOverTcp)
{
    auto const a = answer_file("cs_actpass_tcp.sdp");
    EXPECT_EQ(a.sdp, crlf(server_head +
                          "m=application 5070 TCP/BFCP *\n"
                          "c=IN IP4 192.0.2.10\n"
                          "a=setup:passive\n"
                          "a=connection:new\n" +
                          server_floors()));
    EXPECT_EQ(a.bfcp_version, 1u);
}

/// The accepted TCP/WSS/BFCP line of a server_params() answer, as Rfc8857BrowserOffer shows it
/// annotated, with the floor lines `floorids` (each ending in a newline).
std::string wss_answer_line(std::string_view floorids)
{
    return "m=application 443 TCP/WSS/BFCP *\n"
           "a=setup:passive\n"
           "a=connection:new\n"
           "a=websocket-uri:wss://bfcp.example.com/bfcp?token=tok-3170449312\n"
           "a=floorctrl:s-only\n"
           "a=confid:4321\n"
           "a=userid:1234\n" +
           std::string(floorids) + "a=bfcpver:1\n";
}

// A WebRTC-ish browser offer: BUNDLEd audio/video refused, TCP/WSS/BFCP accepted.
TEST(SdpAnswer, WebRtcBrowserOffer)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{1}, "", "slides"}};
    auto const a = answer_file("webrtc_wss_offer.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head +
                          "m=audio 0 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\n"
                          "m=video 0 UDP/TLS/RTP/SAVPF 96 97\n" +
                          wss_answer_line("a=floorid:1 mstrm:20\n"))); // the video's a=label
    EXPECT_EQ(a.floors[0].media_index, std::optional<std::size_t>{1});
}

// Several BFCP lines: the configured preference wins, the others get port 0; the floorid
// keyword follows the offer (RFC 4583's m-stream).
TEST(SdpAnswer, PreferenceChoosesAmongSeveralBfcpLines)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{7}, "", "slides"}};
    auto const a = answer_file("av_slides_two_bfcp.sdp", p);
    EXPECT_EQ(a.sdp, crlf(server_head +
                          "m=audio 0 RTP/AVP 0\n"
                          "m=video 0 RTP/AVP 96\n"
                          "m=video 0 RTP/AVP 96\n"
                          "m=application 0 TCP/BFCP *\n" +
                          wss_answer_line("a=floorid:7 m-stream:2\n"))); // the offer's keyword
    ASSERT_EQ(a.bfcp_lines.size(), 2u);
    EXPECT_FALSE(a.bfcp_lines[0].accepted);
    EXPECT_FALSE(a.bfcp_lines[0].reason); // usable, but WSS is preferred
    EXPECT_TRUE(a.bfcp_lines[1].accepted);

    p.transports = {transport::tcp, transport::wss};
    auto const b = answer_file("av_slides_two_bfcp.sdp", p);
    EXPECT_EQ(b.kind, transport::tcp);
    EXPECT_EQ(b.media_index, 3u);
    EXPECT_NE(b.sdp.find("m=application 5070 TCP/BFCP *\r\nc=IN IP4 192.0.2.10\r\n"),
              std::string::npos);
    EXPECT_NE(b.sdp.find("m=application 0 TCP/WSS/BFCP *\r\n"), std::string::npos);
    EXPECT_NE(b.sdp.find("a=floorid:7 m-stream:2\r\n"), std::string::npos);
}

// RFC 4145 §5, RFC 8124 §4.5: connection:existing on the same transport keeps connection and
// token; anything else gets a new connection and the new token.
TEST(SdpAnswer, ReInviteConnectionDecision)
{
    auto p = server_params();
    p.session_version = 2;
    p.previous = sdp::established{transport::wss, "old-token-1", {}, {}};
    auto const kept = answer_file("reinvite_existing.sdp", p);
    EXPECT_EQ(kept.connection, sdp::connection_mode::existing);
    EXPECT_EQ(kept.token, "old-token-1");
    EXPECT_NE(kept.sdp.find("a=connection:existing\r\n"), std::string::npos);
    EXPECT_NE(kept.sdp.find("a=websocket-uri:wss://bfcp.example.com/bfcp?token=old-token-1\r\n"),
              std::string::npos);
    EXPECT_NE(kept.sdp.find("o=floorctl 1000 2 IN IP4"), std::string::npos);

    p.previous = sdp::established{transport::ws, "old-token-1", {}, {}}; // transport changed
    auto const changed = answer_file("reinvite_existing.sdp", p);
    EXPECT_EQ(changed.connection, sdp::connection_mode::fresh);
    EXPECT_EQ(changed.token, "tok-3170449312");
    EXPECT_NE(changed.sdp.find("a=connection:new\r\n"), std::string::npos);

    p.previous.reset(); // "existing" without a connection to keep
    auto const none = answer_file("reinvite_existing.sdp", p);
    EXPECT_EQ(none.connection, sdp::connection_mode::fresh);
    EXPECT_EQ(none.token, "tok-3170449312");

    p.previous = sdp::established{transport::wss, "old-token-1", {}, {}}; // offer asks for new
    auto const renewed = answer_file("rfc8857_browser_offer.sdp", p);
    EXPECT_EQ(renewed.connection, sdp::connection_mode::fresh);
    EXPECT_EQ(renewed.token, "tok-3170449312");
}

// A floor without label or content match gets a bare floorid, even next to an empty a=label.
TEST(SdpAnswer, FloorWithoutLabelIsWrittenBare)
{
    auto p = server_params();
    p.floors = {{floorctl::floor_id{9}, "", ""}};
    auto const r = sdp::answer_offer(
        crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=video 5 RTP/AVP 96\na=label\n"
             "m=application 9 TCP/WSS/BFCP *\n"),
        p);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_NE(r->sdp.find("a=floorid:9\r\na=bfcpver:1\r\n"), std::string::npos);
    EXPECT_EQ(r->floors[0], (sdp::floor_binding{floorctl::floor_id{9}, "", std::nullopt}));
}

// --- the decision table: one BFCP line, attributes varied ---

struct row {
    char const* proto;
    int port;
    char const* attributes;        // lines, "\n"-separated
    std::optional<error> expected; // nullopt: accepted
};

std::string one_line_offer(row const& r)
{
    return crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                "m=application " +
                std::to_string(r.port) + " " + r.proto + " *\n" + r.attributes);
}

TEST(SdpAnswer, DecisionTable)
{
    row const rows[] = {
        // proto
        {"TCP/WSS/BFCP", 9, "a=setup:active\n", std::nullopt},
        {"TCP/WS/BFCP", 9, "a=setup:active\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=setup:active\n", std::nullopt},
        {"TCP/TLS/BFCP", 5000, "a=setup:active\n", std::nullopt},
        {"tcp/wss/bfcp", 9, "", std::nullopt}, // proto compared case-insensitively
        {"UDP/BFCP", 5000, "a=setup:actpass\n", std::nullopt},
        {"udp/bfcp", 5000, "", std::nullopt},
        {"TCP/DTLS/BFCP", 5000, "", error::unsupported_transport},
        {"FOO/BFCP", 5000, "", error::unsupported_transport},
        {"TCP/WSS/BFCP", 0, "a=setup:active\n", error::stream_disabled},
        {"UDP/BFCP", 0, "", error::stream_disabled},
        {"UDP/TLS/BFCP", 0, "a=fingerprint:SHA-256 AB:CD\n", error::stream_disabled},
        // UDP/BFCP: a=setup and a=connection are TCP's (RFC 8856); tolerated and ignored
        {"UDP/BFCP", 5000, "a=setup:passive\n", std::nullopt},
        {"UDP/BFCP", 5000, "a=setup:holdconn\na=connection:existing\n", std::nullopt},
        {"UDP/BFCP", 5000, "a=setup:sideways\na=setup:active\na=connection:old\n", std::nullopt},
        {"UDP/TLS/BFCP", 5000, "a=connection:old\na=fingerprint:SHA-256 AB:CD\n", std::nullopt},
        {"UDP/TLS/BFCP", 5000, "a=setup:sideways\na=fingerprint:SHA-256 AB:CD\n",
         error::bad_bfcp_attribute},
        {"UDP/BFCP", 5000, "a=floorctrl:s-only\n", error::role_conflict},
        {"UDP/BFCP", 5000, "a=fingerprint:nonsense\n", std::nullopt}, // unused on plain UDP
        // UDP/TLS/BFCP (RFC 8842): fingerprint required, we are always the DTLS server
        {"UDP/TLS/BFCP", 5000, "", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=setup:actpass\na=fingerprint:SHA-256 AB:CD\n", std::nullopt},
        {"UDP/TLS/BFCP", 5000, "a=setup:active\na=fingerprint:SHA-1 AB:CD\n", std::nullopt},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 AB:CD\n", std::nullopt}, // absent=active
        {"UDP/TLS/BFCP", 5000, "a=setup:passive\na=fingerprint:SHA-256 AB:CD\n",
         error::setup_conflict},
        {"UDP/TLS/BFCP", 5000, "a=setup:holdconn\na=fingerprint:SHA-256 AB:CD\n",
         error::setup_conflict},
        // fingerprint syntax (RFC 8122 §5): hash-func SP 2HEX *(":" 2HEX)
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 \n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 ABC:DE\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 AB:CD:\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 AB-CD\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 GG:CD\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA 256 AB:CD\n", error::bad_bfcp_attribute},
        {"UDP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 AB:CD\na=fingerprint:bad\n",
         error::bad_bfcp_attribute},
        {"TCP/TLS/BFCP", 5000, "a=fingerprint:SHA-256 AB:C\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=fingerprint:SHA-256 AB:C\n", std::nullopt}, // unused on TCP
        // floorctrl (RFC 8856 §5.1)
        {"TCP/BFCP", 5000, "a=floorctrl:c-only\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=floorctrl:c-s\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=floorctrl:c-only s-only\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=floorctrl:s-only\n", error::role_conflict},
        {"TCP/BFCP", 5000, "a=floorctrl:x-only\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=floorctrl:\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=floorctrl:c-only\na=floorctrl:c-s\n", error::bad_bfcp_attribute},
        // setup (RFC 4145 §4; absent = active)
        {"TCP/BFCP", 5000, "", std::nullopt},
        {"TCP/BFCP", 5000, "a=setup:actpass\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=setup:passive\n", error::setup_conflict},
        {"TCP/WSS/BFCP", 9, "a=setup:passive\n", error::setup_conflict},
        {"TCP/WSS/BFCP", 9, "a=setup:holdconn\n", error::setup_conflict},
        {"TCP/BFCP", 5000, "a=setup:sideways\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=setup:active\na=setup:active\n", error::bad_bfcp_attribute},
        // connection (RFC 4145 §5)
        {"TCP/BFCP", 5000, "a=connection:new\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=connection:existing\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=connection:old\n", error::bad_bfcp_attribute},
        // bfcpver (RFC 8856 §5.5, §10)
        {"TCP/BFCP", 5000, "a=bfcpver:1\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=bfcpver:2 1\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=bfcpver:2\n", error::version_mismatch},
        {"UDP/BFCP", 5000, "a=bfcpver:2\n", std::nullopt},
        {"UDP/BFCP", 5000, "a=bfcpver:3\n", error::version_mismatch},
        {"UDP/BFCP", 5000, "a=bfcpver:0\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=bfcpver:0\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=bfcpver:one\n", error::bad_bfcp_attribute},
        // confid / userid / floorid as sent by clients (RFC 8856 §5.2-5.4)
        {"TCP/BFCP", 5000, "a=confid:1\na=userid:2\na=floorid:1 mstrm:3 4\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=floorid:1 m-stream:3\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=floorid:1\n", std::nullopt},
        {"TCP/BFCP", 5000, "a=confid:abc\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=userid:70000\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=floorid:1 stream:3\n", error::bad_bfcp_attribute},
        {"TCP/BFCP", 5000, "a=floorid:1 mstrm:\n", error::bad_bfcp_attribute},
        // unknown attributes on the BFCP line are ignored
        {"TCP/BFCP", 5000, "a=x-vendor:1\na=sendrecv\n", std::nullopt},
    };
    for (auto const& r : rows) {
        auto const text = one_line_offer(r);
        SCOPED_TRACE(text);
        auto const a = sdp::answer_offer(text, server_params());
        if (!r.expected) {
            ASSERT_TRUE(a) << a.error().reason;
            bool const plain_udp = a->kind == transport::udp;
            EXPECT_EQ(a->sdp.find("a=setup:passive\r\n") != std::string::npos, !plain_udp);
            EXPECT_EQ(a->sdp.find("a=connection:") != std::string::npos,
                      !sdp::is_datagram(a->kind));
            EXPECT_NE(a->sdp.find("a=floorctrl:s-only\r\n"), std::string::npos);
            EXPECT_NE(a->sdp.find("a=bfcpver:"), std::string::npos);
            continue;
        }
        ASSERT_FALSE(a);
        EXPECT_EQ(a.error().code, *r.expected) << a.error().reason;
        EXPECT_EQ(a.error().reason.rfind("no usable BFCP stream: m-line 1 (", 0), 0u)
            << a.error().reason;
        EXPECT_EQ(a.error().reason.find_first_of("\"\\\r\n"), std::string::npos);
    }
}

TEST(SdpAnswer, TransportNotEnabledIsRefused)
{
    auto p = server_params();
    p.transports = {transport::wss};
    auto const r = sdp::answer_offer(read_data("cs_actpass_tcp.sdp"), p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::unsupported_transport);
    EXPECT_EQ(r.error().reason, "no usable BFCP stream: m-line 1 (TCP/BFCP): transport not "
                                "enabled on this server");
}

TEST(SdpAnswer, NoBfcpLine)
{
    auto const r = sdp::answer_offer(
        crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n"),
        server_params());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::no_bfcp_stream);
    EXPECT_EQ(r.error().reason, "offer has no BFCP m-line");
}

TEST(SdpAnswer, MalformedOfferReasonNamesTheLine)
{
    auto const r = sdp::answer_offer(
        crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=application 9 TCP/WSS/BFCP :\n"),
        server_params());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::bad_format);
    EXPECT_EQ(r.error().reason, "malformed SDP: line 5: m= fmt is not a token");
}

TEST(SdpAnswer, SeveralRefusedLinesAreAllNamed)
{
    auto const r = sdp::answer_offer(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"
                                          "m=application 0 UDP/BFCP *\n"
                                          "m=application 9 TCP/WSS/BFCP *\na=floorctrl:s-only\n"
                                          "m=application 9 TCP/BFCP *\na=setup:passive\n"),
                                     server_params());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::role_conflict); // first refusal that is not "port 0"
    EXPECT_EQ(r.error().reason,
              "no usable BFCP stream: m-line 1 (UDP/BFCP): disabled by the offerer (port 0); "
              "m-line 2 (TCP/WSS/BFCP): offer allows only floorctrl:s-only but floorctl is a "
              "floor control server; m-line 3 (TCP/BFCP): setup:passive asks floorctl to connect "
              "out; floorctl only accepts connections");
}

// --- answer_params checks ---

TEST(SdpAnswerParams, WssHostMustBeAName)
{
    for (char const* host : {"192.0.2.1", "[2001:db8::1]", "2001:db8::1", "10"}) {
        auto p = server_params();
        p.wss.host = host;
        auto const r = sdp::answer_offer(read_data("rfc8857_browser_offer.sdp"), p);
        ASSERT_FALSE(r) << host;
        EXPECT_EQ(r.error().code, error::bad_answer_params);
        EXPECT_EQ(r.error().reason,
                  "bad answer parameters: wss host must be a host name, not an IP address");
    }
    EXPECT_TRUE(sdp::is_ip_literal("127.0.0.1"));
    EXPECT_FALSE(sdp::is_ip_literal("bfcp1.example.com"));
    EXPECT_FALSE(sdp::is_ip_literal("localhost"));
}

TEST(SdpAnswerParams, WsMayUseAnIpv6AddressInBrackets)
{
    auto p = server_params();
    p.transports = {transport::ws};
    p.address = "2001:db8::5";
    p.ws = {"2001:db8::5", 80, "/bfcp?room=7"};
    auto offer = read_data("rfc8857_browser_offer.sdp");
    offer.replace(offer.find("TCP/WSS/BFCP"), 12, "TCP/WS/BFCP");
    auto const r = sdp::answer_offer(offer, p);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(r->websocket_uri, "ws://[2001:db8::5]/bfcp?room=7&token=tok-3170449312");
    EXPECT_NE(r->sdp.find("o=floorctl 1000 1 IN IP6 2001:db8::5\r\n"), std::string::npos);
    EXPECT_NE(r->sdp.find("c=IN IP6 2001:db8::5\r\n"), std::string::npos);
    EXPECT_NE(r->sdp.find("m=application 80 TCP/WS/BFCP *\r\n"), std::string::npos);
}

TEST(SdpAnswerParams, Ipv6TcpListenerGetsMediaLevelIp6Connection)
{
    auto p = server_params();
    p.tcp = {"2001:db8::10", 5070};
    auto const a = answer_file("cs_actpass_tcp.sdp", p);
    EXPECT_NE(a.sdp.find("m=application 5070 TCP/BFCP *\r\nc=IN IP6 2001:db8::10\r\n"),
              std::string::npos);

    p.tcp = {"", 5070}; // empty: the session c= (our address) is the listener address
    auto const b = answer_file("cs_actpass_tcp.sdp", p);
    EXPECT_NE(b.sdp.find("m=application 5070 TCP/BFCP *\r\na=setup:passive\r\n"),
              std::string::npos);
}

TEST(SdpAnswerParams, NonDefaultWssPortIsWritten)
{
    auto p = server_params();
    p.wss = {"bfcp.example.com", 8443, ""};
    auto const a = answer_file("rfc8857_browser_offer.sdp", p);
    EXPECT_EQ(a.websocket_uri, "wss://bfcp.example.com:8443?token=tok-3170449312");
    EXPECT_NE(a.sdp.find("m=application 8443 TCP/WSS/BFCP *\r\n"), std::string::npos);
}

TEST(SdpAnswerParams, UnusableParametersAreRefused)
{
    struct param_case {
        char const* name;
        void (*change)(sdp::answer_params&);
    };
    param_case const cases[] = {
        {"empty token", [](sdp::answer_params& p) { p.token.clear(); }},
        {"token with space", [](sdp::answer_params& p) { p.token = "a b"; }},
        {"token with ampersand", [](sdp::answer_params& p) { p.token = "a&b"; }},
        {"previous token bad",
         [](sdp::answer_params& p) {
             p.previous = sdp::established{transport::wss, "x?y", {}, {}};
         }},
        {"no transport", [](sdp::answer_params& p) { p.transports.clear(); }},
        {"tcp/dtls enabled", [](sdp::answer_params& p) { p.transports = {transport::tcp_dtls}; }},
        {"tcp port 0", [](sdp::answer_params& p) { p.tcp.port = 0; }},
        {"udp port 0", [](sdp::answer_params& p) { p.udp[0].port = 0; }},
        {"dtls port 0", [](sdp::answer_params& p) { p.dtls[0].port = 0; }},
        {"udp address with space", [](sdp::answer_params& p) { p.udp[0].address = "a b"; }},
        {"no udp listener", [](sdp::answer_params& p) { p.udp.clear(); }},
        {"dtls without fingerprint", [](sdp::answer_params& p) { p.tls_fingerprint.clear(); }},
        {"fingerprint without hash", [](sdp::answer_params& p) { p.tls_fingerprint = "AA:BB"; }},
        {"fingerprint bad hex", [](sdp::answer_params& p) { p.tls_fingerprint = "SHA-256 AA:BG"; }},
        {"empty address", [](sdp::answer_params& p) { p.address.clear(); }},
        {"address with space", [](sdp::answer_params& p) { p.address = "a b"; }},
        {"empty wss host", [](sdp::answer_params& p) { p.wss.host.clear(); }},
        {"wss host with slash", [](sdp::answer_params& p) { p.wss.host = "a/b"; }},
        {"relative path", [](sdp::answer_params& p) { p.wss.path = "bfcp"; }},
        {"path with fragment", [](sdp::answer_params& p) { p.wss.path = "/a#b"; }},
        {"floor label not a token", [](sdp::answer_params& p) { p.floors[0].label = "a b"; }},
    };
    for (auto const& c : cases) {
        auto p = server_params();
        c.change(p);
        auto const r = sdp::answer_offer(read_data("rfc8857_browser_offer.sdp"), p);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, error::bad_answer_params) << c.name;
    }
}

// Every answer we produce for the data files parses and has as many m-lines as the offer.
TEST(SdpAnswer, AnswersParseAndMirrorTheOfferMLines)
{
    std::size_t answered = 0;
    for (auto const& entry :
         std::filesystem::directory_iterator(std::string(FLOORCTL_TEST_DATA_DIR) + "/sdp")) {
        if (entry.path().extension() != ".sdp") continue;
        auto const text = read_data(entry.path().filename().string());
        auto const offer = sdp::parse(text);
        ASSERT_TRUE(offer);
        auto const a = sdp::make_answer(*offer, server_params());
        if (!a) continue;
        SCOPED_TRACE(entry.path().filename().string());
        auto const back = sdp::parse(a->sdp);
        ASSERT_TRUE(back) << back.error().message;
        ASSERT_EQ(back->media.size(), offer->media.size());
        for (std::size_t i = 0; i < offer->media.size(); ++i) {
            EXPECT_EQ(back->media[i].media, offer->media[i].media);
            EXPECT_EQ(back->media[i].proto, offer->media[i].proto);
            EXPECT_EQ(back->media[i].port != 0, i == a->media_index);
        }
        ++answered;
    }
    EXPECT_GE(answered, 11u);
}

} // namespace
