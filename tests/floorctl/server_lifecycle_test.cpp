// Connections, bindings, Goodbye, reconnect grace, participant and conference removal, and the
// checks every frame passes (RFC 8857 §6 identity, Error 9, decode failures).
#include "support/server_harness.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using rs = request_status;
using V = std::vector<sent>;
using bytes = std::vector<std::byte>;

class ServerLifecycleTest : public ::testing::Test {
protected:
    ServerLifecycleTest() : h_{{queue_floor(1)}}
    {
        h_.join(1);
        h_.join(2);
        (void)h_.send(1, 10, make_request({1})); // Alice holds floor 1 (request 1)
        (void)h_.send(2, 11, make_request({1})); // Bob waits (request 2)
    }
    server_harness h_;
};

TEST_F(ServerLifecycleTest, DisconnectReleasesAndPromotesTheNextInLine)
{
    auto const out = h_.close(1);
    EXPECT_EQ(sends(out), (V{h_.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
    EXPECT_TRUE(closes(out).empty());
    auto const snap = h_.core.snapshot(server_harness::conf);
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->active_requests, 1u);
    EXPECT_FALSE(snap->participants[0].connected);
}

TEST_F(ServerLifecycleTest, GoodbyeIsAcknowledgedThenBehavesLikeADisconnect)
{
    auto const out = h_.send(1, 12, goodbye{});
    EXPECT_EQ(sends(out), (V{h_.to(1, 12, goodbye_ack{}),
                             h_.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
    EXPECT_EQ(closes(out), (std::vector<connection_id>{connection_id{1}}));
    // The adapter's later connection_closed for it is a no-op.
    EXPECT_TRUE(h_.close(1).empty());
}

TEST_F(ServerLifecycleTest, RemoveParticipantSaysGoodbyeClosesAndPromotes)
{
    auto const out = h_.core.remove_participant(server_harness::conf, user_id{1});
    auto const s = sends(out);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].conn, connection_id{1});
    EXPECT_EQ(s[0].msg.payload, message_body{goodbye{}});
    EXPECT_NE(s[0].msg.header.transaction, transaction_id{0}); // Goodbye expects an ack
    EXPECT_EQ(s[1], h_.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)}));
    EXPECT_EQ(closes(out), (std::vector<connection_id>{connection_id{1}}));
    EXPECT_EQ(h_.core.stats().participants, 1u);
}

TEST_F(ServerLifecycleTest, RemoveConferenceEndsEverythingCleanly)
{
    auto f = queue_floor(1);
    f.max_hold_time = std::chrono::seconds{5};
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    auto const timer = starts(h.send(1, 1, make_request({1})))[0].id;
    auto const out = h.core.remove_conference(server_harness::conf);
    auto const s = sends(out);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].msg.payload, message_body{goodbye{}});
    EXPECT_EQ(s[1].msg.payload, message_body{goodbye{}});
    EXPECT_EQ(closes(out), (std::vector<connection_id>{connection_id{1}, connection_id{2}}));
    EXPECT_EQ(cancels(out), (std::vector<timer_id>{timer}));
    auto const st = h.core.stats();
    EXPECT_EQ(st.conferences, 0u);
    EXPECT_EQ(st.participants, 0u);
    EXPECT_EQ(st.connections, 0u);
    EXPECT_EQ(st.active_requests, 0u);
    EXPECT_EQ(st.timers, 0u);
    EXPECT_TRUE(h.fire(timer).empty());
}

TEST_F(ServerLifecycleTest, StatsCountHoldersAndQueuedRequestsAsTheyChange)
{
    auto const totals = [&] {
        std::size_t holders = 0;
        std::size_t queued = 0;
        auto const snap = h_.core.snapshot(server_harness::conf);
        for (auto const& f : snap->floors) {
            holders += f.holders.size();
            queued += f.queue.size();
        }
        return std::pair{holders, queued};
    };
    EXPECT_EQ(totals(), (std::pair<std::size_t, std::size_t>{1, 1}));
    EXPECT_EQ(h_.core.stats().holders, 1u);
    EXPECT_EQ(h_.core.stats().queued, 1u);
    h_.join(3);
    (void)h_.send(3, 12, make_request({1})); // Carol waits too
    EXPECT_EQ(h_.core.stats().queued, 2u);
    (void)h_.core.remove_participant(server_harness::conf, user_id{1});
    EXPECT_EQ(totals(), (std::pair<std::size_t, std::size_t>{1, 1})); // Bob promoted
    EXPECT_EQ(h_.core.stats().holders, 1u);
    EXPECT_EQ(h_.core.stats().queued, 1u);
    (void)h_.core.remove_conference(server_harness::conf);
    EXPECT_EQ(h_.core.stats().holders, 0u);
    EXPECT_EQ(h_.core.stats().queued, 0u);
}

