// The outgoing path of every session (ws/src/inbox.hpp, ws/src/write_queue.hpp): each message
// keeps its kind (text or binary frame, RFC 6455 §5.6) and its place, and queuing it costs no
// allocation of its own: the kind travels by value next to the shared frame.
#include "inbox.hpp"
#include "write_queue.hpp"

#include <support/counting_new.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using ws::message_kind;
using ws::outgoing_message;

ws::frame_ptr frame_of(std::string_view text)
{
    return ws::make_frame(std::as_bytes(std::span{text}));
}

std::string_view text_of(ws::frame_bytes const& f)
{
    return {reinterpret_cast<char const*>(f.data()), f.size()};
}

TEST(WriteQueueTest, EachMessageKeepsItsKindAndPlace)
{
    ws::detail::write_queue q(1024, 16);
    auto const shared = frame_of("shared"); // one frame, sent as both kinds
    q.push({frame_of("sip"), message_kind::text});
    q.push({shared, message_kind::binary});
    q.push({shared, message_kind::text});
    q.push({frame_of("bfcp")});                            // binary unless told
    std::vector<std::pair<std::string, message_kind>> got; // copies: pop() frees the frame
    while (!q.empty()) {
        got.emplace_back(text_of(q.front()), q.front_kind());
        q.pop();
    }
    std::vector<std::pair<std::string, message_kind>> const expected{
        {"sip", message_kind::text},
        {"shared", message_kind::binary},
        {"shared", message_kind::text},
        {"bfcp", message_kind::binary}};
    EXPECT_EQ(got, expected);
}

TEST(WriteQueueTest, DroppingWaitingMessagesKeepsTheOneBeingWritten)
{
    ws::detail::write_queue q(1024, 16);
    q.push({frame_of("in flight"), message_kind::text});
    q.push({frame_of("waiting"), message_kind::binary});
    q.drop_waiting(true);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(text_of(q.front()), "in flight");
    EXPECT_EQ(q.front_kind(), message_kind::text);
    // The bound counts octets again from what is left: 1024 - 9 fit, one more does not.
    EXPECT_TRUE(q.fits(*ws::make_frame(std::vector<std::byte>(1015))));
    EXPECT_FALSE(q.fits(*ws::make_frame(std::vector<std::byte>(1016))));
}

// A session writes one message at a time: the queue is a FIFO with a few messages in it. Its
// blocks hold 32 messages, so a steady flow allocates one block per 32 messages at most, and
// the messages themselves (a shared frame and a kind) nothing.
TEST(WriteQueueTest, SteadyFlowAllocatesAtMostOneBlockPer32Messages)
{
    ws::detail::write_queue q(1 << 30, 1 << 20);
    auto const frame = frame_of("FloorStatus");
    for (int i = 0; i < 3; ++i) // a few in flight, as when the peer reads a little behind
        q.push({frame, message_kind::binary});
    constexpr long messages = 32 * 100;
    auto const before = test_support::allocations.load();
    for (long i = 0; i < messages; ++i) {
        q.push({frame, i % 2 == 0 ? message_kind::text : message_kind::binary});
        q.pop();
    }
    EXPECT_LE(test_support::allocations.load() - before, messages / 32 + 1);
}

// The inbox swaps its list with the drain's scratch list: once both have grown to the burst
// size, handing messages over allocates nothing, whatever their kind.
TEST(InboxTest, DrainHandsOverEveryMessageWithItsKindInOrderWithoutAllocating)
{
    ws::detail::inbox in;
    auto const frame = frame_of("reply");
    std::vector<message_kind> got;
    got.reserve(1024);
    auto const burst = [&](int n) {
        for (int i = 0; i < n; ++i)
            (void)in.push({frame, i % 3 == 0 ? message_kind::text : message_kind::binary});
        in.drain([&](outgoing_message m) { got.push_back(m.kind); });
    };
    burst(8); // both lists grow to 8
    burst(8);
    got.clear();
    auto const before = test_support::allocations.load();
    for (int round = 0; round < 100; ++round)
        burst(8);
    EXPECT_EQ(test_support::allocations.load() - before, 0);
    ASSERT_EQ(got.size(), 800u);
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i], i % 8 % 3 == 0 ? message_kind::text : message_kind::binary) << i;
}

} // namespace
