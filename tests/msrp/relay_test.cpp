// msrp::relay as a state machine: events in, actions out, time passed in. The flows of
// RFC 7977 §8 (AUTH with and without a challenge, SEND from a WebSocket client to a TCP client
// and back, two WebSocket clients of one relay) and every refusal: 401, 403, 423, 481, 400,
// failure REPORTs, timeouts, closes and re-chunking.

#include "msrp_test_util.hpp"
#include "test_services.hpp"

#include <msrp/relay.hpp>
#include <msrp/write.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace std::chrono_literals;
using msrp::connection_id;

std::string const relay_ws = "msrps://alice@a.example.com:443;ws"; // RFC 7977 §8.1: AUTH target
std::string const alice_uri = "msrps://df7jal23ls0d.invalid:2855/98cjs;ws";
std::string const carol_uri = "msrps://jk9awpl4vj8x.invalid:2855/76qwe;ws";
std::string const bob_uri = "msrps://bob.example.com:49154/foo;tcp";

class RelayTest : public ::testing::Test {
protected:
    RelayTest() : relay_(options(), services_) {}

    static msrp::relay_options options()
    {
        msrp::relay_options o;
        o.self = *msrp::parse_uri("msrps://a.example.com:2855;tcp");
        o.aliases = {*msrp::parse_uri("msrps://a.example.com:443;ws")};
        o.realm = "example.com";
        o.min_expires = 60;
        o.max_expires = 3600;
        o.default_expires = 900;
        o.client_chunk = 16;
        return o;
    }

    std::vector<msrp::relay_action> open(connection_id c,
                                         msrp::connection_kind k = msrp::connection_kind::client,
                                         std::optional<std::string> user = std::nullopt)
    {
        return relay_.handle(msrp::connection_opened{c, k, std::move(user)}, now_);
    }
    std::vector<msrp::relay_action> receive(connection_id c, std::string const& bytes)
    {
        return relay_.handle(msrp::chunk_received{c, bytes}, now_);
    }

    static std::string auth(std::string const& tid, std::string const& from,
                            std::string const& extra = "")
    {
        return "MSRP " + tid + " AUTH\r\nTo-Path: " + relay_ws + "\r\nFrom-Path: " + from + "\r\n" +
               extra + "-------" + tid + "$\r\n";
    }

    /// An Authorization header answering `nonce` for alice.
    std::string authorization(std::string const& nonce, std::string const& password = "secret",
                              std::string const& nc = "00000001")
    {
        msrp::digest_credentials c;
        c.username = "alice";
        c.realm = "example.com";
        c.nonce = nonce;
        c.uri = relay_ws;
        c.qop = "auth";
        c.cnonce = "zic5ml401prb";
        c.nc = nc;
        auto const response = msrp::digest_response(services_, c, password, "AUTH");
        return "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"" + nonce +
               "\", uri=\"" + relay_ws + "\", response=\"" + response +
               "\", qop=auth, cnonce=\"zic5ml401prb\", nc=" + nc + "\r\n";
    }

    /// The one chunk sent on `c` among `out` (fails the test if not exactly one).
    static msrp::message sent_on(std::vector<msrp::relay_action> const& out, connection_id c)
    {
        std::vector<msrp::message> found;
        for (auto const& a : out) {
            if (auto const* s = std::get_if<msrp::send_chunk>(&a); s && s->conn == c) {
                found.push_back(msrp_test::parsed(s->bytes));
            }
        }
        EXPECT_EQ(found.size(), 1u) << "chunks sent on connection " << c;
        return found.empty() ? msrp::message{} : found.front();
    }

    static std::vector<std::string> all_on(std::vector<msrp::relay_action> const& out,
                                           connection_id c)
    {
        std::vector<std::string> found;
        for (auto const& a : out) {
            if (auto const* s = std::get_if<msrp::send_chunk>(&a); s && s->conn == c) {
                found.push_back(s->bytes);
            }
        }
        return found;
    }

