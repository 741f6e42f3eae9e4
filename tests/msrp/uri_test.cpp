// msrp::parse_uri, to_string and the RFC 4975 §6.1 comparison, with the URIs of RFC 4975 and
// RFC 7977 (the `ws` transport and the `.invalid` host of a browser client).

#include <msrp/uri.hpp>

#include <gtest/gtest.h>

namespace {

msrp::uri must(std::string_view text)
{
    auto u = msrp::parse_uri(text);
    EXPECT_TRUE(u) << text;
    return u.value_or(msrp::uri{});
}

TEST(MsrpUri, ParsesEveryPartOfTheRelayUsePath)
{
    // RFC 7977 §8.1.2 F6: the Use-Path the relay hands out.
    auto const u = must("msrps://a.example.com:2855/jui787s2f;tcp");
    EXPECT_TRUE(u.secure);
    EXPECT_EQ(u.userinfo, "");
    EXPECT_EQ(u.host, "a.example.com");
    EXPECT_EQ(u.port, 2855);
    EXPECT_EQ(u.session_id, "jui787s2f");
    EXPECT_EQ(u.transport, "tcp");
    EXPECT_EQ(u.parameters, "");
}

TEST(MsrpUri, ParsesTheWebSocketClientUriOfRfc7977)
{
    // RFC 7977 §8.1.2 F3: From-Path of the browser (random .invalid host, transport ws).
    auto const u = must("msrps://df7jal23ls0d.invalid:2855/98cjs;ws");
    EXPECT_EQ(u.host, "df7jal23ls0d.invalid");
    EXPECT_EQ(u.session_id, "98cjs");
    EXPECT_EQ(u.transport, "ws");
}

TEST(MsrpUri, ParsesUserinfoAndNoSessionId)
{
    // RFC 7977 §8.1.2 F3: To-Path of the AUTH, the relay's WebSocket address.
    auto const u = must("msrps://alice@a.example.com:443;ws");
    EXPECT_EQ(u.userinfo, "alice");
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(u.session_id, "");
    EXPECT_EQ(u.transport, "ws");
}

TEST(MsrpUri, ParsesIpv6PlainSchemeAndParameters)
{
    auto const u = must("MSRP://[2001:db8::1]:7777/s/x+y=;TCP;foo=bar;baz");
    EXPECT_FALSE(u.secure);
    EXPECT_EQ(u.host, "[2001:db8::1]");
    EXPECT_EQ(u.port, 7777);
    EXPECT_EQ(u.session_id, "s/x+y=");
    EXPECT_EQ(u.transport, "TCP");
    EXPECT_EQ(u.parameters, ";foo=bar;baz");
}

TEST(MsrpUri, WritesBackWhatItParsed)
{
    for (auto text : {"msrps://a.example.com:2855/jui787s2f;tcp", "msrp://h;tcp",
                      "msrps://alice@a.example.com:443;ws", "msrp://[::1]:1/a;ws;x=y"}) {
        auto const u = must(text);
        EXPECT_EQ(msrp::to_string(u), text);
        EXPECT_EQ(msrp::parse_uri(msrp::to_string(u)), u);
    }
}

TEST(MsrpUri, RefusesWhatIsNotAnMsrpUri)
{
    for (auto text : {
             "",
             "sip:alice@example.com",            // another scheme
             "http://a.example.com/x;tcp",       // another scheme
             "msrp://a.example.com/x",           // no transport
             "msrp://a.example.com:2855",        // no transport
             "msrp://:2855/x;tcp",               // no host
             "msrp://a.example.com:/x;tcp",      // empty port
             "msrp://a.example.com:0/x;tcp",     // port 0
             "msrp://a.example.com:65536/x;tcp", // port out of range
             "msrp://a.example.com:28a5/x;tcp",  // port not decimal
             "msrp://a.example.com/;tcp",        // empty session-id
             "msrp://a.example.com/a b;tcp",     // space in the session-id
             "msrp://a.example.com/a?b;tcp",     // '?' not in a session-id
             "msrp://a.example.com/x;",          // empty transport
             "msrp://a.example.com/x;t-c",       // transport is 1*ALPHANUM
             "msrp://a.example.com/x;tcp;",      // empty parameter
             "msrp://[::1/x;tcp",                // unclosed IPv6 literal
             "msrp://[::g]/x;tcp",               // not hex in an IPv6 literal
             "msrp://a%zz.example.com/x;tcp",    // bad percent-encoding
             "msrp://@a.example.com/x;tcp",      // empty userinfo
         }) {
        EXPECT_FALSE(msrp::parse_uri(text)) << text;
    }
}

TEST(MsrpUri, ComparesAsRfc4975Section61Says)
{
    auto const base = must("msrps://a.example.com:2855/jui787s2f;tcp");
    // Scheme and host case-insensitive; userinfo ignored; transport case-insensitive.
    EXPECT_TRUE(msrp::equivalent(base, must("MSRPS://A.Example.COM:2855/jui787s2f;TCP")));
    EXPECT_TRUE(msrp::equivalent(base, must("msrps://bob@a.example.com:2855/jui787s2f;tcp")));
    // Percent-encoded unreserved characters in the host are decoded first.
    EXPECT_TRUE(msrp::equivalent(base, must("msrps://%61.example.com:2855/jui787s2f;tcp")));
    // Parameters other than the transport are ignored.
    EXPECT_TRUE(msrp::equivalent(base, must("msrps://a.example.com:2855/jui787s2f;tcp;x=1")));
    // The session-id is case-sensitive, and absent never matches present.
    EXPECT_FALSE(msrp::equivalent(base, must("msrps://a.example.com:2855/JUI787s2f;tcp")));
    EXPECT_FALSE(msrp::equivalent(base, must("msrps://a.example.com:2855;tcp")));
    // An explicit port never matches an absent one, even MSRP's default.
    EXPECT_FALSE(msrp::equivalent(base, must("msrps://a.example.com/jui787s2f;tcp")));
    EXPECT_FALSE(msrp::equivalent(base, must("msrps://a.example.com:2856/jui787s2f;tcp")));
    // Scheme and transport must match.
    EXPECT_FALSE(msrp::equivalent(base, must("msrp://a.example.com:2855/jui787s2f;tcp")));
    EXPECT_FALSE(msrp::equivalent(base, must("msrps://a.example.com:2855/jui787s2f;ws")));
    // same_authority ignores the session-id.
    EXPECT_TRUE(msrp::same_authority(base, must("msrps://a.example.com:2855/other;tcp")));
}

} // namespace
