// floorctl::unreliable, the responder side (RFC 8855 §8.3.2): the R bit on responses, the reply
// cache that answers retransmitted requests without a second decision, and its expiry. Time is
// passed in: every call names its instant in milliseconds after a fixed origin.
#include "support/unreliable_peer.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using V = std::vector<bytes>;
using N = std::vector<ur::note>;

constexpr std::uint8_t hello_prim = 11, hello_ack_prim = 12, floor_request_prim = 1;

/// `m` with the R bit set, as the layer sends a response.
bytes with_r(bytes m)
{
    m[0] |= std::byte{0x10};
    return m;
}

TEST(UnreliableDefaults, AreRfc8855Timers)
{
    ur::options const o;
    EXPECT_EQ(o.t1, std::chrono::milliseconds{500});       // §8.3.3 T1
    EXPECT_EQ(o.reply_lifetime, std::chrono::seconds{10}); // §8.3.3 T2
    EXPECT_EQ(o.max_transmissions, 4u);                    // §8.3.1: three retransmissions
    // §8.3.3 defines T2 as (T1 * 2^4) * 1.25: a requester's whole retransmission schedule
    // (transmissions at 0, T1, 3·T1, 7·T1, given up at 15·T1) ends inside it, so a response is
    // cached for as long as its request can be retransmitted.
    EXPECT_EQ(o.reply_lifetime, o.t1 * 16 * 5 / 4);
    EXPECT_LT(o.t1 * ((1u << o.max_transmissions) - 1), o.reply_lifetime);
    EXPECT_LE(o.max_datagram + 8 + 40 + 29, std::size_t{1280}); // UDP, IPv6, DTLS overhead
}

TEST(UnreliableRequests, RequestIsDeliveredAndItsResponseGetsTheRBit)
{
    peer_driver d;
    auto const hello = header_only(hello_prim, 5, 2);
    EXPECT_EQ(delivered(d.datagram(hello, 0)), V{hello});
    auto const ack = header_only(hello_ack_prim, 5, 2);
    auto const out = d.send(ack, 1);
    // Version 2 stays version 2 (the core answers in the peer's version); only R is added.
    EXPECT_EQ(datagrams(out), V{with_r(ack)});
    EXPECT_EQ(std::to_integer<int>(datagrams(out)[0][0]), 0x50); // Ver 2, R 1, F 0
    EXPECT_FALSE(d.p.awaiting_acks());
}