    /// Alice authenticates on connection 1 with the digest; returns her session URI.
    std::string authenticate_alice(connection_id c = 1, std::string const& from = alice_uri)
    {
        open(c);
        auto const challenge = sent_on(receive(c, auth("4rsxt9nz", from)), c);
        auto const nonce =
            challenge.www_authenticate->substr(challenge.www_authenticate->find("nonce=\"") + 7, 8);
        auto const ok = sent_on(receive(c, auth("qylhsows", from, authorization(nonce))), c);
        EXPECT_EQ(ok.status_code, 200);
        return ok.use_path.empty() ? std::string() : msrp::to_string(ok.use_path[0]);
    }

    std::string send_chunk_text(std::string const& tid, std::string const& to,
                                std::string const& from, std::string const& body,
                                std::string const& extra = "")
    {
        return "MSRP " + tid + " SEND\r\nTo-Path: " + to + "\r\nFrom-Path: " + from +
               "\r\nMessage-ID: 87652\r\n" + extra + "Byte-Range: 1-" +
               std::to_string(body.size()) + "/" + std::to_string(body.size()) +
               "\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n-------" + tid + "$\r\n";
    }

    msrp_test::test_services services_;
    msrp::relay relay_;
    msrp::time_point now_{};
};

TEST_F(RelayTest, AuthWithoutCredentialsIsChallenged)
{
    open(1);
    auto const out = receive(1, auth("4rsxt9nz", alice_uri)); // RFC 7977 §8.1.2 F3
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<msrp::send_chunk>(out[0]).bytes,
              "MSRP 4rsxt9nz 401 Unauthorized\r\n"                      // F4
              "To-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n" // back to Alice
              "From-Path: msrps://alice@a.example.com:443;ws\r\n"       // from the relay
              "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"tok00001\", "
              "qop=\"auth\"\r\n" // the challenge
              "-------4rsxt9nz$\r\n");
}

TEST_F(RelayTest, AuthWithTheRightDigestGetsUsePathAndExpires)
{
    open(1);
    receive(1, auth("4rsxt9nz", alice_uri)); // nonce tok00001
    auto const out = receive(1, auth("qylhsows", alice_uri, authorization("tok00001")));
    ASSERT_EQ(out.size(), 1u);
    auto const ok = msrp_test::parsed(std::get<msrp::send_chunk>(out[0]).bytes);
    EXPECT_EQ(ok.transaction_id, "qylhsows");
    EXPECT_EQ(ok.status_code, 200);
    ASSERT_EQ(ok.use_path.size(), 1u);
    EXPECT_EQ(msrp::to_string(ok.use_path[0]), "msrps://a.example.com:2855/tok00002;tcp");
    EXPECT_EQ(ok.expires, 900u); // the relay's default
    ASSERT_TRUE(ok.authentication_info);
    EXPECT_NE(ok.authentication_info->find("rspauth=\""), std::string::npos);
    EXPECT_EQ(relay_.session_count(), 1u);
}

TEST_F(RelayTest, HandshakeAuthenticatedClientNeedsNoChallenge)
{
    // RFC 7977 §8.1.1: authenticated at the WebSocket layer, AUTH is answered 200 at once.
    open(1, msrp::connection_kind::client, "alice");
    auto const ok = sent_on(receive(1, auth("49fi", alice_uri, "Expires: 1800\r\n")), 1);
    EXPECT_EQ(ok.status_code, 200);
    EXPECT_EQ(ok.expires, 1800u);
    EXPECT_EQ(ok.use_path.size(), 1u);
    EXPECT_FALSE(ok.authentication_info);
}

