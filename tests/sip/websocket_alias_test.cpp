// sip::from_websocket / sip::to_websocket: SIP over WebSocket (RFC 7118) rewritten for sofia's
// TCP transport and back. Golden messages modelled on what JsSIP and SIP.js send (random
// `.invalid` Via hosts, `transport=ws` Contacts), malformed input of every kind.

#include <sip/stream_reader.hpp>
#include <sip/websocket_alias.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

namespace {

/// Joins head lines with CRLF, adds the empty line and the body.
std::string msg(std::initializer_list<std::string_view> lines, std::string_view body = {})
{
    std::string out;
    for (auto const l : lines) {
        out += l;
        out += "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

sip::websocket_peer wss_peer()
{
    sip::websocket_peer p;
    p.transport = sip::websocket_transport::wss;
    p.address = "198.51.100.7"; // the browser, as the edge's socket sees it
    p.port = 53124;
    p.alias_host = "127.0.0.1"; // the edge's end of the loopback connection to sofia
    p.alias_port = 40001;
    p.connection = "7";
    return p;
}

std::string forwarded(sip::client_decision const& d)
{
    auto const* f = std::get_if<sip::forward_to_sip>(&d);
    EXPECT_NE(f, nullptr) << "expected forward_to_sip, got index " << d.index();
    return f ? f->bytes : std::string{};
}

std::string answered(sip::client_decision const& d)
{
    auto const* a = std::get_if<sip::answer_client>(&d);
    EXPECT_NE(a, nullptr) << "expected answer_client, got index " << d.index();
    return a ? a->message : std::string{};
}

std::string const sdp_offer = "v=0\r\n"
                              "o=- 1 1 IN IP4 198.51.100.7\r\n"
                              "s=-\r\n"
                              "c=IN IP4 0.0.0.0\r\n"
                              "t=0 0\r\n"
                              "m=application 9 TCP/WSS/BFCP *\r\n"
                              "a=setup:active\r\n"
                              "a=connection:new\r\n"
                              "a=floorctrl:c-only\r\n"; // 150 octets

// JsSIP 3.x: random .invalid Via host, Contact with transport=ws and ;ob, Content-Length given.
std::string const jssip_invite =
    msg({"INVITE sip:demo@floorctl.test SIP/2.0",
         "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630", "Max-Forwards: 69",
         "To: <sip:demo@floorctl.test>", "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
         "Call-ID: 9n1ib0p0m7s0nglnn0ej", "CSeq: 2741 INVITE",
         "Contact: <sip:k4qbb3cm@3b9r1k2lc8m4.invalid;transport=ws;ob>",
         "Content-Type: application/sdp", "Supported: ice,replaces,outbound",
         "User-Agent: JsSIP 3.10.0", "Content-Length: 150"},
        sdp_offer);

TEST(WebSocketAliasTest, JsSipInviteReachesSofiaAsTcpWithAnAliasContact)
{
    ASSERT_EQ(sdp_offer.size(), 150u);
    auto const out = forwarded(sip::from_websocket(jssip_invite, true, wss_peer()));
    EXPECT_EQ(out,
              msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                   // WSS -> TCP; host and branch unchanged, sofia adds received/rport itself
                   "Via: SIP/2.0/TCP 3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630",
                   "Max-Forwards: 69", "To: <sip:demo@floorctl.test>",
                   "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                   "Call-ID: 9n1ib0p0m7s0nglnn0ej", "CSeq: 2741 INVITE",
                   // the loopback connection (sofia sends BYE there), this WebSocket connection's
                   // name, and the client's own URI escaped (restored in in-dialog requests)
                   "Contact: <sip:k4qbb3cm@127.0.0.1:40001;transport=tcp;ws-alias=7;"
                   "ws-uri=sip:k4qbb3cm%403b9r1k2lc8m4.invalid%3Btransport%3Dws%3Bob>",
                   "Content-Type: application/sdp", "Supported: ice,replaces,outbound",
                   "User-Agent: JsSIP 3.10.0", "Content-Length: 150"}, // always last, always exact
                  sdp_offer));
}

TEST(WebSocketAliasTest, SipJsInviteWithoutContentLengthGetsOne)
{
    // SIP.js style, binary frame, no Content-Length (optional over WebSocket: RFC 7118 §5).
    auto const in =
        msg({"INVITE sip:demo@floorctl.test SIP/2.0",
             "Via: SIP/2.0/WSS j5n9o2gmq7sk.invalid;branch=z9hG4bK3715573",
             "To: <sip:demo@floorctl.test>", "From: <sip:bob@example.org>;tag=aqs8tcbm6a",
             "CSeq: 1 INVITE", "Call-ID: p1g9cbv6lk3ihdq5e6rk", "Max-Forwards: 70",
             "Contact: <sip:1rlqvt8b@j5n9o2gmq7sk.invalid;transport=ws>;expires=600",
             "Content-Type: application/sdp"},
            sdp_offer);
    auto peer = wss_peer();
    peer.transport = sip::websocket_transport::ws;
    EXPECT_EQ(forwarded(sip::from_websocket(in, false, peer)),
              msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                   "Via: SIP/2.0/TCP j5n9o2gmq7sk.invalid;branch=z9hG4bK3715573",
                   "To: <sip:demo@floorctl.test>", "From: <sip:bob@example.org>;tag=aqs8tcbm6a",
                   "CSeq: 1 INVITE", "Call-ID: p1g9cbv6lk3ihdq5e6rk", "Max-Forwards: 70",
                   // header parameter ;expires stays outside the brackets
                   "Contact: <sip:1rlqvt8b@127.0.0.1:40001;transport=tcp;ws-alias=7;"
                   "ws-uri=sip:1rlqvt8b%40j5n9o2gmq7sk.invalid%3Btransport%3Dws>;expires=600",
                   "Content-Type: application/sdp", "Content-Length: 150"}, // added
                  sdp_offer));
}

