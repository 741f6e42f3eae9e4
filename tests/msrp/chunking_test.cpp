// msrp chunking: Byte-Range checks (the byte-range lie), splitting for WebSocket clients
// (RFC 7977 §5.1), and reassembly with bounded memory (RFC 4975 §5.1, §7.1.1).

#include "msrp_test_util.hpp"

#include <msrp/chunking.hpp>
#include <msrp/write.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using msrp::error;
using kind = msrp::reassembly::kind;

msrp::message chunk(std::string const& body, std::uint64_t start, std::optional<std::uint64_t> end,
                    std::optional<std::uint64_t> total,
                    msrp::continuation flag = msrp::continuation::complete,
                    std::string id = "msg00001")
{
    msrp::message m;
    m.transaction_id = "tr000001";
    m.method = "SEND";
    m.to_path = {*msrp::parse_uri("msrp://b.example.com:1/s;tcp")};
    m.from_path = {*msrp::parse_uri("msrp://a.example.com:1/t;tcp")};
    m.message_id = std::move(id);
    m.range = msrp::byte_range{start, end, total};
    m.content_type = "text/plain";
    m.body = body;
    m.flag = flag;
    return m;
}

TEST(MsrpChunking, TheRfc4975ExampleIsAByteRangeLie)
{
    // RFC 4975 §4 prints Byte-Range 1-25/25 over the 23 octets "Hey Bob, are you there?".
    auto const m =
        msrp_test::parsed("MSRP a786hjs2 SEND\r\n"
                          "To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
                          "From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
                          "Message-ID: 87652491\r\n"
                          "Byte-Range: 1-25/25\r\n"
                          "Content-Type: text/plain\r\n"
                          "\r\n"
                          "Hey Bob, are you there?\r\n"
                          "-------a786hjs2$\r\n");
    EXPECT_EQ(msrp::check_range(m), error::range_length_mismatch);
}

TEST(MsrpChunking, CheckRange)
{
    EXPECT_EQ(msrp::check_range(chunk("abc", 1, 3, 3)), std::nullopt);
    EXPECT_EQ(msrp::check_range(chunk("abc", 1, std::nullopt, std::nullopt)), std::nullopt);
    EXPECT_EQ(msrp::check_range(chunk("", 1, 0, 0)), std::nullopt);
    EXPECT_EQ(msrp::check_range(chunk("abc", 0, 2, 3)), error::bad_range);
    EXPECT_EQ(msrp::check_range(chunk("", 5, 3, 9)), error::bad_range);
    EXPECT_EQ(msrp::check_range(chunk("abc", 1, 4, 4)), error::range_length_mismatch);
    EXPECT_EQ(msrp::check_range(chunk("abc", 1, 2, 4)), error::range_length_mismatch);
    EXPECT_EQ(msrp::check_range(chunk("abc", 2, 4, 3)), error::range_beyond_total);
    EXPECT_EQ(msrp::check_range(chunk("abc", 2, std::nullopt, 3)), error::range_beyond_total);
    // Without Byte-Range the chunk is the whole message.
    auto whole = chunk("abc", 1, 3, 3);
    whole.range.reset();
    EXPECT_EQ(msrp::range_of(whole), (msrp::byte_range{1, 3, 3}));
}

TEST(MsrpChunking, SplitGivesRangesFlagsAndNewTransactionIds)
{
    int n = 0;
    auto next = [&] { return "split" + std::to_string(++n) + "x"; };
    auto const pieces = msrp::split(chunk("abcdefghij", 11, std::nullopt, std::nullopt), 4, next);
    ASSERT_EQ(pieces.size(), 3u);
    EXPECT_EQ(pieces[0].body, "abcd");
    EXPECT_EQ(pieces[0].range, (msrp::byte_range{11, 14, std::nullopt}));
    EXPECT_EQ(pieces[0].flag, msrp::continuation::more);
    EXPECT_EQ(pieces[0].transaction_id, "split1x");
    EXPECT_EQ(pieces[1].range, (msrp::byte_range{15, 18, std::nullopt}));
    EXPECT_EQ(pieces[2].body, "ij");
    EXPECT_EQ(pieces[2].range, (msrp::byte_range{19, 20, std::nullopt}));
    EXPECT_EQ(pieces[2].flag, msrp::continuation::complete); // keeps the original's flag
    EXPECT_EQ(pieces[2].transaction_id, "split3x");
    for (auto const& p : pieces) {
        EXPECT_EQ(msrp::check_range(p), std::nullopt);
        EXPECT_EQ(p.message_id, "msg00001");
        EXPECT_TRUE(msrp::parse(msrp::write(p))); // each one a well-formed chunk
    }
    // A chunk that fits stays whole, with a new transaction ID.
    auto const one = msrp::split(chunk("abc", 1, 3, 3), 4, next);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].body, "abc");
    EXPECT_EQ(one[0].transaction_id, "split4x");
}

TEST(MsrpChunking, SplitAndReassembleGiveTheMessageBackInAnyOrder)
{
    std::string body;
    for (int i = 0; i < 1000; ++i)
        body += static_cast<char>('a' + i % 26);
    int n = 0;
    auto next = [&] { return "t" + std::to_string(++n) + "xyz"; };
    auto pieces = msrp::split(chunk(body, 1, 1000, 1000), 64, next);
    ASSERT_EQ(pieces.size(), 16u);
    std::swap(pieces[0], pieces[15]);
    std::swap(pieces[3], pieces[9]);
    msrp::reassembler r;
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
        EXPECT_EQ(r.add(pieces[i]).what, kind::incomplete) << i;
    }
    auto const done = r.add(pieces.back());
    ASSERT_EQ(done.what, kind::complete);
    EXPECT_EQ(done.body, body);
    EXPECT_EQ(r.buffered(), 0u);
    EXPECT_EQ(r.pending(), 0u);
}