TEST_F(RelayTest, WrongPasswordStaleNonceAndReplayAreChallengedAgain)
{
    open(1);
    receive(1, auth("4rsxt9nz", alice_uri)); // tok00001
    auto wrong =
        sent_on(receive(1, auth("a1b2c3d4", alice_uri, authorization("tok00001", "x"))), 1);
    EXPECT_EQ(wrong.status_code, 401);
    EXPECT_EQ(wrong.www_authenticate->find("stale"), std::string::npos);
    auto unknown = sent_on(receive(1, auth("a1b2c3d5", alice_uri, authorization("nonce99"))), 1);
    EXPECT_EQ(unknown.status_code, 401);

    // Right once, then the same nc again is a replay.
    EXPECT_EQ(
        sent_on(receive(1, auth("a1b2c3d6", alice_uri, authorization("tok00001"))), 1).status_code,
        200);
    EXPECT_EQ(
        sent_on(receive(1, auth("a1b2c3d7", alice_uri, authorization("tok00001"))), 1).status_code,
        401);

    // Right credentials on an expired nonce: stale=true.
    now_ += 301s;
    auto stale = sent_on(
        receive(1, auth("a1b2c3d8", alice_uri, authorization("tok00001", "secret", "00000002"))),
        1);
    EXPECT_EQ(stale.status_code, 401);
    EXPECT_NE(stale.www_authenticate->find("stale=true"), std::string::npos);
}

TEST_F(RelayTest, TooManyFailuresEndTheConnection)
{
    open(1);
    receive(1, auth("4rsxt9nz", alice_uri));
    std::vector<msrp::relay_action> out;
    for (int i = 0; i < 5; ++i) {
        out = receive(
            1, auth("fail000" + std::to_string(i), alice_uri, authorization("tok00001", "wrong")));
    }
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(msrp_test::parsed(std::get<msrp::send_chunk>(out[0]).bytes).status_code, 403);
    EXPECT_EQ(std::get<msrp::close_connection>(out[1]).conn, 1u);
}

TEST_F(RelayTest, MalformedAuthorizationIs400)
{
    open(1);
    auto const r =
        sent_on(receive(1, auth("4rsxt9nz", alice_uri, "Authorization: Basic x\r\n")), 1);
    EXPECT_EQ(r.status_code, 400);
}

TEST_F(RelayTest, ExpiresOutOfBoundsIs423WithTheBound)
{
    open(1, msrp::connection_kind::client, "alice");
    auto const short_ = sent_on(receive(1, auth("exp00001", alice_uri, "Expires: 59\r\n")), 1);
    EXPECT_EQ(short_.status_code, 423);
    EXPECT_EQ(short_.min_expires, 60u);
    auto const long_ = sent_on(receive(1, auth("exp00002", alice_uri, "Expires: 3601\r\n")), 1);
    EXPECT_EQ(long_.status_code, 423);
    EXPECT_EQ(long_.max_expires, 3600u);
    EXPECT_EQ(relay_.session_count(), 0u);
}

TEST_F(RelayTest, SendFromAnUnauthenticatedClientIs403)
{
    open(1);
    auto const r =
        sent_on(receive(1, send_chunk_text("6aef", "msrps://a.example.com:2855/x;tcp " + bob_uri,
                                           alice_uri, "hi")),
                1);
    EXPECT_EQ(r.status_code, 403);
    EXPECT_EQ(r.transaction_id, "6aef");
}

TEST_F(RelayTest, SendToAnUnknownSessionIs481)
{
    authenticate_alice();
    auto const r = sent_on(
        receive(1, send_chunk_text("6aef", "msrps://a.example.com:2855/nosuch;tcp " + bob_uri,
                                   alice_uri, "hi")),
        1);
    EXPECT_EQ(r.status_code, 481);
    // Also from an outside peer.
    open(2, msrp::connection_kind::peer);
    auto const p = sent_on(
        receive(2, send_chunk_text("xght6", "msrps://a.example.com:2855/nosuch;tcp " + alice_uri,
                                   bob_uri, "hi")),
        2);
    EXPECT_EQ(p.status_code, 481);
}