TEST(WebSocketAliasTest, AckToFloorctlsWebSocketContactGoesToSofiaOverTcp)
{
    // In-dialog ACK: the Request-URI is floorctl's Contact as to_websocket() gave it.
    auto const in = msg({"ACK sip:127.0.0.1:5060;transport=wss SIP/2.0",
                         "v: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK5555", // compact Via
                         "f: <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                         "t: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m", "i: 9n1ib0p0m7s0nglnn0ej",
                         "CSeq: 2741 ACK"});
    EXPECT_EQ(forwarded(sip::from_websocket(in, true, wss_peer())),
              msg({"ACK sip:127.0.0.1:5060;transport=tcp SIP/2.0",
                   "v: SIP/2.0/TCP 3b9r1k2lc8m4.invalid;branch=z9hG4bK5555",
                   "f: <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                   "t: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m", "i: 9n1ib0p0m7s0nglnn0ej",
                   "CSeq: 2741 ACK", "Content-Length: 0"}));
}

TEST(WebSocketAliasTest, DigestCredentialsKeepTheClientsUriWhileTheRequestUriBecomesTcp)
{
    // The response hash covers the uri= the client wrote (RFC 2617 §3.2.2.2: H(method ":"
    // digest-uri)), and sofia's digest check computes it from that parameter, not from the
    // Request-URI: rewriting uri= would break every credential, keeping it verifies.
    // (AgentWebSocketDigestTest proves it against sofia.)
    std::string const authorization =
        "Authorization: Digest algorithm=MD5, username=\"alice\", realm=\"floorctl.test\", "
        "nonce=\"Z2bOkH5fs\", uri=\"sip:demo@floorctl.test;transport=ws\", "
        "response=\"0c7d1bd2f6a94ebc5ac7d5b8b86d5d69\", qop=auth, cnonce=\"0a4f113b\", nc=00000001";
    std::string const proxy_authorization =
        "Proxy-Authorization: Digest username=\"alice\", realm=\"floorctl.test\", "
        "nonce=\"Q1w2\", uri=\"sip:demo@floorctl.test;transport=ws\", response=\"00\"";
    auto const in =
        msg({"INVITE sip:demo@floorctl.test;transport=ws SIP/2.0",
             "Via: SIP/2.0/WSS 5hq0ne7c2l9a.invalid;branch=z9hG4bK-auth-2",
             "To: <sip:demo@floorctl.test>", "From: <sip:alice@floorctl.test>;tag=a1",
             "Call-ID: digest-over-ws", "CSeq: 2 INVITE", authorization, proxy_authorization});
    auto const out = forwarded(sip::from_websocket(in, true, wss_peer()));
    EXPECT_TRUE(out.starts_with("INVITE sip:demo@floorctl.test;transport=tcp SIP/2.0\r\n")) << out;
    EXPECT_NE(out.find("\r\n" + authorization + "\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\r\n" + proxy_authorization + "\r\n"), std::string::npos) << out;
}

TEST(WebSocketAliasTest, PreloadedRouteIsForwardedAsTheClientWroteIt)
{
    // JsSIP's use_preloaded_route and SIP.js's outbound proxy name floorctl's WebSocket URI in a
    // Route. sofia, a user agent, answers the request whatever its Route says
    // (AgentWebSocketAliasTest.PreloadedRouteToFloorctlOverWsIsAnsweredNotForwarded), so the
    // edge leaves it alone.
    auto const in =
        msg({"INVITE sip:demo@floorctl.test SIP/2.0",
             "Via: SIP/2.0/WSS 9rt2xq4v.invalid;branch=z9hG4bK-route-1",
             "Route: <sip:floorctl.test:443;transport=ws;lr>", "To: <sip:demo@floorctl.test>",
             "From: <sip:carol@example.org>;tag=c4", "Call-ID: preloaded-route", "CSeq: 1 INVITE"});
    auto const out = forwarded(sip::from_websocket(in, true, wss_peer()));
    EXPECT_NE(out.find("\r\nRoute: <sip:floorctl.test:443;transport=ws;lr>\r\n"), std::string::npos)
        << out;
}