TEST(UnreliableRequests, VersionOneOverUdpStaysVersionOne)
{
    peer_driver d;
    EXPECT_EQ(delivered(d.datagram(header_only(hello_prim, 9, 1), 0)).size(), 1u);
    auto const out = datagrams(d.send(header_only(hello_ack_prim, 9, 1), 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::to_integer<int>(out[0][0]), 0x30); // Ver 1, R 1
}

TEST(UnreliableRequests, RetransmittedRequestIsAnsweredFromTheCacheNotDeliveredAgain)
{
    peer_driver d;
    auto const req = header_only(floor_request_prim, 5);
    EXPECT_EQ(delivered(d.datagram(req, 0)).size(), 1u);
    auto const answer = header_only(4, 5); // FloorRequestStatus response (body left out here)
    (void)d.send(answer, 10);
    (void)d.notes();
    auto const again = d.datagram(req, 500);
    EXPECT_TRUE(delivered(again).empty());
    EXPECT_EQ(datagrams(again), V{with_r(answer)});
    EXPECT_EQ(d.notes(), N{ur::note::duplicate_request});
    EXPECT_EQ(d.p.totals().duplicate_requests, 1u);
}

TEST(UnreliableRequests, RequestStillBeingAnsweredIsNotDeliveredTwice)
{
    peer_driver d;
    auto const req = header_only(floor_request_prim, 6);
    EXPECT_EQ(delivered(d.datagram(req, 0)).size(), 1u);
    auto const early = d.datagram(req, 500); // the server has not answered yet
    EXPECT_TRUE(early.empty());
    EXPECT_EQ(d.notes(), N{ur::note::duplicate_request});
    auto const answer = header_only(4, 6);
    EXPECT_EQ(datagrams(d.send(answer, 700)), V{with_r(answer)});
    EXPECT_EQ(datagrams(d.datagram(req, 1500)), V{with_r(answer)});
}

TEST(UnreliableRequests, CachedResponseLivesT2AfterItWasSent)
{
    peer_driver d;
    auto const req = header_only(floor_request_prim, 7);
    (void)d.datagram(req, 0);
    auto const answer = header_only(4, 7);
    (void)d.send(answer, 100);
    EXPECT_EQ(d.deadline(), 11'100); // the entry ends at 10,100; its memory goes a tenth later
    (void)d.tick(10'099);
    EXPECT_EQ(datagrams(d.datagram(req, 10'099)), V{with_r(answer)});
    (void)d.tick(10'100);
    EXPECT_EQ(d.deadline(), -1);
    // Past T2 a client no longer retransmits, so the same ID is a new request.
    EXPECT_EQ(delivered(d.datagram(req, 10'100)), V{req});
}

TEST(UnreliableRequests, UnansweredRequestIsForgottenAfterT2)
{
    peer_driver d;
    auto const req = header_only(floor_request_prim, 8);
    (void)d.datagram(req, 0);
    EXPECT_EQ(d.deadline(), 11'000);
    (void)d.tick(10'000);
    EXPECT_EQ(delivered(d.datagram(req, 10'000)), V{req});
}

TEST(UnreliableRequests, EntryPastT2IsNewEvenBeforeItsMemoryIsReclaimed)
{
    peer_driver d;
    auto const req = header_only(floor_request_prim, 9);
    (void)d.datagram(req, 0);
    (void)d.send(header_only(4, 9), 100);
    EXPECT_EQ(d.deadline(), 11'100);
    // No tick yet: the entry still holds memory, but its T2 ended at 10,100.
    EXPECT_EQ(delivered(d.datagram(req, 10'100)), V{req});
    EXPECT_EQ(d.p.cached_replies(), 1u); // the old entry replaced by the new request's
}

TEST(UnreliableRequests, EndedEntriesAreReclaimedTogether)
{
    // Requests at 0, 400 and 900 ms end at 10,000, 10,400 and 10,900: one tick at 11,000
    // (the first end plus a tenth of T2) gives back all three.
    peer_driver d;
    std::uint16_t tid = 0;
    for (long long const ms : {0, 400, 900})
        (void)d.datagram(header_only(hello_prim, ++tid), ms);
    EXPECT_EQ(d.deadline(), 11'000);
    (void)d.tick(11'000);
    EXPECT_EQ(d.p.cached_replies(), 0u);
    EXPECT_EQ(d.deadline(), -1);
}

TEST(UnreliableRequests, SameIdWithAnotherPrimitiveIsANewRequest)
{
    peer_driver d;
    (void)d.datagram(header_only(hello_prim, 3), 0);
    (void)d.send(header_only(hello_ack_prim, 3), 0);
    auto const req = header_only(floor_request_prim, 3);
    EXPECT_EQ(delivered(d.datagram(req, 100)), V{req});
}

TEST(UnreliableRequests, TransactionZeroIsNoTransaction)
{
    // RFC 8855 §8: requests carry a non-zero ID. One that carries 0 is handed on each time
    // (the server answers it), and the answer goes out once, as the server made it.
    peer_driver d;
    auto const req = header_only(hello_prim, 0);
    EXPECT_EQ(delivered(d.datagram(req, 0)).size(), 1u);
    EXPECT_EQ(delivered(d.datagram(req, 1)).size(), 1u);
    auto const error = header_only(13, 0);
    EXPECT_EQ(datagrams(d.send(error, 2)), V{error});
    EXPECT_FALSE(d.p.awaiting_acks());
    EXPECT_EQ(d.deadline(), -1);
}

TEST(UnreliableRequests, FewerThanTwelveOctetsAreDroppedAsMalformed)
{
    peer_driver d;
    for (std::size_t n = 0; n < 12; ++n)
        EXPECT_TRUE(d.datagram(bytes(n), 0).empty()) << n;
    EXPECT_EQ(d.p.totals().malformed, 12u);
    EXPECT_EQ(d.notes(), N(12, ur::note::malformed));
}

TEST(UnreliableRequests, ServerMessageLongerOrShorterThanItsHeaderSaysIsDropped)
{
    // The reply cache keeps answers back to back and finds each one's end by its Payload
    // Length: a message the header does not describe exactly is refused, not cached.
    peer_driver d;
    (void)d.datagram(header_only(hello_prim, 5), 0);
    auto longer = header_only(hello_ack_prim, 5);
    longer.resize(16); // Payload Length 0, yet 4 more octets
    auto shorter = header_only(hello_ack_prim, 5);
    shorter[3] = std::byte{1}; // Payload Length 1, yet no payload
    EXPECT_TRUE(d.send(longer, 1).empty());
    EXPECT_TRUE(d.send(shorter, 1).empty());
    EXPECT_EQ(d.notes(), N(2, ur::note::malformed));
    EXPECT_EQ(d.p.cached_reply_octets(), 0u);
}

TEST(UnreliableRequests, SecondAnswerToOneRequestIsCachedAfterTheFirst)
{
    peer_driver d;
    (void)d.datagram(header_only(hello_prim, 5), 0);
    auto const error = header_only(13, 5);
    auto const ack = header_only(hello_ack_prim, 5);
    (void)d.send(error, 1);
    (void)d.send(ack, 2);
    EXPECT_EQ(datagrams(d.datagram(header_only(hello_prim, 5), 3)),
              (V{with_r(error), with_r(ack)}));
    EXPECT_EQ(d.p.cached_reply_octets(), 24u);
}

/// Hello with transactions 1, 2, 3 (at 1, 2, 3 ms), each answered at once; then which of the
/// three a repeated Hello gets from the cache (true) rather than the server (false).
std::vector<bool> cached_after_three_hellos(ur::options const& o)
{
    peer_driver d{o};
    for (std::uint16_t tid = 1; tid <= 3; ++tid) {
        (void)d.datagram(header_only(hello_prim, tid), tid);
        (void)d.send(header_only(hello_ack_prim, tid), tid);
    }
    std::vector<bool> cached;
    for (int const tid : {3, 2, 1}) // newest first: a miss re-enters the cache
        cached.push_back(
            delivered(d.datagram(header_only(hello_prim, static_cast<std::uint16_t>(tid)), 10))
                .empty());
    return {cached.rbegin(), cached.rend()};
}

TEST(UnreliableRequests, OldestEntriesAreForgottenBeyondTheCacheBound)
{
    ur::options o;
    o.max_cached_replies = 2;
    EXPECT_EQ(cached_after_three_hellos(o), (std::vector<bool>{false, true, true}));
}

TEST(UnreliableRequests, OldestResponsesAreForgottenBeyondTheOctetBound)
{
    ur::options o;
    o.max_cached_reply_octets = 24; // two header-only responses
    EXPECT_EQ(cached_after_three_hellos(o), (std::vector<bool>{false, true, true}));
}

/// `size` octets: a FloorRequestStatus response (transaction `tid`) whose body is zeros, with
/// Payload Length set to match (size - 12 must be a multiple of 4).
bytes response_of_size(std::uint16_t tid, std::size_t size)
{
    auto m = header_only(4, tid);
    m.resize(size);
    auto const words = (size - 12) / 4;
    m[2] = static_cast<std::byte>(words >> 8);
    m[3] = static_cast<std::byte>(words & 0xff);
    return m;
}

/// A flood of distinct requests (transactions 1..count, within T2), each answered with a
/// response of `response_size` octets: after every step the cache is within both bounds; at
/// the end the newest request's retransmission is answered from the cache (every fragment,
/// not delivered again) and the oldest one, forgotten early, is a new request.
void flood(ur::options const& o, std::uint16_t count, std::size_t response_size)
{
    peer_driver d{o};
    for (std::uint16_t tid = 1; tid <= count; ++tid) {
        long long const ms = tid / 10; // 10 requests a millisecond: all within T2
        ASSERT_EQ(delivered(d.datagram(header_only(floor_request_prim, tid), ms)).size(), 1u)
            << tid;
        (void)d.send(response_of_size(tid, response_size), ms);
        ASSERT_LE(d.p.cached_replies(), o.max_cached_replies) << tid;
        ASSERT_LE(d.p.cached_reply_octets(), o.max_cached_reply_octets) << tid;
    }
    (void)d.notes();
    long long const later = count / 10 + 1;
    auto const again = d.datagram(header_only(floor_request_prim, count), later);
    EXPECT_TRUE(delivered(again).empty());
    auto const resent = datagrams(again);
    std::size_t octets = 0;
    for (auto const& g : resent)
        octets += g.size();
    if (response_size <= o.max_datagram) {
        EXPECT_EQ(resent.size(), 1u);
    } else {
        EXPECT_GT(resent.size(), 1u); // every fragment again
    }
    EXPECT_GE(octets, response_size); // the whole response again (fragments add headers)
    EXPECT_EQ(tid_of(resent.front()), count);
    EXPECT_EQ(d.notes(), N{ur::note::duplicate_request});
    EXPECT_EQ(delivered(d.datagram(header_only(floor_request_prim, 1), later)).size(), 1u);
}

// Thousands of distinct small answered requests: the entry bound holds.
TEST(UnreliableRequests, FloodOfRequestsKeepsTheCacheWithinItsEntryBound)
{
    ur::options const o; // 1024 entries, 1 MiB
    flood(o, 5000, 12);
    peer_driver d{o};
    for (std::uint16_t tid = 1; tid <= 5000; ++tid) {
        (void)d.datagram(header_only(floor_request_prim, tid), 0);
        (void)d.send(header_only(4, tid), 0);
    }
    EXPECT_EQ(d.p.cached_replies(), o.max_cached_replies); // full, never beyond
}

// Thousands of distinct requests with large (fragmented) responses: the octet bound holds
// before the entry bound is reached.
TEST(UnreliableRequests, FloodOfLargeResponsesKeepsTheCacheWithinItsOctetBound)
{
    ur::options const o;
    flood(o, 3000, 2000); // 2,000-octet responses: 2 fragments each, ~524 fit in 1 MiB
    ur::options small;
    small.max_cached_reply_octets = 64 * 1024;
    flood(small, 4000, 1200);
}

TEST(UnreliableRequests, NotesHaveNames)
{
    EXPECT_STREQ(ur::to_string(ur::note::given_up), "given_up");
    EXPECT_STREQ(ur::to_string(ur::note::duplicate_request), "duplicate_request");
    EXPECT_STREQ(ur::to_string(ur::note::malformed), "malformed");
}

} // namespace
} // namespace floorctl::test
