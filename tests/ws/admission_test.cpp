// ws::admission: both limits checked and counted in one step, shares released by their tickets.
#include <ws/admission.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

TEST(Admission, TotalAndPerAddressLimits)
{
    auto a = ws::admission::create(
        {.max_connections = 3, .max_connections_per_address = 2, .max_refusals_in_flight = 1});
    auto x1 = a->admit("192.0.2.1");
    auto x2 = a->admit("192.0.2.1");
    auto x3 = a->admit("192.0.2.1");
    EXPECT_EQ(x1.verdict, ws::admission_verdict::admitted);
    EXPECT_EQ(x2.verdict, ws::admission_verdict::admitted);
    EXPECT_EQ(x3.verdict, ws::admission_verdict::address_exceeded);
    EXPECT_FALSE(x3.slot);
    auto y1 = a->admit("192.0.2.2");
    auto y2 = a->admit("192.0.2.2");
    EXPECT_EQ(y1.verdict, ws::admission_verdict::admitted);
    EXPECT_EQ(y2.verdict, ws::admission_verdict::total_exceeded);
    EXPECT_EQ(a->count(), 3u);
    {
        auto r1 = a->refusal();
        EXPECT_TRUE(r1);
        EXPECT_FALSE(a->refusal()); // one refusal in flight at most
    }
    EXPECT_TRUE(a->refusal()); // released with its ticket
    x1.slot = {};              // released by assignment
    EXPECT_EQ(a->count(), 2u);
    EXPECT_EQ(a->admit("192.0.2.1").verdict, ws::admission_verdict::admitted);
}

TEST(Admission, ConcurrentBurstNeverOvershootsTheTotal)
{
    constexpr std::size_t limit = 8;
    auto a = ws::admission::create(
        {.max_connections = limit, .max_connections_per_address = 0, .max_refusals_in_flight = 0});
    std::atomic<std::size_t> held{0};
    std::atomic<std::size_t> most{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                auto r = a->admit("198.51.100.1");
                if (r.verdict != ws::admission_verdict::admitted) continue;
                auto const now = held.fetch_add(1) + 1;
                for (auto m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
                }
                held.fetch_sub(1);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_LE(most.load(), limit);
    EXPECT_GE(most.load(), 1u);
    EXPECT_EQ(a->count(), 0u);
}

} // namespace