TEST(WebSocketAliasTest, FlowKeepAliveIsTheDoubleCrlfPingEveryThirdOfSofiasIdleTimeout)
{
    using std::chrono::milliseconds;
    EXPECT_EQ(sip::flow_keep_alive, "\r\n\r\n"); // RFC 5626 §4.4.1 ping
    EXPECT_EQ(sip::flow_keep_alive_interval(milliseconds{30 * 60 * 1000}),
              milliseconds{10 * 60 * 1000}); // sofia's default 30 min: every 10 min
    EXPECT_EQ(sip::flow_keep_alive_interval(milliseconds{1000}), milliseconds{333});
    EXPECT_EQ(sip::flow_keep_alive_interval(milliseconds{2}), milliseconds{1}); // never 0
    EXPECT_EQ(sip::flow_keep_alive_interval(milliseconds{0}), milliseconds{1});
    // sofia's CRLF pong between messages is skipped by the reader of the flow.
    sip::stream_reader reader;
    reader.append("\r\n");
    EXPECT_EQ(reader.next().what, sip::stream_item::kind::need_more);
}

TEST(WebSocketAliasTest, RequestUriTransportOtherThanWebSocketIsLeftAlone)
{
    auto const in = msg({"OPTIONS sip:demo@floorctl.test;transport=udp;lr SIP/2.0",
                         "Via: SIP/2.0/WS h.invalid;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                         "To: <sip:demo@floorctl.test>", "Call-ID: o1", "CSeq: 1 OPTIONS"});
    auto const out = forwarded(sip::from_websocket(in, true, wss_peer()));
    EXPECT_EQ(out.substr(0, out.find("\r\n")),
              "OPTIONS sip:demo@floorctl.test;transport=udp;lr SIP/2.0");
}

TEST(WebSocketAliasTest, ClientResponseToFloorctlsByeGetsTcpVia)
{
    // The top Via is the one to_websocket() wrote on floorctl's BYE.
    auto const in =
        msg({"SIP/2.0 200 OK", "Via: SIP/2.0/WSS 127.0.0.1:5060;branch=z9hG4bKbye1;rport",
             "From: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m",
             "To: <sip:alice@floorctl.test>;tag=u7bi8bg5ro", "Call-ID: 9n1ib0p0m7s0nglnn0ej",
             "CSeq: 101 BYE", "Content-Length: 0"});
    EXPECT_EQ(forwarded(sip::from_websocket(in, true, wss_peer())),
              msg({"SIP/2.0 200 OK", "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKbye1;rport",
                   "From: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m",
                   "To: <sip:alice@floorctl.test>;tag=u7bi8bg5ro", "Call-ID: 9n1ib0p0m7s0nglnn0ej",
                   "CSeq: 101 BYE", "Content-Length: 0"}));
}

TEST(WebSocketAliasTest, DoubleCrlfKeepAliveIsAnsweredWithCrlf)
{
    // RFC 5626 §4.4.1: ping = CRLF CRLF, pong = CRLF; answered at the edge, never forwarded.
    EXPECT_EQ(answered(sip::from_websocket("\r\n\r\n", true, wss_peer())), "\r\n");
    EXPECT_EQ(answered(sip::from_websocket("\r\n\r\n", false, wss_peer())), "\r\n");
    EXPECT_TRUE(std::holds_alternative<sip::drop_message>(
        sip::from_websocket("\r\n", true, wss_peer()))); // a pong
    EXPECT_TRUE(
        std::holds_alternative<sip::drop_message>(sip::from_websocket("", false, wss_peer())));
}

TEST(WebSocketAliasTest, ShortBodyIsAnswered400ToTheRealPeer)
{
    auto const in = msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                         "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK77;rport",
                         "From: <sip:alice@floorctl.test>;tag=a1", "To: <sip:demo@floorctl.test>",
                         "Call-ID: short1", "CSeq: 1 INVITE", "Content-Length: 500"},
                        sdp_offer);
    EXPECT_EQ(
        answered(sip::from_websocket(in, true, wss_peer())),
        msg({"SIP/2.0 400 Bad Request",
             // RFC 3261 §18.2.1 received, RFC 3581 rport: the browser's real address
             "Via: SIP/2.0/WSS "
             "3b9r1k2lc8m4.invalid;branch=z9hG4bK77;rport=53124;received=198.51.100.7",
             "From: <sip:alice@floorctl.test>;tag=a1",
             "To: <sip:demo@floorctl.test>;tag=wsce000919cfe4", // derived from the Call-ID
             "Call-ID: short1", "CSeq: 1 INVITE",
             "Warning: 399 floorctl \"body shorter than Content-Length\"", "Content-Length: 0"}));
}

