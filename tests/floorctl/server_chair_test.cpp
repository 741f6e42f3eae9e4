// The chair policy and ChairAction (RFC 8855 §13.4): exact messages out on a fixed clock.
#include "support/server_harness.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using rs = request_status;
using V = std::vector<sent>;

floor_config chair_floor(chair_fallback fb = chair_fallback::accept)
{
    auto f = queue_floor(1);
    f.kind = policy::chair;
    f.chairs = {user_id{1}};
    f.chair_timeout = std::chrono::seconds{20};
    f.fallback = fb;
    return f;
}

chair_action decide(std::uint16_t request, std::uint16_t floor, rs status, std::uint8_t pos = 0)
{
    chair_action a;
    a.info.id = floor_request_id{request};
    floor_request_status_group g;
    g.floor = floor_id{floor};
    g.status = request_status_value{status, pos};
    a.info.floors.push_back(g);
    return a;
}

class ServerChairTest : public ::testing::Test {
protected:
    ServerChairTest() : h_{{chair_floor(), queue_floor(2)}}
    {
        h_.join(1, "Chair");
        h_.join(2, "Alice");
        h_.join(3, "Bob");
    }
    server_harness h_;
};

TEST_F(ServerChairTest, RequestWaitsPendingForTheChairWithATimeout)
{
    auto const out = h_.send(2, 10, make_request({1}));
    EXPECT_EQ(sends(out), (V{h_.to(2, 10, floor_request_status{fri1(1, 1, rs::pending, 1)})}));
    ASSERT_EQ(starts(out).size(), 1u);
    EXPECT_EQ(starts(out)[0].after, std::chrono::seconds{20});
}

