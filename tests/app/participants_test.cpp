#include "participants.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace floorctl;
using namespace floorctl::app;
using namespace std::chrono_literals;

namespace {
clock::time_point const t0{std::chrono::hours{1}};
}

TEST(TokenTest, TokensHave128RandomBitsAsHex)
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto const t = make_token();
        ASSERT_TRUE(t);
        ASSERT_EQ(t->size(), 32u);
        EXPECT_EQ(t->find_first_not_of("0123456789abcdef"), std::string::npos);
        EXPECT_TRUE(seen.insert(*t).second) << "duplicate token";
    }
}

TEST(TokenStoreTest, IssuedTokenIsValidAndBound)
{
    token_store s(5min);
    auto const t = s.issue(conference_id{4}, user_id{9}, t0);
    ASSERT_TRUE(t);
    auto const c = s.check(*t, t0 + 1s);
    EXPECT_EQ(c.status, token_status::valid);
    EXPECT_EQ(c.binding, (token_binding{conference_id{4}, user_id{9}}));
}

TEST(TokenStoreTest, UnknownTokenIsUnknown)
{
    token_store s(5min);
    EXPECT_EQ(s.check("nope", t0).status, token_status::unknown);
    EXPECT_EQ(s.use("", t0).status, token_status::unknown);
}

TEST(TokenStoreTest, UnusedTokenExpiresAfterItsLifetime)
{
    token_store s(5min);
    auto const t = *s.issue(conference_id{1}, user_id{1}, t0);
    EXPECT_EQ(s.check(t, t0 + 5min - 1ms).status, token_status::valid);
    EXPECT_EQ(s.check(t, t0 + 5min).status, token_status::expired);
    EXPECT_EQ(s.use(t, t0 + 6min).status, token_status::expired);
}

TEST(TokenStoreTest, UsedTokenDoesNotExpireSoTheParticipantCanReconnect)
{
    token_store s(5min);
    auto const t = *s.issue(conference_id{1}, user_id{1}, t0);
    EXPECT_EQ(s.use(t, t0 + 1min).status, token_status::valid);
    EXPECT_EQ(s.use(t, t0 + 1h).status, token_status::valid);
}

TEST(TokenStoreTest, RevokedTokensAreRefused)
{
    token_store s(5min);
    auto const a = *s.issue(conference_id{1}, user_id{1}, t0);
    auto const b = *s.issue(conference_id{1}, user_id{2}, t0);
    auto const c = *s.issue(conference_id{2}, user_id{1}, t0);
    auto const d = *s.issue(conference_id{1}, user_id{1}, t0);
    EXPECT_TRUE(s.revoke(b));
    EXPECT_FALSE(s.revoke("nope"));
    EXPECT_EQ(s.check(b, t0).status, token_status::revoked);
    EXPECT_EQ(s.revoke_user(conference_id{1}, user_id{1}), 2u);
    EXPECT_EQ(s.check(a, t0).status, token_status::revoked);
    EXPECT_EQ(s.check(d, t0).status, token_status::revoked);
    EXPECT_EQ(s.check(c, t0).status, token_status::valid);
    EXPECT_EQ(s.revoke_conference(conference_id{2}), 1u);
    EXPECT_EQ(s.use(c, t0).status, token_status::revoked);
}

TEST(TokenStoreTest, PurgeForgetsLongEndedTokensOnly)
{
    // revoke() stamps clock::now(), so this test lives on the real clock's timeline.
    auto const start = clock::now();
    token_store s(1min);
    auto const used = *s.issue(conference_id{1}, user_id{1}, start);
    (void)s.use(used, start);
    auto const unused = *s.issue(conference_id{1}, user_id{2}, start);
    auto const revoked = *s.issue(conference_id{1}, user_id{3}, start);
    s.revoke(revoked);
    s.purge(start + 30s); // nothing ended long enough ago yet
    EXPECT_EQ(s.size(), 3u);
    s.purge(start + 10min);
    EXPECT_EQ(s.check(used, start).status, token_status::valid);
    EXPECT_EQ(s.check(unused, start).status, token_status::unknown);
    EXPECT_EQ(s.check(revoked, start).status, token_status::unknown);
}

TEST(TokenStoreTest, ConcurrentIssueAndCheckAreSafe)
{
    token_store s(5min);
    std::vector<std::thread> threads;
    std::atomic<int> valid{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            for (int n = 0; n < 200; ++n) {
                auto const t =
                    s.issue(conference_id{1}, user_id{static_cast<std::uint16_t>(i)}, t0);
                if (t && s.use(*t, t0).status == token_status::valid) ++valid;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(valid.load(), 800);
}
