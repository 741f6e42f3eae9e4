// Names of every wire enum (RFC 8855 Tables 1, 2, 5, §5.2.4, §5.2.5) and describe().
#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

using namespace floorctl;

TEST(ToString, EveryPrimitiveHasADistinctName)
{
    std::set<std::string_view> names;
    for (int p = 1; p <= 17; ++p) {
        auto const n = to_string(static_cast<primitive>(p));
        EXPECT_NE(n, "Unknown") << p;
        names.insert(n);
    }
    EXPECT_EQ(names.size(), 17u);
    EXPECT_EQ(to_string(primitive::floor_request), "FloorRequest");
    EXPECT_EQ(to_string(primitive::hello), "Hello");
    EXPECT_EQ(to_string(primitive::goodbye_ack), "GoodbyeAck");
    EXPECT_EQ(to_string(static_cast<primitive>(0)), "Unknown");
    EXPECT_EQ(to_string(static_cast<primitive>(18)), "Unknown");
    EXPECT_EQ(primitive_name(18), "GoodbyeAck(draft)");
    EXPECT_EQ(primitive_name(93), "Vendor");
    EXPECT_EQ(primitive_name(4), "FloorRequestStatus");
    EXPECT_EQ(primitive_name(200), "Unknown");
}

TEST(ToString, EveryAttributeHasADistinctName)
{
    std::set<std::string_view> names;
    for (int a = 1; a <= 18; ++a) {
        auto const n = to_string(static_cast<attribute_type>(a));
        EXPECT_NE(n, "Unknown") << a;
        names.insert(n);
    }
    EXPECT_EQ(names.size(), 18u);
    EXPECT_EQ(to_string(attribute_type::floor_id), "FLOOR-ID");
    EXPECT_EQ(to_string(attribute_type::overall_request_status), "OVERALL-REQUEST-STATUS");
    EXPECT_EQ(to_string(static_cast<attribute_type>(19)), "Unknown");
}

TEST(ToString, StatusPriorityAndErrorCodes)
{
    EXPECT_EQ(to_string(request_status::pending), "Pending");
    EXPECT_EQ(to_string(request_status::revoked), "Revoked");
    EXPECT_EQ(to_string(static_cast<request_status>(0)), "Unknown");
    EXPECT_EQ(to_string(priority::lowest), "Lowest");
    EXPECT_EQ(to_string(priority::normal), "Normal");
    EXPECT_EQ(to_string(priority::highest), "Highest");
    EXPECT_EQ(to_string(static_cast<priority>(5)), "Unknown");
    std::set<std::string_view> codes;
    for (int c = 1; c <= 14; ++c)
        codes.insert(to_string(static_cast<error_code>(c)));
    EXPECT_EQ(codes.size(), 14u);
    EXPECT_FALSE(codes.count("Unknown"));
    EXPECT_EQ(to_string(error_code::unknown_mandatory_attribute), "Unknown Mandatory Attribute");
    EXPECT_EQ(to_string(static_cast<error_code>(0)), "Unknown");
    EXPECT_EQ(to_string(static_cast<error_code>(15)), "Unknown");
    EXPECT_EQ(to_string(error::parse_error), "parse_error");
}

TEST(Describe, FloorRequestIsOneReadableLine)
{
    floor_request fr;
    fr.floors.push_back(floor_id{7});
    fr.floors.push_back(floor_id{8});
    fr.prio = priority::normal;
    message m{{}, fr};
    m.header.conference = conference_id{16909060};
    m.header.transaction = transaction_id{4660};
    m.header.user = user_id{42};
    EXPECT_EQ(describe(m),
              "FloorRequest v1 conf=16909060 tid=4660 user=42 floors=[7,8] prio=Normal");
}

TEST(Describe, GroupedAttributesAndTextsAreShownAndEscaped)
{
    floor_request_status frs;
    frs.info.id = floor_request_id{5};
    frs.info.overall = overall_request_status_group{
        floor_request_id{5}, request_status_value{request_status::pending, 2}, "line1\nline2"};
    frs.info.floors.push_back({floor_id{1}, request_status_value{request_status::granted, 0}, {}});
    frs.info.beneficiary = user_information{user_id{9}, "B\"ob", {}};
    auto const s = describe(message{{}, frs});
    EXPECT_EQ(s, "FloorRequestStatus v1 conf=0 tid=0 user=0 {req=5 overall=5:Pending(q2) "
                 "info=\"line1\\x0aline2\" floor=1:Granted beneficiary={id=9 name=\"B\\x22ob\"}}");
    EXPECT_EQ(s.find('\n'), std::string::npos);
}

TEST(Describe, ErrorVendorAndVersion2Headers)
{
    error_reply e;
    e.code = error_code::unknown_mandatory_attribute;
    e.unknown_attributes = {40};
    message m{{}, e};
    EXPECT_EQ(describe(m),
              "Error v1 conf=0 tid=0 user=0 code=4 (Unknown Mandatory Attribute) unknown=[40]");
    message v{{}, vendor_message{93}};
    v.header.version = 2;
    v.header.responder = true;
    EXPECT_EQ(describe(v), "Vendor(93) v2 R conf=0 tid=0 user=0");
}

/// The i-th alternative of message_body, default-constructed (built by index, not by decoding).
template <std::size_t... I> message_body make_alternative(std::size_t i, std::index_sequence<I...>)
{
    message_body b;
    ((i == I ? static_cast<void>(b.emplace<I>()) : static_cast<void>(0)), ...);
    return b;
}

TEST(Describe, EveryPrimitiveDescribesWithItsName)
{
    for (std::size_t i = 0; i + 1 < std::variant_size_v<message_body>; ++i) {
        auto const b = make_alternative(i, std::make_index_sequence<17>{});
        auto const s = describe(message{{}, b});
        auto const name = to_string(static_cast<primitive>(i + 1));
        EXPECT_EQ(s.substr(0, name.size()), name);
    }
}
