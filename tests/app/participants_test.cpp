#include "participants.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
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
    EXPECT_EQ(c.owner, (token_owner{conference_id{4}, user_id{9}}));
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

TEST(TokenStoreTest, CountsTokensByState)
{
    token_store s(1min);
    auto const a = *s.issue(conference_id{1}, user_id{1}, t0);
    auto const b = *s.issue(conference_id{1}, user_id{2}, t0);
    (void)s.issue(conference_id{1}, user_id{3}, t0);
    EXPECT_EQ(s.counts(), (token_counts{3, 0, 0}));
    (void)s.use(a, t0);
    EXPECT_EQ(s.counts(), (token_counts{2, 1, 0}));
    s.revoke(b, t0);
    EXPECT_EQ(s.counts(), (token_counts{1, 1, 1}));
    s.purge(t0 + 1min); // the third one's lifetime is over
    EXPECT_EQ(s.counts(), (token_counts{0, 1, 2}));
    s.purge(t0 + 1min + 1ms); // b ended a lifetime ago
    EXPECT_EQ(s.counts(), (token_counts{0, 1, 1}));
    EXPECT_EQ(s.size(), 2u);
    s.purge(t0 + 2min + 1ms); // the expired one, two lifetimes after issue
    EXPECT_EQ(s.counts(), (token_counts{0, 1, 0}));
    EXPECT_EQ(s.check(a, t0 + 1h).status, token_status::valid);
}

TEST(TokenStoreTest, ExpiredTokenRevokedLaterReadsRevokedAndIsForgottenOnce)
{
    token_store s(1min);
    auto const t = *s.issue(conference_id{1}, user_id{1}, t0);
    s.purge(t0 + 1min);
    EXPECT_EQ(s.check(t, t0 + 1min).status, token_status::expired);
    EXPECT_EQ(s.revoke_user(conference_id{1}, user_id{1}, t0 + 1min), 0u) << "no longer live";
    EXPECT_TRUE(s.revoke(t, t0 + 1min));
    EXPECT_EQ(s.check(t, t0 + 1min).status, token_status::revoked);
    EXPECT_EQ(s.counts(), (token_counts{0, 0, 1}));
    s.purge(t0 + 3min);
    EXPECT_EQ(s.check(t, t0 + 3min).status, token_status::unknown);
    EXPECT_EQ(s.counts(), (token_counts{}));
}

TEST(TokenStoreTest, MalformedTokensAreUnknown)
{
    token_store s(1min);
    auto const t = *s.issue(conference_id{1}, user_id{1}, t0);
    auto upper = t;
    for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (upper != t) { // tokens are lowercase hex; the uppercase spelling is another string
        EXPECT_EQ(s.check(upper, t0).status, token_status::unknown);
    }
    EXPECT_EQ(s.check(t.substr(1), t0).status, token_status::unknown);
    EXPECT_EQ(s.check(t + "0", t0).status, token_status::unknown);
    EXPECT_EQ(s.check(std::string(32, 'g'), t0).status, token_status::unknown);
    EXPECT_FALSE(s.revoke(std::string(32, 'z'), t0));
}