TEST_F(ServerChairTest, ChairAcceptsThenTheFreeFloorIsGranted)
{
    auto const timer = starts(h_.send(2, 10, make_request({1})))[0].id;
    auto const out = h_.send(1, 11, decide(1, 1, rs::accepted));
    EXPECT_EQ(sends(out), (V{h_.to(1, 11, chair_action_ack{}),
                             h_.to(2, 0, floor_request_status{fri1(1, 1, rs::accepted, 1)}),
                             h_.to(2, 0, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(cancels(out), (std::vector<timer_id>{timer}));
}

TEST_F(ServerChairTest, ChairDeniesAndCanAttachStatusInfo)
{
    (void)h_.send(2, 10, make_request({1}));
    auto a = decide(1, 1, rs::denied);
    a.info.floors[0].status_info = "not now";
    EXPECT_EQ(sends(h_.send(1, 11, a)),
              (V{h_.to(1, 11, chair_action_ack{}),
                 h_.to(2, 0, floor_request_status{fri1(1, 1, rs::denied, 0, "not now")})}));
    // The request is finished: it no longer exists.
    EXPECT_EQ(sends(h_.send(2, 12, floor_request_query{floor_request_id{1}}))[0].msg.header.prim,
              to_underlying(primitive::error));
}

TEST_F(ServerChairTest, ChairGrantsDirectlyAndRevokesLater)
{
    (void)h_.send(2, 10, make_request({1}));
    EXPECT_EQ(sends(h_.send(1, 11, decide(1, 1, rs::granted))),
              (V{h_.to(1, 11, chair_action_ack{}),
                 h_.to(2, 0, floor_request_status{fri1(1, 1, rs::granted)})}));
    (void)h_.send(3, 12, make_request({1}));
    (void)h_.send(1, 13, decide(2, 1, rs::accepted)); // Bob accepted, waits
    EXPECT_EQ(sends(h_.send(1, 14, decide(1, 1, rs::revoked))),
              (V{h_.to(1, 14, chair_action_ack{}),
                 h_.to(2, 0, floor_request_status{fri1(1, 1, rs::revoked)}),
                 h_.to(3, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
}

TEST_F(ServerChairTest, ChairSetsTheQueuePositionWhenAccepting)
{
    (void)h_.send(2, 10, make_request({1}));
    (void)h_.send(1, 11, decide(1, 1, rs::granted)); // Alice holds
    (void)h_.send(3, 12, make_request({1}));         // Bob: position 1
    h_.join(4, "Carol");
    (void)h_.send(4, 13, make_request({1})); // Carol: position 2
    EXPECT_EQ(sends(h_.send(1, 14, decide(3, 1, rs::accepted, 1))),
              (V{h_.to(1, 14, chair_action_ack{}),
                 h_.to(4, 0, floor_request_status{fri1(3, 1, rs::accepted, 1)}),
                 h_.to(3, 0, floor_request_status{fri1(2, 1, rs::pending, 2)})}));
}

TEST_F(ServerChairTest, OnlyTheFloorsChairMayAct)
{
    (void)h_.send(2, 10, make_request({1}));
    EXPECT_EQ(sends(h_.send(3, 11, decide(1, 1, rs::granted))),
              (V{h_.to(3, 11,
                       make_error(error_code::unauthorized_operation,
                                  "user 3 is not a chair of floor 1"))}));
    EXPECT_EQ(sends(h_.send(1, 12, decide(9, 1, rs::granted))),
              (V{h_.to(1, 12,
                       make_error(error_code::floor_request_id_does_not_exist,
                                  "floor request 9 does not exist in conference 7"))}));
}

TEST_F(ServerChairTest, RevokingARequestThatIsNotGrantedIsRefused)
{
    (void)h_.send(2, 10, make_request({1}));
    auto const out = sends(h_.send(1, 11, decide(1, 1, rs::revoked)));
    ASSERT_EQ(out.size(), 1u);
    auto const& e = std::get<error_reply>(out[0].msg.payload);
    EXPECT_EQ(e.code, error_code::generic_error);
    EXPECT_TRUE(e.info && !e.info->empty());
}

TEST_F(ServerChairTest, ChairMayRequestOnBehalfOfAParticipant)
{
    auto req = make_request({1});
    req.beneficiary = user_id{2};
    auto expected = fri1(1, 1, rs::pending, 1);
    expected.beneficiary = user_information{user_id{2}, "Alice", std::nullopt};
    expected.requested_by = user_information{user_id{1}, "Chair", std::nullopt};
    EXPECT_EQ(sends(h_.send(1, 10, req)), (V{h_.to(1, 10, floor_request_status{expected}),
                                             h_.to(2, 0, floor_request_status{expected})}));
}

TEST_F(ServerChairTest, ChairTimeoutAppliesTheAcceptFallback)
{
    auto const timer = starts(h_.send(2, 10, make_request({1})))[0].id;
    EXPECT_EQ(sends(h_.fire(timer)),
              (V{h_.to(2, 0, floor_request_status{fri1(1, 1, rs::granted)})}));
}

TEST(ServerChairFallback, TimeoutWithDenyFallbackDenies)
{
    server_harness h{{chair_floor(chair_fallback::deny)}};
    h.join(1);
    h.join(2);
    auto const timer = starts(h.send(2, 10, make_request({1})))[0].id;
    EXPECT_EQ(sends(h.fire(timer)),
              (V{h.to(2, 0,
                      floor_request_status{fri1(1, 1, rs::denied, 0,
                                                "no chair decision within the chair timeout")})}));
}

TEST(ServerChairFallback, NoChairConnectedAppliesTheFallbackAtOnce)
{
    server_harness h{{chair_floor(chair_fallback::deny)}};
    h.join(2); // the chair (user 1) never joined
    EXPECT_EQ(
        sends(h.send(2, 10, make_request({1}))),
        (V{h.to(2, 10, floor_request_status{fri1(1, 1, rs::denied, 0, "no chair is connected")})}));

    server_harness accept{{chair_floor(chair_fallback::accept)}};
    accept.join(2);
    EXPECT_EQ(sends(accept.send(2, 10, make_request({1}))),
              (V{accept.to(2, 10, floor_request_status{fri1(1, 1, rs::granted)})}));
}

TEST(ServerChairFallback, ChairReleasesAnybodysRequest)
{
    server_harness h{{chair_floor()}};
    h.join(1);
    h.join(2);
    (void)h.send(2, 10, make_request({1}));
    (void)h.send(1, 11, decide(1, 1, rs::granted));
    EXPECT_EQ(sends(h.send(1, 12, floor_release{floor_request_id{1}})),
              (V{h.to(1, 12, floor_request_status{fri1(1, 1, rs::released)}),
                 h.to(2, 0, floor_request_status{fri1(1, 1, rs::released)})}));
}

} // namespace
} // namespace floorctl::test

namespace floorctl::test {
namespace {

TEST(ServerChairLeaves, WaitingRequestsGetTheFallbackWhenTheLastChairDisconnects)
{
    auto f = queue_floor(1);
    f.kind = policy::chair;
    f.chairs = {user_id{1}};
    f.chair_timeout = {}; // would wait forever
    f.fallback = chair_fallback::deny;
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    (void)h.send(2, 10, make_request({1}));
    EXPECT_EQ(sends(h.close(1)),
              (std::vector<sent>{h.to(2, 0,
                                      floor_request_status{fri1(1, 1, request_status::denied, 0,
                                                                "no chair is connected")})}));
    EXPECT_EQ(h.core.stats().active_requests, 0u);
}

TEST(ServerChairLeaves, AcceptFallbackGrantsWhenTheChairSaysGoodbye)
{
    auto f = queue_floor(1);
    f.kind = policy::chair;
    f.fallback = chair_fallback::accept;
    f.chairs = {user_id{1}};
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    auto const timer = starts(h.send(2, 10, make_request({1})))[0].id;
    auto const out = h.send(1, 11, goodbye{});
    EXPECT_EQ(
        sends(out),
        (std::vector<sent>{h.to(1, 11, goodbye_ack{}),
                           h.to(2, 0, floor_request_status{fri1(1, 1, request_status::granted)})}));
    EXPECT_EQ(cancels(out), (std::vector<timer_id>{timer}));
}

} // namespace
} // namespace floorctl::test
