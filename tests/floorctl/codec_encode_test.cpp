// Encoder choices (docs/codec.md "Encoder"): M bits, the 255-octet attribute limit with UTF-8
// safe truncation, grouped attributes that never overflow their 8-bit Length, payload limits.
#include <floorctl/codec.hpp>

#include <support/wire.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace floorctl;
using floorctl::test::bytes;

namespace {

/// Checks every attribute Length (nested included) is 2..255 and every group fits its parent.
void expect_well_formed(bytes const& b, std::size_t pos, std::size_t end)
{
    while (pos < end) {
        ASSERT_LE(pos + 2, end);
        int const type = std::to_integer<int>(b[pos]) >> 1;
        std::size_t const len = std::to_integer<std::size_t>(b[pos + 1]);
        ASSERT_GE(len, 2u);
        ASSERT_LE(pos + len, end);
        if (type >= 14 && type <= 18) expect_well_formed(b, pos + 4, pos + len);
        pos += (len + 3) / 4 * 4;
    }
}

bool m_bit_of(bytes const& frame, std::size_t at)
{
    return (std::to_integer<int>(frame[at]) & 1) != 0;
}

TEST(Encode, MandatoryBitFollowsTheDocumentedChoice)
{
    floor_request fr;
    fr.floors.push_back(floor_id{1});
    fr.beneficiary = user_id{2};
    fr.participant_info.emplace("x");
    fr.prio = priority::low;
    auto const f = encode(message{{}, fr});
    EXPECT_TRUE(m_bit_of(f, 12));  // FLOOR-ID
    EXPECT_TRUE(m_bit_of(f, 16));  // BENEFICIARY-ID
    EXPECT_FALSE(m_bit_of(f, 20)); // PARTICIPANT-PROVIDED-INFO
    EXPECT_FALSE(m_bit_of(f, 24)); // PRIORITY
}

TEST(Encode, LongTextIsCutAtAUtf8BoundaryWithin255)
{
    error_reply e;
    e.code = error_code::generic_error;
    std::string s;
    while (s.size() < 300)
        s += "\xc3\xa9"; // "é": 2 octets each
    e.info = s;
    auto const f = encode(message{{}, e});
    expect_well_formed(f, 12, f.size());
    auto const m = floorctl::test::decode(f);
    ASSERT_TRUE(m);
    auto const& info = *std::get<error_reply>(m->payload).info;
    EXPECT_EQ(info.size(), 252u); // 253 would split a character
    EXPECT_EQ(info, s.substr(0, 252));
}

TEST(Encode, AsciiTextKeeps253Octets)
{
    floor_request fr;
    fr.floors.push_back(floor_id{1});
    fr.participant_info.emplace(253, 'a');
    auto const f = encode(message{{}, fr});
    EXPECT_EQ(std::to_integer<int>(f[17]), 255); // PARTICIPANT-PROVIDED-INFO Length
    auto const m = floorctl::test::decode(f);
    ASSERT_TRUE(m);
    EXPECT_EQ(std::get<floor_request>(m->payload).participant_info->size(), 253u);
}

TEST(Encode, GroupedAttributeNeverOverflowsItsLengthAndKeepsItsFixedParts)
{
    floor_request_status frs;
    auto& i = frs.info;
    i.id = floor_request_id{1};
    i.overall = overall_request_status_group{floor_request_id{1},
                                             request_status_value{request_status::granted, 0},
                                             std::string(250, 'o')};
    for (std::uint16_t f = 1; f <= 3; ++f)
        i.floors.push_back(
            {floor_id{f}, request_status_value{request_status::granted, 0}, std::string(250, 's')});
    i.beneficiary = user_information{user_id{2}, std::string(250, 'n'), std::string(250, 'u')};
    i.requested_by = user_information{user_id{3}, {}, {}};
    i.prio = priority::high;
    i.participant_info = std::string(250, 'p');
    auto const f = encode(message{{}, frs});
    EXPECT_LE(std::to_integer<int>(f[13]), 252);
    expect_well_formed(f, 12, f.size());
    auto const m = floorctl::test::decode(f);
    ASSERT_TRUE(m) << m.error().message();
    auto const& got = std::get<floor_request_status>(m->payload).info;
    EXPECT_EQ(got.floors.size(), 3u); // fixed parts reserved before texts
    ASSERT_TRUE(got.overall);
    EXPECT_EQ(got.overall->status, i.overall->status);
    ASSERT_TRUE(got.beneficiary);
    EXPECT_EQ(got.beneficiary->id, user_id{2});
    EXPECT_EQ(got.requested_by, i.requested_by);
    EXPECT_EQ(got.prio, priority::high);
}

TEST(Encode, TooManyFloorsForOneGroupKeepsAtLeastTheFirst)
{
    chair_action ca;
    ca.info.id = floor_request_id{1};
    for (std::uint16_t f = 1; f <= 100; ++f)
        ca.info.floors.push_back({floor_id{f}, {}, {}});
    auto const f = encode(message{{}, ca});
    expect_well_formed(f, 12, f.size());
    auto const m = floorctl::test::decode(f);
    ASSERT_TRUE(m);
    auto const& floors = std::get<chair_action>(m->payload).info.floors;
    EXPECT_EQ(floors.size(), 62u); // (252 - 4) / 4
    EXPECT_EQ(floors.front().floor, floor_id{1});
}

TEST(Encode, PayloadNeverOutgrowsSixteenBitLength)
{
    floor_query q;
    for (int i = 0; i < 70000; ++i)
        q.floors.push_back(floor_id{static_cast<std::uint16_t>(i)});
    auto const f = encode(message{{}, q});
    EXPECT_EQ(f.size(), 12u + 65535u * 4u);
    EXPECT_TRUE(floorctl::test::decode(f));
}

TEST(Encode, LongRequestListStopsAtTheLastWholeRequestThatFits)
{
    user_status us;
    floor_request_information r;
    r.floors.push_back({floor_id{1}, {}, {}});
    r.participant_info = std::string(240, 'p'); // 252-octet groups
    for (std::uint16_t i = 0; i < 1100; ++i) {
        r.id = floor_request_id{i};
        us.requests.push_back(r);
    }
    auto const f = encode(message{{}, us});
    EXPECT_LE(f.size(), 12u + 65535u * 4u);
    auto const m = floorctl::test::decode(f);
    ASSERT_TRUE(m) << m.error().message();
    auto const& got = std::get<user_status>(m->payload).requests;
    EXPECT_EQ(got.size(), 65535u * 4u / 252u); // 1040 whole groups
    EXPECT_EQ(got.back().id, floor_request_id{1039});
    EXPECT_EQ(got.back().participant_info, r.participant_info);
}

TEST(Encode, AppendsToExistingBytes)
{
    std::vector<std::byte> out{std::byte{0xaa}};
    encode(message{{}, hello{}}, out);
    ASSERT_EQ(out.size(), 13u);
    EXPECT_EQ(out[0], std::byte{0xaa});
    EXPECT_EQ(out[1], std::byte{0x20});
}

TEST(Encode, FragmentedVersion2WritesOneCompleteFragment)
{
    message m{{}, floor_release{floor_request_id{9}}};
    m.header.version = 2;
    m.header.fragmented = true;
    m.header.fragment_offset = 7; // ignored: the encoder never splits
    auto const f = encode(m);
    ASSERT_EQ(f.size(), 20u);
    EXPECT_EQ(f[0], std::byte{0x48});
    EXPECT_EQ(f[13], std::byte{0}); // Fragment Offset 0
    EXPECT_EQ(f[15], std::byte{1}); // Fragment Length 1 = Payload Length
    auto const back = floorctl::test::decode(f);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->header.fragment_length, 1);
}

