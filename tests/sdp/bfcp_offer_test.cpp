// sdp::make_offer (offerless INVITE) and sdp::check_answer (the answer in the ACK).

#include "sdp_test_util.hpp"

#include <sdp/bfcp.hpp>
#include <sdp/parse.hpp>

#include <gtest/gtest.h>

namespace {

using sdp::error;
using sdp::transport;
using sdp_test::crlf;
using sdp_test::server_floors;
using sdp_test::server_head;
using sdp_test::server_params;

// RFC 8124 §4.6 / RFC 8857 §7: the server's offer is setup:passive with a websocket-uri.
TEST(SdpOffer, OfferlessInviteGetsWssOffer)
{
    auto const o = sdp::make_offer(server_params());
    ASSERT_TRUE(o) << o.error().reason;
    EXPECT_EQ(o->sdp, crlf(server_head +
                           "m=application 443 TCP/WSS/BFCP *\n"
                           "a=setup:passive\n"
                           "a=connection:new\n"
                           "a=websocket-uri:wss://bfcp.example.com/bfcp?token=tok-3170449312\n" +
                           server_floors()));
    EXPECT_EQ(o->kind, transport::wss);
    EXPECT_EQ(o->media_index, 0u);
    EXPECT_EQ(o->token, "tok-3170449312");
    EXPECT_EQ(o->websocket_uri, "wss://bfcp.example.com/bfcp?token=tok-3170449312");
    ASSERT_EQ(o->floors.size(), 2u);
    EXPECT_EQ(o->floors[1].label, "11");
}

TEST(SdpOffer, TcpPreferredOfferCarriesListenerAddress)
{
    auto p = server_params();
    p.transports = {transport::tcp};
    auto const o = sdp::make_offer(p);
    ASSERT_TRUE(o) << o.error().reason;
    EXPECT_EQ(o->sdp, crlf(server_head +
                           "m=application 5070 TCP/BFCP *\n"
                           "c=IN IP4 192.0.2.10\n"
                           "a=setup:passive\n"
                           "a=connection:new\n" +
                           server_floors()));
    EXPECT_TRUE(o->token.empty());
}

// An offerless INVITE may get UDP/BFCP when it is the preferred transport: no a=setup or
// a=connection (RFC 8856 keeps them for TCP), both versions listed.
TEST(SdpOffer, UdpPreferredOffer)
{
    auto p = server_params();
    p.transports = {transport::udp};
    auto const o = sdp::make_offer(p);
    ASSERT_TRUE(o) << o.error().reason;
    EXPECT_EQ(o->sdp, crlf(server_head +
                           "m=application 5072 UDP/BFCP *\n"
                           "c=IN IP4 192.0.2.10\n" +
                           server_floors("2 1")));
    EXPECT_EQ(o->kind, transport::udp);

    // The room system's answer: no setup, version 1 only -> we speak 1.
    auto const d = sdp::parse(crlf("v=0\no=- 5 5 IN IP4 192.0.2.44\ns=-\nc=IN IP4 192.0.2.44\n"
                                   "t=0 0\nm=application 7000 UDP/BFCP *\na=bfcpver:1\n"));
    ASSERT_TRUE(d);
    auto const r = sdp::check_answer(*o, *d);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(r->kind, transport::udp);
    EXPECT_EQ(r->bfcp_version, 1u);
    EXPECT_EQ(r->peer_address, "192.0.2.44"); // session c=: the peer's binding
    EXPECT_EQ(r->peer_port, 7000);
    EXPECT_TRUE(r->peer_fingerprints.empty());
}

// UDP/TLS/BFCP offer: setup:passive (we are the DTLS server) and our fingerprint; the answer
// must be setup:active and carry the peer's fingerprint.
TEST(SdpOffer, UdpTlsOfferAndItsAnswer)
{
    auto p = server_params();
    p.transports = {transport::udp_tls};
    auto const o = sdp::make_offer(p);
    ASSERT_TRUE(o) << o.error().reason;
    EXPECT_NE(o->sdp.find("m=application 5073 UDP/TLS/BFCP *\r\nc=IN IP4 192.0.2.10\r\n"
                          "a=setup:passive\r\na=fingerprint:SHA-256 AA:BB:CC\r\n"
                          "a=tls-id:floorctl-tls-id-0001\r\n" // RFC 8842 §5.2
                          "a=floorctrl:s-only\r\n"),
              std::string::npos)
        << o->sdp;
    EXPECT_EQ(o->sdp.find("a=connection"), std::string::npos);

    auto const answer = [](std::string_view attrs) {
        return sdp::parse(crlf("v=0\no=- 5 5 IN IP4 192.0.2.44\ns=-\nc=IN IP4 192.0.2.44\nt=0 "
                               "0\nm=application 7000 UDP/TLS/BFCP *\n" +
                               std::string(attrs)))
            .value();
    };
    auto const good = sdp::check_answer(*o, answer("a=setup:active\na=fingerprint:SHA-256 "
                                                   "01:02\na=tls-id:answerer-tls-id-000001\n"
                                                   "a=bfcpver:2 1\n"));
    ASSERT_TRUE(good) << good.error().reason;
    EXPECT_EQ(good->bfcp_version, 2u);
    EXPECT_EQ(good->peer_address, "192.0.2.44");
    EXPECT_EQ(good->peer_port, 7000);
    EXPECT_EQ(good->peer_fingerprints, std::vector<std::string>{"SHA-256 01:02"});
    EXPECT_EQ(good->peer_tls_id, "answerer-tls-id-000001");
    auto const no_fingerprint = sdp::check_answer(*o, answer("a=setup:active\n"));
    ASSERT_FALSE(no_fingerprint);
    EXPECT_EQ(no_fingerprint.error().reason,
              "m-line 1 (UDP/TLS/BFCP): UDP/TLS/BFCP answer needs a=fingerprint");
    auto const passive = sdp::check_answer(*o, answer("a=setup:passive\na=fingerprint:SHA-256 "
                                                      "01:02\n"));
    ASSERT_FALSE(passive);
    EXPECT_EQ(passive.error().code, error::bad_answer);
}

TEST(SdpOffer, BadParametersAreRefused)
{
    auto p = server_params();
    p.wss.host = "192.0.2.1";
    auto const o = sdp::make_offer(p);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().code, error::bad_answer_params);
}

