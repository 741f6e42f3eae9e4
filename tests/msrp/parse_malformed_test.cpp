// msrp::parse on malformed chunks of every kind: each names what is wrong, and keeps what a 400
// needs (transaction ID, method, first path URIs) when the start line was read.

#include "msrp_test_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using msrp::error;
using msrp_test::parse_error_of;

std::string const to = "To-Path: msrp://b.example.com:1/s;tcp\r\n";
std::string const from = "From-Path: msrp://a.example.com:1/t;tcp\r\n";

std::string send(std::string const& headers, std::string const& tail = "-------abcd$\r\n")
{
    return "MSRP abcd SEND\r\n" + headers + tail;
}

TEST(MsrpParseMalformed, StartLine)
{
    EXPECT_EQ(parse_error_of(""), error::bad_start_line);
    EXPECT_EQ(parse_error_of("MSRP abcd SEND"), error::bad_start_line); // no CRLF
    EXPECT_EQ(parse_error_of("msrp abcd SEND\r\n" + to + from + "-------abcd$\r\n"),
              error::bad_start_line); // lower case
    EXPECT_EQ(parse_error_of("SIP/2.0 200 OK\r\n\r\n"), error::bad_start_line);
    EXPECT_EQ(parse_error_of("MSRP abcd\r\n-------abcd$\r\n"), error::bad_start_line);
    EXPECT_EQ(parse_error_of("MSRP abc SEND\r\n" + to + from + "-------abc$\r\n"),
              error::bad_transaction_id); // 3 chars
    EXPECT_EQ(parse_error_of("MSRP " + std::string(33, 'a') + " SEND\r\n"),
              error::bad_transaction_id);                                       // 33 chars
    EXPECT_EQ(parse_error_of("MSRP ab_d SEND\r\n"), error::bad_transaction_id); // '_'
    EXPECT_EQ(parse_error_of("MSRP abcd Send\r\n" + to + from + "-------abcd$\r\n"),
              error::bad_method);                                        // case
    EXPECT_EQ(parse_error_of("MSRP abcd  SEND\r\n"), error::bad_method); // two spaces
    EXPECT_EQ(parse_error_of("MSRP abcd 20\r\n" + to + from + "-------abcd$\r\n"),
              error::bad_status_code);
    EXPECT_EQ(parse_error_of("MSRP abcd 2000 OK\r\n" + to + from + "-------abcd$\r\n"),
              error::bad_status_code);
    EXPECT_EQ(parse_error_of("MSRP abcd 099 X\r\n" + to + from + "-------abcd$\r\n"),
              error::bad_status_code);
}

TEST(MsrpParseMalformed, EndLine)
{
    EXPECT_EQ(parse_error_of(send(to + from, "")), error::missing_end_line);
    EXPECT_EQ(parse_error_of(send(to + from, "-------abcd$")), error::bad_end_line); // no CRLF
    EXPECT_EQ(parse_error_of(send(to + from, "-------abce$\r\n")), error::bad_end_line);
    EXPECT_EQ(parse_error_of(send(to + from, "-------abcd!\r\n")), error::bad_end_line);
    EXPECT_EQ(parse_error_of(send(to + from, "------abcd$\r\n")), error::missing_end_line);
    // Two chunks in one WebSocket message (RFC 7977 §5.1 forbids it).
    EXPECT_EQ(parse_error_of(send(to + from) + send(to + from)), error::trailing_data);
    EXPECT_EQ(parse_error_of(send(to + from, "-------abcd$\r\nX")), error::trailing_data);
}

TEST(MsrpParseMalformed, HeaderLines)
{
    EXPECT_EQ(parse_error_of(send(from + to)), error::missing_to_path);
    EXPECT_EQ(parse_error_of(send(to + "Message-ID: abcdef\r\n" + from)), error::missing_from_path);
    EXPECT_EQ(parse_error_of(send("")), error::missing_to_path);
    EXPECT_EQ(parse_error_of(send(to)), error::missing_from_path);
    EXPECT_EQ(parse_error_of(send(to + from + "No colon here\r\n")), error::bad_header_line);
    EXPECT_EQ(parse_error_of(send(to + from + ": empty name\r\n")), error::bad_header_line);
    EXPECT_EQ(parse_error_of(send(to + from + "Bad Name: x\r\n")), error::bad_header_line);
    EXPECT_EQ(parse_error_of(send(to + from + "X: a\nb\r\n")), error::bad_character);
    EXPECT_EQ(parse_error_of(send(to + from + "X: a\rb\r\n")), error::bad_character);
    EXPECT_EQ(parse_error_of(send(to + from + std::string("X: a\0b\r\n", 8))),
              error::bad_character);
    EXPECT_EQ(parse_error_of(send(to + from + "Message-ID: abcdef\r\nMessage-ID: abcdef\r\n")),
              error::duplicate_header);
    EXPECT_EQ(parse_error_of(send(to + to + from)), error::missing_from_path);
}

