// Why the core closes a connection (close_connection::reason, one per cause) and the Goodbye
// it sends at shutdown: same version and transaction ID rules as every server Goodbye
// (docs/policies.md #6), checked byte for byte for a version 1 and a version 2 peer.
#include "support/server_harness.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using closes_t = std::vector<close_connection>;
using bytes = std::vector<std::byte>;

bytes hex(std::initializer_list<unsigned> octets)
{
    bytes b;
    for (auto const o : octets)
        b.push_back(static_cast<std::byte>(o));
    return b;
}

TEST(ServerClose, ClientGoodbyeClosesForClientGoodbye)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    EXPECT_EQ(close_actions(h.send(1, 3, goodbye{})),
              (closes_t{{connection_id{1}, close_reason::client_goodbye}}));
}

TEST(ServerClose, ANewerBindingClosesTheOlderOneAsSuperseded)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    EXPECT_EQ(close_actions(h.bind(101, 1)),
              (closes_t{{connection_id{1}, close_reason::superseded}}));
    // Also before the participant exists (both bound to a user not added yet).
    (void)h.bind(200, 9);
    EXPECT_EQ(close_actions(h.bind(201, 9)),
              (closes_t{{connection_id{200}, close_reason::superseded}}));
}

TEST(ServerClose, AFrameWithoutAHeaderClosesForProtocolError)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    EXPECT_EQ(close_actions(h.core.handle(frame_received{connection_id{1}, bytes(11)})),
              (closes_t{{connection_id{1}, close_reason::protocol_error}}));
}

TEST(ServerClose, RemovalClosesForRemoved)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    (void)h.bind(300, 9); // bound to a user the conference never had
    EXPECT_EQ(close_actions(h.core.remove_participant(server_harness::conf, user_id{1})),
              (closes_t{{connection_id{1}, close_reason::removed}}));
    EXPECT_EQ(close_actions(h.core.remove_conference(server_harness::conf)),
              (closes_t{{connection_id{2}, close_reason::removed},
                        {connection_id{300}, close_reason::removed}}));
}

TEST(ServerShutdown, GoodbyeInEachPeersVersionWithFreshTransactionIdsThenClose)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    (void)h.frame(2, make(server_harness::conf, user_id{2}, 1, hello{}, 2)); // Bob speaks v2

    auto const out = h.core.shutdown();
    auto const s = sends(out);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].conn, connection_id{1});
    EXPECT_EQ(s[1].conn, connection_id{2});
    // RFC 8855 §5.3.16 Goodbye: header only. Version 1 for Alice, 2 for Bob; conference 7;
    // transaction IDs 1 and 2 (server-initiated Goodbye expects an ack: never 0).
    EXPECT_EQ(encode(s[0].msg), hex({0x20, 0x10, 0x00, 0x00,    // v1, Goodbye (16), length 0
                                     0x00, 0x00, 0x00, 0x07,    // conference 7
                                     0x00, 0x01, 0x00, 0x01})); // transaction 1, user 1
    EXPECT_EQ(encode(s[1].msg), hex({0x40, 0x10, 0x00, 0x00,    // v2, Goodbye (16), length 0
                                     0x00, 0x00, 0x00, 0x07,    // conference 7
                                     0x00, 0x02, 0x00, 0x02})); // transaction 2, user 2
    EXPECT_EQ(close_actions(out), (closes_t{{connection_id{1}, close_reason::shutdown},
                                            {connection_id{2}, close_reason::shutdown}}));
    // Each close follows its Goodbye.
    ASSERT_EQ(out.size(), 4u);
    EXPECT_TRUE(std::holds_alternative<send_message>(out[0]));
    EXPECT_TRUE(std::holds_alternative<close_connection>(out[1]));

    // The transports' connection_closed afterwards changes nothing: nobody is notified.
    EXPECT_TRUE(h.close(1).empty());
    EXPECT_TRUE(h.close(2).empty());
    EXPECT_EQ(h.core.stats().connections, 0u);
    EXPECT_TRUE(h.core.shutdown().empty());
}

TEST(ServerShutdown, ShutdownGoodbyeFollowsTheSameTransactionSequenceAsRemoval)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    auto const removed = sends(h.core.remove_participant(server_harness::conf, user_id{1}));
    ASSERT_EQ(removed.size(), 1u);
    auto const bye = sends(h.core.shutdown());
    ASSERT_EQ(bye.size(), 1u);
    EXPECT_EQ(to_underlying(bye[0].msg.header.transaction),
              to_underlying(removed[0].msg.header.transaction) + 1);
}

TEST(ServerShutdown, ConnectionsOfUsersNotAddedYetAreClosedWithoutGoodbye)
{
    server_harness h{{queue_floor(1)}};
    (void)h.bind(40, 9); // unknown user
    (void)h.core.handle(
        connection_bound{connection_id{41}, conference_id{99}, user_id{1}}); // unknown conference
    auto const out = h.core.shutdown();
    EXPECT_TRUE(sends(out).empty());
    EXPECT_EQ(close_actions(out), (closes_t{{connection_id{40}, close_reason::shutdown},
                                            {connection_id{41}, close_reason::shutdown}}));
}

} // namespace
} // namespace floorctl::test