TEST(Encode, RoundTripOfEveryPrimitiveWithDefaultBodies)
{
    for (std::size_t i = 0; i + 1 < std::variant_size_v<message_body>; ++i) {
        auto const p = static_cast<std::uint8_t>(i + 1);
        // Default bodies of primitives with a mandatory element are invalid on purpose; give
        // them the element.
        message m;
        switch (static_cast<primitive>(p)) {
        case primitive::floor_request:
            // In place: copying a small_vector into the variant trips GCC 12's
            // -Wstringop-overread false positive.
            m.payload.emplace<floor_request>().floors.push_back(floor_id{1});
            break;
        case primitive::floor_release:
            m.payload = floor_release{floor_request_id{1}};
            break;
        case primitive::floor_request_query:
            m.payload = floor_request_query{floor_request_id{1}};
            break;
        case primitive::floor_request_status: {
            floor_request_status s;
            s.info.floors.push_back({});
            m.payload = s;
            break;
        }
        case primitive::chair_action: {
            chair_action s;
            s.info.floors.push_back({});
            m.payload = s;
            break;
        }
        case primitive::user_query:
            m.payload.emplace<user_query>();
            break;
        case primitive::user_status:
            m.payload.emplace<user_status>();
            break;
        case primitive::floor_query:
            m.payload.emplace<floor_query>();
            break;
        case primitive::floor_status:
            m.payload.emplace<floor_status>();
            break;
        case primitive::chair_action_ack:
            m.payload.emplace<chair_action_ack>();
            break;
        case primitive::hello:
            m.payload.emplace<hello>();
            break;
        case primitive::hello_ack:
            m.payload.emplace<hello_ack>();
            break;
        case primitive::error:
            m.payload.emplace<error_reply>();
            break;
        case primitive::floor_request_status_ack:
            m.payload.emplace<floor_request_status_ack>();
            break;
        case primitive::floor_status_ack:
            m.payload.emplace<floor_status_ack>();
            break;
        case primitive::goodbye:
            m.payload.emplace<goodbye>();
            break;
        case primitive::goodbye_ack:
            m.payload.emplace<goodbye_ack>();
            break;
        }
        auto const f = encode(m);
        EXPECT_EQ(std::to_integer<int>(f[1]), p);
        auto const back = floorctl::test::decode(f);
        ASSERT_TRUE(back) << int{p} << ": " << back.error().message();
        EXPECT_EQ(back->payload, m.payload) << int{p};
    }
}