TEST_F(ServerLifecycleTest, ASecondBindingSupersedesTheFirstConnection)
{
    auto const out = h_.bind(101, 1);
    EXPECT_EQ(closes(out), (std::vector<connection_id>{connection_id{1}}));
    // Alice keeps her request across the new connection.
    EXPECT_EQ(sends(h_.frame(101, make(server_harness::conf, user_id{1}, 3,
                                       floor_request_query{floor_request_id{1}}))),
              (V{sent{connection_id{101}, make(server_harness::conf, user_id{1}, 3,
                                               floor_request_status{fri1(1, 1, rs::granted)})}}));
    // The superseded connection closing changes nothing.
    EXPECT_TRUE(h_.close(1).empty());
}

TEST(ServerGrace, ReconnectWithinGraceKeepsTheRequests)
{
    server_harness h{{queue_floor(1)}, false, std::chrono::seconds{30}};
    h.join(1);
    h.join(2);
    (void)h.send(1, 1, make_request({1}));
    auto const closed = h.close(1);
    EXPECT_TRUE(sends(closed).empty());
    ASSERT_EQ(starts(closed).size(), 1u);
    EXPECT_EQ(starts(closed)[0].after, std::chrono::seconds{30});
    auto const rebound = h.bind(55, 1);
    EXPECT_EQ(cancels(rebound), (std::vector<timer_id>{starts(closed)[0].id}));
    EXPECT_EQ(h.core.snapshot(server_harness::conf)->floors[0].holders.size(), 1u);
}