TEST(MsrpChunking, UnknownTotalCompletesWithTheLastChunk)
{
    msrp::reassembler r;
    EXPECT_EQ(r.add(chunk("abc", 1, 3, std::nullopt, msrp::continuation::more)).what,
              kind::incomplete);
    auto const done = r.add(chunk("de", 4, std::nullopt, std::nullopt));
    ASSERT_EQ(done.what, kind::complete);
    EXPECT_EQ(done.body, "abcde");
}

TEST(MsrpChunking, IdenticalOverlapIsAcceptedAContradictionIsNot)
{
    msrp::reassembler r;
    EXPECT_EQ(r.add(chunk("abcd", 1, 4, 8, msrp::continuation::more)).what, kind::incomplete);
    // A resend of octets 3..6 after an interruption: the same octets 3 and 4.
    EXPECT_EQ(r.add(chunk("cdef", 3, 6, 8, msrp::continuation::more)).what, kind::incomplete);
    auto const bad = r.add(chunk("XXgh", 5, 8, 8));
    EXPECT_EQ(bad.what, kind::failed);
    EXPECT_EQ(bad.code, error::overlap_conflict);
    EXPECT_EQ(r.pending(), 0u); // the message is dropped
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(MsrpChunking, TotalMismatchAndByteRangeLies)
{
    {
        msrp::reassembler r;
        EXPECT_EQ(r.add(chunk("abcd", 1, 4, 8, msrp::continuation::more)).what, kind::incomplete);
        EXPECT_EQ(r.add(chunk("efgh", 5, 8, 9)).code, error::total_mismatch);
    }
    {
        msrp::reassembler r; // the last chunk ends before the declared total
        EXPECT_EQ(r.add(chunk("abcd", 1, 4, 8)).code, error::total_mismatch);
    }
    {
        msrp::reassembler r; // data beyond the end the last chunk gave
        EXPECT_EQ(r.add(chunk("ab", 1, 2, std::nullopt)).what, kind::complete);
        EXPECT_EQ(r.add(chunk("abcd", 1, 4, std::nullopt, msrp::continuation::more)).what,
                  kind::incomplete);
        EXPECT_EQ(r.add(chunk("ef", 5, std::nullopt, std::nullopt)).what, kind::complete);
    }
    {
        msrp::reassembler r;
        // The last chunk first: it waits for the rest, and nothing may pass its end.
        EXPECT_EQ(r.add(chunk("ef", 5, 6, std::nullopt)).what, kind::incomplete);
        EXPECT_EQ(r.add(chunk("abcdefg", 1, 7, std::nullopt, msrp::continuation::more)).code,
                  error::total_mismatch);
    }
    {
        msrp::reassembler r;
        EXPECT_EQ(r.add(chunk("abcdef", 1, 6, 10, msrp::continuation::more)).what,
                  kind::incomplete);
        EXPECT_EQ(r.add(chunk("gh", 7, 8, std::nullopt)).code, error::total_mismatch);
    }
    {
        msrp::reassembler r; // the body is not what the range says
        EXPECT_EQ(r.add(chunk("abc", 1, 5, 5)).code, error::range_length_mismatch);
    }
}

TEST(MsrpChunking, LimitsBoundMemory)
{
    msrp::reassembly_limits l;
    l.max_message = 10;
    l.max_messages = 2;
    l.max_total = 12;
    msrp::reassembler r(l);
    // A total beyond the limit fails before anything is buffered, as does a far start.
    EXPECT_EQ(r.add(chunk("ab", 1, 2, 11, msrp::continuation::more)).code,
              error::message_too_large);
    EXPECT_EQ(
        r.add(chunk("ab", 1000000000000, 1000000000001, std::nullopt, msrp::continuation::more))
            .code,
        error::message_too_large);
    EXPECT_EQ(r.buffered(), 0u);
    EXPECT_EQ(r.add(chunk("abcdefgh", 1, 8, 10, msrp::continuation::more, "msg00001")).what,
              kind::incomplete);
    EXPECT_EQ(r.add(chunk("abcd", 1, 4, 10, msrp::continuation::more, "msg00002")).what,
              kind::incomplete);
    EXPECT_EQ(r.buffered(), 12u);
    EXPECT_EQ(r.add(chunk("ab", 1, 2, 10, msrp::continuation::more, "msg00003")).code,
              error::too_many_messages);
    EXPECT_EQ(r.add(chunk("e", 5, 5, 10, msrp::continuation::more, "msg00002")).code,
              error::too_many_messages); // over max_total
    r.drop("msg00001");
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(MsrpChunking, AbortedMessageIsDropped)
{
    msrp::reassembler r;
    EXPECT_EQ(r.add(chunk("abcd", 1, 4, 8, msrp::continuation::more)).what, kind::incomplete);
    EXPECT_EQ(r.add(chunk("ef", 5, 6, 8, msrp::continuation::aborted)).what, kind::aborted);
    EXPECT_EQ(r.pending(), 0u);
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(MsrpChunking, ChunkWithoutMessageIdMustBeWhole)
{
    msrp::reassembler r;
    auto whole = chunk("abc", 1, 3, 3, msrp::continuation::complete, "");
    whole.message_id.reset();
    EXPECT_EQ(r.add(whole).body, "abc");
    auto part = chunk("abc", 1, 3, 6, msrp::continuation::more, "");
    part.message_id.reset();
    EXPECT_EQ(r.add(part).code, error::bad_range);
}

} // namespace