TEST(ErrorReplyTo, EchoesTheRequestHeader)
{
    common_header h;
    h.version = 1;
    h.conference = conference_id{0x01020304};
    h.transaction = transaction_id{0x0506};
    h.user = user_id{0x0708};
    auto const b = encode(error_reply_to(h, error_code::user_does_not_exist, {}));
    bytes const expected{
        std::byte{0x20}, std::byte{13},   // version 1, R/F clear; primitive 13 Error
        std::byte{0x00}, std::byte{0x01}, // payload length: 1 word
        std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04}, // conference ID
        std::byte{0x05}, std::byte{0x06},                                   // transaction ID echoed
        std::byte{0x07}, std::byte{0x08},                                   // user ID
        std::byte{0x0d}, std::byte{0x03}, // ERROR-CODE (6 << 1 | M=1), length 3
        std::byte{0x02}, std::byte{0x00}, // code 2 User Does Not Exist, padding
    };
    EXPECT_EQ(b, expected);
}

TEST(ErrorReplyTo, AnswersAnUnsupportedVersionInVersion1AndVersion2InVersion2)
{
    common_header h;
    h.version = 2;
    EXPECT_EQ(error_reply_to(h, error_code::generic_error, "x").header.version, 2);
    h.version = 5;
    EXPECT_EQ(error_reply_to(h, error_code::unsupported_version, "x").header.version, 1);
}

} // namespace
