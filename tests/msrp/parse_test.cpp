// msrp::parse and msrp::write on the examples of RFC 4975 and RFC 7977, annotated line by line:
// every field read back, and the writer's bytes compared with the RFC's where the RFC writes the
// header fields in the writer's order.

#include "msrp_test_util.hpp"

#include <msrp/write.hpp>

#include <gtest/gtest.h>

namespace {

using msrp_test::parsed;

// RFC 4975 §4: Alice's first SEND to Bob, and Bob's 200.
std::string const rfc4975_send =
    "MSRP a786hjs2 SEND\r\n"                                          // transaction a786hjs2
    "To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n" // Bob's URI
    "From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"  // Alice's URI
    "Message-ID: 87652491\r\n"                                        // the message
    "Byte-Range: 1-25/25\r\n"      // as the RFC prints it (its body has 23 octets; see chunking)
    "Content-Type: text/plain\r\n" // last header: body follows
    "\r\n"                         // empty line
    "Hey Bob, are you there?\r\n"  // data, then CRLF
    "-------a786hjs2$\r\n";        // end line, complete

std::string const rfc4975_ok =
    "MSRP a786hjs2 200 OK\r\n"                                          // same transaction, 200
    "To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"      // back to the sender
    "From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n" // from the responder
    "-------a786hjs2$\r\n";                                             // no body

// RFC 7977 §8.1.2 F3: the browser's AUTH to its relay over WSS.
std::string const rfc7977_auth =
    "MSRP 4rsxt9nz AUTH\r\n"                                    // AUTH, transaction 4rsxt9nz
    "To-Path: msrps://alice@a.example.com:443;ws\r\n"           // the relay's WebSocket address
    "From-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n" // random .invalid host (App. A)
    "-------4rsxt9nz$\r\n";

// RFC 7977 §8.1.2 F4: the challenge (the RFC folds the header; MSRP does not fold).
std::string const rfc7977_401 =
    "MSRP 4rsxt9nz 401 Unauthorized\r\n"
    "To-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"
    "From-Path: msrps://alice@a.example.com:443;ws\r\n"
    "WWW-Authenticate: Digest realm=\"example.com\", "
    "nonce=\"UvtfpVL7XnNnJ63EE244fXDthfLihlMVH0Y4+dd4A=\", qop=\"auth\"\r\n" // one line on the wire
    "-------4rsxt9nz$\r\n";

// RFC 7977 §8.1.2 F5 and F6: the AUTH with credentials and the relay's 200.
std::string const rfc7977_auth2 =
    "MSRP qylhsows AUTH\r\n"
    "To-Path: msrps://alice@a.example.com:443;ws\r\n"
    "From-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"
    "Authorization: Digest username=\"alice\", realm=\"example.com\", "
    "nonce=\"UvtfpVL7XnNnJ63EE244fXDthfLihlMVH0Y4+dd4A=\", "
    "uri=\"msrps://alice@a.example.com:443;ws\", "
    "response=\"5011d0d58fe975e0d0cdc007ae26f4b7\", qop=auth, cnonce=\"zic5ml401prb\", "
    "nc=00000001\r\n"
    "-------qylhsows$\r\n";

std::string const rfc7977_auth_ok =
    "MSRP qylhsows 200 OK\r\n"
    "To-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"
    "From-Path: msrps://alice@a.example.com:443;ws\r\n"
    "Use-Path: msrps://a.example.com:2855/jui787s2f;tcp\r\n" // the path to put in SDP
    "Expires: 900\r\n"                                       // seconds it stays valid
    "-------qylhsows$\r\n";

// RFC 7977 §8.2.2 F1: the browser's SEND through its relay to Bob.
std::string const rfc7977_send =
    "MSRP 6aef SEND\r\n"
    "To-Path: msrps://a.example.com:2855/jui787s2f;tcp " // first hop: the relay's session
    "msrps://bob.example.com:49154/foo;tcp\r\n"          // then Bob (one line on the wire)
    "From-Path: msrps://df7jal23ls0d.invalid:2855/98cjs;ws\r\n"
    "Success-Report: no\r\n" // no success REPORT wanted
    "Byte-Range: 1-*/*\r\n"  // first chunk, end and total unknown
    "Message-ID: 87652\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hi Bob, I'm about to send you file.mpeg\r\n"
    "-------6aef$\r\n";

TEST(MsrpParse, Rfc4975SendReadsEveryField)
{
    auto const m = parsed(rfc4975_send);
    EXPECT_TRUE(m.is_request());
    EXPECT_EQ(m.transaction_id, "a786hjs2");
    EXPECT_EQ(m.method, "SEND");
    ASSERT_EQ(m.to_path.size(), 1u);
    EXPECT_EQ(m.to_path[0].host, "biloxi.example.com");
    EXPECT_EQ(m.to_path[0].session_id, "kjhd37s2s20w2a");
    ASSERT_EQ(m.from_path.size(), 1u);
    EXPECT_EQ(m.from_path[0].port, 7654);
    EXPECT_EQ(m.message_id, "87652491");
    ASSERT_TRUE(m.range);
    EXPECT_EQ(m.range->start, 1u);
    EXPECT_EQ(m.range->end, 25u);
    EXPECT_EQ(m.range->total, 25u);
    EXPECT_EQ(m.content_type, "text/plain");
    EXPECT_EQ(m.body, "Hey Bob, are you there?");
    EXPECT_EQ(m.flag, msrp::continuation::complete);
    EXPECT_EQ(m.failure_report_or_default(), msrp::report_request::yes);
    EXPECT_FALSE(m.wants_success_report());
}

TEST(MsrpParse, Rfc4975SendAndResponseAreWrittenBackByteForByte)
{
    EXPECT_EQ(msrp::write(parsed(rfc4975_send)), rfc4975_send);
    EXPECT_EQ(msrp::write(parsed(rfc4975_ok)), rfc4975_ok);
}

TEST(MsrpParse, Rfc4975ResponseIsMadeFromTheRequest)
{
    auto const ok = msrp::make_response(parsed(rfc4975_send), 200);
    EXPECT_EQ(msrp::write(ok), rfc4975_ok);
}

TEST(MsrpParse, Rfc7977AuthExchangeReadsEveryField)
{
    auto const auth = parsed(rfc7977_auth);
    EXPECT_EQ(auth.method, "AUTH");
    EXPECT_EQ(auth.to_path.at(0).userinfo, "alice");
    EXPECT_EQ(auth.to_path.at(0).transport, "ws");
    EXPECT_EQ(auth.from_path.at(0).host, "df7jal23ls0d.invalid");
    EXPECT_EQ(msrp::write(auth), rfc7977_auth);

    auto const challenge = parsed(rfc7977_401);
    EXPECT_FALSE(challenge.is_request());
    EXPECT_EQ(challenge.status_code, 401);
    EXPECT_EQ(challenge.comment, "Unauthorized");
    ASSERT_TRUE(challenge.www_authenticate);
    EXPECT_EQ(challenge.www_authenticate->substr(0, 7), "Digest ");
    EXPECT_EQ(msrp::write(challenge), rfc7977_401);

    auto const auth2 = parsed(rfc7977_auth2);
    ASSERT_TRUE(auth2.authorization);
    EXPECT_NE(auth2.authorization->find("nc=00000001"), std::string::npos);
    EXPECT_EQ(msrp::write(auth2), rfc7977_auth2);

    auto const ok = parsed(rfc7977_auth_ok);
    EXPECT_EQ(ok.status_code, 200);
    ASSERT_EQ(ok.use_path.size(), 1u);
    EXPECT_EQ(ok.use_path[0].session_id, "jui787s2f");
    EXPECT_EQ(ok.expires, 900u);
    EXPECT_EQ(msrp::write(ok), rfc7977_auth_ok);
}

TEST(MsrpParse, Rfc7977SendThroughTheRelay)
{
    auto const m = parsed(rfc7977_send);
    ASSERT_EQ(m.to_path.size(), 2u);
    EXPECT_EQ(m.to_path[0].session_id, "jui787s2f");
    EXPECT_EQ(m.to_path[1].host, "bob.example.com");
    EXPECT_EQ(m.success_report, msrp::report_request::no);
    ASSERT_TRUE(m.range);
    EXPECT_FALSE(m.range->end);
    EXPECT_FALSE(m.range->total);
    EXPECT_EQ(m.body, "Hi Bob, I'm about to send you file.mpeg");
    // The writer orders Message-ID before the reports: same fields, another order.
    EXPECT_EQ(parsed(msrp::write(m)), m);
}

TEST(MsrpParse, ReportWithStatus)
{
    // A success REPORT in the form of RFC 4975 §7.1.2: no body, Status 000 200.
    std::string const report = "MSRP dkei38sd REPORT\r\n"
                               "To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
                               "From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
                               "Message-ID: 12339sdqwer\r\n"
                               "Byte-Range: 1-106/106\r\n"
                               "Status: 000 200 OK\r\n" // namespace 000, code 200, reason
                               "-------dkei38sd$\r\n";
    auto const m = parsed(report);
    ASSERT_TRUE(m.status);
    EXPECT_EQ(m.status->name_space, 0);
    EXPECT_EQ(m.status->code, 200);
    EXPECT_EQ(m.status->reason, "OK");
    EXPECT_EQ(msrp::write(m), report);
}

TEST(MsrpParse, ChunkFlagsBodiesAndOtherHeaders)
{
    std::string const chunk = "MSRP d93kswow SEND\r\n"
                              "To-Path: msrp://b.example.com:1/s;tcp\r\n"
                              "From-Path: msrp://a.example.com:1/t;tcp\r\n"
                              "Message-ID: 12339sdqwer\r\n"
                              "Failure-Report: partial\r\n"
                              "Byte-Range: 1-10/20\r\n"
                              "Content-Disposition: inline\r\n" // kept, written before the type
                              "Content-Type: application/octet-stream\r\n"
                              "\r\n"
                              "a\r\n\r\nb-----c\r\n"  // 10 octets, CRLFs inside
                              "-------d93kswow+\r\n"; // more chunks follow
    auto const m = parsed(chunk);
    EXPECT_EQ(m.flag, msrp::continuation::more);
    EXPECT_EQ(m.failure_report, msrp::report_request::partial);
    EXPECT_EQ(m.body, "a\r\n\r\nb-----c");
    ASSERT_EQ(m.other_headers.size(), 1u);
    EXPECT_EQ(m.other_headers[0].name, "Content-Disposition");
    EXPECT_EQ(msrp::write(m), chunk);
}

TEST(MsrpParse, EmptyBodyBodilessSendAndAbortedChunk)
{
    // RFC 4975 §7.1: a SEND without body (keep-alive, RFC 7977 §6), and an empty body.
    auto const bodiless = parsed("MSRP kxp4fd1x SEND\r\n"
                                 "To-Path: msrp://b.example.com:1/s;tcp\r\n"
                                 "From-Path: msrp://a.example.com:1/t;tcp\r\n"
                                 "Message-ID: 456s9wlk3\r\n"
                                 "-------kxp4fd1x$\r\n");
    EXPECT_FALSE(bodiless.content_type);
    auto const empty = parsed("MSRP kxp4fd1x SEND\r\n"
                              "To-Path: msrp://b.example.com:1/s;tcp\r\n"
                              "From-Path: msrp://a.example.com:1/t;tcp\r\n"
                              "Content-Type: text/plain\r\n"
                              "\r\n"
                              "\r\n" // empty data, then its CRLF
                              "-------kxp4fd1x#\r\n");
    EXPECT_EQ(empty.content_type, "text/plain");
    EXPECT_EQ(empty.body, "");
    EXPECT_EQ(empty.flag, msrp::continuation::aborted);
}

TEST(MsrpParse, HeaderNamesInAnyCaseAndUnknownMethods)
{
    // Tolerated: header names in another case, extra whitespace around values, unknown methods
    // (RFC 7701's NICKNAME travels through relays).
    auto const m = parsed("MSRP 1abcde NICKNAME\r\n"
                          "to-path:   msrp://b.example.com:1/s;tcp \r\n"
                          "FROM-PATH: msrp://a.example.com:1/t;tcp\r\n"
                          "Use-Nickname: \"Alice\"\r\n"
                          "-------1abcde$\r\n");
    EXPECT_EQ(m.method, "NICKNAME");
    EXPECT_EQ(m.to_path.at(0).host, "b.example.com");
    ASSERT_EQ(m.other_headers.size(), 1u);
    EXPECT_EQ(m.other_headers[0].value, "\"Alice\"");
}

} // namespace
