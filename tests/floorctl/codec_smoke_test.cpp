// First end-to-end check of the codec on the reference FloorRequest.
#include <support/wire.hpp>

#include <gtest/gtest.h>

using namespace floorctl;
using floorctl::test::to_bytes;

TEST(CodecSmoke, ReferenceFloorRequestDecodesAndReencodesByteExact)
{
    auto const frame = to_bytes({0x20, 0x01, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0x12, 0x34,
                                 0x00, 0x2a, 0x05, 0x04, 0x00, 0x07, 0x08, 0x04, 0x40, 0x00});
    auto const m = floorctl::test::decode(frame);
    ASSERT_TRUE(m) << m.error().message();
    auto const& fr = std::get<floor_request>(m->payload);
    ASSERT_EQ(fr.floors.size(), 1u);
    EXPECT_EQ(fr.floors[0], floor_id{7});
    EXPECT_EQ(fr.prio, priority::normal);
    EXPECT_EQ(encode(*m), frame);
}
