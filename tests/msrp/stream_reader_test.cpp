// msrp::stream_reader: an MSRP over TCP/TLS byte stream cut into chunks by their end lines, in
// any read sizes, with bounded memory.

#include <msrp/stream_reader.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kind = msrp::stream_item::kind;

std::string const first = "MSRP a786hjs2 SEND\r\n"
                          "To-Path: msrp://b.example.com:1/s;tcp\r\n"
                          "From-Path: msrp://a.example.com:1/t;tcp\r\n"
                          "Content-Type: text/plain\r\n"
                          "\r\n"
                          "body with -------a786hjs2 inside\r\n" // not an end line: no flag
                          "-------a786hjs2$\r\n";
std::string const second = "MSRP a786hjs2 200 OK\r\n"
                           "To-Path: msrp://a.example.com:1/t;tcp\r\n"
                           "From-Path: msrp://b.example.com:1/s;tcp\r\n"
                           "-------a786hjs2$\r\n";

std::vector<std::string> drain(msrp::stream_reader& r)
{
    std::vector<std::string> out;
    for (;;) {
        auto item = r.next();
        if (item.what != kind::chunk) {
            EXPECT_NE(item.what, kind::broken) << item.reason;
            return out;
        }
        out.push_back(std::move(item.chunk));
    }
}

TEST(MsrpStreamReader, TwoChunksInOneRead)
{
    msrp::stream_reader r;
    r.append(first + second);
    EXPECT_EQ(drain(r), (std::vector<std::string>{first, second}));
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(MsrpStreamReader, EverySplitPointGivesTheSameChunks)
{
    auto const stream = first + second;
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        msrp::stream_reader r;
        r.append(stream.substr(0, cut));
        auto got = drain(r);
        r.append(stream.substr(cut));
        auto rest = drain(r);
        got.insert(got.end(), rest.begin(), rest.end());
        EXPECT_EQ(got, (std::vector<std::string>{first, second})) << "cut at " << cut;
    }
}

TEST(MsrpStreamReader, OneByteAtATime)
{
    msrp::stream_reader r;
    std::vector<std::string> got;
    for (char c : first + second) {
        r.append(std::string_view(&c, 1));
        auto more = drain(r);
        got.insert(got.end(), more.begin(), more.end());
    }
    EXPECT_EQ(got, (std::vector<std::string>{first, second}));
}

TEST(MsrpStreamReader, ChunkWithoutEndLineWithinTheLimitBreaksTheStream)
{
    msrp::limits l;
    l.max_chunk = 200;
    msrp::stream_reader r(l);
    r.append("MSRP abcd SEND\r\nTo-Path: msrp://b:1/s;tcp\r\n");
    EXPECT_EQ(r.next().what, kind::need_more);
    r.append(std::string(200, 'x'));
    auto const item = r.next();
    EXPECT_EQ(item.what, kind::broken);
    EXPECT_EQ(item.code, msrp::error::chunk_without_end_line);
    // Once broken, stays broken, and buffers nothing more.
    r.append(second);
    EXPECT_EQ(r.next().what, kind::broken);
}

TEST(MsrpStreamReader, ChunkWhoseEndLineComesTooLateBreaksTheStream)
{
    msrp::limits l;
    l.max_chunk = first.size() - 1;
    msrp::stream_reader r(l);
    r.append(first);
    EXPECT_EQ(r.next().code, msrp::error::chunk_without_end_line);
}

TEST(MsrpStreamReader, GarbageAndBadStartLinesBreakTheStream)
{
    {
        msrp::stream_reader r;
        r.append("GET / HTTP/1.1\r\n");
        EXPECT_EQ(r.next().code, msrp::error::bad_start_line);
    }
    {
        msrp::stream_reader r;
        r.append("MS"); // a prefix of "MSRP " is not refused early
        EXPECT_EQ(r.next().what, kind::need_more);
        r.append("XP");
        EXPECT_EQ(r.next().code, msrp::error::bad_start_line);
    }
    {
        msrp::stream_reader r;
        r.append("MSRP a SEND\r\n");
        EXPECT_EQ(r.next().code, msrp::error::bad_transaction_id);
    }
    {
        msrp::limits l;
        l.max_line = 20;
        msrp::stream_reader r(l);
        r.append("MSRP abcd " + std::string(30, 'A'));
        EXPECT_EQ(r.next().code, msrp::error::line_too_long);
    }
    {
        msrp::stream_reader r;
        r.append("\r\n" + second); // no CRLF keep-alives in MSRP
        EXPECT_EQ(r.next().code, msrp::error::bad_start_line);
    }
}

TEST(MsrpStreamReader, ChunksAreParseable)
{
    msrp::stream_reader r;
    r.append(first);
    auto const item = r.next();
    ASSERT_EQ(item.what, kind::chunk);
    auto const m = msrp::parse(item.chunk);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body, "body with -------a786hjs2 inside");
}

} // namespace
