// sdp::parse on malformed input: every case names the exact error and line.

#include "sdp_test_util.hpp"

#include <sdp/parse.hpp>

#include <gtest/gtest.h>

namespace {

using sdp::error;
using sdp_test::crlf;

// A valid header (lines 1-4) to which cases append.
std::string const head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

struct bad_case {
    char const* name;
    std::string text;
    error code;
    std::size_t line;
};

void expect_error(bad_case const& c, sdp::limits const& lim = {})
{
    SCOPED_TRACE(c.name);
    auto const r = sdp::parse(c.text, lim);
    ASSERT_FALSE(r) << "accepted";
    EXPECT_EQ(r.error().code, c.code)
        << sdp::to_string(r.error().code) << ": " << r.error().message;
    EXPECT_EQ(r.error().line, c.line) << r.error().message;
    if (c.line != 0) {
        EXPECT_EQ(r.error().message.rfind("line " + std::to_string(c.line) + ": ", 0), 0u)
            << r.error().message;
    }
    EXPECT_FALSE(r.error().message.empty());
}

TEST(SdpParseMalformed, StructureAndOrder)
{
    bad_case const cases[] = {
        {"empty", "", error::missing_version, 0},
        {"only terminators", "\r\n\r\n", error::missing_version, 0},
        {"missing v=", crlf("o=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"), error::missing_version, 1},
        {"v=1", crlf("v=1\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"), error::bad_version, 1},
        {"v= with space", crlf("v=0 \no=- 1 1 IN IP4 192.0.2.1\n"), error::bad_version, 1},
        {"missing o=", crlf("v=0\ns=-\nt=0 0\n"), error::missing_origin, 2},
        {"ends after v=", crlf("v=0\n"), error::missing_origin, 0},
        {"missing s=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\nt=0 0\n"), error::missing_session_name,
         3},
        {"no t= at all", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n"), error::missing_timing, 0},
        {"m= before t=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nm=application 9 TCP/BFCP *\n"),
         error::missing_timing, 4},
        {"second v=", head + "v=0\r\n", error::bad_order, 5},
        {"second o=", head + "o=- 1 1 IN IP4 192.0.2.1\r\n", error::bad_order, 5},
        {"a= before t=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\na=x\nt=0 0\n"), error::bad_order,
         5},
        {"c= after b=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nb=AS:1\nc=IN IP4 1.2.3.4\n"),
         error::bad_order, 5},
        {"two session c=",
         crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 1.2.3.4\nc=IN IP4 1.2.3.4\n"),
         error::bad_order, 5},
        {"r= without t=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nr=7d 1h 0\n"), error::bad_order,
         4},
        {"t= after a=", head + "a=x\r\nt=0 0\r\n", error::bad_order, 6},
        {"media c= after a=", head + "m=audio 1 RTP/AVP 0\r\na=x\r\nc=IN IP4 1.2.3.4\r\n",
         error::bad_order, 7},
        {"t= in media", head + "m=audio 1 RTP/AVP 0\r\nt=0 0\r\n", error::bad_order, 6},
        {"two media i=", head + "m=audio 1 RTP/AVP 0\r\ni=a\r\ni=b\r\n", error::bad_order, 7},
        {"unknown type letter", head + "x=foo\r\n", error::unknown_type, 5},
        {"upper-case type (sofia: unknown field)", head + "Q=what\r\n", error::bad_line, 5},
        {"no equals sign", head + "a\r\n", error::bad_line, 5},
        {"space before equals", head + "a =x\r\n", error::bad_line, 5},
        {"leading space", " v=0\r\n", error::bad_line, 1},
        {"empty line inside", head + "\r\na=x\r\n", error::empty_line, 5},
    };
    for (auto const& c : cases)
        expect_error(c);
}

