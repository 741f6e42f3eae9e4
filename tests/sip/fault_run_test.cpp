#include <sip/fault_run.hpp>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

sip::client_decision const bad_request = sip::answer_client{"SIP/2.0 400 Bad Request\r\n\r\n"};
sip::client_decision const not_sip = sip::drop_message{"malformed message: bad start line"};
sip::client_decision const pong = sip::drop_message{"keep-alive pong", true};
sip::client_decision const ping_answer = sip::answer_client{"\r\n"};
sip::client_decision const forwarded = sip::forward_to_sip{"OPTIONS ..."};

TEST(FaultRunTest, TheLimitInARowWithinTheWindowCloses)
{
    sip::fault_run run(3, 10s);
    auto const t0 = clock_type::time_point{} + 1h;
    EXPECT_FALSE(run.record(not_sip, t0));
    EXPECT_FALSE(run.record(bad_request, t0 + 1s));
    EXPECT_TRUE(run.record(not_sip, t0 + 9s));
    EXPECT_EQ(run.count(), 3u);
}

TEST(FaultRunTest, KeepAlivesNeitherCountNorBreakTheRun)
{
    sip::fault_run run(2, 10s);
    auto const t0 = clock_type::time_point{} + 1h;
    EXPECT_FALSE(run.record(not_sip, t0));
    for (int i = 0; i < 50; ++i) {
        EXPECT_FALSE(run.record(pong, t0));
        EXPECT_FALSE(run.record(ping_answer, t0));
    }
    EXPECT_EQ(run.count(), 1u);
    EXPECT_TRUE(run.record(bad_request, t0 + 1s));
}

TEST(FaultRunTest, AForwardedMessageEndsTheRun)
{
    sip::fault_run run(2, 10s);
    auto const t0 = clock_type::time_point{} + 1h;
    for (int i = 0; i < 100; ++i) {
        EXPECT_FALSE(run.record(not_sip, t0));
        EXPECT_FALSE(run.record(forwarded, t0));
    }
    EXPECT_EQ(run.count(), 0u);
}

TEST(FaultRunTest, ARunOlderThanTheWindowStartsAgain)
{
    sip::fault_run run(3, 10s);
    auto const t0 = clock_type::time_point{} + 1h;
    EXPECT_FALSE(run.record(not_sip, t0));
    EXPECT_FALSE(run.record(not_sip, t0 + 5s));
    EXPECT_FALSE(run.record(not_sip, t0 + 11s)); // first of a new run
    EXPECT_EQ(run.count(), 1u);
    EXPECT_FALSE(run.record(not_sip, t0 + 12s));
    EXPECT_TRUE(run.record(not_sip, t0 + 20s));
}

TEST(FaultRunTest, DefaultsAreTenWithinTenSeconds)
{
    sip::fault_run run;
    auto const t0 = clock_type::time_point{} + 1h;
    for (int i = 0; i < 9; ++i)
        EXPECT_FALSE(run.record(not_sip, t0 + std::chrono::milliseconds(i)));
    EXPECT_TRUE(run.record(not_sip, t0 + 1s));
}

} // namespace