TEST_F(RelayTest, SendFromWebSocketClientToTcpClient)
{
    auto const session = authenticate_alice(); // msrps://a.example.com:2855/tok00002;tcp
    // RFC 7977 §8.2.2 F1, through the relay to Bob.
    auto const out = receive(1, send_chunk_text("6aef", session + " " + bob_uri, alice_uri,
                                                "Hi Bob", "Success-Report: no\r\n"));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(std::get<msrp::send_chunk>(out[0]).bytes,
              "MSRP 6aef 200 OK\r\n" // F2, hop by hop
              "To-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"
              "From-Path: msrps://a.example.com:2855/tok00002;tcp\r\n"
              "-------6aef$\r\n");
    auto const& hop = std::get<msrp::send_to_hop>(out[1]);
    EXPECT_EQ(msrp::to_string(hop.target), bob_uri);
    EXPECT_EQ(hop.transaction_id, "tok00003");
    EXPECT_EQ(hop.bytes, "MSRP tok00003 SEND\r\n"                             // F3, new transaction
                         "To-Path: msrps://bob.example.com:49154/foo;tcp\r\n" // the relay removed
                         "From-Path: msrps://a.example.com:2855/tok00002;tcp " // ... and added
                         "msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"      // itself
                         "Message-ID: 87652\r\n"
                         "Success-Report: no\r\n"
                         "Byte-Range: 1-6/6\r\n"
                         "Content-Type: text/plain\r\n"
                         "\r\n"
                         "Hi Bob\r\n"
                         "-------tok00003$\r\n");
    EXPECT_EQ(relay_.pending_transactions(), 1u);
    // Bob's 200 (F4) ends the transaction quietly.
    open(2, msrp::connection_kind::peer);
    EXPECT_TRUE(receive(2, "MSRP tok00003 200 OK\r\n"
                           "To-Path: msrps://a.example.com:2855/tok00002;tcp\r\n"
                           "From-Path: " +
                               bob_uri + "\r\n-------tok00003$\r\n")
                    .empty());
    EXPECT_EQ(relay_.pending_transactions(), 0u);
}

TEST_F(RelayTest, SendFromTcpClientToWebSocketClient)
{
    auto const session = authenticate_alice();
    open(2, msrp::connection_kind::peer);
    // RFC 7977 §8.2.3 F1: Bob to Alice through her relay.
    auto const out =
        receive(2, send_chunk_text("xght6", session + " " + alice_uri, bob_uri, "Thanks"));
    auto const ok = sent_on(out, 2);
    EXPECT_EQ(ok.status_code, 200);        // F2
    auto const to_alice = sent_on(out, 1); // F3
    EXPECT_EQ(to_alice.method, "SEND");
    ASSERT_EQ(to_alice.to_path.size(), 1u);
    EXPECT_EQ(msrp::to_string(to_alice.to_path[0]), alice_uri);
    ASSERT_EQ(to_alice.from_path.size(), 2u);
    EXPECT_EQ(msrp::to_string(to_alice.from_path[0]), session);
    EXPECT_EQ(msrp::to_string(to_alice.from_path[1]), bob_uri);
    EXPECT_EQ(to_alice.body, "Thanks");
}

TEST_F(RelayTest, TwoWebSocketClientsOfOneRelay)
{
    auto const alice_session = authenticate_alice(1, alice_uri);
    auto const carol_session = authenticate_alice(3, carol_uri); // same user, another client
    // RFC 7977 §8.3.2 F1: the relay appears twice in the To-Path.
    auto const out =
        receive(1, send_chunk_text("kjh6", alice_session + " " + carol_session + " " + carol_uri,
                                   alice_uri, "Carol"));
    EXPECT_EQ(sent_on(out, 1).status_code, 200); // F2
    auto const to_carol = sent_on(out, 3);       // F3
    ASSERT_EQ(to_carol.to_path.size(), 1u);
    EXPECT_EQ(msrp::to_string(to_carol.to_path[0]), carol_uri);
    ASSERT_EQ(to_carol.from_path.size(), 3u);
    EXPECT_EQ(msrp::to_string(to_carol.from_path[0]), carol_session);
    EXPECT_EQ(msrp::to_string(to_carol.from_path[1]), alice_session);
    EXPECT_EQ(msrp::to_string(to_carol.from_path[2]), alice_uri);
}

