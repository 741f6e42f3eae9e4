// The TCP/TLS stream framer: messages are cut on 12 + 4*PayloadLength (RFC 8855 §5.1), whatever
// the read boundaries are (several stacks lose data here).
#include <floorctl/codec.hpp>
#include <floorctl/framer.hpp>

#include <support/wire.hpp>

#include <gtest/gtest.h>

using namespace floorctl;
using floorctl::test::bytes;
using floorctl::test::wire;

namespace {

std::vector<bytes> sample_messages()
{
    return {
        wire(primitive::hello, {}),
        wire(primitive::floor_request, {0x05, 0x04, 0x00, 0x07, 0x08, 0x04, 0x40, 0x00}),
        wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x2a}),
        wire(primitive::error,
             {0x0d, 0x03, 0x0a, 0x00, 0x0e, 0x05, 0x62, 0x61, 0x64, 0x00, 0x00, 0x00}),
        wire(primitive::goodbye, {}),
    };
}

bytes concat(std::vector<bytes> const& v)
{
    bytes out;
    for (auto const& m : v)
        out.insert(out.end(), m.begin(), m.end());
    return out;
}

std::vector<bytes> drain(stream_framer& f)
{
    std::vector<bytes> out;
    for (auto m = f.next(); !m.empty(); m = f.next())
        out.emplace_back(m.begin(), m.end());
    return out;
}

TEST(Framer, ByteByByteYieldsEveryMessageExactlyOnce)
{
    auto const msgs = sample_messages();
    auto const stream = concat(msgs);
    stream_framer f;
    std::vector<bytes> got;
    for (std::size_t i = 0; i < stream.size(); ++i) {
        ASSERT_TRUE(f.append(std::span{&stream[i], 1}));
        for (auto& m : drain(f))
            got.push_back(std::move(m));
    }
    EXPECT_EQ(got, msgs);
    EXPECT_EQ(f.buffered(), 0u);
}

TEST(Framer, ManyMessagesInOneReadAreAllHandedOut)
{
    std::vector<bytes> msgs;
    for (int i = 0; i < 200; ++i)
        for (auto& m : sample_messages())
            msgs.push_back(m);
    stream_framer f;
    ASSERT_TRUE(f.append(concat(msgs)));
    EXPECT_EQ(drain(f), msgs);
}

TEST(Framer, EverySplitPointOfTwoReadsWorks)
{
    auto const msgs = sample_messages();
    auto const stream = concat(msgs);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        stream_framer f;
        ASSERT_TRUE(f.append(std::span{stream}.first(cut)));
        auto got = drain(f);
        ASSERT_TRUE(f.append(std::span{stream}.subspan(cut)));
        for (auto& m : drain(f))
            got.push_back(std::move(m));
        EXPECT_EQ(got, msgs) << "cut at " << cut;
    }
}

TEST(Framer, PartialMessageIsKeptUntilItCompletes)
{
    auto const m = wire(primitive::floor_request, {0x05, 0x04, 0x00, 0x07, 0x08, 0x04, 0x40, 0x00});
    stream_framer f;
    ASSERT_TRUE(f.append(std::span{m}.first(3))); // not even the length yet
    EXPECT_TRUE(f.next().empty());
    ASSERT_TRUE(f.append(std::span{m}.subspan(3, 10)));
    EXPECT_TRUE(f.next().empty());
    EXPECT_EQ(f.buffered(), 13u);
    ASSERT_TRUE(f.append(std::span{m}.subspan(13)));
    auto const out = f.next();
    EXPECT_EQ(bytes(out.begin(), out.end()), m);
    EXPECT_TRUE(f.next().empty());
}

TEST(Framer, HandedOutMessagesDecode)
{
    stream_framer f;
    ASSERT_TRUE(f.append(concat(sample_messages())));
    int n = 0;
    for (auto m = f.next(); !m.empty(); m = f.next()) {
        auto const h = decode_header(m);
        ASSERT_TRUE(h);
        EXPECT_TRUE(decode_message(*h, m));
        ++n;
    }
    EXPECT_EQ(n, 5);
}

TEST(Framer, BadVersionFailsButEarlierMessagesAreStillDelivered)
{
    auto msgs = sample_messages();
    auto stream = concat(msgs);
    auto const good = stream.size();
    // A TLS ClientHello on a plain TCP port: 0x16 0x03 0x01 ... has version bits 000.
    for (int b : {0x16, 0x03, 0x01, 0x00, 0xc8})
        stream.push_back(static_cast<std::byte>(b));
    stream_framer f;
    auto const r = f.append(stream);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(error::unsupported_version));
    EXPECT_TRUE(f.failed());
    EXPECT_EQ(drain(f), msgs);
    EXPECT_EQ(f.buffered(), stream.size() - good);
    EXPECT_FALSE(f.append(wire(primitive::hello, {}))); // stays failed
    EXPECT_EQ(f.failure(), make_error_code(error::unsupported_version));
}

TEST(Framer, MessageLongerThanTheLimitFailsAsBadLength)
{
    stream_framer f{64};
    auto m = wire(primitive::hello, {});
    m[2] = std::byte{0x00};
    m[3] = std::byte{0x20}; // 12 + 128 octets > 64
    auto const r = f.append(std::span{m}.first(4));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(error::bad_length));
    EXPECT_TRUE(f.next().empty());
}

TEST(Framer, RfcMaximumMessageIsAccepted)
{
    stream_framer f;
    bytes m(max_message_size);
    m[0] = std::byte{0x20};
    m[1] = std::byte{0x0b};
    m[2] = std::byte{0xff};
    m[3] = std::byte{0xff};
    ASSERT_TRUE(f.append(m));
    EXPECT_EQ(f.next().size(), m.size());
}

TEST(Framer, BufferIsBounded)
{
    stream_framer f{64, 128};
    auto const m = wire(primitive::hello, {});
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(f.append(m)); // 120 octets held, none taken
    auto const r = f.append(m);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(error::generic));
    EXPECT_EQ(drain(f).size(), 10u); // what was accepted is still delivered
}

TEST(Framer, DrainingKeepsTheBufferSmall)
{
    stream_framer f{64, 128};
    auto const m = wire(primitive::hello, {});
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(f.append(m));
        EXPECT_EQ(drain(f).size(), 1u);
    }
    EXPECT_EQ(f.buffered(), 0u);
}

} // namespace