TEST(WebSocketAliasTest, EdgeAnswerIsTextUnlessItCopiesOctetsThatAreNotUtf8)
{
    auto const short_body = [](std::string_view from) {
        return msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                    "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK78", from,
                    "To: <sip:demo@floorctl.test>", "Call-ID: short2", "CSeq: 1 INVITE",
                    "Content-Length: 500"},
                   sdp_offer);
    };
    // RFC 3261 §7: SIP is UTF-8 text, so the edge's 400 goes in a text frame...
    auto const plain =
        sip::from_websocket(short_body("From: <sip:alice@floorctl.test>;tag=a1"), true, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::answer_client>(plain));
    EXPECT_TRUE(std::get<sip::answer_client>(plain).text);
    // ...unless it copies a From display name that a binary message carried in Latin-1 (0xe9):
    // a text frame must be UTF-8 (RFC 6455 §8.1), so that answer goes binary.
    auto const latin1 = sip::from_websocket(
        short_body("From: \"Ren\xe9\" <sip:rene@floorctl.test>;tag=a1"), false, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::answer_client>(latin1));
    EXPECT_FALSE(std::get<sip::answer_client>(latin1).text);
    EXPECT_NE(std::get<sip::answer_client>(latin1).message.find("Ren\xe9"), std::string::npos);
    // The keep-alive answer is CRLF: text.
    EXPECT_TRUE(
        std::get<sip::answer_client>(sip::from_websocket("\r\n\r\n", false, wss_peer())).text);
}

TEST(WebSocketAliasTest, ExtraOctetsBeyondContentLengthAreDiscarded)
{
    auto const in =
        msg({"INVITE sip:demo@floorctl.test SIP/2.0", "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1",
             "From: <sip:a@b>;tag=1", "To: <sip:demo@floorctl.test>", "Call-ID: x",
             "CSeq: 1 INVITE", "Content-Length: 3"},
            "v=0 and more");
    auto const out = forwarded(sip::from_websocket(in, true, wss_peer()));
    EXPECT_TRUE(out.ends_with("Content-Length: 3\r\n\r\nv=0")) << out;
}

TEST(WebSocketAliasTest, FoldedViaIsUnfoldedAndRewritten)
{
    auto const in =
        msg({"BYE sip:127.0.0.1:5060 SIP/2.0", "Via: SIP / 2.0 / WSS",
             "  h.invalid;branch=z9hG4bK9, SIP/2.0/WSS other.invalid;branch=z9hG4bK8",
             "From: <sip:a@b>;tag=1", "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 2 BYE"});
    auto const out = forwarded(sip::from_websocket(in, true, wss_peer()));
    EXPECT_NE(out.find("\r\nVia: SIP/2.0/TCP h.invalid;branch=z9hG4bK9, SIP/2.0/WSS "
                       "other.invalid;branch=z9hG4bK8\r\n"),
              std::string::npos)
        << out;
}

TEST(WebSocketAliasTest, EveryContactOfAHeaderIsAliased)
{
    auto const in = msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                         "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                         "To: <sip:demo@floorctl.test>", "Call-ID: x", "CSeq: 1 INVITE",
                         "m: \"A, B\" <sip:a@h.invalid;transport=ws>, sip:b@[2001:db8::9];q=0.5"});
    auto peer = wss_peer();
    peer.alias_host = "::1";
    auto const out = forwarded(sip::from_websocket(in, true, peer));
    EXPECT_NE(out.find("\r\nm: \"A, B\" <sip:a@[::1]:40001;transport=tcp;ws-alias=7;"
                       "ws-uri=sip:a%40h.invalid%3Btransport%3Dws>, "
                       "<sip:b@[::1]:40001;transport=tcp;ws-alias=7;"
                       "ws-uri=sip:b%40[2001:db8::9]>;q=0.5\r\n"),
              std::string::npos)
        << out;
}

