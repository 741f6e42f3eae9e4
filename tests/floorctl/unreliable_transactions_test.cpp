// floorctl::unreliable, the requester side for server-initiated messages (RFC 8855 §8.3.1):
// fresh transaction IDs, the retransmission schedule, acks in today's and the older numbering,
// vendor primitives, giving up, and the in-flight bound. Explicit time points, no sleeps.
#include "support/unreliable_peer.hpp"

#include <gtest/gtest.h>

#include <set>

namespace floorctl::test {
namespace {

using V = std::vector<bytes>;
using N = std::vector<ur::note>;

constexpr std::uint8_t frs = 4, floor_status = 8, goodbye = 16;

/// `notification` as the layer sends it: the fresh transaction ID patched in.
bytes as_sent(bytes m, std::uint16_t tid)
{
    m[8] = static_cast<std::byte>(tid >> 8);
    m[9] = static_cast<std::byte>(tid & 0xff);
    return m;
}

TEST(UnreliableTransactions, NotificationGetsAFreshNonZeroIdAndNoRBit)
{
    peer_driver d;
    auto const n = header_only(frs, 0, 2);
    auto const out = datagrams(d.send(n, 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(tid_of(out[0]), 0);
    EXPECT_EQ(out[0], as_sent(n, tid_of(out[0]))); // only the ID changed: version 2 stays
    EXPECT_TRUE(d.p.awaiting_acks());
    auto const second = datagrams(d.send(header_only(floor_status, 0), 0));
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(tid_of(second[0]), tid_of(out[0]));
    EXPECT_NE(tid_of(second[0]), 0);
}

TEST(UnreliableTransactions, RetransmissionScheduleIsT1Doubling)
{
    peer_driver d;
    auto const sent = datagrams(d.send(header_only(frs, 0), 0));
    ASSERT_EQ(sent.size(), 1u);
    // Sent at 0; again at 500, 1500 (after 1 s), 3500 (after 2 s); given up at 7500 (4 s
    // after the fourth transmission): RFC 8855 §8.3.1 with T1 = 500 ms (§8.3.3).
    std::vector<long long> const due = {500, 1500, 3500};
    for (auto const t : due) {
        EXPECT_EQ(d.deadline(), t);
        EXPECT_TRUE(d.tick(t - 1).empty()) << t;
        auto const out = d.tick(t);
        EXPECT_EQ(datagrams(out), sent) << t;
        EXPECT_EQ(lost_count(out), 0u);
    }
    EXPECT_EQ(d.deadline(), 7500);
    EXPECT_TRUE(d.tick(7499).empty());
    auto const last = d.tick(7500);
    EXPECT_TRUE(datagrams(last).empty());
    EXPECT_EQ(lost_count(last), 1u);
    EXPECT_EQ(d.notes(), (N{ur::note::retransmitted, ur::note::retransmitted,
                            ur::note::retransmitted, ur::note::given_up}));
    EXPECT_EQ(d.p.totals().retransmitted, 3u);
    EXPECT_EQ(d.p.totals().given_up, 1u);
    EXPECT_TRUE(d.p.lost());
    EXPECT_FALSE(d.p.awaiting_acks());
    EXPECT_EQ(d.deadline(), -1);
}

TEST(UnreliableTransactions, GivingUpRetransmitsNothingElseInThatTick)
{
    // A notification sent at 0 and another at 500, ticked when due until 3500 (the first's
    // fourth transmission), then not before 7500: the first is exhausted and the second, due
    // since 4000, has a transmission left. The peer is lost and nothing goes out.
    peer_driver d;
    (void)d.send(header_only(frs, 0), 0);
    (void)d.tick(500);
    (void)d.send(header_only(floor_status, 0), 500);
    for (long long const t : {1000, 1500, 2000, 3500})
        EXPECT_EQ(datagrams(d.tick(t)).size(), 1u) << t;
    auto const last = d.tick(7500);
    EXPECT_TRUE(datagrams(last).empty());
    EXPECT_EQ(lost_count(last), 1u);
    EXPECT_FALSE(d.p.awaiting_acks());
}

TEST(UnreliableTransactions, PeerLostIsReportedOnceAndLaterNotificationsAreDropped)
{
    ur::options o;
    o.max_transmissions = 1;
    peer_driver d{o};
    (void)d.send(header_only(frs, 0), 0);
    (void)d.send(header_only(frs, 0), 0);
    EXPECT_EQ(lost_count(d.tick(500)), 1u);
    EXPECT_TRUE(d.send(header_only(frs, 0), 600).empty());
    EXPECT_TRUE(d.tick(10'000).empty());
    // Responses still go out: the adapter decides when the peer's state ends.
    EXPECT_EQ(datagrams(d.send(header_only(12, 4), 700)).size(), 1u);
}

TEST(UnreliableTransactions, CurrentNumberingAcksCompleteTheirTransaction)
{
    for (int const ack : {14, 15, 17}) {
        peer_driver d;
        auto const tid = tid_of(datagrams(d.send(header_only(frs, 0), 0)).at(0));
        auto const out = d.datagram(header_only(ack, tid, 1, true), 100);
        EXPECT_TRUE(out.empty()) << ack; // consumed: not delivered, not answered
        EXPECT_FALSE(d.p.awaiting_acks()) << ack;
        EXPECT_TRUE(d.tick(500).empty()) << ack; // nothing left to retransmit
        EXPECT_TRUE(d.notes().empty());
    }
}

TEST(UnreliableTransactions, AckWithoutTheRBitStillMatches)
{
    peer_driver d;
    auto const tid = tid_of(datagrams(d.send(header_only(floor_status, 0), 0)).at(0));
    EXPECT_TRUE(d.datagram(header_only(15, tid), 100).empty());
    EXPECT_FALSE(d.p.awaiting_acks());
}

TEST(UnreliableTransactions, OlderDraftNumberingAcksMatchOutstandingTransactions)
{
    // protocol-notes §1: 15 ErrorAck, 16 FloorStatusAck, 18 GoodbyeAck in the older numbering.
    for (int const ack : {15, 16, 18}) {
        peer_driver d;
        auto const tid = tid_of(datagrams(d.send(header_only(floor_status, 0), 0)).at(0));
        EXPECT_TRUE(d.datagram(header_only(ack, tid), 100).empty()) << ack;
        EXPECT_FALSE(d.p.awaiting_acks()) << ack;
    }
}

TEST(UnreliableTransactions, GoodbyeFromTheClientIsDeliveredUnlessItMatchesAsAnOldAck)
{
    peer_driver d;
    auto const tid = tid_of(datagrams(d.send(header_only(frs, 0), 0)).at(0));
    // 16 with an ID the server has not used: today's Goodbye, a request for the server.
    auto const bye = header_only(goodbye, 3);
    EXPECT_EQ(delivered(d.datagram(bye, 50)), V{bye});
    EXPECT_TRUE(d.p.awaiting_acks());
    // 16 with the outstanding notification's ID: the older numbering's FloorStatusAck.
    EXPECT_TRUE(d.datagram(header_only(goodbye, tid), 60).empty());
    EXPECT_FALSE(d.p.awaiting_acks());
    // 16 with ID 0: the older FloorStatusAck of a reliable-style notification; never a request.
    EXPECT_TRUE(d.datagram(header_only(goodbye, 0), 70).empty());
    EXPECT_EQ(d.notes(), N{ur::note::unmatched_ack});
}

TEST(UnreliableTransactions, UnmatchedAcksAreConsumedQuietly)
{
    peer_driver d;
    for (int const ack : {14, 15, 17, 18})
        EXPECT_TRUE(d.datagram(header_only(ack, 1234, 2, true), 0).empty()) << ack;
    EXPECT_EQ(d.p.totals().unmatched_acks, 4u);
    EXPECT_EQ(d.notes(), N(4, ur::note::unmatched_ack));
}

TEST(UnreliableTransactions, AnyResponseFromTheClientCompletesTheTransaction)
{
    // An Error (R set) answering our notification ends its transaction; it is not handed on,
    // so the server never answers it.
    peer_driver d;
    auto const tid = tid_of(datagrams(d.send(header_only(frs, 0), 0)).at(0));
    EXPECT_TRUE(d.datagram(header_only(13, tid, 1, true), 10).empty());
    EXPECT_FALSE(d.p.awaiting_acks());
}

TEST(UnreliableTransactions, VendorPrimitivesAreConsumedAndMatchByTransactionId)
{
    for (int prim = 90; prim <= 95; ++prim) {
        peer_driver d;
        auto const tid = tid_of(datagrams(d.send(header_only(frs, 0), 0)).at(0));
        EXPECT_TRUE(d.datagram(header_only(prim, 77), 10).empty()) << prim;
        EXPECT_TRUE(d.p.awaiting_acks());
        EXPECT_TRUE(d.datagram(header_only(prim, tid), 20).empty()) << prim;
        EXPECT_FALSE(d.p.awaiting_acks());
        EXPECT_EQ(d.notes(), N(2, ur::note::vendor_primitive));
        EXPECT_EQ(d.p.totals().vendor_primitives, 2u);
    }
}

TEST(UnreliableTransactions, ServerGoodbyeIsATransactionEvenWithTheCoresOwnId)
{
    // The core gives its Goodbye a transaction ID of its own; the layer replaces it with a
    // fresh one of this peer and retransmits until GoodbyeAck.
    peer_driver d;
    auto const out = datagrams(d.send(header_only(goodbye, 42, 2), 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::to_integer<int>(out[0][0]) & 0x10, 0); // a request: R clear
    EXPECT_EQ(datagrams(d.tick(500)), out);
    EXPECT_TRUE(d.datagram(header_only(17, tid_of(out[0]), 2, true), 600).empty());
    EXPECT_FALSE(d.p.awaiting_acks());
}

TEST(UnreliableTransactions, BeyondMaxInFlightMessagesWaitInOrder)
{
    ur::options o;
    o.max_in_flight = 2;
    peer_driver d{o};
    std::vector<bytes> first;
    for (std::uint16_t user = 1; user <= 4; ++user) {
        auto n = header_only(frs, 0);
        n[11] = static_cast<std::byte>(user); // tell them apart
        auto const out = datagrams(d.send(n, 0));
        if (user <= 2) {
            ASSERT_EQ(out.size(), 1u);
            first.push_back(out[0]);
        } else {
            EXPECT_TRUE(out.empty());
        }
    }
    // Acking the first starts the third; the second's ack starts the fourth.
    auto const third = datagrams(d.datagram(header_only(14, tid_of(first[0])), 100));
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(std::to_integer<int>(third[0][11]), 3);
    auto const fourth = datagrams(d.datagram(header_only(14, tid_of(first[1])), 100));
    ASSERT_EQ(fourth.size(), 1u);
    EXPECT_EQ(std::to_integer<int>(fourth[0][11]), 4);
    std::set<std::uint16_t> ids{tid_of(first[1]), tid_of(third[0]), tid_of(fourth[0])};
    EXPECT_EQ(ids.size(), 3u);
    // Both running ones started at 100: their first retransmission is due at 600.
    EXPECT_EQ(d.deadline(), 600);
}

TEST(UnreliableTransactions, IdsNeverZeroAndNeverCollideWithOutstandingOnes)
{
    ur::options o;
    o.max_in_flight = 100;
    peer_driver d{o};
    std::set<std::uint16_t> ids;
    // 70,000 notifications, each acked at once except the first: the counter wraps past 0 and
    // past the still outstanding first ID.
    auto const first = tid_of(datagrams(d.send(header_only(frs, 0), 0)).at(0));
    ids.insert(first);
    for (int i = 0; i < 70'000; ++i) {
        auto const tid = tid_of(datagrams(d.send(header_only(frs, 0), 1)).at(0));
        ASSERT_NE(tid, 0);
        ASSERT_NE(tid, first);
        (void)d.datagram(header_only(14, tid), 1);
    }
    EXPECT_TRUE(d.p.awaiting_acks());
}

} // namespace
} // namespace floorctl::test