TEST_F(RelayTest, InboundRequestNotForTheSessionClientIs403)
{
    auto const session = authenticate_alice();
    open(2, msrp::connection_kind::peer);
    auto const r =
        sent_on(receive(2, send_chunk_text("xght6", session + " " + carol_uri, bob_uri, "x")), 2);
    EXPECT_EQ(r.status_code, 403);
    auto const only = sent_on(receive(2, send_chunk_text("xght7", session, bob_uri, "x")), 2);
    EXPECT_EQ(only.status_code, 403);
}

TEST_F(RelayTest, DownstreamErrorBecomesAFailureReport)
{
    auto const session = authenticate_alice();
    auto const out = receive(1, send_chunk_text("6aef", session + " " + bob_uri, alice_uri, "Hi"));
    auto const tid = std::get<msrp::send_to_hop>(out.back()).transaction_id;
    open(2, msrp::connection_kind::peer);
    auto const back =
        receive(2, "MSRP " + tid +
                       " 415 Unsupported Media Type\r\n"
                       "To-Path: " +
                       session + "\r\nFrom-Path: " + bob_uri + "\r\n-------" + tid + "$\r\n");
    auto const report = sent_on(back, 1);
    EXPECT_EQ(report.method, "REPORT");
    EXPECT_EQ(msrp::to_string(report.to_path.at(0)), alice_uri);
    EXPECT_EQ(msrp::to_string(report.from_path.at(0)), session);
    EXPECT_EQ(report.message_id, "87652");
    EXPECT_EQ(report.range, (msrp::byte_range{1, 2, 2}));
    ASSERT_TRUE(report.status);
    EXPECT_EQ(report.status->code, 415);
    EXPECT_EQ(report.status->reason, "Unsupported Media Type");
}

TEST_F(RelayTest, FailureReportNoMeansNeitherResponseNorReport)
{
    auto const session = authenticate_alice();
    auto const out = receive(1, send_chunk_text("6aef", session + " " + bob_uri, alice_uri, "Hi",
                                                "Failure-Report: no\r\n"));
    ASSERT_EQ(out.size(), 1u); // only the forwarded SEND
    auto const tid = std::get<msrp::send_to_hop>(out[0]).transaction_id;
    EXPECT_TRUE(relay_.handle(msrp::delivery_failed{tid, 481}, now_).empty());
}

TEST_F(RelayTest, FailureReportPartialGetsNo200ButTheReport)
{
    auto const session = authenticate_alice();
    auto const out = receive(1, send_chunk_text("6aef", session + " " + bob_uri, alice_uri, "Hi",
                                                "Failure-Report: partial\r\n"));
    ASSERT_EQ(out.size(), 1u);
    now_ += 30s; // RFC 4975 §7.1.1: no response within 30 s is a 408
    ASSERT_TRUE(relay_.next_deadline());
    EXPECT_LE(*relay_.next_deadline(), now_);
    auto const report = sent_on(relay_.expire(now_), 1);
    EXPECT_EQ(report.method, "REPORT");
    EXPECT_EQ(report.status->code, 408);
    EXPECT_EQ(relay_.pending_transactions(), 0u);
}

TEST_F(RelayTest, ClientGoneMeansFailureReportAtOnce)
{
    auto const session = authenticate_alice();
    open(2, msrp::connection_kind::peer);
    receive(2, send_chunk_text("xght6", session + " " + alice_uri, bob_uri, "Thanks"));
    EXPECT_EQ(relay_.pending_transactions(), 1u);
    auto const out = relay_.handle(msrp::connection_closed{1}, now_);
    auto const report = sent_on(out, 2);
    EXPECT_EQ(report.method, "REPORT");
    EXPECT_EQ(report.status->code, 481);
    EXPECT_EQ(relay_.session_count(), 0u);
    // The session died with the connection.
    auto const r =
        sent_on(receive(2, send_chunk_text("xght7", session + " " + alice_uri, bob_uri, "x")), 2);
    EXPECT_EQ(r.status_code, 481);
}

