// The conference catalog: conference and user id allocation, chair reservation, removal by
// generation, lookup by name. No sockets, no threads.

#include "conference_catalog.hpp"

#include <gtest/gtest.h>

using namespace floorctl;
using namespace floorctl::app;

namespace {

conference_settings conference(std::uint32_t id, std::string name = {})
{
    conference_settings c;
    c.id = id;
    c.name = std::move(name);
    c.floors.push_back(floor_settings{});
    return c;
}

participant_info by_uri(std::string uri)
{
    participant_info p;
    p.uri = std::move(uri);
    return p;
}

participant_info by_id(std::uint16_t id)
{
    participant_info p;
    p.id = user_id{id};
    return p;
}

constexpr participant_claim as_chair{true};

user_id allocate(conference_catalog& cat, conference_id conf, participant_info info = {},
                 participant_claim claim = {})
{
    auto r = cat.allocate_user(conf, info, claim);
    EXPECT_TRUE(std::holds_alternative<std::vector<floor_id>>(r));
    return info.id;
}

participant_failure refusal(conference_catalog& cat, conference_id conf, participant_info info,
                            participant_claim claim = {})
{
    auto r = cat.allocate_user(conf, info, claim);
    EXPECT_TRUE(std::holds_alternative<participant_failure>(r));
    return std::holds_alternative<participant_failure>(r) ? std::get<participant_failure>(r)
                                                          : participant_failure::internal;
}

} // namespace

TEST(ConferenceCatalog, PicksFreeConferenceIdsAndRefusesTakenOnes)
{
    conference_catalog cat;
    auto a = conference(0);
    auto b = conference(2);
    auto c = conference(0);
    EXPECT_EQ(cat.add(a)->id, conference_id{1});
    EXPECT_EQ(cat.add(b)->id, conference_id{2});
    EXPECT_EQ(cat.add(c)->id, conference_id{3}); // steps over the explicit 2
    auto again = conference(2);
    EXPECT_FALSE(cat.add(again).has_value());
    EXPECT_EQ(cat.size(), 3u);
}

TEST(ConferenceCatalog, RemoveWithAGenerationLeavesALaterIncarnationAlone)
{
    conference_catalog cat;
    auto first = conference(7);
    auto const old = *cat.add(first);
    EXPECT_TRUE(cat.remove(conference_id{7}));
    auto second = conference(7);
    auto const now = *cat.add(second);
    EXPECT_NE(old.generation, now.generation);
    EXPECT_FALSE(cat.remove(conference_id{7}, old.generation));
    EXPECT_TRUE(cat.contains(conference_id{7}));
    EXPECT_TRUE(cat.remove(conference_id{7}, now.generation));
    EXPECT_FALSE(cat.contains(conference_id{7}));
}

TEST(ConferenceCatalog, FindsByNameOrCanonicalDecimalId)
{
    conference_catalog cat;
    auto a = conference(5, "room");
    auto b = conference(9, "5");
    (void)cat.add(a);
    (void)cat.add(b);
    EXPECT_EQ(cat.by_name("room"), conference_id{5});
    EXPECT_EQ(cat.by_name("5"), conference_id{5}); // id 5 is lower than the conference named "5"
    EXPECT_EQ(cat.by_name("9"), conference_id{9});
    EXPECT_EQ(cat.by_name("09"), std::nullopt);
    EXPECT_EQ(cat.by_name("nope"), std::nullopt);
    cat.remove(conference_id{5});
    EXPECT_EQ(cat.by_name("room"), std::nullopt);
    EXPECT_EQ(cat.by_name("5"), conference_id{9});
}

TEST(ConferenceCatalog, FindOrAddCreatesOneConferencePerName)
{
    conference_catalog cat;
    bool created = false;
    auto const a = cat.find_or_add("team", conference(0), created);
    EXPECT_TRUE(created);
    auto const b = cat.find_or_add("team", conference(0), created);
    EXPECT_FALSE(created);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(cat.find(a.id)->name, "team");
}