// The browser's answer in the ACK, RFC 8124 §4.3 shape: port 9, setup:active, c-only.
std::string browser_answer(std::string_view bfcp_attributes,
                           std::string_view mline = "m=application 9 TCP/WSS/BFCP *")
{
    return crlf("v=0\no=- 5 5 IN IP4 192.0.2.44\ns=-\nc=IN IP4 192.0.2.44\nt=0 0\n" +
                std::string(mline) + "\n" + std::string(bfcp_attributes));
}

sdp::negotiation_result<sdp::accepted_answer> check(std::string const& answer_text)
{
    auto const o = sdp::make_offer(server_params());
    EXPECT_TRUE(o);
    auto const d = sdp::parse(answer_text);
    EXPECT_TRUE(d) << d.error().message;
    return sdp::check_answer(*o, *d);
}

TEST(SdpCheckAnswer, ValidAnswersAreAccepted)
{
    for (char const* attrs :
         {"a=setup:active\na=connection:new\na=floorctrl:c-only\n",
          "a=setup:active\n", // floorctrl absent reads as c-only
          "a=setup:active\na=bfcpver:1\n", "a=setup:active\na=bfcpver:2 1\na=x-other:1\n"}) {
        auto const r = check(browser_answer(attrs));
        ASSERT_TRUE(r) << attrs << r.error().reason;
        EXPECT_EQ(r->kind, transport::wss);
        EXPECT_EQ(r->bfcp_version, 1u);
    }
}

TEST(SdpCheckAnswer, UnusableAnswersAreRefused)
{
    struct bad {
        std::string text;
        error code;
        char const* reason;
    };
    bad const cases[] = {
        {browser_answer("a=setup:active\n", "m=application 0 TCP/WSS/BFCP *"),
         error::answer_rejected, "m-line 1 (TCP/WSS/BFCP): BFCP stream rejected (port 0)"},
        {browser_answer("a=setup:active\n", "m=application 9 TCP/BFCP *"), error::bad_answer,
         "m-line 1 (TCP/BFCP): proto differs from the offered TCP/WSS/BFCP"},
        {browser_answer("a=setup:active\n", "m=audio 9 RTP/AVP 0"), error::bad_answer,
         "answer m-line 1 is not BFCP"},
        {browser_answer("a=setup:passive\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): answer must be setup:active (floorctl offered "
         "setup:passive)"},
        {browser_answer("a=floorctrl:c-only\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): answer must be setup:active (floorctl offered "
         "setup:passive)"},
        {browser_answer("a=setup:active\na=floorctrl:s-only\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): answer must be floorctrl:c-only"},
        {browser_answer("a=setup:active\na=floorctrl:c-only s-only\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): answer must be floorctrl:c-only"},
        {browser_answer("a=setup:active\na=connection:existing\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): connection:existing answers a connection:new offer"},
        {browser_answer("a=setup:active\na=bfcpver:2\n"), error::version_mismatch,
         "m-line 1 (TCP/WSS/BFCP): answer bfcpver has no version floorctl speaks"},
        {browser_answer("a=setup:maybe\n"), error::bad_answer,
         "m-line 1 (TCP/WSS/BFCP): a=setup must be active, passive, actpass or holdconn"},
        {browser_answer("a=setup:active\nm=audio 0 RTP/AVP 0\n"), error::bad_answer,
         "answer has 2 m-lines, the offer had 1"},
        {crlf("v=0\no=- 5 5 IN IP4 192.0.2.44\ns=-\nt=0 0\n"), error::bad_answer,
         "answer has 0 m-lines, the offer had 1"},
    };
    for (auto const& c : cases) {
        SCOPED_TRACE(c.text);
        auto const r = check(c.text);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, c.code);
        EXPECT_EQ(r.error().reason, c.reason);
    }
}

} // namespace