TEST(ServerGrace, GraceExpiryReleasesAndPromotes)
{
    server_harness h{{queue_floor(1)}, false, std::chrono::seconds{30}};
    h.join(1);
    h.join(2);
    (void)h.send(1, 1, make_request({1}));
    (void)h.send(2, 2, make_request({1}));
    auto const timer = starts(h.close(1))[0].id;
    EXPECT_EQ(sends(h.fire(timer)), (V{h.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
}

TEST(ServerBinding, UnboundConnectionIsError2)
{
    server_harness h{{queue_floor(1)}};
    auto const out = h.frame(9, make(server_harness::conf, user_id{4}, 3, hello{}));
    EXPECT_EQ(sends(out),
              (V{sent{connection_id{9},
                      make(server_harness::conf, user_id{4}, 3,
                           make_error(error_code::user_does_not_exist,
                                      "this connection is not bound to a participant; connect "
                                      "through the websocket-uri of your SDP answer"))}}));
}

TEST(ServerBinding, ConferenceIdOtherThanTheBindingIsError1)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto const out = h.frame(1, make(conference_id{8}, user_id{1}, 3, hello{}));
    EXPECT_EQ(sends(out),
              (V{sent{connection_id{1},
                      make(conference_id{8}, user_id{1}, 3,
                           make_error(error_code::conference_does_not_exist,
                                      "conference 8 is not the conference this connection is "
                                      "bound to (7)"))}}));
}

TEST(ServerBinding, UserIdOtherThanTheBindingIsError5)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    auto const out = h.frame(1, make(server_harness::conf, user_id{2}, 3, make_request({1})));
    EXPECT_EQ(sends(out),
              (V{sent{connection_id{1},
                      make(server_harness::conf, user_id{2}, 3,
                           make_error(error_code::unauthorized_operation,
                                      "user 2 is not the user this connection is bound to "
                                      "(1)"))}}));
    EXPECT_EQ(h.core.stats().active_requests, 0u);
}

TEST(ServerBinding, BoundToAUserTheConferenceDoesNotKnowIsError2)
{
    server_harness h{{queue_floor(1)}};
    (void)h.bind(5, 5);
    EXPECT_EQ(sends(h.send(5, 3, hello{})),
              (V{h.to(5, 3,
                      make_error(error_code::user_does_not_exist,
                                 "user 5 is not a participant of conference 7"))}));
}

TEST(ServerBinding, RequireTlsOverPlainWebSocketIsError9)
{
    server_harness h{{queue_floor(1)}, true};
    h.join(1, {}, {}, transport_kind::ws);
    h.join(2, {}, {}, transport_kind::wss);
    EXPECT_EQ(
        sends(h.send(1, 3, hello{})),
        (V{h.to(1, 3,
                make_error(error_code::use_tls, "conference 7 requires TLS: connect with wss:// or "
                                                "TCP/TLS/BFCP"))}));
    EXPECT_EQ(sends(h.send(2, 3, hello{})).at(0).msg.header.prim,
              to_underlying(primitive::hello_ack));
}

TEST(ServerBinding, RequireTlsOverPlainUdpIsError11UseDtls)
{
    server_harness h{{queue_floor(1)}, true};
    h.join(1, {}, {}, transport_kind::udp);
    h.join(2, {}, {}, transport_kind::dtls);
    h.join(3, {}, {}, transport_kind::tcp);
    EXPECT_EQ(sends(h.send(1, 3, hello{})),
              (V{h.to(1, 3,
                      make_error(error_code::use_dtls,
                                 "conference 7 requires DTLS: use UDP/TLS/BFCP"))}));
    // DTLS is secure; plain TCP still hears about TLS, not DTLS.
    EXPECT_EQ(sends(h.send(2, 3, hello{})).at(0).msg.header.prim,
              to_underlying(primitive::hello_ack));
    EXPECT_EQ(std::get<error_reply>(sends(h.send(3, 3, hello{})).at(0).msg.payload).code,
              error_code::use_tls);
}

TEST(ServerBinding, UdpWithoutRequireTlsIsServedAndAnsweredInThePeersVersion)
{
    server_harness h{{queue_floor(1)}};
    h.join(1, {}, {}, transport_kind::udp);
    auto const out = sends(h.frame(1, make(server_harness::conf, user_id{1}, 4, hello{}, 2)));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.prim, to_underlying(primitive::hello_ack));
    EXPECT_EQ(out[0].msg.header.version, 2);
    EXPECT_EQ(out[0].msg.header.transaction, transaction_id{4});
    // The server core never sets R or F: the unreliable layer does (docs/unreliable-transport.md).
    EXPECT_FALSE(out[0].msg.header.responder);
    EXPECT_FALSE(out[0].msg.header.fragmented);
}

TEST(ServerBinding, AcksTheUnreliableLayerMightPassOnAreAcceptedQuietly)
{
    server_harness h{{queue_floor(1)}};
    h.join(1, {}, {}, transport_kind::udp);
    for (int prim : {14, 15, 17, 18, 90, 95}) {
        auto frame = encode(make(server_harness::conf, user_id{1}, 0x8001, hello{}, 2));
        frame[0] |= std::byte{0x10}; // R: a response to the server's transaction
        frame[1] = static_cast<std::byte>(prim);
        EXPECT_TRUE(h.core.handle(frame_received{connection_id{1}, frame}).empty()) << prim;
    }
}

TEST(ServerDecode, FewerThanTwelveOctetsClosesTheConnection)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto const out = h.core.handle(frame_received{connection_id{1}, bytes(11)});
    EXPECT_TRUE(sends(out).empty());
    EXPECT_EQ(closes(out), (std::vector<connection_id>{connection_id{1}}));
}

TEST(ServerDecode, UnknownMandatoryAttributeIsError4WithItsType)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    // Hello (primitive 11), one word of payload: attribute type 100 with M set
    // ((100 << 1) | 1 = 0xC9), Length 4, two content octets.
    auto frame = encode(make(server_harness::conf, user_id{1}, 3, hello{}));
    frame[3] = std::byte{1}; // Payload Length: 1 word
    for (int b : {0xC9, 0x04, 0x00, 0x00})
        frame.push_back(static_cast<std::byte>(b));
    auto const out = sends(h.core.handle(frame_received{connection_id{1}, frame}));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.transaction, transaction_id{3});
    auto const& e = std::get<error_reply>(out[0].msg.payload);
    EXPECT_EQ(e.code, error_code::unknown_mandatory_attribute);
    EXPECT_EQ(e.unknown_attributes, (std::vector<std::uint8_t>{100}));
    ASSERT_TRUE(e.info);
    EXPECT_FALSE(e.info->empty());
}

