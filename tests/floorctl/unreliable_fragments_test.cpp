// floorctl::unreliable fragments (RFC 8855 §5.1 F bit, Fragment Offset and Fragment Length in
// 4-octet units; §6.2.3): golden bytes of a fragmented notification, reassembly in any order,
// and every way a fragment set can be wrong. Explicit time points, no sleeps.
#include "support/unreliable_peer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace floorctl::test {
namespace {

using V = std::vector<bytes>;
using N = std::vector<ur::note>;

// A FloorRequestStatus notification as the core hands it over: 32 octets, 5 payload words.
bytes const notification = parse_hex(R"(
    40           # Ver 2, R 0, F 0
    04           # Primitive 4: FloorRequestStatus
    00 05        # Payload Length: 5 words
    00 00 00 07  # Conference ID 7
    00 00        # Transaction ID 0: server-initiated
    00 01        # User ID 1
    1f 14 00 01  # FLOOR-REQUEST-INFORMATION (15, M), length 20, floor request ID 1
    25 08 00 01  #   OVERALL-REQUEST-STATUS (18, M), length 8, floor request ID 1
    0b 04 03 00  #     REQUEST-STATUS (5, M), length 4: Granted, queue position 0
    23 08 00 01  #   FLOOR-REQUEST-STATUS (17, M), length 8, floor ID 1
    0b 04 03 00  #     REQUEST-STATUS: Granted, queue position 0
)");

// The same with max_datagram 24: 16 header octets leave room for 2 words per fragment.
V const golden_fragments = {parse_hex(R"(
    48           # Ver 2, R 0, F 1
    04           # FloorRequestStatus
    00 05        # Payload Length of the whole message: 5 words
    00 00 00 07  # Conference ID 7
    80 00        # Transaction ID 0x8000: the peer's first fresh ID
    00 01        # User ID 1
    00 00        # Fragment Offset: 0 words
    00 02        # Fragment Length: 2 words
    1f 14 00 01  # payload words 0-1
    25 08 00 01
)"),
                            parse_hex(R"(
    48 04 00 05  00 00 00 07  80 00 00 01  # the same common header
    00 02        # Fragment Offset: 2 words
    00 02        # Fragment Length: 2 words
    0b 04 03 00  # payload words 2-3
    23 08 00 01
)"),
                            parse_hex(R"(
    48 04 00 05  00 00 00 07  80 00 00 01  # the same common header
    00 04        # Fragment Offset: 4 words
    00 01        # Fragment Length: 1 word
    0b 04 03 00  # payload word 4
)")};

ur::options small(std::size_t max_datagram = 24)
{
    ur::options o;
    o.max_datagram = max_datagram;
    return o;
}

/// A fragment: `h` is a 12-octet header (F is set here), then offset, length and `words`.
bytes fragment(bytes h, std::uint16_t offset, std::vector<std::uint32_t> const& words)
{
    h.resize(12);
    h[0] |= std::byte{0x08};
    h.push_back(static_cast<std::byte>(offset >> 8));
    h.push_back(static_cast<std::byte>(offset & 0xff));
    h.push_back(static_cast<std::byte>(words.size() >> 8));
    h.push_back(static_cast<std::byte>(words.size() & 0xff));
    for (auto const w : words) {
        for (int s = 24; s >= 0; s -= 8)
            h.push_back(static_cast<std::byte>((w >> s) & 0xff));
    }
    return h;
}

/// A 12-octet header of a request claiming `payload_words`.
bytes request_header(std::uint16_t payload_words, std::uint16_t tid = 9, std::uint8_t prim = 1)
{
    auto h = header_only(prim, tid);
    h[2] = static_cast<std::byte>(payload_words >> 8);
    h[3] = static_cast<std::byte>(payload_words & 0xff);
    return h;
}

TEST(UnreliableFragments, GoldenFragmentsOfANotification)
{
    peer_driver d{small()};
    auto const out = d.send(notification, 0);
    EXPECT_EQ(datagrams(out), golden_fragments);
    EXPECT_EQ(d.p.totals().fragments_sent, 3u);
    EXPECT_EQ(d.notes(), N{ur::note::fragments_sent});
}

TEST(UnreliableFragments, RetransmissionResendsEveryFragment)
{
    peer_driver d{small()};
    (void)d.send(notification, 0);
    EXPECT_EQ(datagrams(d.tick(500)), golden_fragments);
    EXPECT_EQ(d.p.totals().fragments_sent, 6u);
}

TEST(UnreliableFragments, FragmentsReassembleInAnyOrderWithFCleared)
{
    auto whole = notification;
    whole[8] = std::byte{0x80}; // as sent: transaction 0x8000
    for (auto order : {std::vector<std::size_t>{0, 1, 2}, {2, 0, 1}, {1, 2, 0}}) {
        peer_driver d;
        std::vector<kept_action> out;
        for (auto const i : order) {
            auto const r = d.datagram(golden_fragments[i], static_cast<long long>(i));
            out.insert(out.end(), r.begin(), r.end());
        }
        // A notification fragment set from the server's side would never come in; here it
        // stands for any fragmented message: R clear, so it is handed on as a request.
        EXPECT_EQ(delivered(out), V{whole});
        EXPECT_EQ(d.p.totals().fragments_received, 3u);
        EXPECT_EQ(d.p.totals().reassembled, 1u);
        EXPECT_EQ(d.p.reassembly_octets(), 0u);
        EXPECT_TRUE(decode(delivered(out).at(0))); // a normal message for decode_message
    }
}

TEST(UnreliableFragments, LargeMessageWithTheDefaultDatagramSizeRoundTrips)
{
    auto const header = request_header(700, 5, 6); // UserStatus response, 2,812 octets
    bytes big = header;
    for (int i = 0; i < 700 * 4; ++i)
        big.push_back(static_cast<std::byte>(i * 7));
    peer_driver server, client;
    (void)server.datagram(header_only(5, 5), 0); // the UserQuery it answers
    auto const out = datagrams(server.send(big, 0));
    ASSERT_EQ(out.size(), 3u); // 296 + 296 + 108 words
    for (auto const& d : out)
        EXPECT_LE(d.size(), std::size_t{1200});
    std::vector<bytes> got;
    for (auto const& d : out) {
        auto const r = delivered(client.datagram(d, 1));
        got.insert(got.end(), r.begin(), r.end());
    }
    ASSERT_EQ(got.size(), 0u);                    // R set: a response is never handed on ...
    EXPECT_EQ(client.p.totals().reassembled, 1u); // ... but it was reassembled
    EXPECT_EQ(client.p.totals().unmatched_acks, 1u);
}

TEST(UnreliableFragments, FragmentedResponseIsCachedWholeAndResentWhole)
{
    peer_driver d{small()};
    auto const req = header_only(3, 11); // FloorRequestQuery
    (void)d.datagram(req, 0);
    auto answer = notification;
    answer[9] = std::byte{11}; // the response to transaction 11
    auto const first = datagrams(d.send(answer, 1));
    ASSERT_EQ(first.size(), 3u);
    for (auto const& f : first)
        EXPECT_EQ(std::to_integer<int>(f[0]), 0x58); // Ver 2, R 1, F 1
    EXPECT_EQ(datagrams(d.datagram(req, 600)), first);
}

TEST(UnreliableFragments, RepeatedFragmentWithTheSameOctetsIsHarmless)
{
    peer_driver d;
    auto const h = request_header(2);
    EXPECT_TRUE(d.datagram(fragment(h, 0, {0x02040001}), 0).empty());
    EXPECT_TRUE(d.datagram(fragment(h, 0, {0x02040001}), 1).empty());
    auto const out = delivered(d.datagram(fragment(h, 1, {0x02040002}), 2));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].size(), 20u);
    EXPECT_EQ(d.p.totals().fragments_dropped, 0u);
}