TEST_F(RelayTest, LargeChunksAreRechunkedForClients)
{
    auto const session = authenticate_alice();
    open(2, msrp::connection_kind::peer);
    std::string const body = "0123456789abcdefghijklmnopqrstuvwxyz"; // 36 octets, limit 16
    auto const out = receive(2, send_chunk_text("xght6", session + " " + alice_uri, bob_uri, body));
    auto const pieces = all_on(out, 1);
    ASSERT_EQ(pieces.size(), 3u);
    std::string joined;
    std::uint64_t expected_start = 1;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        auto const m = msrp_test::parsed(pieces[i]);
        ASSERT_TRUE(m.range);
        EXPECT_EQ(m.range->start, expected_start);
        EXPECT_EQ(m.range->total, 36u);
        EXPECT_LE(m.body.size(), 16u);
        EXPECT_EQ(m.flag,
                  i + 1 < pieces.size() ? msrp::continuation::more : msrp::continuation::complete);
        expected_start += m.body.size();
        joined += m.body;
    }
    EXPECT_EQ(joined, body);
    EXPECT_EQ(relay_.pending_transactions(), 3u);
}

TEST_F(RelayTest, ByteRangeLieIs400)
{
    auto const session = authenticate_alice();
    auto text = send_chunk_text("6aef", session + " " + bob_uri, alice_uri, "Hi");
    text.replace(text.find("1-2/2"), 5, "1-9/9");
    auto const r = sent_on(receive(1, text), 1);
    EXPECT_EQ(r.status_code, 400);
    EXPECT_NE(r.comment.find("range_length_mismatch"), std::string::npos);
}

TEST_F(RelayTest, MalformedInput)
{
    open(1);
    // A request whose paths were read: 400 naming the fault; the connection stays.
    auto const bad =
        sent_on(receive(1, "MSRP abcd SEND\r\nTo-Path: " + bob_uri + "\r\nFrom-Path: " + alice_uri +
                               "\r\nExpires: soon\r\n-------abcd$\r\n"),
                1);
    EXPECT_EQ(bad.status_code, 400);
    EXPECT_NE(bad.comment.find("Expires"), std::string::npos);
    // Nothing to answer with: close.
    auto const garbage = receive(1, "GET / HTTP/1.1\r\n\r\n");
    ASSERT_EQ(garbage.size(), 1u);
    EXPECT_EQ(std::get<msrp::close_connection>(garbage[0]).conn, 1u);
    auto const no_end = receive(1, "MSRP abcd SEND\r\nTo-Path: " + bob_uri + "\r\n");
    ASSERT_EQ(no_end.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<msrp::close_connection>(no_end[0]));
    // A malformed REPORT is dropped without an answer.
    EXPECT_TRUE(receive(1, "MSRP abcd REPORT\r\nTo-Path: " + bob_uri +
                               "\r\nFrom-Path: " + alice_uri + "\r\nStatus: x\r\n-------abcd$\r\n")
                    .empty());
}

TEST_F(RelayTest, ReportsAreRoutedWithoutResponse)
{
    auto const session = authenticate_alice();
    open(2, msrp::connection_kind::peer);
    auto const out = receive(2, "MSRP dkei38sd REPORT\r\nTo-Path: " + session + " " + alice_uri +
                                    "\r\nFrom-Path: " + bob_uri +
                                    "\r\nMessage-ID: 87652\r\nByte-Range: 1-2/2\r\n"
                                    "Status: 000 200 OK\r\n-------dkei38sd$\r\n");
    ASSERT_EQ(out.size(), 1u);
    auto const to_alice = sent_on(out, 1);
    EXPECT_EQ(to_alice.method, "REPORT");
    EXPECT_EQ(to_alice.status->code, 200);
    EXPECT_EQ(relay_.pending_transactions(), 0u);
}

