// TURN over WebSocket framing: the client's messages checked one by one, ChannelData padded
// towards the stream, the server's stream cut back into messages (docs/turn.md).
#include <turn/framing.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace {

using bytes = std::vector<std::byte>;

bytes b(std::initializer_list<int> v)
{
    bytes out;
    for (int x : v)
        out.push_back(static_cast<std::byte>(x));
    return out;
}

bytes cat(bytes x, bytes const& y)
{
    x.insert(x.end(), y.begin(), y.end());
    return x;
}

/// An Allocate request as a TURN client sends it first (RFC 8656 §7.1), 28 octets.
bytes allocate_request()
{
    return b({
        0x00, 0x03,             // type: Allocate request (method 0x003, class request)
        0x00, 0x08,             // length: 8 octets of attributes after the header
        0x21, 0x12, 0xa4, 0x42, // magic cookie (RFC 8489 §5)
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, // transaction ID
        0x00, 0x19,       // attribute type: REQUESTED-TRANSPORT (RFC 8656 §18.11)
        0x00, 0x04,       // attribute length: 4
        0x11,             // protocol: 17 (UDP)
        0x00, 0x00, 0x00, // RFFU
    });
}

/// ChannelData on channel 0x4001 carrying 5 octets "hello" (RFC 8656 §12.4), unpadded.
bytes channel_data_hello()
{
    return b({
        0x40, 0x01,                   // channel number 0x4001
        0x00, 0x05,                   // length: 5 octets of application data
        0x68, 0x65, 0x6c, 0x6c, 0x6f, // "hello"
    });
}

turn::checked_message checked(bytes const& m)
{
    auto const r = turn::check_client_message(m);
    EXPECT_TRUE(std::holds_alternative<turn::checked_message>(r));
    return std::holds_alternative<turn::checked_message>(r) ? std::get<turn::checked_message>(r)
                                                            : turn::checked_message{};
}

turn::malformed refused(bytes const& m)
{
    auto const r = turn::check_client_message(m);
    EXPECT_TRUE(std::holds_alternative<turn::malformed>(r));
    return std::holds_alternative<turn::malformed>(r) ? std::get<turn::malformed>(r)
                                                      : turn::malformed{};
}

std::vector<bytes> cut_all(turn::stream_cutter& c)
{
    std::vector<bytes> out;
    for (;;) {
        auto const item = c.next();
        if (item.what != turn::cut_item::kind::message) break;
        out.emplace_back(item.message.begin(), item.message.end());
    }
    return out;
}

TEST(TurnFramingTest, StunMessageIsOneMessageWithoutPadding)
{
    auto const m = checked(allocate_request());
    EXPECT_EQ(m.kind, turn::message_kind::stun);
    EXPECT_EQ(m.size, 28u);
    EXPECT_EQ(m.padding, 0u);
}

TEST(TurnFramingTest, UnpaddedChannelDataGetsThreeOctetsOfPaddingTowardsTheStream)
{
    auto const m = checked(channel_data_hello());
    EXPECT_EQ(m.kind, turn::message_kind::channel_data);
    EXPECT_EQ(m.size, 9u);
    EXPECT_EQ(m.padding, 3u); // 9 -> 12, RFC 8656 §12.5
}

TEST(TurnFramingTest, ChannelDataPaddedByTheClientIsPassedAsItIs)
{
    auto const m = checked(cat(channel_data_hello(), b({0x00, 0x00, 0x00})));
    EXPECT_EQ(m.size, 9u);
    EXPECT_EQ(m.padding, 0u);
}

TEST(TurnFramingTest, ChannelDataOfAMultipleOfFourNeedsNoPadding)
{
    auto const m = checked(b({0x7f, 0xff, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef})); // last channel
    EXPECT_EQ(m.size, 8u);
    EXPECT_EQ(m.padding, 0u);
    auto const empty = checked(b({0x40, 0x00, 0x00, 0x00})); // first channel, no data
    EXPECT_EQ(empty.size, 4u);
    EXPECT_EQ(empty.padding, 0u);
}