TEST(WebSocketAliasTest, InvalidUtf8InATextFrameCloses1007ButIsFineInBinary)
{
    auto const in = msg({"MESSAGE sip:demo@floorctl.test SIP/2.0",
                         "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                         "To: <sip:demo@floorctl.test>", "Call-ID: x", "CSeq: 1 MESSAGE"},
                        "\xff\xfe binary body");
    auto const text = sip::from_websocket(in, true, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::close_client>(text));
    EXPECT_EQ(std::get<sip::close_client>(text).code, 1007);
    EXPECT_TRUE(
        std::holds_alternative<sip::forward_to_sip>(sip::from_websocket(in, false, wss_peer())));
}

TEST(WebSocketAliasTest, OversizeRequestIs413AndOversizeGarbageCloses1009)
{
    sip::websocket_limits limits;
    limits.max_message = 300;
    auto const big = msg({"INVITE sip:demo@floorctl.test SIP/2.0",
                          "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                          "To: <sip:demo@floorctl.test>;tag=9", "Call-ID: x", "CSeq: 1 INVITE"},
                         std::string(400, 'a'));
    auto const text = answered(sip::from_websocket(big, true, wss_peer(), limits));
    EXPECT_TRUE(text.starts_with("SIP/2.0 413 Request Entity Too Large\r\n")) << text;
    EXPECT_NE(text.find("To: <sip:demo@floorctl.test>;tag=9\r\n"), std::string::npos);
    EXPECT_NE(text.find("Warning: 399 floorctl \"message larger than 300 octets\"\r\n"),
              std::string::npos);

    auto const garbage = sip::from_websocket(std::string(400, 'x'), true, wss_peer(), limits);
    ASSERT_TRUE(std::holds_alternative<sip::close_client>(garbage));
    EXPECT_EQ(std::get<sip::close_client>(garbage).code, 1009);

    auto const ack_big = sip::from_websocket(
        msg({"ACK sip:demo@floorctl.test SIP/2.0", "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1",
             "From: <sip:a@b>;tag=1", "To: <sip:demo@floorctl.test>;tag=9", "Call-ID: x",
             "CSeq: 1 ACK"},
            std::string(400, 'a')),
        true, wss_peer(), limits);
    ASSERT_TRUE(std::holds_alternative<sip::close_client>(ack_big)); // ACK is never answered
    EXPECT_EQ(std::get<sip::close_client>(ack_big).code, 1009);
}

struct bad_case {
    char const* name;
    std::string message;
    int status; ///< 400, or 0 when the message must be dropped
    char const* fault;
};

std::string invite_with(std::string_view extra_line,
                        std::string_view via = "SIP/2.0/WSS h.invalid;branch=z9hG4bK1")
{
    std::string via_line = "Via: " + std::string(via);
    if (extra_line.empty())
        return msg({"INVITE sip:demo@floorctl.test SIP/2.0", via_line, "From: <sip:a@b>;tag=1",
                    "To: <sip:demo@floorctl.test>", "Call-ID: bad", "CSeq: 1 INVITE"});
    return msg({"INVITE sip:demo@floorctl.test SIP/2.0", via_line, "From: <sip:a@b>;tag=1",
                "To: <sip:demo@floorctl.test>", "Call-ID: bad", "CSeq: 1 INVITE", extra_line});
}

class WebSocketAliasMalformedTest : public ::testing::TestWithParam<bad_case> {};

TEST_P(WebSocketAliasMalformedTest, IsAnsweredOrDroppedNeverForwarded)
{
    auto const& c = GetParam();
    auto const d = sip::from_websocket(c.message, false, wss_peer());
    if (c.status == 0) {
        ASSERT_TRUE(std::holds_alternative<sip::drop_message>(d)) << c.name << " " << d.index();
        EXPECT_NE(std::get<sip::drop_message>(d).reason.find(c.fault), std::string::npos)
            << std::get<sip::drop_message>(d).reason;
        return;
    }
    auto const text = answered(d);
    EXPECT_TRUE(text.starts_with("SIP/2.0 " + std::to_string(c.status) + " ")) << text;
    EXPECT_NE(text.find(c.fault), std::string::npos) << text;
    EXPECT_TRUE(text.ends_with("Content-Length: 0\r\n\r\n"));
}

INSTANTIATE_TEST_SUITE_P(
    Messages, WebSocketAliasMalformedTest,
    ::testing::Values(
        bad_case{"malformed Content-Length", invite_with("Content-Length: ten"), 400,
                 "malformed Content-Length"},
        bad_case{"conflicting Content-Length", invite_with("Content-Length: 0\r\nl: 1"), 400,
                 "conflicting Content-Length"},
        bad_case{"Via over TCP", invite_with("", "SIP/2.0/TCP h.invalid;branch=z9hG4bK1"), 400,
                 "must be WS or WSS"},
        bad_case{"Via without sent-by", invite_with("", "SIP/2.0/WSS"), 0, "malformed Via"},
        bad_case{"Via not SIP/2.0", invite_with("", "SIP/3.0/WSS h;branch=1"), 0, "malformed Via"},
        bad_case{"Contact not a SIP URI", invite_with("Contact: <tel:+123>"), 400,
                 "malformed Contact"},
        bad_case{"Contact without closing bracket", invite_with("Contact: <sip:a@b"), 400,
                 "malformed Contact"},
        bad_case{"no Via",
                 msg({"INVITE sip:a SIP/2.0", "From: <sip:a@b>;tag=1", "To: <sip:c@d>",
                      "Call-ID: x", "CSeq: 1 INVITE"}),
                 0, "without Via"},
        bad_case{"no Call-ID",
                 msg({"INVITE sip:a SIP/2.0", "Via: SIP/2.0/WSS h;branch=1",
                      "From: <sip:a@b>;tag=1", "To: <sip:c@d>", "CSeq: 1 INVITE"}),
                 0, "without From, To, Call-ID or CSeq"},
        bad_case{"ACK with a short body",
                 msg({"ACK sip:a SIP/2.0", "Via: SIP/2.0/WSS h;branch=1", "From: <sip:a@b>;tag=1",
                      "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 ACK", "Content-Length: 9"}),
                 0, "body shorter"},
        bad_case{"response with a short body",
                 msg({"SIP/2.0 200 OK", "Via: SIP/2.0/WSS h;branch=1", "From: <sip:a@b>;tag=1",
                      "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 BYE", "Content-Length: 9"}),
                 0, "body shorter"},
        bad_case{"response with a TCP Via",
                 msg({"SIP/2.0 200 OK", "Via: SIP/2.0/TCP h;branch=1", "From: <sip:a@b>;tag=1",
                      "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 BYE"}),
                 0, "not WS or WSS"},
        bad_case{"not SIP", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0, "not SIP/2.0"},
        bad_case{"binary junk", std::string("\x16\x03\x01\x00\x05hello", 10), 0,
                 "malformed message"},
        bad_case{"lone LF", "INVITE sip:a SIP/2.0\nVia: x\r\n\r\n", 0, "LF without CR"},
        bad_case{"lone CR", "INVITE sip:a SIP/2.0\rVia: x\r\n\r\n", 0, "lone CR"},
        bad_case{"NUL in a header", std::string("INVITE sip:a SIP/2.0\r\nVia: \0\r\n\r\n", 30), 0,
                 "control character"},
        bad_case{"no empty line", "INVITE sip:a SIP/2.0\r\nVia: x\r\n", 0, "not terminated"},
        bad_case{"header without colon", invite_with("Supported timer"), 0, "without a colon"},
        bad_case{"header name with a space", invite_with("Con tact: <sip:a@b>"), 0, "not a token"},
        bad_case{"continuation first", "INVITE sip:a SIP/2.0\r\n Via: x\r\n\r\n", 0,
                 "continuation line"},
        bad_case{"status out of range", "SIP/2.0 700 Odd\r\n\r\n", 0, "outside 100..699"},
        bad_case{"status not digits", "SIP/2.0 2x0 OK\r\n\r\n", 0, "malformed status code"},
        bad_case{"request line without version", "INVITE sip:a\r\n\r\n", 0,
                 "malformed request line"},
        bad_case{"empty Request-URI", "INVITE  SIP/2.0\r\n\r\n", 0, "empty Request-URI"},
        bad_case{"method not a token", "INV(TE sip:a SIP/2.0\r\n\r\n", 0, "not a token"}),
    [](auto const& param_info) {
        std::string n;
        for (char const c : std::string(param_info.param.name))
            n += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
        return n;
    });

TEST(WebSocketAliasTest, TooManyHeadersIsDropped)
{
    sip::websocket_limits limits;
    limits.max_headers = 5;
    auto const d = sip::from_websocket(invite_with("X-A: 1"), true, wss_peer(), limits);
    ASSERT_TRUE(std::holds_alternative<sip::drop_message>(d));
    EXPECT_NE(std::get<sip::drop_message>(d).reason.find("too many header fields"),
              std::string::npos);
}

// ---- sofia -> client ------------------------------------------------------------------

TEST(WebSocketAliasTest, SofiasAnswerReachesTheClientWithItsViaAndAWebSocketContact)
{
    auto const body = std::string("v=0\r\n");
    auto const in =
        msg({"SIP/2.0 200 OK",
             // what sofia echoes: our TCP Via plus received/rport of the loopback
             "Via: SIP/2.0/TCP "
             "3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630;rport=40001;received=127.0.0.1",
             "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
             "To: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m", "Call-ID: 9n1ib0p0m7s0nglnn0ej",
             "CSeq: 2741 INVITE", "Contact: <sip:127.0.0.1:5060>", "Content-Type: application/sdp",
             "Content-Length: 5"},
            body);
    auto const d = sip::to_websocket(in, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(d));
    auto const& out = std::get<sip::send_to_client>(d);
    EXPECT_TRUE(out.text);
    EXPECT_EQ(out.message,
              msg({"SIP/2.0 200 OK",
                   "Via: SIP/2.0/WSS "
                   "3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630;rport=53124;received=198.51.100.7",
                   "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                   "To: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m",
                   "Call-ID: 9n1ib0p0m7s0nglnn0ej", "CSeq: 2741 INVITE",
                   "Contact: <sip:127.0.0.1:5060;transport=wss>", // JsSIP checks this
                   "Content-Type: application/sdp", "Content-Length: 5"},
                  body));
}

TEST(WebSocketAliasTest, AliasContactRoundTripsIntoTheRequestUriOfSofiasBye)
{
    // The alias from_websocket() gave sofia comes back as the Request-URI of its BYE.
    auto const invite = forwarded(sip::from_websocket(jssip_invite, true, wss_peer()));
    auto const start = invite.find("Contact: <") + 10;
    auto const alias = invite.substr(start, invite.find('>', start) - start);
    auto const bye = "BYE " + alias + " SIP/2.0\r\n" +
                     msg({"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKbye1;rport",
                          "From: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m",
                          "To: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                          "Call-ID: 9n1ib0p0m7s0nglnn0ej", "CSeq: 101 BYE",
                          "Contact: <sip:127.0.0.1:5060>", "Content-Length: 0"});
    auto const d = sip::to_websocket(bye, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(d));
    EXPECT_EQ(std::get<sip::send_to_client>(d).message,
              msg({"BYE sip:k4qbb3cm@3b9r1k2lc8m4.invalid;transport=ws;ob SIP/2.0", // restored
                   "Via: SIP/2.0/WSS 127.0.0.1:5060;branch=z9hG4bKbye1;rport",      // no received
                   "From: <sip:demo@floorctl.test>;tag=Q1pearBX4c20m",
                   "To: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro",
                   "Call-ID: 9n1ib0p0m7s0nglnn0ej", "CSeq: 101 BYE",
                   "Contact: <sip:127.0.0.1:5060;transport=wss>", "Content-Length: 0"}));
}

TEST(WebSocketAliasTest, RequestForAnotherConnectionsAliasIsAnswered430)
{
    auto const bye =
        msg({"BYE sip:u@127.0.0.1:40001;transport=tcp;ws-alias=6;ws-uri=sip:u%40x SIP/2.0",
             "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKold;rport",
             "From: <sip:demo@floorctl.test>;tag=f1", "To: <sip:u@x>;tag=t1", "Call-ID: gone",
             "CSeq: 5 BYE", "Content-Length: 0"});
    auto const d = sip::to_websocket(bye, wss_peer()); // this connection is "7"
    ASSERT_TRUE(std::holds_alternative<sip::answer_sip>(d));
    EXPECT_EQ(std::get<sip::answer_sip>(d).bytes,
              msg({"SIP/2.0 430 Flow Failed", // RFC 5626 §11
                   "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKold;rport",
                   "From: <sip:demo@floorctl.test>;tag=f1", "To: <sip:u@x>;tag=t1", "Call-ID: gone",
                   "CSeq: 5 BYE",
                   "Warning: 399 floorctl \"the WebSocket connection of this dialog is gone\"",
                   "Content-Length: 0"}));

    auto const bad_escape =
        msg({"BYE sip:u@127.0.0.1:40001;transport=tcp;ws-alias=7;ws-uri=sip:u%4 SIP/2.0",
             "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1", "From: <sip:d@f>;tag=f1",
             "To: <sip:u@x>;tag=t1", "Call-ID: c", "CSeq: 5 BYE", "Content-Length: 0"});
    EXPECT_TRUE(std::holds_alternative<sip::answer_sip>(sip::to_websocket(bad_escape, wss_peer())));

    auto const ack =
        msg({"ACK sip:u@127.0.0.1:40001;ws-alias=6;ws-uri=sip:u%40x SIP/2.0",
             "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK2", "From: <sip:d@f>;tag=f1",
             "To: <sip:u@x>;tag=t1", "Call-ID: c", "CSeq: 5 ACK", "Content-Length: 0"});
    EXPECT_TRUE(std::holds_alternative<sip::drop_message>(sip::to_websocket(ack, wss_peer())));
}

TEST(WebSocketAliasTest, NonUtf8MessageFromSofiaGoesAsBinary)
{
    auto const in = msg({"SIP/2.0 200 OK", "Via: SIP/2.0/TCP h.invalid;branch=z9hG4bK1",
                         "From: <sip:a@b>;tag=1", "To: <sip:c@d>;tag=2", "Call-ID: x",
                         "CSeq: 1 MESSAGE", "Content-Length: 2"},
                        "\xc3\x28");
    auto const d = sip::to_websocket(in, wss_peer());
    ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(d));
    EXPECT_FALSE(std::get<sip::send_to_client>(d).text);
}

// The head scanner and the UTF-8 check read eight bytes at a time while nothing needs a closer
// look: a control byte, a lone CR or LF, or a non-ASCII byte at any position of a word, and at
// any offset of the message, is still found; bytes 0x80 and above and DEL's neighbours are not
// mistaken for controls.
TEST(WebSocketAliasTest, EveryControlByteIsFoundAtEveryPositionOfALongHeader)
{
    std::string const filler(40, 'x');
    auto const request = [&](std::string_view value) {
        return msg({"OPTIONS sip:a SIP/2.0", "Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK1",
                    "From: <sip:a@b>;tag=1", "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 OPTIONS",
                    std::string("Subject: ") + std::string(value)});
    };
    for (std::size_t at = 0; at < filler.size(); ++at) {
        for (char const bad : {'\0', '\x01', '\x0b', '\x1f', '\x7f', '\r', '\n'}) {
            auto value = filler;
            value[at] = bad;
            auto const d = sip::from_websocket(request(value), false, wss_peer());
            EXPECT_TRUE(std::holds_alternative<sip::drop_message>(d))
                << "byte " << int(bad) << " at " << at;
        }
        for (char const fine : {'\t', ' ', '~', '\x80', '\xc3', '\xff'}) {
            auto value = filler;
            value[at] = fine;
            auto const d = sip::from_websocket(request(value), false, wss_peer());
            EXPECT_TRUE(std::holds_alternative<sip::forward_to_sip>(d))
                << "byte " << int(static_cast<unsigned char>(fine)) << " at " << at;
        }
    }
}

TEST(WebSocketAliasTest, NonUtf8ByteAtEveryPositionOfSofiasMessageMakesItBinary)
{
    std::string const body(40, 'b');
    for (std::size_t at = 0; at < body.size(); ++at) {
        auto with_byte = [&](char c) {
            auto b = body;
            b[at] = c;
            return msg({"SIP/2.0 200 OK", "Via: SIP/2.0/TCP h.invalid;branch=z9hG4bK1",
                        "From: <sip:a@b>;tag=1", "To: <sip:c@d>;tag=2", "Call-ID: x",
                        "CSeq: 1 MESSAGE", "Content-Length: 40"},
                       b);
        };
        auto const bad = sip::to_websocket(with_byte('\xff'), wss_peer());
        ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(bad));
        EXPECT_FALSE(std::get<sip::send_to_client>(bad).text) << "at " << at;
        auto const ascii = sip::to_websocket(with_byte('~'), wss_peer());
        ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(ascii));
        EXPECT_TRUE(std::get<sip::send_to_client>(ascii).text) << "at " << at;
    }
}

