// sdp::parse and sdp::write on well-formed input: fields, round trips, verbatim unknown lines.

#include "sdp_test_util.hpp"

#include <sdp/parse.hpp>
#include <sdp/write.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using sdp_test::crlf;
using sdp_test::read_data;

TEST(SdpParse, Rfc8857BrowserOfferFields)
{
    auto const d = sdp::parse(read_data("rfc8857_browser_offer.sdp"));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->origin.username, "-");
    EXPECT_EQ(d->origin.session_id, "2890844526");
    EXPECT_EQ(d->origin.session_version, "2890844526");
    EXPECT_EQ(d->origin.nettype, "IN");
    EXPECT_EQ(d->origin.addrtype, "IP4");
    EXPECT_EQ(d->origin.address, "192.0.2.44");
    EXPECT_EQ(d->session_name, "-");
    ASSERT_EQ(d->fields.size(), 2u);
    EXPECT_EQ(d->fields[0], (sdp::field{'c', "IN IP4 192.0.2.44"}));
    EXPECT_EQ(d->fields[1], (sdp::field{'t', "0 0"}));
    ASSERT_EQ(d->media.size(), 3u);
    auto const& bfcp = d->media[0];
    EXPECT_EQ(bfcp.media, "application");
    EXPECT_EQ(bfcp.port, 9); // RFC 8857 §6.1: discard port on the active side
    EXPECT_FALSE(bfcp.port_count);
    EXPECT_EQ(bfcp.proto, "TCP/WSS/BFCP");
    EXPECT_EQ(bfcp.formats, std::vector<std::string>{"*"});
    EXPECT_EQ(bfcp.line, 6u);
    ASSERT_EQ(bfcp.fields.size(), 3u);
    EXPECT_EQ(bfcp.fields[0], (sdp::field{'a', "setup:active"}));
    EXPECT_EQ(bfcp.fields[2], (sdp::field{'a', "floorctrl:c-only"}));
    EXPECT_EQ(d->media[1].media, "audio");
    EXPECT_EQ(d->media[1].port, 55000);
    EXPECT_EQ(d->media[2].formats, std::vector<std::string>{"31"});
    EXPECT_EQ(d->media[2].line, 11u);
}

// write(parse(x)) == x for every CRLF file in tests/data/sdp.
TEST(SdpParse, EveryDataFileRoundTripsByteForByte)
{
    std::size_t files = 0;
    for (auto const& entry :
         std::filesystem::directory_iterator(std::string(FLOORCTL_TEST_DATA_DIR) + "/sdp")) {
        if (entry.path().extension() != ".sdp") continue;
        SCOPED_TRACE(entry.path().filename().string());
        auto const text = read_data(entry.path().filename().string());
        auto const d = sdp::parse(text);
        ASSERT_TRUE(d) << d.error().message;
        EXPECT_EQ(sdp::write(*d), text);
        ++files;
    }
    EXPECT_GE(files, 9u);
}

TEST(SdpParse, LfOnlyInputIsAcceptedAndWrittenWithCrlf)
{
    std::string const lf = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=application 9 "
                           "TCP/WS/BFCP *\na=setup:active\n";
    auto const d = sdp::parse(lf);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(sdp::write(*d), crlf(lf));
}

TEST(SdpParse, MixedLineEndingsAndMissingFinalTerminatorAreAccepted)
{
    auto const d = sdp::parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\ns=-\r\nt=0 0\r\na=x");
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_EQ(d->fields.size(), 2u);
    EXPECT_EQ(d->fields[1], (sdp::field{'a', "x"}));
}

TEST(SdpParse, TrailingEmptyLinesAreTolerated)
{
    auto const d = sdp::parse(crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n\n\n"));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(sdp::write(*d), crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"));
}

// Unknown attributes and every line floorctl does not interpret survive verbatim and in order.
TEST(SdpParse, UnknownLinesAndAttributesSurviveVerbatim)
{
    std::string const text = crlf("v=0\n"
                                  "o=jdoe 3724394400 3724394405 IN IP6 2001:db8::1\n"
                                  "s= \n"
                                  "i=A Seminar on the session description protocol\n"
                                  "u=http://www.example.com/seminars/sdp.pdf\n"
                                  "e=j.doe@example.com (Jane Doe)\n"
                                  "p=+1 617 555-6011\n"
                                  "c=IN IP4 233.252.0.1/127\n"
                                  "b=CT:128\n"
                                  "t=2873397496 2873404696\n"
                                  "r=7d 1h 0 25h\n"
                                  "t=0 0\n"
                                  "z=2882844526 -1h 2898848070 0\n"
                                  "k=prompt\n"
                                  "a=recvonly\n"
                                  "a=x-vendor-thing:{\"json\": [1, 2]}\tTAB\n"
                                  "m=audio 49170/2 RTP/AVP 0 96\n"
                                  "i=main audio\n"
                                  "c=IN IP4 233.252.0.1/127/2\n"
                                  "c=IN IP4 233.252.0.3/127\n"
                                  "b=AS:64\n"
                                  "k=clear:secret\n"
                                  "a=rtpmap:96 L8/8000\n"
                                  "a=x-unknown\n"
                                  "m=application 0 TCP/WSS/BFCP *\n");
    auto const d = sdp::parse(text);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->origin.addrtype, "IP6");
    EXPECT_EQ(d->session_name, " ");
    EXPECT_EQ(d->fields.size(), 13u);
    EXPECT_EQ(d->fields[11], (sdp::field{'a', "recvonly"}));
    ASSERT_EQ(d->media.size(), 2u);
    EXPECT_EQ(d->media[0].port_count, std::optional<std::uint16_t>{2});
    EXPECT_EQ(d->media[0].fields.size(), 7u);
    EXPECT_EQ(sdp::write(*d), text);
}

