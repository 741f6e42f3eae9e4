// Golden vectors: hand-written, annotated wire bytes (tests/data/bfcp/*.hex) against the typed
// messages built by hand in golden_messages.hpp. Each must decode to exactly the message and the
// message must encode to exactly the bytes (RFC 8855 §5). Together they cover all 17 primitives and
// all 18 attributes.
#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include "golden_messages.hpp"

#include <support/wire.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

using namespace floorctl;
using floorctl::test::bytes;
using floorctl::test::golden;
using floorctl::test::goldens;

namespace {

bytes load(std::string const& file)
{
    return floorctl::test::read_hex_file(std::string(FLOORCTL_TEST_DATA_DIR) + "/bfcp/" + file);
}

class Golden : public ::testing::TestWithParam<golden> {};

TEST_P(Golden, DecodesToTheHandBuiltMessage)
{
    auto const frame = load(GetParam().file);
    auto expected = GetParam().make();
    expected.header.prim = primitive_of(expected.payload);
    expected.header.payload_words =
        static_cast<std::uint16_t>((frame.size() - 12 - (expected.header.fragmented ? 4 : 0)) / 4);

    decode_diagnostics diag;
    auto const got = floorctl::test::decode(frame, &diag);
    ASSERT_TRUE(got) << got.error().message() << ": " << diag.what;
    EXPECT_EQ(got->header, expected.header);
    EXPECT_EQ(got->payload, expected.payload) << describe(*got);
}

TEST_P(Golden, HandBuiltMessageEncodesToTheGoldenBytes)
{
    auto const frame = load(GetParam().file);
    EXPECT_EQ(encode(GetParam().make()), frame);
}

TEST_P(Golden, SurvivesARoundTripThroughEncode)
{
    auto const once = floorctl::test::decode(load(GetParam().file));
    ASSERT_TRUE(once);
    auto const again = floorctl::test::decode(encode(*once));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *once);
}

INSTANTIATE_TEST_SUITE_P(Bfcp, Golden, ::testing::ValuesIn(goldens()), [](auto const& param_info) {
    auto const& f = param_info.param.file;
    return f.substr(0, f.size() - 4);
});

/// Collects attribute types with a walker written independently of the codec's.
void collect_types(bytes const& b, std::size_t pos, std::size_t end, std::set<int>& out)
{
    while (pos + 2 <= end) {
        int const type = std::to_integer<int>(b[pos]) >> 1;
        std::size_t const len = std::to_integer<std::size_t>(b[pos + 1]);
        if (len < 2) return;
        out.insert(type);
        if (type >= 14 && type <= 18) collect_types(b, pos + 4, pos + len, out);
        pos += (len + 3) / 4 * 4;
    }
}

TEST(GoldenCoverage, EveryPrimitiveAndEveryAttributeHasAGoldenVector)
{
    std::set<int> prims;
    std::set<int> attrs;
    for (auto const& g : goldens()) {
        auto const b = load(g.file);
        prims.insert(std::to_integer<int>(b[1]));
        bool const frag = (std::to_integer<int>(b[0]) & 0x08) != 0;
        collect_types(b, frag ? 16 : 12, b.size(), attrs);
    }
    for (int p = 1; p <= 17; ++p)
        EXPECT_TRUE(prims.count(p)) << "no golden vector for primitive " << p;
    for (int a = 1; a <= 18; ++a)
        EXPECT_TRUE(attrs.count(a)) << "no golden vector for attribute " << a;
}

TEST(GoldenHex, CommentsAndWhitespaceAreIgnoredAndOddDigitsRejected)
{
    EXPECT_EQ(floorctl::test::parse_hex("20 01 # c0ffee\n0A\tff"),
              floorctl::test::to_bytes({0x20, 0x01, 0x0a, 0xff}));
    EXPECT_THROW(floorctl::test::parse_hex("2"), std::runtime_error);
    EXPECT_THROW(floorctl::test::parse_hex("zz"), std::runtime_error);
}

} // namespace