TEST(WebSocketAliasTest, IPv6PeerIsWrittenBareInReceived)
{
    auto peer = wss_peer();
    peer.address = "2001:db8::7";
    peer.transport = sip::websocket_transport::ws;
    auto const in = msg({"SIP/2.0 100 Trying", "Via: SIP/2.0/TCP h.invalid;branch=z9hG4bK1",
                         "From: <sip:a@b>;tag=1", "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 INVITE",
                         "Content-Length: 0"});
    auto const d = sip::to_websocket(in, peer);
    ASSERT_TRUE(std::holds_alternative<sip::send_to_client>(d));
    EXPECT_NE(std::get<sip::send_to_client>(d).message.find(
                  "\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bK1;received=2001:db8::7\r\n"),
              std::string::npos);
}

TEST(WebSocketAliasTest, MalformedMessageFromSofiaIsDropped)
{
    for (std::string const& bad :
         {std::string("nonsense\r\n\r\n"), msg({"SIP/2.0 200 OK", "Call-ID: x"}),
          msg({"SIP/2.0 200 OK", "Via: junk", "Content-Length: 0"}),
          msg({"SIP/2.0 200 OK", "Via: SIP/2.0/TCP h;branch=1", "Content-Length: 5"})}) {
        EXPECT_TRUE(std::holds_alternative<sip::drop_message>(sip::to_websocket(bad, wss_peer())))
            << bad;
    }
}

TEST(WebSocketAliasTest, ForwardedMessageIsFramedWholeByTheStreamReader)
{
    auto const out = forwarded(sip::from_websocket(jssip_invite, true, wss_peer()));
    sip::stream_reader r;
    r.append(out + out);
    for (int i = 0; i < 2; ++i) {
        auto const item = r.next();
        ASSERT_EQ(item.what, sip::stream_item::kind::message);
        EXPECT_EQ(item.message, out);
    }
    EXPECT_EQ(r.buffered(), 0u);
}

} // namespace