// Issue 11: the cost of revoking one participant must not depend on how many tokens are
// remembered. 100,000 tokens over 10 conferences; revoking one participant looks at its own
// token only, revoking a conference at that conference's live tokens only.
TEST(TokenStoreComplexityTest, RevokingOneParticipantTouchesOnlyItsTokens)
{
    token_store s(5min);
    for (std::uint32_t i = 0; i < 100'000; ++i) {
        ASSERT_TRUE(s.issue(conference_id{1 + i % 10},
                            user_id{static_cast<std::uint16_t>(1 + i / 10)}, t0));
    }
    ASSERT_TRUE(s.issue(conference_id{99}, user_id{1}, t0));
    ASSERT_TRUE(s.issue(conference_id{99}, user_id{2}, t0));
    ASSERT_EQ(s.size(), 100'002u);
    auto const before = s.entries_touched();
    EXPECT_EQ(s.revoke_user(conference_id{3}, user_id{4242}, t0), 1u);
    EXPECT_EQ(s.entries_touched() - before, 1u);
    EXPECT_EQ(s.revoke_user(conference_id{3}, user_id{4242}, t0), 0u);
    EXPECT_EQ(s.revoke_user(conference_id{77}, user_id{1}, t0), 0u);
    EXPECT_EQ(s.entries_touched() - before, 1u);
    EXPECT_EQ(s.revoke_conference(conference_id{99}, t0), 2u);
    EXPECT_EQ(s.entries_touched() - before, 3u);
}

// The calls of a SIP server reuse the lowest free user IDs: one (conference, user) collects
// thousands of ended tokens. Revoking it again looks at its live token only.
TEST(TokenStoreComplexityTest, EndedTokensOfAReusedUserIdAreNotVisited)
{
    token_store s(5min);
    for (int i = 0; i < 10'000; ++i) {
        ASSERT_TRUE(s.issue(conference_id{1}, user_id{1}, t0));
        ASSERT_EQ(s.revoke_user(conference_id{1}, user_id{1}, t0), 1u);
    }
    ASSERT_TRUE(s.issue(conference_id{1}, user_id{1}, t0));
    EXPECT_EQ(s.size(), 10'001u);
    auto const before = s.entries_touched();
    EXPECT_EQ(s.revoke_user(conference_id{1}, user_id{1}, t0), 1u);
    EXPECT_EQ(s.entries_touched() - before, 1u);
}

// The steady state of issue 11's load: 1,000 calls/s, each revoked 200 ms after its token was
// issued, for three lifetimes. The table levels off at rate x (call + lifetime) and the work
// per call (revoking, ending, forgetting) stays a small constant.
TEST(TokenStoreComplexityTest, SustainedCallsKeepTheTableAndTheWorkPerCallBounded)
{
    auto const lifetime = 10s;
    token_store s(lifetime);
    constexpr int rate = 1000;              // calls per second
    constexpr int calls = rate * 30;        // 30 s: three lifetimes
    constexpr std::size_t ceiling = 10'200; // rate x (200 ms + lifetime)
    std::size_t peak = 0;
    std::uint64_t per_second_max = 0;
    std::uint64_t last = 0;
    for (int i = 0; i < calls; ++i) {
        auto const now = t0 + std::chrono::milliseconds{i}; // 1 ms apart
        // 200 calls in flight: the one issued 200 ms ago ends now (its user ID is reused).
        auto const user = user_id{static_cast<std::uint16_t>(1 + i % 200)};
        if (i >= 200) {
            ASSERT_EQ(s.revoke_user(conference_id{1}, user, now), 1u);
        }
        ASSERT_TRUE(s.issue(conference_id{1}, user, now));
        peak = std::max(peak, s.size());
        if (i % rate == rate - 1) {
            per_second_max = std::max(per_second_max, s.entries_touched() - last);
            last = s.entries_touched();
        }
    }
    EXPECT_LE(peak, ceiling + 1);
    EXPECT_GE(peak, ceiling - 200) << "the table should fill up to the ceiling";
    // Each call: one revoke (1 entry), one pass through each queue (2 entries).
    EXPECT_LE(per_second_max, 3u * rate);
    auto const c = s.counts();
    EXPECT_EQ(c.unused, 200u);
    EXPECT_EQ(c.unused + c.used + c.ended, s.size());
}

TEST(TokenStoreTest, AnUnusedTokenSaysHowLongItStaysUsable)
{
    token_store s(5min);
    auto const t = s.issue(conference_id{1}, user_id{2}, t0);
    ASSERT_TRUE(t);
    EXPECT_EQ(s.check(*t, t0 + 20s).expires_in, clock::duration{280s});
    EXPECT_EQ(s.check(*t, t0 + 5min).expires_in, std::nullopt); // expired
    auto const u = s.issue(conference_id{1}, user_id{3}, t0);
    ASSERT_TRUE(u);
    // Used: valid for reconnects until revoked, so no deadline.
    EXPECT_EQ(s.use(*u, t0 + 1s).expires_in, std::nullopt);
    EXPECT_EQ(s.check(*u, t0 + 1h).status, token_status::valid);
    EXPECT_EQ(s.check(*u, t0 + 1h).expires_in, std::nullopt);
}

TEST(TokenStoreTest, AnUntilUsedTokenDoesNotExpireBeforeItsFirstUse)
{
    token_store s(5min);
    auto const t = s.issue(conference_id{1}, user_id{2}, t0, true);
    ASSERT_TRUE(t);
    // Other issues run the expiry queue well past the lifetime; this token is not in it.
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(s.issue(conference_id{1}, user_id{3}, t0 + 1h + std::chrono::seconds{i}));
    s.purge(t0 + 24h);
    auto const c = s.check(*t, t0 + 24h);
    EXPECT_EQ(c.status, token_status::valid);
    EXPECT_EQ(c.expires_in, std::nullopt);
    EXPECT_EQ(s.use(*t, t0 + 24h).status, token_status::valid);
    EXPECT_EQ(s.revoke_user(conference_id{1}, user_id{2}, t0 + 25h), 1u);
    EXPECT_EQ(s.check(*t, t0 + 25h).status, token_status::revoked);
}

TEST(TokenStoreTest, ReportsEveryChangeInOrder)
{
    token_store s(1min);
    std::vector<std::pair<token_event, std::string>> seen;
    s.on_change([&](token_change const& c) {
        seen.emplace_back(c.event, std::string(c.token));
        return true;
    });
    auto const t = *s.issue(conference_id{1}, user_id{2}, t0);
    (void)s.use(t, t0 + 1s);
    (void)s.use(t, t0 + 2s); // not the first use: nothing to report
    s.revoke_user(conference_id{1}, user_id{2}, t0 + 3s);
    s.purge(t0 + 3s + 1min + 1s);
    using e = token_event;
    EXPECT_EQ(seen, (std::vector<std::pair<token_event, std::string>>{
                        {e::issued, t}, {e::used, t}, {e::revoked, t}, {e::forgotten, t}}));
}

TEST(TokenStoreTest, ATokenTheListenerRefusesIsNotIssued)
{
    token_store s(1min);
    s.on_change([](token_change const& c) { return c.event != token_event::issued; });
    EXPECT_FALSE(s.issue(conference_id{1}, user_id{2}, t0));
    EXPECT_EQ(s.size(), 0u);
}

TEST(TokenStoreTest, AnAdoptedTokenKeepsItsIssueTime)
{
    token_store s(1min);
    auto const t = *make_token();
    EXPECT_TRUE(s.adopt(t, {conference_id{1}, user_id{2}}, t0, false));
    EXPECT_FALSE(s.adopt(t, {conference_id{1}, user_id{3}}, t0, false)) << "known already";
    EXPECT_FALSE(s.adopt("not-a-token", {conference_id{1}, user_id{3}}, t0, false));
    EXPECT_EQ(s.check(t, t0 + 30s).status, token_status::valid);
    EXPECT_EQ(s.check(t, t0 + 1min).status, token_status::expired);
}

TEST(TokenStoreTest, LastingTokensAreTheUntilUsedOnesOfAConference)
{
    token_store s(1min);
    auto const first = *s.issue(conference_id{1}, user_id{1}, t0, true);
    (void)s.issue(conference_id{1}, user_id{2}, t0 + 1s); // expires: not lasting
    auto const second = *s.issue(conference_id{1}, user_id{3}, t0 + 2s, true);
    (void)s.issue(conference_id{2}, user_id{1}, t0, true); // another conference
    EXPECT_EQ(s.lasting_tokens(conference_id{1}), (std::vector<std::string>{first, second}));
    s.revoke(first, t0 + 3s);
    EXPECT_EQ(s.lasting_tokens(conference_id{1}), std::vector<std::string>{second});
}