TEST(ServerDecode, WrongPayloadLengthIsError13)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto frame = encode(make(server_harness::conf, user_id{1}, 3, hello{}));
    frame[3] = std::byte{5}; // claims 20 octets of payload, carries none
    auto const out = sends(h.core.handle(frame_received{connection_id{1}, frame}));
    ASSERT_EQ(out.size(), 1u);
    auto const& e = std::get<error_reply>(out[0].msg.payload);
    EXPECT_EQ(e.code, error_code::incorrect_message_length);
    ASSERT_TRUE(e.info);
    EXPECT_FALSE(e.info->empty());
}

TEST(ServerDecode, UnsupportedVersionIsError12)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto frame = encode(make(server_harness::conf, user_id{1}, 3, hello{}));
    frame[0] = std::byte{0x60}; // version 3
    auto const out = sends(h.core.handle(frame_received{connection_id{1}, frame}));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.version, 1);
    EXPECT_EQ(std::get<error_reply>(out[0].msg.payload).code, error_code::unsupported_version);
}

TEST(ServerDecode, VendorPrimitiveFrameIsAcceptedQuietly)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto frame = encode(make(server_harness::conf, user_id{1}, 3, hello{}));
    frame[1] = std::byte{93};
    EXPECT_TRUE(h.core.handle(frame_received{connection_id{1}, frame}).empty());
    frame[1] = std::byte{18}; // draft numbering GoodbyeAck
    EXPECT_TRUE(h.core.handle(frame_received{connection_id{1}, frame}).empty());
}

TEST(ServerDecode, DraftFloorStatusAckWithTransactionZeroIsNotAGoodbye)
{
    // Older draft numbering: 16 = FloorStatusAck, sent with the notification's transaction 0.
    server_harness h{{queue_floor(1)}};
    h.join(1);
    (void)h.send(1, 1, make_request({1}));
    EXPECT_TRUE(h.send(1, 0, goodbye{}).empty());
    EXPECT_EQ(h.core.snapshot(server_harness::conf)->floors[0].holders.size(), 1u);
    // A real Goodbye (non-zero transaction) still ends the session.
    EXPECT_EQ(sends(h.send(1, 2, goodbye{})), (V{h.to(1, 2, goodbye_ack{})}));
    EXPECT_EQ(h.core.snapshot(server_harness::conf)->floors[0].holders.size(), 0u);
}

TEST(ServerConfig, AddConferenceRejectsDuplicatesAndBadFloors)
{
    server s;
    conference_config c;
    c.id = conference_id{1};
    c.floors = {queue_floor(1)};
    EXPECT_TRUE(s.add_conference(c));
    EXPECT_FALSE(s.add_conference(c));
    c.id = conference_id{2};
    c.floors = {queue_floor(1), queue_floor(1)};
    EXPECT_FALSE(s.add_conference(c));
    c.floors = {queue_floor(1, 0)};
    EXPECT_FALSE(s.add_conference(c));
}

TEST(ServerConfig, AddParticipantPicksAFreeIdAndRejectsTakenOnes)
{
    std::vector<action> ignored; // no reports: report_changes is off
    server s;
    conference_config c;
    c.id = conference_id{1};
    ASSERT_TRUE(s.add_conference(c));
    participant_info p;
    p.id = user_id{1};
    ASSERT_TRUE(s.add_participant(conference_id{1}, p, ignored));
    EXPECT_FALSE(s.add_participant(conference_id{1}, p, ignored));
    p.id = user_id{};
    auto const picked = s.add_participant(conference_id{1}, p, ignored);
    ASSERT_TRUE(picked);
    EXPECT_EQ(*picked, user_id{2});
    EXPECT_EQ(s.add_participant(conference_id{9}, p, ignored).error(),
              make_error_code(error::conference_does_not_exist));
}