TEST_F(RelayTest, SessionsExpireAndRefreshKeepsTheSession)
{
    open(1, msrp::connection_kind::client, "alice");
    auto const first = sent_on(receive(1, auth("auth0001", alice_uri, "Expires: 60\r\n")), 1);
    auto const again = sent_on(receive(1, auth("auth0002", alice_uri, "Expires: 120\r\n")), 1);
    EXPECT_EQ(first.use_path, again.use_path); // a refresh
    EXPECT_EQ(relay_.session_count(), 1u);
    now_ += 119s;
    EXPECT_TRUE(relay_.expire(now_).empty());
    EXPECT_EQ(relay_.session_count(), 1u);
    now_ += 1s;
    EXPECT_TRUE(relay_.expire(now_).empty());
    EXPECT_EQ(relay_.session_count(), 0u);
}

TEST_F(RelayTest, SessionsPerConnectionAreBounded)
{
    open(1, msrp::connection_kind::client, "alice");
    for (int i = 0; i < 8; ++i) {
        auto const from = "msrps://c" + std::to_string(i) + ".invalid/x;ws";
        EXPECT_EQ(sent_on(receive(1, auth("auth000" + std::to_string(i), from)), 1).status_code,
                  200);
    }
    EXPECT_EQ(sent_on(receive(1, auth("auth0009", "msrps://c9.invalid/x;ws")), 1).status_code, 403);
}

TEST_F(RelayTest, AuthToAnotherAddressIsRoutedNotAnswered)
{
    // An AUTH whose To-Path is not this relay is an ordinary request: 481 here.
    open(1, msrp::connection_kind::client, "alice");
    auto const r = sent_on(receive(1, "MSRP auth0001 AUTH\r\nTo-Path: msrps://other.example.com;tcp"
                                      "\r\nFrom-Path: " +
                                          alice_uri + "\r\n-------auth0001$\r\n"),
                           1);
    EXPECT_EQ(r.status_code, 481);
}

} // namespace

namespace {

TEST_F(RelayTest, AuthToAFurtherRelayIsCarriedEndToEnd)
{
    // RFC 4976: a client AUTHs to each relay from the inside out; the AUTH to the outer relay
    // goes through its own relay, and the response comes back end to end.
    auto const session = authenticate_alice();
    auto const out =
        receive(1, "MSRP auth0003 AUTH\r\nTo-Path: " + session +
                       " msrps://relay.example.net:2855;tcp\r\nFrom-Path: " + alice_uri +
                       "\r\n-------auth0003$\r\n");
    ASSERT_EQ(out.size(), 1u); // no hop-by-hop 200 for AUTH
    auto const& hop = std::get<msrp::send_to_hop>(out[0]);
    EXPECT_EQ(msrp::to_string(hop.target), "msrps://relay.example.net:2855;tcp");
    open(2, msrp::connection_kind::peer);
    auto const back = receive(2, "MSRP " + hop.transaction_id + " 200 OK\r\nTo-Path: " + session +
                                     "\r\nFrom-Path: msrps://relay.example.net:2855;tcp\r\n"
                                     "Use-Path: msrps://relay.example.net:2855/kwin5f;tcp\r\n"
                                     "Expires: 600\r\n-------" +
                                     hop.transaction_id + "$\r\n");
    auto const ok = sent_on(back, 1);
    EXPECT_EQ(ok.transaction_id, "auth0003"); // Alice's own transaction
    EXPECT_EQ(ok.status_code, 200);
    EXPECT_EQ(msrp::to_string(ok.to_path.at(0)), alice_uri);
    EXPECT_EQ(msrp::to_string(ok.from_path.at(0)), session);
    ASSERT_EQ(ok.use_path.size(), 1u);
    EXPECT_EQ(ok.use_path[0].session_id, "kwin5f");
    EXPECT_EQ(ok.expires, 600u);
}

TEST_F(RelayTest, ReopenedConnectionIdStartsClean)
{
    authenticate_alice();
    EXPECT_EQ(relay_.session_count(), 1u);
    open(1);
    EXPECT_EQ(relay_.session_count(), 0u);
}

} // namespace
