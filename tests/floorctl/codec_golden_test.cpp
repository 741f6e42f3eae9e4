// Golden vectors: hand-written, annotated wire bytes (tests/data/bfcp/*.hex) against hand-built
// typed messages. Each must decode to exactly the message and the message must encode to exactly
// the bytes (RFC 8855 §5). Together they cover all 17 primitives and all 18 attributes.
#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include <support/wire.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

using namespace floorctl;
using floorctl::test::bytes;

namespace {

common_header hdr(std::uint32_t conf, std::uint16_t tid, std::uint16_t user, std::uint8_t ver = 1)
{
    common_header h;
    h.version = ver;
    h.conference = conference_id{conf};
    h.transaction = transaction_id{tid};
    h.user = user_id{user};
    return h;
}

request_status_value st(request_status s, std::uint8_t q = 0)
{
    return {s, q};
}

// `info` as a plain pointer: an optional<string> parameter trips GCC 12's -Wmaybe-uninitialized
// under -fsanitize=address.
floor_request_status_group frs(std::uint16_t f, std::optional<request_status_value> s = {},
                               char const* info = nullptr)
{
    floor_request_status_group g;
    g.floor = floor_id{f};
    g.status = s;
    if (info != nullptr) g.status_info = info;
    return g;
}

struct golden {
    std::string file;
    std::function<message()> make;
};

std::vector<golden> const& goldens()
{
    static std::vector<golden> const all{
        {"floor_request.hex",
         [] {
             floor_request b;
             b.floors.push_back(floor_id{7});
             b.prio = priority::normal;
             return message{hdr(0x01020304, 0x1234, 42), b};
         }},
        {"floor_request_full.hex",
         [] {
             floor_request b;
             b.floors.push_back(floor_id{1});
             b.floors.push_back(floor_id{2});
             b.beneficiary = user_id{9};
             b.participant_info.emplace("hi!");
             b.prio = priority::highest;
             return message{hdr(1, 2, 3), b};
         }},
        {"floor_release.hex",
         [] {
             return message{hdr(7, 11, 5), floor_release{floor_request_id{42}}};
         }},
        {"floor_request_query.hex",
         [] {
             return message{hdr(7, 12, 5), floor_request_query{floor_request_id{42}}};
         }},
        {"floor_request_status.hex",
         [] {
             floor_request_status b;
             auto& i = b.info;
             i.id = floor_request_id{5};
             i.overall = overall_request_status_group{floor_request_id{5},
                                                      st(request_status::granted), "ok"};
             i.floors.push_back(frs(1, st(request_status::granted)));
             i.beneficiary = user_information{user_id{9}, "Bob", "sip:b@x"};
             i.requested_by = user_information{user_id{3}, {}, {}};
             i.prio = priority::high;
             i.participant_info = "go";
             return message{hdr(1, 0, 3), b};
         }},
        {"user_query.hex",
         [] {
             return message{hdr(1, 13, 3), user_query{user_id{9}}};
         }},
        {"user_status.hex",
         [] {
             user_status b;
             b.beneficiary = user_information{user_id{9}, "Al", {}};
             floor_request_information r1;
             r1.id = floor_request_id{1};
             r1.floors.push_back(frs(1, st(request_status::pending, 2)));
             floor_request_information r2;
             r2.id = floor_request_id{2};
             r2.overall = overall_request_status_group{
                 floor_request_id{2}, st(request_status::accepted), {}};
             r2.floors.push_back(frs(1));
             b.requests = {r1, r2};
             return message{hdr(1, 13, 3), b};
         }},
        {"floor_query.hex",
         [] {
             floor_query b;
             b.floors.push_back(floor_id{1});
             b.floors.push_back(floor_id{2});
             return message{hdr(1, 14, 3), b};
         }},
        {"floor_status.hex",
         [] {
             floor_status b;
             b.floor = floor_id{1};
             floor_request_information r;
             r.id = floor_request_id{5};
             r.floors.push_back(frs(1, st(request_status::granted), "x"));
             b.requests.push_back(r);
             return message{hdr(1, 0, 3), b};
         }},
        {"chair_action.hex",
         [] {
             chair_action b;
             b.info.id = floor_request_id{5};
             b.info.floors.push_back(frs(1, st(request_status::revoked)));
             return message{hdr(1, 15, 1), b};
         }},
        {"chair_action_ack.hex",
         [] {
             return message{hdr(1, 15, 1), chair_action_ack{}};
         }},
        {"hello.hex",
         [] {
             return message{hdr(1, 16, 3), hello{}};
         }},
        {"hello_ack.hex",
         [] {
             hello_ack b;
             for (std::uint8_t p = 1; p <= 17; ++p)
                 b.supported_primitives.push_back(p);
             for (std::uint8_t a = 1; a <= 18; ++a)
                 b.supported_attributes.push_back(a);
             return message{hdr(1, 16, 3), b};
         }},
        {"error.hex",
         [] {
             error_reply b;
             b.code = error_code::unknown_mandatory_attribute;
             b.unknown_attributes = {40, 100};
             b.info = "bad";
             return message{hdr(1, 17, 3), b};
         }},
        {"floor_request_status_ack.hex",
         [] {
             auto h = hdr(1, 256, 3, 2);
             h.responder = true;
             return message{h, floor_request_status_ack{}};
         }},
        {"floor_status_ack.hex",
         [] {
             auto h = hdr(1, 257, 3, 2);
             h.responder = true;
             return message{h, floor_status_ack{}};
         }},
        {"goodbye.hex",
         [] {
             return message{hdr(1, 18, 3), goodbye{}};
         }},
        {"goodbye_ack.hex",
         [] {
             return message{hdr(1, 18, 3), goodbye_ack{}};
         }},
        {"floor_release_v2_fragment.hex",
         [] {
             auto h = hdr(7, 11, 5, 2);
             h.fragmented = true;
             h.fragment_offset = 0;
             h.fragment_length = 1;
             return message{h, floor_release{floor_request_id{42}}};
         }},
        {"vendor_93.hex",
         [] {
             return message{hdr(1, 19, 3, 2), vendor_message{93}};
         }},
    };
    return all;
}

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
