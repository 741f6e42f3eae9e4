// More FloorRequest rules: versions of notifications, parse errors, third-party checks,
// several subscribers, per-user limits, chair acceptance on a busy floor.
#include "support/server_harness.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using rs = request_status;
using V = std::vector<sent>;

TEST(ServerVersions, NotificationsUseTheVersionTheRecipientLastUsed)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    (void)h.frame(1, make(server_harness::conf, user_id{1}, 1, make_request({1}), 2));
    (void)h.frame(2, make(server_harness::conf, user_id{2}, 1, make_request({1}), 1));
    EXPECT_EQ(sends(h.frame(2, make(server_harness::conf, user_id{2}, 2,
                                    floor_request_query{floor_request_id{1}}, 1))),
              (V{h.to(2, 2, floor_request_status{fri1(1, 1, rs::granted)})}));
    // Alice speaks version 2, so her reply is version 2; Bob, who queried request 1 and is
    // promoted, speaks version 1.
    EXPECT_EQ(sends(h.frame(1, make(server_harness::conf, user_id{1}, 3,
                                    floor_release{floor_request_id{1}}, 2))),
              (V{h.to(1, 3, floor_request_status{fri1(1, 1, rs::released)}, 2),
                 h.to(2, 0, floor_request_status{fri1(1, 1, rs::released)}),
                 h.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
    auto const snap = h.core.snapshot(server_harness::conf);
    EXPECT_EQ(snap->participants.at(0).version, 2);
    EXPECT_EQ(snap->participants.at(1).version, 1);
}

TEST(ServerParse, FloorRequestWithoutFloorIdIsError10)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    auto const out = sends(h.send(1, 4, floor_request{}));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].msg.header.transaction, transaction_id{4});
    auto const& e = std::get<error_reply>(out[0].msg.payload);
    EXPECT_EQ(e.code, error_code::unable_to_parse_message);
    ASSERT_TRUE(e.info);
    EXPECT_FALSE(e.info->empty());
}

TEST(ServerThirdParty, UnknownBeneficiaryIsError2)
{
    auto f = queue_floor(1);
    f.chairs = {user_id{1}};
    server_harness h{{f}};
    h.join(1);
    auto req = make_request({1});
    req.beneficiary = user_id{77};
    EXPECT_EQ(sends(h.send(1, 4, req)),
              (V{h.to(1, 4,
                      make_error(error_code::user_does_not_exist,
                                 "beneficiary 77 is not a participant of conference 7"))}));
}

TEST(ServerThirdParty, TheBeneficiaryMayReleaseAndTheChairsRequestSurvivesTheChair)
{
    auto f = queue_floor(1);
    f.chairs = {user_id{1}};
    server_harness h{{f}};
    h.join(1, "Chair");
    h.join(2, "Alice");
    auto req = make_request({1});
    req.beneficiary = user_id{2};
    (void)h.send(1, 4, req);
    (void)h.close(1); // the chair leaves; Alice keeps the floor
    EXPECT_EQ(h.core.snapshot(server_harness::conf)->floors[0].holders.size(), 1u);
    auto released = fri1(1, 1, rs::released);
    released.beneficiary = user_information{user_id{2}, "Alice", std::nullopt};
    released.requested_by = user_information{user_id{1}, "Chair", std::nullopt};
    EXPECT_EQ(sends(h.send(2, 5, floor_release{floor_request_id{1}})),
              (V{h.to(2, 5, floor_request_status{released})}));
}

TEST(ServerSubscriptions, EverySubscriberOfTheFloorGetsTheFloorStatus)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    h.join(2);
    h.join(3);
    floor_query q;
    q.floors = {floor_id{1}};
    (void)h.send(2, 1, q);
    (void)h.send(3, 1, q);
    floor_status busy;
    busy.floor = floor_id{1};
    busy.requests = {fri1(1, 1, rs::granted)};
    busy.requests[0].beneficiary = user_information{user_id{1}, {}, {}}; // no name or URI given
    EXPECT_EQ(sends(h.send(1, 2, make_request({1}))),
              (V{h.to(1, 2, floor_request_status{fri1(1, 1, rs::granted)}), h.to(2, 0, busy),
                 h.to(3, 0, busy)}));
}

TEST(ServerLimits, MaxRequestsPerUserTwoAllowsTwoOngoing)
{
    auto f = queue_floor(1);
    f.max_requests_per_user = 2;
    server_harness h{{f}};
    h.join(1);
    EXPECT_EQ(sends(h.send(1, 1, make_request({1}))),
              (V{h.to(1, 1, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(sends(h.send(1, 2, make_request({1}))),
              (V{h.to(1, 2, floor_request_status{fri1(2, 1, rs::pending, 1)})}));
    EXPECT_EQ(std::get<error_reply>(sends(h.send(1, 3, make_request({1})))[0].msg.payload).code,
              error_code::max_floor_requests_reached);
}

TEST(ServerChairBusy, AcceptedOnABusyFloorWaitsAcceptedInTheQueue)
{
    auto f = queue_floor(1);
    f.kind = policy::chair;
    f.fallback = chair_fallback::accept;
    f.chairs = {user_id{1}};
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    h.join(3);
    chair_action grant;
    grant.info.id = floor_request_id{1};
    grant.info.floors.push_back({floor_id{1}, request_status_value{rs::granted, 0}, {}});
    (void)h.send(2, 1, make_request({1}));
    (void)h.send(1, 2, grant);
    (void)h.send(3, 3, make_request({1}));
    chair_action accept;
    accept.info.id = floor_request_id{2};
    accept.info.floors.push_back({floor_id{1}, request_status_value{rs::accepted, 0}, {}});
    EXPECT_EQ(sends(h.send(1, 4, accept)),
              (V{h.to(1, 4, chair_action_ack{}),
                 h.to(3, 0, floor_request_status{fri1(2, 1, rs::accepted, 1)})}));
}

TEST(ServerRemoval, UnknownConferenceOrParticipantRemovesNothing)
{
    server_harness h{{queue_floor(1)}};
    h.join(1);
    EXPECT_TRUE(h.core.remove_conference(conference_id{99}).empty());
    EXPECT_TRUE(h.core.remove_participant(server_harness::conf, user_id{9}).empty());
    EXPECT_TRUE(h.core.remove_participant(conference_id{99}, user_id{1}).empty());
    EXPECT_EQ(h.core.stats().participants, 1u);
}

} // namespace
} // namespace floorctl::test