TEST(MsrpParseMalformed, HeaderValues)
{
    auto with = [](std::string const& h) { return parse_error_of(send(to + from + h + "\r\n")); };
    EXPECT_EQ(parse_error_of(send("To-Path: sip:bob@example.com\r\n" + from)), error::bad_uri);
    EXPECT_EQ(parse_error_of(send("To-Path: msrp://b:1/s;tcp  msrp://c:1/s;tcp\r\n" + from)),
              error::bad_uri); // two spaces between URIs
    EXPECT_EQ(with("Use-Path: msrp://nohost"), error::bad_uri);
    EXPECT_EQ(with("Message-ID: ab"), error::bad_header_value);
    EXPECT_EQ(with("Success-Report: partial"), error::bad_header_value);
    EXPECT_EQ(with("Failure-Report: maybe"), error::bad_header_value);
    EXPECT_EQ(with("Byte-Range: 1-2"), error::bad_header_value);
    EXPECT_EQ(with("Byte-Range: a-2/3"), error::bad_header_value);
    EXPECT_EQ(with("Byte-Range: 1-2/"), error::bad_header_value);
    EXPECT_EQ(with("Byte-Range: 1-99999999999999999999/*"), error::bad_header_value); // overflow
    EXPECT_EQ(with("Byte-Range: 1/2-3"), error::bad_header_value);
    EXPECT_EQ(with("Status: 200 OK"), error::bad_header_value);
    EXPECT_EQ(with("Status: 000 20x"), error::bad_header_value);
    EXPECT_EQ(with("Expires: -1"), error::bad_header_value);
    EXPECT_EQ(with("Expires: 4294967296"), error::bad_header_value); // beyond 32 bits
    EXPECT_EQ(with("Min-Expires: soon"), error::bad_header_value);
    EXPECT_EQ(with("Max-Expires: "), error::bad_header_value);
    EXPECT_EQ(with("Authorization:"), error::bad_header_value);
    EXPECT_EQ(with("WWW-Authenticate: "), error::bad_header_value);
    EXPECT_EQ(with("Authentication-Info:"), error::bad_header_value);
}

TEST(MsrpParseMalformed, Bodies)
{
    // A body without Content-Type, a Content-Type without body, a body in a response.
    EXPECT_EQ(parse_error_of(send(to + from + "\r\nhello\r\n")), error::body_without_content);
    EXPECT_EQ(parse_error_of(send(to + from + "Content-Type: text/plain\r\n")),
              error::bad_header_value);
    EXPECT_EQ(parse_error_of(send(to + from + "Content-Type: textplain\r\n\r\nx\r\n")),
              error::bad_header_value);
    EXPECT_EQ(parse_error_of("MSRP abcd 200 OK\r\n" + to + from +
                             "Content-Type: text/plain\r\n\r\nx\r\n-------abcd$\r\n"),
              error::body_in_response);
}

TEST(MsrpParseMalformed, Limits)
{
    msrp::limits l;
    l.max_chunk = 100;
    EXPECT_EQ(parse_error_of(send(to + from + "X: " + std::string(100, 'x') + "\r\n"), l),
              error::too_large);
    l = {};
    l.max_line = 50;
    EXPECT_EQ(parse_error_of(send(to + from + "X: " + std::string(60, 'x') + "\r\n"), l),
              error::line_too_long);
    EXPECT_EQ(parse_error_of("MSRP abcd " + std::string(60, 'A') + "\r\n", l),
              error::line_too_long);
    l = {};
    l.max_headers = 3;
    EXPECT_EQ(parse_error_of(send(to + from + "A: 1\r\nB: 2\r\n"), l), error::too_many_headers);
}

TEST(MsrpParseMalformed, ErrorKeepsWhatA400Needs)
{
    auto const r = msrp::parse(send(to + from + "Byte-Range: nonsense\r\n"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::bad_header_value);
    EXPECT_EQ(r.error().transaction_id, "abcd");
    EXPECT_EQ(r.error().method, "SEND");
    EXPECT_EQ(r.error().to_uri, "msrp://b.example.com:1/s;tcp");
    EXPECT_EQ(r.error().from_uri, "msrp://a.example.com:1/t;tcp");
    EXPECT_NE(r.error().message.find("Byte-Range"), std::string::npos);
    EXPECT_EQ(r.error().ec().category().name(), std::string("msrp"));
    EXPECT_STREQ(msrp::to_string(r.error().code), "bad_header_value");

    auto const no_start = msrp::parse("GARBAGE\r\n");
    ASSERT_FALSE(no_start);
    EXPECT_EQ(no_start.error().transaction_id, "");
}

} // namespace