TEST(UnreliableFragments, OverlapWithDifferentOctetsDropsTheSet)
{
    peer_driver d;
    auto const h = request_header(3);
    (void)d.datagram(fragment(h, 0, {1, 2}), 0);
    EXPECT_TRUE(d.datagram(fragment(h, 1, {9, 3}), 1).empty());
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    EXPECT_EQ(d.p.reassembly_octets(), 0u);
    // The set is gone: the last word alone does not complete anything.
    EXPECT_TRUE(d.datagram(fragment(h, 2, {3}), 2).empty());
}

TEST(UnreliableFragments, FragmentWhoseHeaderDiffersFromItsSetDropsTheSet)
{
    peer_driver d;
    auto const h = request_header(2);
    (void)d.datagram(fragment(h, 0, {1}), 0);
    auto other_user = h;
    other_user[11] = std::byte{2};
    EXPECT_TRUE(d.datagram(fragment(other_user, 1, {2}), 1).empty());
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    EXPECT_EQ(d.p.reassembly_octets(), 0u);

    (void)d.datagram(fragment(h, 0, {1}), 2);
    EXPECT_TRUE(d.datagram(fragment(request_header(3), 1, {2}), 3).empty()); // other length
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});

    (void)d.datagram(fragment(h, 0, {1}), 4);
    auto v2 = h;
    v2[0] = std::byte{0x40};
    EXPECT_TRUE(d.datagram(fragment(v2, 1, {2}), 5).empty()); // other version
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
}

