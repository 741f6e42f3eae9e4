// The sequence fuzz target's invariants, run in CI without libFuzzer: thousands of random event
// sequences from a fixed seed (tests/support/server_sequence.hpp has the invariants).
#include "support/server_sequence.hpp"

#include <gtest/gtest.h>

#include <random>

namespace floorctl::test {
namespace {

TEST(ServerSequence, RandomSequencesKeepEveryInvariant)
{
    std::mt19937 rng{20261121};
    std::uniform_int_distribution<int> byte{0, 255};
    std::uniform_int_distribution<std::size_t> length{1, 400};
    for (int run = 0; run < 3000; ++run) {
        std::vector<std::uint8_t> input(length(rng));
        for (auto& b : input)
            b = static_cast<std::uint8_t>(byte(rng));
        auto const violation = server_sequence::run_input(input);
        ASSERT_EQ(violation, "") << "run " << run << " (variant " << int{input[0]} << ")";
    }
}

TEST(ServerSequence, EveryConfigurationVariantSurvivesALongSequence)
{
    std::mt19937 rng{7};
    std::uniform_int_distribution<int> byte{0, 255};
    for (int variant = 0; variant < 128; ++variant) {
        std::vector<std::uint8_t> input(3001);
        input[0] = static_cast<std::uint8_t>(variant);
        for (std::size_t i = 1; i < input.size(); ++i)
            input[i] = static_cast<std::uint8_t>(byte(rng));
        ASSERT_EQ(server_sequence::run_input(input), "") << "variant " << variant;
    }
}

TEST(ServerSequence, TheRandomSequencesReachEveryStatusAndTheMainErrors)
{
    // The sequences must really drive the server through every request status and the common
    // Error codes, or the invariants above would hold vacuously. (ctest runs each test in its
    // own process, so this one generates its own sequences.)
    std::mt19937 rng{99};
    std::uniform_int_distribution<int> byte{0, 255};
    for (int run = 0; run < 500; ++run) {
        std::vector<std::uint8_t> input(300);
        for (auto& b : input)
            b = static_cast<std::uint8_t>(byte(rng));
        ASSERT_EQ(server_sequence::run_input(input), "");
    }
    auto const& seen = server_sequence::coverage();
    for (auto const s : {request_status::pending, request_status::accepted, request_status::granted,
                         request_status::denied, request_status::cancelled,
                         request_status::released, request_status::revoked}) {
        EXPECT_TRUE(seen.statuses.contains(s)) << "status " << int{to_underlying(s)};
    }
    for (auto const e : {error_code::unauthorized_operation, error_code::invalid_floor_id,
                         error_code::floor_request_id_does_not_exist,
                         error_code::max_floor_requests_reached, error_code::user_does_not_exist}) {
        EXPECT_TRUE(seen.errors.contains(e)) << "error " << int{to_underlying(e)};
    }
}

} // namespace
} // namespace floorctl::test
