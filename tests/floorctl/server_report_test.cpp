// What the core reports for observers (server_options::report_changes): floor changes at the end
// of the operation with the queue it left, queue changes, participants coming and going — and
// nothing at all when reporting is off.
#include "support/server_harness.hpp"

#include <floorctl/to_string.hpp>

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

using rs = request_status;
using ck = change_kind;

server_options reporting()
{
    server_options o;
    o.report_changes = true;
    return o;
}

std::vector<report_change> reports(std::vector<action> const& actions)
{
    std::vector<report_change> out;
    for (auto const& a : actions) {
        if (auto const* r = std::get_if<report_change>(&a)) out.push_back(*r);
    }
    return out;
}

floor_config labelled(std::uint16_t id, std::string label)
{
    auto f = queue_floor(id);
    f.label = std::move(label);
    return f;
}

report_change floor_change(ck kind, std::uint16_t user, std::string name, std::uint16_t request,
                           std::vector<queued_request> queue = {})
{
    report_change r;
    r.kind = kind;
    r.conference = server_harness::conf;
    r.floor = floor_id{1};
    r.floor_label = "slides";
    r.user = user_id{user};
    r.display_name = std::move(name);
    r.request = floor_request_id{request};
    r.queue = std::move(queue);
    return r;
}

report_change queue_change(std::vector<queued_request> queue)
{
    return floor_change(ck::queue_changed, 0, "", 0, std::move(queue));
}

report_change participant_change(ck kind, std::uint16_t user, std::string name)
{
    report_change r;
    r.kind = kind;
    r.conference = server_harness::conf;
    r.user = user_id{user};
    r.display_name = std::move(name);
    return r;
}

queued_request waiting(std::uint16_t request, std::uint16_t user, std::string name)
{
    return {floor_request_id{request}, user_id{user}, std::move(name)};
}

TEST(ServerReport, NothingIsReportedByDefault)
{
    server_harness h{{labelled(1, "slides")}};
    h.join(1, "Alice");
    h.join(2, "Bob");
    EXPECT_TRUE(reports(h.send(1, 10, make_request({1}))).empty());
    EXPECT_TRUE(reports(h.send(2, 11, make_request({1}))).empty());
    EXPECT_TRUE(reports(h.send(1, 12, floor_release{floor_request_id{1}})).empty());
    EXPECT_TRUE(reports(h.close(2)).empty());
}

TEST(ServerReport, GrantQueueAndReleaseAreReportedWithTheQueueTheyLeft)
{
    server_harness h{{labelled(1, "slides")}, false, {}, reporting()};
    h.join(1, "Alice");
    h.join(2, "Bob");
    h.join(3, "Carol");
    EXPECT_EQ(reports(h.send(1, 10, make_request({1}))),
              (std::vector{floor_change(ck::floor_granted, 1, "Alice", 1)}));
    EXPECT_EQ(reports(h.send(2, 11, make_request({1}))),
              (std::vector{queue_change({waiting(2, 2, "Bob")})}));
    EXPECT_EQ(reports(h.send(3, 12, make_request({1}))),
              (std::vector{queue_change({waiting(2, 2, "Bob"), waiting(3, 3, "Carol")})}));
    // Released, the next in line granted: both changes, then the queue once.
    EXPECT_EQ(
        reports(h.send(1, 13, floor_release{floor_request_id{1}})),
        (std::vector{floor_change(ck::floor_released, 1, "Alice", 1, {waiting(3, 3, "Carol")}),
                     floor_change(ck::floor_granted, 2, "Bob", 2, {waiting(3, 3, "Carol")}),
                     queue_change({waiting(3, 3, "Carol")})}));
    // A queued request that is cancelled changes only the queue.
    EXPECT_EQ(reports(h.send(3, 14, floor_release{floor_request_id{3}})),
              (std::vector{queue_change({})}));
    // A query changes nothing.
    EXPECT_TRUE(reports(h.send(3, 15, floor_query{{floor_id{1}}})).empty());
}

TEST(ServerReport, HoldTimeRevocationIsReportedAsRevoked)
{
    auto f = labelled(1, "slides");
    f.max_hold_time = std::chrono::seconds{5};
    server_harness h{{f}, false, {}, reporting()};
    h.join(1, "Alice");
    auto const granted = h.send(1, 10, make_request({1}));
    auto const hold = starts(granted);
    ASSERT_EQ(hold.size(), 1u);
    EXPECT_EQ(reports(h.fire(hold[0].id)),
              (std::vector{floor_change(ck::floor_revoked, 1, "Alice", 1)}));
}

