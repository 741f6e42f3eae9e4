// FloorRequest / FloorRelease / queries under the queue and preempt policies: exact messages out.
#include "support/server_harness.hpp"

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using rs = request_status;
using V = std::vector<sent>;

class ServerQueueTest : public ::testing::Test {
protected:
    ServerQueueTest() : h_{{queue_floor(1), queue_floor(2)}}
    {
        h_.join(1, "Alice", "sip:alice@example.com");
        h_.join(2, "Bob");
        h_.join(3);
    }
    server_harness h_;
};

TEST_F(ServerQueueTest, FirstRequestIsGrantedSecondIsQueued)
{
    EXPECT_EQ(sends(h_.send(1, 10, make_request({1}))),
              (V{h_.to(1, 10, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(sends(h_.send(2, 11, make_request({1}))),
              (V{h_.to(2, 11, floor_request_status{fri1(2, 1, rs::pending, 1)})}));
}

TEST_F(ServerQueueTest, ReleaseByHolderIsReleasedAndPromotesTheNextInLine)
{
    (void)h_.send(1, 10, make_request({1}));
    (void)h_.send(2, 11, make_request({1}));
    EXPECT_EQ(sends(h_.send(1, 12, floor_release{floor_request_id{1}})),
              (V{h_.to(1, 12, floor_request_status{fri1(1, 1, rs::released)}),
                 h_.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
    // Request 1 is gone: releasing it again is Error 7.
    EXPECT_EQ(sends(h_.send(1, 13, floor_release{floor_request_id{1}})),
              (V{h_.to(1, 13,
                       make_error(error_code::floor_request_id_does_not_exist,
                                  "floor request 1 does not exist in conference 7"))}));
}

TEST_F(ServerQueueTest, ReleaseBeforeGrantIsCancelledAndRenumbersTheQueue)
{
    (void)h_.send(1, 10, make_request({1}));
    (void)h_.send(2, 11, make_request({1}));
    (void)h_.send(3, 12, make_request({1}));
    EXPECT_EQ(sends(h_.send(2, 13, floor_release{floor_request_id{2}})),
              (V{h_.to(2, 13, floor_request_status{fri1(2, 1, rs::cancelled)}),
                 h_.to(3, 0, floor_request_status{fri1(3, 1, rs::pending, 1)})}));
}

TEST_F(ServerQueueTest, HigherPriorityOvertakesTheQueueAndTheOvertakenIsTold)
{
    (void)h_.send(1, 10, make_request({1}));
    (void)h_.send(2, 11, make_request({1}));
    auto req = make_request({1});
    req.prio = priority::high;
    auto expected = fri1(3, 1, rs::pending, 1);
    expected.prio = priority::high;
    EXPECT_EQ(sends(h_.send(3, 12, req)),
              (V{h_.to(3, 12, floor_request_status{expected}),
                 h_.to(2, 0, floor_request_status{fri1(2, 1, rs::pending, 2)})}));
}

TEST_F(ServerQueueTest, ParticipantProvidedInfoAndPriorityAreEchoed)
{
    auto req = make_request({1});
    req.prio = priority::low;
    req.participant_info = "slides for Q3";
    auto expected = fri1(1, 1, rs::granted);
    expected.prio = priority::low;
    expected.participant_info = "slides for Q3";
    EXPECT_EQ(sends(h_.send(1, 10, req)), (V{h_.to(1, 10, floor_request_status{expected})}));
}

TEST_F(ServerQueueTest, SeveralFloorsInOneRequestEachProgressOnItsOwn)
{
    (void)h_.send(2, 9, make_request({2})); // Bob holds floor 2
    EXPECT_EQ(sends(h_.send(1, 10, make_request({1, 2}))),
              (V{h_.to(1, 10,
                       floor_request_status{
                           fri(2, rs::pending, 0, {fl{1, rs::granted}, fl{2, rs::pending, 1}})})}));
    // Bob lets go of floor 2: Alice's request is granted on both floors.
    EXPECT_EQ(sends(h_.send(2, 11, floor_release{floor_request_id{1}})),
              (V{h_.to(2, 11, floor_request_status{fri1(1, 2, rs::released)}),
                 h_.to(1, 0,
                       floor_request_status{
                           fri(2, rs::granted, 0, {fl{1, rs::granted}, fl{2, rs::granted}})})}));
}

// stats().grants feeds floorctl_grants_total: one per request that becomes Granted as a whole,
// whether at once or from the queue; a request granted on one of its two floors is not yet.
TEST_F(ServerQueueTest, GrantsCountRequestsThatBecomeGrantedOnAllTheirFloors)
{
    EXPECT_EQ(h_.core.stats().grants, 0u);
    (void)h_.send(1, 10, make_request({1}));    // granted at once
    (void)h_.send(2, 11, make_request({1}));    // queued
    (void)h_.send(3, 12, make_request({1, 2})); // floor 2 granted, floor 1 queued
    EXPECT_EQ(h_.core.stats().grants, 1u);
    (void)h_.send(1, 13, floor_release{floor_request_id{1}}); // Bob's request is granted
    EXPECT_EQ(h_.core.stats().grants, 2u);
    (void)h_.send(2, 14, floor_release{floor_request_id{2}}); // request 3 now holds both floors
    EXPECT_EQ(h_.core.stats().grants, 3u);
}

TEST_F(ServerQueueTest, UnknownFloorIsError6)
{
    EXPECT_EQ(sends(h_.send(1, 10, make_request({1, 9}))),
              (V{h_.to(1, 10,
                       make_error(error_code::invalid_floor_id,
                                  "floor 9 does not exist in conference 7"))}));
}

TEST_F(ServerQueueTest, SecondOngoingRequestForTheSameFloorIsError8)
{
    (void)h_.send(1, 10, make_request({1}));
    EXPECT_EQ(sends(h_.send(1, 11, make_request({1}))),
              (V{h_.to(1, 11,
                       make_error(error_code::max_floor_requests_reached,
                                  "user 1 already has 1 ongoing request(s) for floor 1 (limit "
                                  "1)"))}));
}

TEST_F(ServerQueueTest, OnlyRequesterBeneficiaryOrChairMayRelease)
{
    (void)h_.send(1, 10, make_request({1}));
    EXPECT_EQ(sends(h_.send(2, 11, floor_release{floor_request_id{1}})),
              (V{h_.to(2, 11,
                       make_error(error_code::unauthorized_operation,
                                  "only the requester, the beneficiary or a chair may release "
                                  "floor request 1"))}));
}

TEST_F(ServerQueueTest, ThirdPartyRequestFromNonChairIsError5)
{
    auto req = make_request({1});
    req.beneficiary = user_id{2};
    EXPECT_EQ(sends(h_.send(1, 10, req)),
              (V{h_.to(1, 10,
                       make_error(error_code::unauthorized_operation,
                                  "only a chair of floor 1 may request it on behalf of user 2"))}));
}

TEST_F(ServerQueueTest, FloorRequestQueryMakesTheQuerierFollowTheRequest)
{
    (void)h_.send(1, 10, make_request({1}));
    EXPECT_EQ(sends(h_.send(3, 11, floor_request_query{floor_request_id{1}})),
              (V{h_.to(3, 11, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(sends(h_.send(1, 12, floor_release{floor_request_id{1}})),
              (V{h_.to(1, 12, floor_request_status{fri1(1, 1, rs::released)}),
                 h_.to(3, 0, floor_request_status{fri1(1, 1, rs::released)})}));
}

TEST_F(ServerQueueTest, FloorRequestQueryForUnknownIdIsError7)
{
    EXPECT_EQ(sends(h_.send(3, 11, floor_request_query{floor_request_id{42}})),
              (V{h_.to(3, 11,
                       make_error(error_code::floor_request_id_does_not_exist,
                                  "floor request 42 does not exist in conference 7"))}));
}

TEST_F(ServerQueueTest, UserQueryWithoutBeneficiaryListsTheSendersRequests)
{
    (void)h_.send(1, 10, make_request({1}));
    (void)h_.send(1, 11, make_request({2}));
    user_status expected;
    expected.requests = {fri1(1, 1, rs::granted), fri1(2, 2, rs::granted)};
    EXPECT_EQ(sends(h_.send(1, 12, user_query{})), (V{h_.to(1, 12, expected)}));
}

TEST_F(ServerQueueTest, UserQueryWithBeneficiaryAddsBeneficiaryInformation)
{
    (void)h_.send(1, 10, make_request({1}));
    user_status expected;
    expected.beneficiary = user_information{user_id{1}, "Alice", "sip:alice@example.com"};
    expected.requests = {fri1(1, 1, rs::granted)};
    EXPECT_EQ(sends(h_.send(2, 12, user_query{user_id{1}})), (V{h_.to(2, 12, expected)}));
    EXPECT_EQ(sends(h_.send(2, 13, user_query{user_id{99}})),
              (V{h_.to(2, 13,
                       make_error(error_code::user_does_not_exist,
                                  "user 99 is not a participant of conference 7"))}));
}

TEST_F(ServerQueueTest, FloorQuerySubscribesAndEveryChangeIsPushedAsFloorStatus)
{
    floor_query q;
    q.floors = {floor_id{1}};
    floor_status empty;
    empty.floor = floor_id{1};
    EXPECT_EQ(sends(h_.send(3, 20, q)), (V{h_.to(3, 20, empty)}));

    floor_status busy;
    busy.floor = floor_id{1};
    busy.requests = {fri1(1, 1, rs::granted)};
    // A subscriber is told who holds the floor: the entry names its beneficiary.
    busy.requests[0].beneficiary = user_information{user_id{1}, "Alice", "sip:alice@example.com"};
    EXPECT_EQ(sends(h_.send(1, 21, make_request({1}))),
              (V{h_.to(1, 21, floor_request_status{fri1(1, 1, rs::granted)}), h_.to(3, 0, busy)}));
    // A change on another floor is not pushed.
    EXPECT_EQ(sends(h_.send(2, 22, make_request({2}))),
              (V{h_.to(2, 22, floor_request_status{fri1(2, 2, rs::granted)})}));
}

TEST_F(ServerQueueTest, EmptyFloorQueryCancelsTheSubscription)
{
    floor_query q;
    q.floors = {floor_id{1}};
    (void)h_.send(3, 20, q);
    EXPECT_EQ(sends(h_.send(3, 21, floor_query{})), (V{h_.to(3, 21, floor_status{})}));
    EXPECT_EQ(sends(h_.send(1, 22, make_request({1}))),
              (V{h_.to(1, 22, floor_request_status{fri1(1, 1, rs::granted)})}));
}

TEST_F(ServerQueueTest, FloorQueryForSeveralFloorsAnswersOneFloorStatusEach)
{
    floor_query q;
    q.floors = {floor_id{1}, floor_id{2}};
    floor_status s1, s2;
    s1.floor = floor_id{1};
    s2.floor = floor_id{2};
    EXPECT_EQ(sends(h_.send(3, 20, q)), (V{h_.to(3, 20, s1), h_.to(3, 0, s2)}));
    q.floors = {floor_id{3}};
    EXPECT_EQ(sends(h_.send(3, 21, q)),
              (V{h_.to(3, 21,
                       make_error(error_code::invalid_floor_id,
                                  "floor 3 does not exist in conference 7"))}));
}

TEST_F(ServerQueueTest, HelloAckListsExactlyWhatIsImplementedAndPushesNothing)
{
    hello_ack ack;
    ack.supported_primitives = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17};
    ack.supported_attributes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    EXPECT_EQ(sends(h_.send(1, 5, hello{})), (V{h_.to(1, 5, ack)}));
}

TEST_F(ServerQueueTest, RepliesUseTheVersionThePeerUsed)
{
    auto const out = h_.frame(1, make(server_harness::conf, user_id{1}, 5, hello{}, 2));
    ASSERT_EQ(sends(out).size(), 1u);
    EXPECT_EQ(sends(out)[0].msg.header.version, 2);
    EXPECT_EQ(sends(out)[0].msg.header.transaction, transaction_id{5});
}

TEST_F(ServerQueueTest, AcksAndVendorPrimitivesAreAcceptedQuietly)
{
    EXPECT_TRUE(h_.send(1, 5, floor_request_status_ack{}).empty());
    EXPECT_TRUE(h_.send(1, 6, floor_status_ack{}).empty());
    EXPECT_TRUE(h_.send(1, 7, vendor_message{91}).empty());
    EXPECT_TRUE(h_.send(1, 8, vendor_message{18}).empty());
    EXPECT_TRUE(h_.send(1, 9, goodbye_ack{}).empty());
    EXPECT_TRUE(h_.send(1, 10, make_error(error_code::generic_error, "x")).empty());
}

TEST_F(ServerQueueTest, ServerOnlyPrimitiveFromAClientIsError3)
{
    EXPECT_EQ(sends(h_.send(1, 5, chair_action_ack{})),
              (V{h_.to(1, 5,
                       make_error(error_code::unknown_primitive,
                                  "ChairActionAck is sent by a floor control server, not to "
                                  "it"))}));
}

TEST(ServerMaxHolders, TwoHoldersThenTheQueue)
{
    server_harness h{{queue_floor(1, 2)}};
    h.join(1);
    h.join(2);
    h.join(3);
    EXPECT_EQ(sends(h.send(1, 1, make_request({1}))),
              (V{h.to(1, 1, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(sends(h.send(2, 1, make_request({1}))),
              (V{h.to(2, 1, floor_request_status{fri1(2, 1, rs::granted)})}));
    EXPECT_EQ(sends(h.send(3, 1, make_request({1}))),
              (V{h.to(3, 1, floor_request_status{fri1(3, 1, rs::pending, 1)})}));
}

TEST(ServerPreempt, ANewPresenterTakesTheFloorAndTheHolderIsRevoked)
{
    auto f = queue_floor(1);
    f.kind = policy::preempt;
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    (void)h.send(1, 1, make_request({1}));
    EXPECT_EQ(sends(h.send(2, 2, make_request({1}))),
              (V{h.to(2, 2, floor_request_status{fri1(2, 1, rs::granted)}),
                 h.to(1, 0,
                      floor_request_status{fri1(1, 1, rs::revoked, 0,
                                                "revoked: request 2 of user 2 took the floor")})}));
}

TEST(ServerPreempt, ALowerPriorityRequestWaitsInsteadOfPreempting)
{
    auto f = queue_floor(1);
    f.kind = policy::preempt;
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    auto high = make_request({1});
    high.prio = priority::high;
    (void)h.send(1, 1, high);
    auto low = make_request({1});
    low.prio = priority::low;
    auto expected = fri1(2, 1, rs::pending, 1);
    expected.prio = priority::low;
    EXPECT_EQ(sends(h.send(2, 2, low)), (V{h.to(2, 2, floor_request_status{expected})}));
}

TEST(ServerSendAccepted, ImmediateGrantGoesPendingAcceptedGranted)
{
    auto f = queue_floor(1);
    f.send_accepted = true;
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    EXPECT_EQ(sends(h.send(1, 4, make_request({1}))),
              (V{h.to(1, 4, floor_request_status{fri1(1, 1, rs::pending)}),
                 h.to(1, 0, floor_request_status{fri1(1, 1, rs::accepted)}),
                 h.to(1, 0, floor_request_status{fri1(1, 1, rs::granted)})}));
    EXPECT_EQ(sends(h.send(2, 5, make_request({1}))),
              (V{h.to(2, 5, floor_request_status{fri1(2, 1, rs::pending, 1)}),
                 h.to(2, 0, floor_request_status{fri1(2, 1, rs::accepted, 1)})}));
    EXPECT_EQ(sends(h.send(1, 6, floor_release{floor_request_id{1}})),
              (V{h.to(1, 6, floor_request_status{fri1(1, 1, rs::released)}),
                 h.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
}

TEST(ServerHoldTime, HolderIsRevokedWhenMaxHoldTimeIsExceeded)
{
    auto f = queue_floor(1);
    f.max_hold_time = std::chrono::seconds{60};
    server_harness h{{f}};
    h.join(1);
    h.join(2);
    auto const out = h.send(1, 1, make_request({1}));
    auto const timers = starts(out);
    ASSERT_EQ(timers.size(), 1u);
    EXPECT_EQ(timers[0].after, std::chrono::seconds{60});
    (void)h.send(2, 2, make_request({1}));
    auto const fired = h.fire(timers[0].id);
    EXPECT_EQ(
        sends(fired),
        (V{h.to(1, 0,
                floor_request_status{fri1(1, 1, rs::revoked, 0, "maximum hold time exceeded")}),
           h.to(2, 0, floor_request_status{fri1(2, 1, rs::granted)})}));
    ASSERT_EQ(starts(fired).size(), 1u); // Bob's own hold timer
    // A stale timer (already fired) does nothing.
    EXPECT_TRUE(h.fire(timers[0].id).empty());
}

TEST(ServerHoldTime, ReleaseCancelsTheHoldTimer)
{
    auto f = queue_floor(1);
    f.max_hold_time = std::chrono::seconds{60};
    server_harness h{{f}};
    h.join(1);
    auto const timers = starts(h.send(1, 1, make_request({1})));
    ASSERT_EQ(timers.size(), 1u);
    EXPECT_EQ(cancels(h.send(1, 2, floor_release{floor_request_id{1}})),
              (std::vector<timer_id>{timers[0].id}));
}

} // namespace
} // namespace floorctl::test