TEST(ConferenceCatalog, ChairIdsGoOnlyToProvenChairClaims)
{
    conference_catalog cat;
    auto c = conference(1);
    c.chair_users = {1};
    c.chair_uris = {"sip:chair@example.com"};
    (void)cat.add(c);
    auto const conf = conference_id{1};
    // The URI alone: an ordinary id, the lowest that is not reserved.
    EXPECT_EQ(allocate(cat, conf, by_uri("sip:chair@example.com")), user_id{2});
    // A proven claim of the URI: its reserved id.
    EXPECT_EQ(allocate(cat, conf, by_uri("sip:chair@example.com"), as_chair), user_id{65535});
    EXPECT_EQ(refusal(cat, conf, by_uri("sip:chair@example.com"), as_chair),
              participant_failure::user_taken);
    // A reserved id asked for without a chair claim.
    EXPECT_EQ(refusal(cat, conf, by_id(1)), participant_failure::reserved);
    EXPECT_EQ(refusal(cat, conf, by_id(65535)), participant_failure::reserved);
    // A chair claim that names no chair.
    EXPECT_EQ(refusal(cat, conf, by_uri("sip:x@example.com"), as_chair),
              participant_failure::not_a_chair);
    EXPECT_EQ(refusal(cat, conf, by_id(9), as_chair), participant_failure::not_a_chair);
    EXPECT_EQ(allocate(cat, conf, by_id(1), as_chair), user_id{1});
    // Given back, chair ids are not put in the free set.
    EXPECT_TRUE(cat.release_user(conf, user_id{1}));
    EXPECT_EQ(allocate(cat, conf), user_id{3});
}

TEST(ConferenceCatalog, AllocatesLowestFreeIdAndStepsOverExplicitOnes)
{
    conference_catalog cat;
    auto c = conference(1);
    (void)cat.add(c);
    auto const conf = conference_id{1};
    EXPECT_EQ(allocate(cat, conf, by_id(3)), user_id{3});
    EXPECT_EQ(allocate(cat, conf), user_id{1});
    EXPECT_EQ(allocate(cat, conf), user_id{2});
    EXPECT_EQ(allocate(cat, conf), user_id{4}); // 3 was asked for explicitly
    EXPECT_EQ(refusal(cat, conf, by_id(2)), participant_failure::user_taken);
    EXPECT_TRUE(cat.release_user(conf, user_id{2}));
    EXPECT_FALSE(cat.release_user(conf, user_id{2}));
    EXPECT_FALSE(cat.has_user(conf, user_id{2}));
    EXPECT_EQ(allocate(cat, conf, by_id(2)), user_id{2}); // explicit from the free set
    EXPECT_EQ(allocate(cat, conf), user_id{5});
    EXPECT_EQ(refusal(cat, conference_id{2}, {}), participant_failure::no_such_conference);
}

TEST(ConferenceCatalog, FillsEveryUnreservedIdThenSaysFullAndRecovers)
{
    conference_catalog cat;
    auto c = conference(1);
    c.chair_uris = {"sip:a@x", "sip:b@x"}; // 65535 and 65534 reserved
    (void)cat.add(c);
    auto const conf = conference_id{1};
    for (std::uint32_t i = 1; i <= 65533; ++i) {
        participant_info info;
        ASSERT_TRUE(
            std::holds_alternative<std::vector<floor_id>>(cat.allocate_user(conf, info, {})));
        ASSERT_EQ(to_underlying(info.id), i);
    }
    EXPECT_EQ(refusal(cat, conf, {}), participant_failure::full);
    EXPECT_TRUE(cat.release_user(conf, user_id{40000}));
    EXPECT_EQ(allocate(cat, conf), user_id{40000});
    EXPECT_EQ(refusal(cat, conf, {}), participant_failure::full);
}