TEST(UnreliableFragments, FragmentPastPayloadLengthIsDropped)
{
    peer_driver d;
    auto const h = request_header(2);
    (void)d.datagram(fragment(h, 0, {1}), 0);
    EXPECT_TRUE(d.datagram(fragment(h, 1, {2, 3}), 1).empty());
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    EXPECT_EQ(d.p.reassembly_octets(), 0u);
    EXPECT_TRUE(d.datagram(fragment(request_header(0), 0, {1}), 2).empty()); // no payload at all
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
}

TEST(UnreliableFragments, UnreadableFragmentsAreMalformedAndLeaveSetsAlone)
{
    peer_driver d;
    auto const h = request_header(2);
    (void)d.datagram(fragment(h, 0, {1}), 0);
    auto short_one = h;
    short_one[0] |= std::byte{0x08};
    short_one.resize(15); // F set, no room for both fragment fields
    EXPECT_TRUE(d.datagram(short_one, 1).empty());
    EXPECT_TRUE(d.datagram(fragment(h, 1, {}), 2).empty()); // Fragment Length 0
    auto longer = fragment(h, 1, {2});
    longer.push_back(std::byte{0}); // one octet more than 16 + 4*Fragment Length
    EXPECT_TRUE(d.datagram(longer, 3).empty());
    EXPECT_EQ(d.notes(), N(3, ur::note::malformed));
    EXPECT_EQ(d.p.totals().malformed, 3u);
    EXPECT_EQ(delivered(d.datagram(fragment(h, 1, {2}), 4)).size(), 1u); // the set survived
}

TEST(UnreliableFragments, SetLargerThanTheReassemblyBoundIsDropped)
{
    ur::options o;
    o.max_reassembly_octets = 100;
    peer_driver d{o};
    EXPECT_TRUE(d.datagram(fragment(request_header(23), 0, {1}), 0).empty()); // 104 octets
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    EXPECT_EQ(d.p.reassembly_octets(), 0u);
}

TEST(UnreliableFragments, MemoryBoundDropsTheOldestSet)
{
    ur::options o;
    o.max_reassembly_octets = 100;
    peer_driver d{o};
    (void)d.datagram(fragment(request_header(10, 1), 0, {1}), 0); // 52 octets
    EXPECT_EQ(d.p.reassembly_octets(), 52u);
    (void)d.datagram(fragment(request_header(10, 2), 0, {1}), 1); // 52 more: 104 > 100
    EXPECT_EQ(d.p.reassembly_octets(), 52u);
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    // Set 2 is the one kept.
    std::vector<std::uint32_t> rest(9, 0);
    EXPECT_EQ(delivered(d.datagram(fragment(request_header(10, 2), 1, rest), 2)).size(), 1u);
    EXPECT_TRUE(delivered(d.datagram(fragment(request_header(10, 1), 1, rest), 3)).empty());
    EXPECT_LE(d.p.reassembly_octets(), o.max_reassembly_octets);
}

TEST(UnreliableFragments, IncompleteSetIsDroppedWhenItsTimeRunsOut)
{
    peer_driver d;
    auto const h = request_header(2);
    (void)d.datagram(fragment(h, 0, {1}), 0);
    EXPECT_EQ(d.deadline(), 10'000);
    (void)d.tick(9'999);
    EXPECT_EQ(d.p.reassembly_octets(), 20u);
    (void)d.tick(10'000);
    EXPECT_EQ(d.p.reassembly_octets(), 0u);
    EXPECT_EQ(d.notes(), N{ur::note::fragment_dropped});
    EXPECT_EQ(d.deadline(), -1);
    EXPECT_TRUE(d.datagram(fragment(h, 1, {2}), 10'001).empty()); // starts a new set
}

TEST(UnreliableFragments, FragmentedAckCompletesItsTransaction)
{
    peer_driver d;
    auto const tid = tid_of(datagrams(d.send(header_only(4, 0), 0)).at(0));
    auto ack = request_header(1, tid, 14);
    ack[0] |= std::byte{0x10};
    EXPECT_TRUE(d.datagram(fragment(ack, 0, {0}), 10).empty());
    EXPECT_FALSE(d.p.awaiting_acks());
}

} // namespace
} // namespace floorctl::test