TEST(SdpParse, HighBytesAreAllowedInByteStringValues)
{
    // RFC 8866 §9: byte-string is any octet but NUL, CR and LF (UTF-8 session names etc.).
    std::string const text = crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=Caf\xc3\xa9\n"
                                  "i=\xe2\x82\xac\nt=0 0\na=label:\xff\n");
    auto const d = sdp::parse(text);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(sdp::write(*d), text);
}

TEST(SdpParse, LimitsAreInclusive)
{
    std::string const base = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";
    sdp::limits lim;
    lim.max_lines = 4;
    lim.max_size = base.size();
    lim.max_line_length = std::string("o=- 1 1 IN IP4 192.0.2.1").size();
    EXPECT_TRUE(sdp::parse(base, lim));
    EXPECT_TRUE(sdp::parse(base + "m=application 9 TCP/BFCP *\r\n", sdp::limits{1000, 5, 100, 1}));
}

TEST(SdpWrite, DescriptionBuiltInCode)
{
    sdp::description d;
    d.origin = {"floorctl", "7", "8", "IN", "IP4", "192.0.2.9"};
    d.session_name = "-";
    d.fields = {{'c', "IN IP4 192.0.2.9"}, {'t', "0 0"}};
    sdp::media_description m;
    m.media = "application";
    m.port = 5070;
    m.proto = "TCP/BFCP";
    m.formats = {"*"};
    m.fields = {{'a', "setup:passive"}};
    d.media.push_back(m);
    std::string const expected = crlf("v=0\n"
                                      "o=floorctl 7 8 IN IP4 192.0.2.9\n"
                                      "s=-\n"
                                      "c=IN IP4 192.0.2.9\n"
                                      "t=0 0\n"
                                      "m=application 5070 TCP/BFCP *\n"
                                      "a=setup:passive\n");
    EXPECT_EQ(sdp::write(d), expected);
    auto const back = sdp::parse(expected);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, d);
}

TEST(SdpDescription, AttributeHelpers)
{
    std::vector<sdp::field> const f = {{'c', "IN IP4 192.0.2.1"},
                                       {'a', "sendrecv"},
                                       {'a', "label:10"},
                                       {'a', "label:11"},
                                       {'a', "fmtp:96 a=b:c"}};
    EXPECT_EQ(sdp::find_attribute(f, "label"), std::optional<std::string_view>{"10"});
    EXPECT_EQ(sdp::find_attribute(f, "sendrecv"), std::optional<std::string_view>{""});
    EXPECT_FALSE(sdp::find_attribute(f, "Label")); // names are case-sensitive
    EXPECT_EQ(sdp::count_attribute(f, "label"), 2u);
    auto const a = sdp::split_attribute("fmtp:96 a=b:c");
    EXPECT_EQ(a.name, "fmtp");
    EXPECT_EQ(a.value, "96 a=b:c");
    EXPECT_TRUE(a.has_value);
    EXPECT_FALSE(sdp::split_attribute("sendrecv").has_value);
    auto const c = sdp::parse_connection("IN IP6 2001:db8::1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->addrtype, "IP6");
    EXPECT_EQ(c->address, "2001:db8::1");
    EXPECT_FALSE(sdp::parse_connection("IN IP4"));
    EXPECT_FALSE(sdp::parse_connection("IN IP4 1.2.3.4 extra"));
    EXPECT_FALSE(sdp::parse_connection("IN  IP4 1.2.3.4"));
}

TEST(SdpError, CategoryNamesEveryValue)
{
    std::error_code const ec = sdp::error::bad_port;
    EXPECT_STREQ(ec.category().name(), "sdp");
    EXPECT_EQ(ec.message(), "bad_port");
    for (int v = 1; v <= static_cast<int>(sdp::error::bad_answer_params); ++v)
        EXPECT_STRNE(sdp::to_string(static_cast<sdp::error>(v)), "unknown sdp error") << v;
}

} // namespace
