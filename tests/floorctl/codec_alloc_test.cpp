// Decoding FloorRequest, FloorRelease, FloorQuery and Hello must not touch the heap (issue 2 §3).
// This binary replaces the global operator new with a counting one; the count is only read
// around the code under test, so other tests in the binary are unaffected.
#include <floorctl/codec.hpp>

#include <support/counting_new.hpp>
#include <support/wire.hpp>

#include <gtest/gtest.h>

using namespace floorctl;
using floorctl::test::bytes;
using floorctl::test::wire;

namespace {

long allocations_to_decode(bytes const& frame)
{
    decode_diagnostics diag;
    auto const before = test_support::allocations.load();
    {
        auto const h = decode_header(frame);
        EXPECT_TRUE(h);
        auto const m = decode_message(*h, frame, &diag);
        EXPECT_TRUE(m) << diag.what;
    }
    return test_support::allocations.load() - before;
}

TEST(CodecAllocations, CounterSeesHeapUse)
{
    auto const before = test_support::allocations.load();
    void* p = ::operator new(4); // a direct call: new-expressions may be elided
    ::operator delete(p);
    EXPECT_EQ(test_support::allocations.load() - before, 1);
}

TEST(CodecAllocations, FloorRequestDecodesWithoutHeap)
{
    // The reference vector, and one with 8 floors, a beneficiary, a 253-octet text and a priority.
    EXPECT_EQ(allocations_to_decode(floorctl::test::to_bytes(
                  {0x20, 0x01, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0x12, 0x34,
                   0x00, 0x2a, 0x05, 0x04, 0x00, 0x07, 0x08, 0x04, 0x40, 0x00})),
              0);

    floor_request fr;
    for (std::uint16_t f = 1; f <= 8; ++f)
        fr.floors.push_back(floor_id{f});
    fr.beneficiary = user_id{9};
    fr.participant_info.emplace(253, 'x');
    fr.prio = priority::high;
    auto const frame = encode(message{{}, fr});
    EXPECT_EQ(allocations_to_decode(frame), 0);
}

TEST(CodecAllocations, FloorReleaseFloorQueryAndHelloDecodeWithoutHeap)
{
    EXPECT_EQ(allocations_to_decode(wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x01})), 0);
    EXPECT_EQ(allocations_to_decode(
                  wire(primitive::floor_query, {0x05, 0x04, 0x00, 0x01, 0x05, 0x04, 0x00, 0x02})),
              0);
    EXPECT_EQ(allocations_to_decode(wire(primitive::floor_query, {})), 0);
    EXPECT_EQ(allocations_to_decode(wire(primitive::hello, {})), 0);
}

TEST(CodecAllocations, FailedDecodesWithDiagnosticsDoNotAllocateEither)
{
    // Error replies are built from these: a flood of garbage must not cost heap either.
    decode_diagnostics diag;
    auto const frame = wire(primitive::floor_request, {0x51, 0x04, 0x00, 0x00, 0x53, 0x04, 0, 0});
    auto const before = test_support::allocations.load();
    {
        auto const h = decode_header(frame);
        auto const m = decode_message(*h, frame, &diag);
        EXPECT_FALSE(m);
    }
    EXPECT_EQ(test_support::allocations.load() - before, 0);
    EXPECT_EQ(diag.unknown_mandatory.size(), 2u);
}

TEST(CodecAllocations, EncodingIntoAReusedBufferDoesNotAllocate)
{
    floor_request fr;
    fr.floors.push_back(floor_id{7});
    fr.prio = priority::normal;
    message const m{{}, fr};
    std::vector<std::byte> out;
    out.reserve(256);
    auto const before = test_support::allocations.load();
    for (int i = 0; i < 10; ++i) {
        out.clear();
        encode(m, out);
    }
    EXPECT_EQ(test_support::allocations.load() - before, 0);
    EXPECT_EQ(out.size(), 20u);
}

} // namespace
