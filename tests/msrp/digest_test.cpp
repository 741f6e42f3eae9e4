// Digest for MSRP AUTH (RFC 4976 §5.1 with RFC 2617): the challenge written, the credentials
// read, and the response computed with the RFC 2617 §3.5 example's values.

#include "test_services.hpp"

#include <msrp/digest.hpp>

#include <gtest/gtest.h>

namespace {

TEST(MsrpDigest, Rfc2617ExampleResponse)
{
    // RFC 2617 §3.5: Mufasa / "Circle Of Life", GET /dir/index.html, qop=auth.
    auto const creds = msrp::parse_credentials(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
        "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->username, "Mufasa");
    EXPECT_EQ(creds->realm, "testrealm@host.com");
    EXPECT_EQ(creds->qop, "auth");
    EXPECT_EQ(creds->nc, "00000001");
    EXPECT_EQ(creds->cnonce, "0a4f113b");
    msrp_test::test_services h;
    EXPECT_EQ(msrp::digest_response(h, *creds, "Circle Of Life", "GET"), creds->response);
    EXPECT_TRUE(msrp::digests_equal(creds->response, "6629fae49393a05397450978507c4ef1"));
    EXPECT_FALSE(msrp::digests_equal(creds->response, "6629fae49393a05397450978507c4ef2"));
    EXPECT_FALSE(msrp::digests_equal(creds->response, "6629"));
}

TEST(MsrpDigest, ChallengeAsTheRelayWritesIt)
{
    EXPECT_EQ(msrp::write_challenge({"example.com", "abc", false}),
              "Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth\"");
    EXPECT_EQ(msrp::write_challenge({"example.com", "abc", true}),
              "Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth\", stale=true");
}

TEST(MsrpDigest, CredentialsWithEscapesAnyCaseAnyOrder)
{
    auto const c = msrp::parse_credentials("digest RESPONSE=\"r\",uri=\"u\" , nonce=n,"
                                           " realm=\"a \\\"b\\\"\", username=\"x\"");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->realm, "a \"b\"");
    EXPECT_EQ(c->nonce, "n");
}

TEST(MsrpDigest, MalformedCredentialsAreRefused)
{
    for (auto text : {
             "", "Basic dXNlcjpwYXNz", "Digest",
             "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"", // no response
             "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x", // open
             "Digest username=\"a\" realm=\"r\"",                                        // no comma
             "Digest username=, realm=\"r\"", // empty token
             "Digest =x",                     // no name
             "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", "
             "response=\"x\"", // repeated
         }) {
        EXPECT_FALSE(msrp::parse_credentials(text)) << text;
    }
}

} // namespace