TEST(ServerReport, ParticipantsJoinAndLeaveWithTheirConnection)
{
    server_harness h{{labelled(1, "slides")}, false, {}, reporting()};
    participant_info p;
    p.id = user_id{1};
    p.display_name = "Alice";
    std::vector<action> added;
    ASSERT_TRUE(h.core.add_participant(server_harness::conf, p, added));
    EXPECT_TRUE(added.empty()) << "no connection yet: nobody joined";
    EXPECT_EQ(reports(h.bind(1, 1)),
              (std::vector{participant_change(ck::participant_joined, 1, "Alice")}));
    // A newer connection replaces the old one: the participant never left.
    EXPECT_TRUE(reports(h.bind(101, 1)).empty());
    EXPECT_TRUE(reports(h.close(1)).empty());
    (void)h.send(1, 10, make_request({1})); // on connection 1: refused, changes nothing
    EXPECT_EQ(reports(h.frame(101, make(server_harness::conf, user_id{1}, 11, make_request({1})))),
              (std::vector{floor_change(ck::floor_granted, 1, "Alice", 1)}));
    // Leaving: the participant first, then what it held.
    EXPECT_EQ(reports(h.close(101)),
              (std::vector{participant_change(ck::participant_left, 1, "Alice"),
                           floor_change(ck::floor_released, 1, "Alice", 1)}));
}

TEST(ServerReport, AConnectionBoundBeforeItsParticipantJoinsWhenTheParticipantIsAdded)
{
    server_harness h{{labelled(1, "slides")}, false, {}, reporting()};
    EXPECT_TRUE(reports(h.bind(4, 4)).empty()) << "user 4 is not a participant yet";
    participant_info p;
    p.id = user_id{4};
    p.display_name = "Dana";
    std::vector<action> added;
    ASSERT_TRUE(h.core.add_participant(server_harness::conf, p, added));
    EXPECT_EQ(reports(added), (std::vector{participant_change(ck::participant_joined, 4, "Dana")}));
    // Already joined: the same connection bound again, or a newer one, is no second join.
    EXPECT_TRUE(reports(h.bind(4, 4)).empty());
    EXPECT_TRUE(reports(h.bind(40, 4)).empty());
    EXPECT_EQ(reports(h.close(40)),
              (std::vector{participant_change(ck::participant_left, 4, "Dana")}));
}

TEST(ServerReport, AClaimIsNotReportedWithoutReportChanges)
{
    server_harness h{{labelled(1, "slides")}};
    (void)h.bind(4, 4);
    participant_info p;
    p.id = user_id{4};
    std::vector<action> added;
    ASSERT_TRUE(h.core.add_participant(server_harness::conf, p, added));
    EXPECT_TRUE(added.empty());
}

TEST(ServerReport, ReportsAreTurnedOnAndOffPerConference)
{
    server_harness h{{labelled(1, "slides")}};
    h.join(1, "Alice");
    EXPECT_TRUE(reports(h.send(1, 10, make_request({1}))).empty()) << "off by default";
    h.core.report_changes(server_harness::conf, true);
    h.core.report_changes(conference_id{99}, true); // unknown: nothing
    EXPECT_EQ(reports(h.send(1, 11, floor_release{floor_request_id{1}})),
              (std::vector{floor_change(ck::floor_released, 1, "Alice", 1)}));
    h.join(2, "Bob");
    EXPECT_EQ(reports(h.send(2, 12, make_request({1}))),
              (std::vector{floor_change(ck::floor_granted, 2, "Bob", 2)}));
    h.core.report_changes(server_harness::conf, false);
    EXPECT_TRUE(reports(h.send(2, 13, floor_release{floor_request_id{2}})).empty());
    EXPECT_TRUE(reports(h.close(2)).empty());
}

TEST(ServerReport, GoodbyeAndRemovalAreLeaving)
{
    server_harness h{{labelled(1, "slides")}, false, {}, reporting()};
    h.join(1, "Alice");
    h.join(2, "Bob");
    EXPECT_EQ(reports(h.send(1, 10, goodbye{})),
              (std::vector{participant_change(ck::participant_left, 1, "Alice")}));
    EXPECT_EQ(reports(h.core.remove_participant(server_harness::conf, user_id{2})),
              (std::vector{participant_change(ck::participant_left, 2, "Bob")}));
}

TEST(ServerReport, ChangeKindsHaveTheirEventNames)
{
    EXPECT_EQ(to_string(ck::floor_granted), "floor_granted");
    EXPECT_EQ(to_string(ck::floor_released), "floor_released");
    EXPECT_EQ(to_string(ck::floor_revoked), "floor_revoked");
    EXPECT_EQ(to_string(ck::queue_changed), "queue_changed");
    EXPECT_EQ(to_string(ck::participant_joined), "participant_joined");
    EXPECT_EQ(to_string(ck::participant_left), "participant_left");
}

} // namespace
} // namespace floorctl::test
