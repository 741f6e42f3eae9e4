// The policy decision functions on their own (floorctl/policy.hpp).
#include <floorctl/policy.hpp>

#include <gtest/gtest.h>

namespace floorctl {
namespace {

floor_config cfg(policy kind, unsigned holders = 1, chair_fallback fb = chair_fallback::accept)
{
    floor_config f;
    f.id = floor_id{1};
    f.kind = kind;
    f.max_holders = holders;
    f.fallback = fb;
    return f;
}

TEST(PolicyAdmit, QueueGrantsWhileASlotIsFreeThenQueues)
{
    EXPECT_EQ(admit(cfg(policy::queue, 2), {0, false, false}), admission::grant);
    EXPECT_EQ(admit(cfg(policy::queue, 2), {1, true, false}), admission::grant);
    EXPECT_EQ(admit(cfg(policy::queue, 2), {2, true, false}), admission::queue);
}

TEST(PolicyAdmit, PreemptTakesTheFloorOnlyFromAHolderOfNoHigherPriority)
{
    EXPECT_EQ(admit(cfg(policy::preempt), {0, false, false}), admission::grant);
    EXPECT_EQ(admit(cfg(policy::preempt), {1, true, false}), admission::preempt);
    EXPECT_EQ(admit(cfg(policy::preempt), {1, false, false}), admission::queue);
}

TEST(PolicyAdmit, ChairWaitsForAConnectedChairElseFallsBack)
{
    EXPECT_EQ(admit(cfg(policy::chair), {0, false, true}), admission::await_chair);
    EXPECT_EQ(admit(cfg(policy::chair), {0, false, false}), admission::grant);
    EXPECT_EQ(admit(cfg(policy::chair), {1, false, false}), admission::queue);
    EXPECT_EQ(admit(cfg(policy::chair, 1, chair_fallback::deny), {0, false, false}),
              admission::deny);
}

TEST(PolicyAdmit, ChairSilenceAppliesTheFallback)
{
    EXPECT_EQ(after_chair_silence(cfg(policy::chair), {0, false, true}), admission::grant);
    EXPECT_EQ(after_chair_silence(cfg(policy::chair), {1, false, true}), admission::queue);
    EXPECT_EQ(after_chair_silence(cfg(policy::chair, 1, chair_fallback::deny), {0, false, true}),
              admission::deny);
}

TEST(PolicyAdmit, HigherPriorityQueuesFirstEqualPriorityKeepsArrivalOrder)
{
    EXPECT_TRUE(queues_before(priority::high, priority::normal));
    EXPECT_FALSE(queues_before(priority::normal, priority::normal));
    EXPECT_FALSE(queues_before(priority::lowest, priority::highest));
}

} // namespace
} // namespace floorctl