TEST(TurnFramingTest, MalformedClientMessagesAreNamed)
{
    EXPECT_EQ(refused({}), turn::malformed::too_short);
    EXPECT_EQ(refused(b({0x40, 0x01, 0x00})), turn::malformed::too_short);
    // A STUN header cut after 19 octets.
    auto stun = allocate_request();
    EXPECT_EQ(refused(bytes(stun.begin(), stun.begin() + 19)), turn::malformed::too_short);
    // First two bits 0b10 and 0b11: neither STUN nor ChannelData.
    EXPECT_EQ(refused(b({0x80, 0x00, 0x00, 0x00})), turn::malformed::reserved_first_bits);
    EXPECT_EQ(refused(b({0xc0, 0x01, 0x00, 0x00})), turn::malformed::reserved_first_bits);
    // STUN length 6: not a multiple of 4.
    auto odd = allocate_request();
    odd[3] = std::byte{0x06};
    EXPECT_EQ(refused(odd), turn::malformed::stun_length_not_multiple_of_4);
    // Classic STUN (RFC 3489) has no magic cookie.
    auto classic = allocate_request();
    classic[4] = std::byte{0x00};
    EXPECT_EQ(refused(classic), turn::malformed::bad_magic_cookie);
    // The length says 8 but 4 more octets follow: two messages in one WebSocket message.
    EXPECT_EQ(refused(cat(allocate_request(), b({0x00, 0x00, 0x00, 0x00}))),
              turn::malformed::length_mismatch);
    EXPECT_EQ(refused(cat(allocate_request(), allocate_request())),
              turn::malformed::length_mismatch);
    // The length says 12, only 8 follow.
    auto cut = allocate_request();
    cut[3] = std::byte{0x0c};
    EXPECT_EQ(refused(cut), turn::malformed::length_mismatch);
    // ChannelData: one octet short, one octet of padding too few, padding too long.
    auto hello = channel_data_hello();
    EXPECT_EQ(refused(bytes(hello.begin(), hello.end() - 1)), turn::malformed::length_mismatch);
    EXPECT_EQ(refused(cat(hello, b({0x00}))), turn::malformed::length_mismatch);
    EXPECT_EQ(refused(cat(hello, b({0, 0, 0, 0}))), turn::malformed::length_mismatch);
    EXPECT_STREQ(turn::to_string(turn::malformed::bad_magic_cookie), "bad_magic_cookie");
}

TEST(TurnFramingTest, LargestMessagesOfBothKindsAreAccepted)
{
    bytes stun(turn::largest_message);
    auto const head = allocate_request();
    std::copy(head.begin(), head.begin() + 20, stun.begin());
    stun[2] = std::byte{0xff}; // length 0xfffc = 65532
    stun[3] = std::byte{0xfc};
    EXPECT_EQ(checked(stun).size, turn::largest_message);
    bytes channel(4 + 65535);
    channel[0] = std::byte{0x40};
    channel[2] = std::byte{0xff};
    channel[3] = std::byte{0xff};
    EXPECT_EQ(checked(channel).padding, 1u);
}

TEST(TurnFramingTest, StreamIsCutIntoMessagesAndPaddingIsRemoved)
{
    // What coturn writes on TCP: a STUN response, then ChannelData with its 3 octets of padding,
    // then ChannelData that needs none.
    auto const stream = cat(cat(allocate_request(), cat(channel_data_hello(), b({0, 0, 0}))),
                            b({0x40, 0x02, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04}));
    turn::stream_cutter c;
    c.append(stream);
    auto const got = cut_all(c);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0], allocate_request());
    EXPECT_EQ(got[1], channel_data_hello());
    EXPECT_EQ(got[2], b({0x40, 0x02, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04}));
    EXPECT_EQ(c.buffered(), 0u);
}

TEST(TurnFramingTest, ReadsOfOneOctetGiveTheSameMessages)
{
    auto const stream = cat(cat(channel_data_hello(), b({0, 0, 0})), allocate_request());
    turn::stream_cutter c;
    std::vector<bytes> got;
    for (auto const octet : stream) {
        c.append(std::span(&octet, 1));
        for (auto& m : cut_all(c))
            got.push_back(std::move(m));
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], channel_data_hello());
    EXPECT_EQ(got[1], allocate_request());
}

TEST(TurnFramingTest, ChannelDataIsHeldUntilItsPaddingArrives)
{
    turn::stream_cutter c;
    c.append(channel_data_hello()); // the 3 octets of padding are still on their way
    EXPECT_EQ(c.next().what, turn::cut_item::kind::need_more);
    c.append(b({0, 0, 0}));
    auto const item = c.next();
    ASSERT_EQ(item.what, turn::cut_item::kind::message);
    EXPECT_EQ(item.message_type, turn::message_kind::channel_data);
    EXPECT_EQ(item.message.size(), 9u);
}

TEST(TurnFramingTest, BrokenStreamStaysBrokenAfterTheMessagesBeforeIt)
{
    struct broken_case {
        bytes tail;
        char const* what;
    };
    auto odd = allocate_request();
    odd[3] = std::byte{0x06};
    auto classic = allocate_request();
    classic[5] = std::byte{0x00};
    for (auto const& [tail, what] :
         {broken_case{b({0x80, 0x00, 0x00, 0x00}), "0b10"}, broken_case{b({0xff}), "0b11"},
          broken_case{odd, "STUN length 6"}, broken_case{classic, "no magic cookie"}}) {
        SCOPED_TRACE(what);
        turn::stream_cutter c;
        c.append(cat(allocate_request(), tail));
        EXPECT_EQ(c.next().what, turn::cut_item::kind::message);
        auto const item = c.next();
        EXPECT_EQ(item.what, turn::cut_item::kind::broken);
        EXPECT_FALSE(item.reason.empty());
        c.append(allocate_request());
        EXPECT_EQ(c.next().what, turn::cut_item::kind::broken);
    }
}

TEST(TurnFramingTest, BufferStaysBoundedOverManyMessages)
{
    turn::stream_cutter c;
    auto const m = cat(channel_data_hello(), b({0, 0, 0}));
    for (int i = 0; i < 100000; ++i) {
        c.append(m);
        ASSERT_EQ(cut_all(c).size(), 1u);
    }
    EXPECT_EQ(c.buffered(), 0u);
}

} // namespace