TEST(ServerConfig, ContainsAnswersForConferencesAndParticipantsAsTheyComeAndGo)
{
    std::vector<action> ignored; // no reports: report_changes is off
    server s;
    conference_config c;
    c.id = conference_id{1};
    EXPECT_FALSE(s.contains(conference_id{1}));
    ASSERT_TRUE(s.add_conference(c));
    EXPECT_TRUE(s.contains(conference_id{1}));
    EXPECT_FALSE(s.contains(conference_id{1}, user_id{5}));
    participant_info p;
    p.id = user_id{5};
    ASSERT_TRUE(s.add_participant(conference_id{1}, p, ignored));
    EXPECT_TRUE(s.contains(conference_id{1}, user_id{5}));
    EXPECT_FALSE(s.contains(conference_id{2}, user_id{5}));
    (void)s.remove_participant(conference_id{1}, user_id{5});
    EXPECT_FALSE(s.contains(conference_id{1}, user_id{5}));
    ASSERT_TRUE(s.add_participant(conference_id{1}, p, ignored));
    (void)s.remove_conference(conference_id{1});
    EXPECT_FALSE(s.contains(conference_id{1}));
    EXPECT_FALSE(s.contains(conference_id{1}, user_id{5}));
}

TEST(ServerShards, TimerIdsCarryTheShard)
{
    std::vector<action> ignored; // no reports: report_changes is off
    server s{server_options{3}};
    conference_config c;
    c.id = conference_id{1};
    c.reconnect_grace = std::chrono::seconds{1};
    ASSERT_TRUE(s.add_conference(c));
    participant_info p;
    p.id = user_id{1};
    ASSERT_TRUE(s.add_participant(conference_id{1}, p, ignored));
    (void)s.handle(connection_bound{connection_id{1}, conference_id{1}, user_id{1}});
    auto const t = starts(s.handle(connection_closed{connection_id{1}}));
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(to_underlying(t[0].id) >> 48, 3u);
}

} // namespace
} // namespace floorctl::test

namespace floorctl::test {
namespace {

using V = std::vector<sent>;

TEST(ServerBinding, ABindingMadeBeforeAddParticipantIsClaimedByIt)
{
    std::vector<action> ignored; // no reports: report_changes is off
    server_harness h{{queue_floor(1)}};
    (void)h.bind(40, 4);
    EXPECT_EQ(sends(h.frame(40, make(server_harness::conf, user_id{4}, 1, hello{}))),
              (V{sent{connection_id{40},
                      make(server_harness::conf, user_id{4}, 1,
                           make_error(error_code::user_does_not_exist,
                                      "user 4 is not a participant of conference 7"))}}));
    participant_info p;
    p.id = user_id{4};
    ASSERT_TRUE(h.core.add_participant(server_harness::conf, p, ignored));
    auto const out = sends(h.frame(40, make(server_harness::conf, user_id{4}, 2, hello{})));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.prim, to_underlying(primitive::hello_ack));
    EXPECT_TRUE(h.core.snapshot(server_harness::conf)->participants.at(0).connected);
}

TEST(ServerBinding, ABindingMadeBeforeItsConferenceExistsIsClaimedOnceBothAreAdded)
{
    std::vector<action> ignored; // no reports: report_changes is off
    server_harness h{{queue_floor(1)}};
    constexpr conference_id later{9};
    (void)h.core.handle(connection_bound{connection_id{50}, later, user_id{5}});
    auto const early = sends(h.frame(50, make(later, user_id{5}, 1, hello{})));
    ASSERT_EQ(early.size(), 1u);
    EXPECT_EQ(early[0].msg.header.prim, to_underlying(primitive::error));
    conference_config c;
    c.id = later;
    ASSERT_TRUE(h.core.add_conference(c));
    participant_info p;
    p.id = user_id{5};
    ASSERT_TRUE(h.core.add_participant(later, p, ignored));
    auto const out = sends(h.frame(50, make(later, user_id{5}, 2, hello{})));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.prim, to_underlying(primitive::hello_ack));
    EXPECT_TRUE(h.core.snapshot(later)->participants.at(0).connected);
}

} // namespace
} // namespace floorctl::test