TEST(SdpParseMalformed, Characters)
{
    bad_case const cases[] = {
        {"NUL byte", head + std::string("a=x\0y\r\n", 7), error::nul_byte, 5},
        {"NUL in m=", head + std::string("m=audio 9 RTP/AVP \0\r\n", 21), error::nul_byte, 5},
        {"lone CR inside a line", head + "a=x\ry\r\n", error::bad_line_ending, 5},
        {"CR-only line endings", "v=0\ro=- 1 1 IN IP4 192.0.2.1\rs=-\r", error::bad_line_ending, 1},
        {"CR at end of text", head + "a=x\r", error::bad_line_ending, 5},
        {"control character", head + "a=x\x01y\r\n", error::control_character, 5},
        {"DEL", head + "a=x\x7fy\r\n", error::control_character, 5},
        {"escape in s=", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=\x1b[31m\n"),
         error::control_character, 3},
        {"high byte in attribute name", head + "a=lab\xe9l:1\r\n", error::bad_attribute, 5},
        {"high byte in media type", head + "m=aud\xc3\xado 9 RTP/AVP 0\r\n", error::bad_media, 5},
        {"high byte in o= address", crlf("v=0\no=- 1 1 IN IP4 192.0.2.\xff\ns=-\nt=0 0\n"),
         error::bad_origin, 2},
        {"high byte in c=", head + "m=audio 9 RTP/AVP 0\r\nc=IN IP4 \xc0.0.0.1\r\n",
         error::bad_connection, 6},
    };
    for (auto const& c : cases)
        expect_error(c);
}

TEST(SdpParseMalformed, MediaLines)
{
    bad_case const cases[] = {
        // The inputs that make sofia-sip's parse_media() allocate without end (notes §4).
        {"sofia DoS colon", head + "m=application 9 TCP/WSS/BFCP :\r\n", error::bad_format, 5},
        {"sofia DoS slash", head + "m=application 9 TCP/WSS/BFCP /x\r\n", error::bad_format, 5},
        {"sofia DoS equals", head + "m=application 9 TCP/WSS/BFCP =\r\n", error::bad_format, 5},
        {"high byte in fmt", head + "m=application 9 TCP/WSS/BFCP \xff\r\n", error::bad_format, 5},
        {"second fmt bad", head + "m=audio 9 RTP/AVP 0 8:\r\n", error::bad_format, 5},
        {"no fmt (sofia accepts)", head + "m=application 9 TCP/WSS/BFCP\r\n", error::missing_format,
         5},
        {"no fmt, trailing space", head + "m=application 9 TCP/WSS/BFCP \r\n",
         error::missing_format, 5},
        {"trailing space after fmt", head + "m=application 9 TCP/WSS/BFCP * \r\n", error::bad_media,
         5},
        {"double space", head + "m=application 9  TCP/WSS/BFCP *\r\n", error::bad_media, 5},
        {"leading space", head + "m= application 9 TCP/BFCP *\r\n", error::bad_media, 5},
        {"only media", head + "m=application\r\n", error::bad_media, 5},
        {"no proto", head + "m=application 9\r\n", error::bad_media, 5},
        {"port not a number", head + "m=application abc TCP/BFCP *\r\n", error::bad_port, 5},
        {"port 65536", head + "m=application 65536 TCP/BFCP *\r\n", error::bad_port, 5},
        {"port 999999999 (sofia accepts)", head + "m=application 999999999 TCP/BFCP *\r\n",
         error::bad_port, 5},
        {"port huge", head + "m=application 99999999999999999999999 TCP/BFCP *\r\n",
         error::bad_port, 5},
        {"negative port", head + "m=application -1 TCP/BFCP *\r\n", error::bad_port, 5},
        {"port leading zero", head + "m=application 09 TCP/BFCP *\r\n", error::bad_port, 5},
        {"port count 0", head + "m=audio 9/0 RTP/AVP 0\r\n", error::bad_port, 5},
        {"port count empty", head + "m=audio 9/ RTP/AVP 0\r\n", error::bad_port, 5},
        {"proto empty part", head + "m=application 9 TCP//BFCP *\r\n", error::bad_proto, 5},
        {"proto trailing slash", head + "m=application 9 TCP/BFCP/ *\r\n", error::bad_proto, 5},
        {"proto with colon", head + "m=application 9 TCP:BFCP *\r\n", error::bad_proto, 5},
        {"proto high byte", head + "m=application 9 TCP/\xc3\x9f *\r\n", error::bad_proto, 5},
    };
    for (auto const& c : cases)
        expect_error(c);
}

TEST(SdpParseMalformed, OtherLines)
{
    bad_case const cases[] = {
        {"o= five fields", crlf("v=0\no=- 1 1 IN IP4\ns=-\nt=0 0\n"), error::bad_origin, 2},
        {"o= seven fields", crlf("v=0\no=- 1 1 IN IP4 1.2.3.4 x\ns=-\nt=0 0\n"), error::bad_origin,
         2},
        {"o= session id not digits", crlf("v=0\no=- 1a 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n"),
         error::bad_origin, 2},
        {"o= double space", crlf("v=0\no=-  1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n"), error::bad_origin,
         2},
        {"c= missing address (sofia: invalid address)",
         head + "m=audio 9 RTP/AVP 0\r\nc=IN IP4\r\n", error::bad_connection, 6},
        {"c= empty", head + "m=audio 9 RTP/AVP 0\r\nc=\r\n", error::bad_connection, 6},
        {"b= without colon", head + "m=audio 9 RTP/AVP 0\r\nb=AS\r\n", error::bad_bandwidth, 6},
        {"b= not a number", head + "m=audio 9 RTP/AVP 0\r\nb=AS:x\r\n", error::bad_bandwidth, 6},
        {"t= one number", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0\n"), error::bad_timing, 4},
        {"t= not numbers", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 x\n"), error::bad_timing,
         4},
        {"t= three numbers", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0 0\n"),
         error::bad_timing, 4},
        {"a= empty (sofia: invalid attribute name)", head + "a=\r\n", error::bad_attribute, 5},
        {"a= empty name", head + "a=:x\r\n", error::bad_attribute, 5},
        {"a= name with space", head + "a=set up:x\r\n", error::bad_attribute, 5},
        {"i= empty", head + "m=audio 9 RTP/AVP 0\r\ni=\r\n", error::bad_value, 6},
        {"k= empty", head + "k=\r\n", error::bad_value, 5},
        {"z= high byte", head + "z=\xff\r\n", error::bad_value, 5},
    };
    for (auto const& c : cases)
        expect_error(c);
}

TEST(SdpParseMalformed, Limits)
{
    sdp::limits const lim; // defaults: 64 KiB, 1024 lines, 4096 bytes a line, 32 m= lines
    expect_error(
        {"huge line", head + "a=x-big:" + std::string(5000, 'x') + "\r\n", error::line_too_long, 5},
        lim);
    std::string many_lines = head;
    for (int i = 0; i < 1100; ++i)
        many_lines += "a=x\r\n";
    expect_error({"too many lines", many_lines, error::too_many_lines, 1025}, lim);
    std::string many_media = head;
    for (int i = 0; i < 33; ++i)
        many_media += "m=audio 9 RTP/AVP 0\r\n";
    expect_error({"too many m= lines", many_media, error::too_many_media, 4 + 33}, lim);
    expect_error({"too large", head + std::string(70 * 1024, 'a'), error::too_large, 0}, lim);
    // A custom, smaller set of limits is honoured.
    sdp::limits small;
    small.max_media = 2;
    expect_error({"custom m= limit",
                  head + "m=audio 9 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0\r\n"
                         "m=audio 9 RTP/AVP 0\r\n",
                  error::too_many_media, 7},
                 small);
}

// Inputs of a single repeated character, at the limits, must terminate quickly with an error.
TEST(SdpParseMalformed, DegenerateInputsTerminate)
{
    for (char const c : {'\n', '\r', ' ', '=', 'm', '\0', '\xff'}) {
        auto const r = sdp::parse(std::string(64 * 1024, c));
        EXPECT_FALSE(r) << int(c);
    }
    auto const r = sdp::parse(std::string(64 * 1024 + 1, 'v'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::too_large);
}

} // namespace
