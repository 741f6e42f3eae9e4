// Malformed input, one test per class of RFC 8855 failure, each asserting the exact error and the
// wire Error Code the server answers with (§5.2.6, §13). Also the field tolerances that must
// NOT be errors (docs/codec.md, "Tolerances").
#include <floorctl/codec.hpp>

#include <support/wire.hpp>

#include <gtest/gtest.h>

#include <cstring>

using namespace floorctl;
using floorctl::test::bytes;
using floorctl::test::wire;

namespace {

struct outcome {
    std::error_code ec;
    decode_diagnostics diag;
};

outcome fail_of(bytes const& frame)
{
    outcome o;
    auto const r = floorctl::test::decode(frame, &o.diag);
    if (r) {
        ADD_FAILURE() << "decoded although malformed";
    } else {
        o.ec = r.error();
    }
    return o;
}

void expect_error(bytes const& frame, error e, error_code wire)
{
    auto const o = fail_of(frame);
    EXPECT_EQ(o.ec, make_error_code(e)) << o.ec.message();
    EXPECT_EQ(wire_code(o.ec), wire);
    EXPECT_NE(o.diag.what, nullptr);
    if (e != error::truncated_header) {
        EXPECT_GT(std::strlen(o.diag.what), 0u) << "diagnostic reason missing";
    }
}

TEST(Malformed, FewerThan12OctetsIsATruncatedHeaderWithoutWireCode)
{
    auto frame = wire(primitive::hello, {});
    frame.resize(11);
    auto const h = decode_header(frame);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), make_error_code(error::truncated_header));
    EXPECT_EQ(wire_code(h.error()), error_code::generic_error); // never sent: transport closes
    EXPECT_FALSE(decode_header(bytes{}));
}

TEST(Malformed, VersionOtherThan1Or2IsError12)
{
    for (int v : {0, 3, 4, 7}) {
        auto frame = wire(primitive::hello, {});
        frame[0] = static_cast<std::byte>(v << 5);
        expect_error(frame, error::unsupported_version, error_code::unsupported_version);
    }
}

TEST(Malformed, SizeNotMatchingPayloadLengthIsError13)
{
    auto longer = wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x01});
    longer.push_back(std::byte{0}); // one octet more than announced
    expect_error(longer, error::bad_length, error_code::incorrect_message_length);

    auto shorter = wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x01});
    shorter[3] = std::byte{2}; // claims 8 octets of payload, carries 4
    expect_error(shorter, error::bad_length, error_code::incorrect_message_length);

    auto claims_none = wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x01});
    claims_none[3] = std::byte{0};
    expect_error(claims_none, error::bad_length, error_code::incorrect_message_length);
}

TEST(Malformed, FragmentFieldsMissingOrInconsistentAreError13)
{
    auto no_room = wire(primitive::hello, {}, 2);
    no_room[0] = std::byte{0x48}; // Ver=2 F=1 but nothing after the 12 octets
    expect_error(no_room, error::bad_length, error_code::incorrect_message_length);

    // F=1, Payload Length 1, Fragment Offset 0, Fragment Length 2 but one word present.
    auto wrong =
        wire(primitive::floor_release, {0x00, 0x00, 0x00, 0x02, 0x07, 0x04, 0x00, 0x01}, 2);
    wrong[0] = std::byte{0x48};
    wrong[3] = std::byte{1};
    expect_error(wrong, error::bad_length, error_code::incorrect_message_length);

    // Fragment Offset 1 + Fragment Length 1 > Payload Length 1.
    auto past = wire(primitive::floor_release, {0x00, 0x01, 0x00, 0x01, 0x07, 0x04, 0x00, 0x01}, 2);
    past[0] = std::byte{0x48};
    past[3] = std::byte{1};
    expect_error(past, error::bad_length, error_code::incorrect_message_length);
}

TEST(Malformed, PartialFragmentIsError10BecauseFragmentsAreNotReassembled)
{
    // Payload Length 2 (whole message), this fragment: offset 0, length 1.
    auto frag = wire(primitive::floor_release, {0x00, 0x00, 0x00, 0x01, 0x07, 0x04, 0x00, 0x01}, 2);
    frag[0] = std::byte{0x48};
    frag[3] = std::byte{2};
    expect_error(frag, error::parse_error, error_code::unable_to_parse_message);
}

TEST(Malformed, UnknownPrimitiveIsError3)
{
    for (int p : {0, 19, 20, 89, 96, 200, 255})
        expect_error(wire(static_cast<std::uint8_t>(p), {}), error::unknown_primitive,
                     error_code::unknown_primitive);
}

TEST(Malformed, UnknownMandatoryAttributesAreError4WithEveryTypeListed)
{
    // Type 40 M=1 at top level, type 100 M=1 at top level, type 50 M=1 nested in a FRI,
    // type 60 M=0 (skipped).
    auto const frame = wire(primitive::floor_request_status,
                            {0x51, 0x04, 0x00, 0x00,                         // 40|M
                             0x1f, 0x10, 0x00, 0x01,                         // FRI id 1
                             0x23, 0x04, 0x00, 0x01,                         //   FRS floor 1
                             0x65, 0x04, 0xaa, 0xbb,                         //   50|M nested
                             0x78, 0x04, 0x00, 0x00,                         // 60, M=0
                             0xc9, 0x06, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00} // 100|M, Length 6
    );
    auto const o = fail_of(frame);
    EXPECT_EQ(o.ec, make_error_code(error::unknown_mandatory_attribute));
    EXPECT_EQ(wire_code(o.ec), error_code::unknown_mandatory_attribute);
    ASSERT_EQ(o.diag.unknown_mandatory.size(), 3u);
    EXPECT_EQ(o.diag.unknown_mandatory[0], 40);
    EXPECT_EQ(o.diag.unknown_mandatory[1], 50);
    EXPECT_EQ(o.diag.unknown_mandatory[2], 100);
}

TEST(Malformed, UnknownMandatoryWinsOverAMissingBodyElement)
{
    // A FloorRequest whose only attribute is unknown and mandatory: the peer gets Error 4 (it
    // may have meant a FLOOR-ID extension), not Error 10.
    auto const o = fail_of(wire(primitive::floor_request, {0x51, 0x04, 0x00, 0x07}));
    EXPECT_EQ(o.ec, make_error_code(error::unknown_mandatory_attribute));
}

TEST(Malformed, UnknownAttributeWithoutMIsSkipped)
{
    auto const r = floorctl::test::decode(
        wire(primitive::floor_request, {0x50, 0x05, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00, // 40
                                        0x05, 0x04, 0x00, 0x07}));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(std::get<floor_request>(r->payload).floors[0], floor_id{7});
}

TEST(Malformed, AttributeWithWrongLengthForItsTypeIsError10)
{
    // FLOOR-ID with Length 6 (plus padding), PRIORITY with Length 3, FLOOR-REQUEST-ID Length 2,
    // REQUEST-STATUS Length 5 inside a FLOOR-REQUEST-STATUS, ERROR-CODE without its code.
    expect_error(wire(primitive::floor_request, {0x05, 0x06, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00}),
                 error::parse_error, error_code::unable_to_parse_message);
    expect_error(wire(primitive::floor_request, {0x05, 0x04, 0x00, 0x07, 0x08, 0x03, 0x40, 0x00}),
                 error::parse_error, error_code::unable_to_parse_message);
    expect_error(wire(primitive::floor_release, {0x07, 0x02, 0x00, 0x00}), error::parse_error,
                 error_code::unable_to_parse_message);
    expect_error(
        wire(primitive::floor_request_status, {0x1f, 0x10, 0x00, 0x01, 0x23, 0x0c, 0x00, 0x01, 0x0b,
                                               0x05, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00}),
        error::parse_error, error_code::unable_to_parse_message);
    expect_error(wire(primitive::error, {0x0d, 0x02, 0x00, 0x00}), error::parse_error,
                 error_code::unable_to_parse_message);
}

TEST(Malformed, AttributeLengthBelowTwoIsError10)
{
    expect_error(wire(primitive::hello, {0x05, 0x00, 0x00, 0x00}), error::parse_error,
                 error_code::unable_to_parse_message);
    expect_error(wire(primitive::hello, {0x05, 0x01, 0x00, 0x00}), error::parse_error,
                 error_code::unable_to_parse_message);
}

TEST(Malformed, RequestStatusValueOutsideTheRfcTableIsError10)
{
    for (int s : {0, 8, 255})
        expect_error(wire(primitive::chair_action,
                          {0x1f, 0x0c, 0x00, 0x01, 0x23, 0x08, 0x00, 0x01, 0x0b, 0x04, s, 0x00}),
                     error::parse_error, error_code::unable_to_parse_message);
}

TEST(Malformed, NonZeroPaddingIsError10)
{
    // PARTICIPANT-PROVIDED-INFO "a" (Length 3) followed by a padding octet 0x20.
    expect_error(wire(primitive::floor_request, {0x05, 0x04, 0x00, 0x07, 0x10, 0x03, 0x61, 0x20}),
                 error::parse_error, error_code::unable_to_parse_message);
    // Nested: STATUS-INFO "x" inside a FLOOR-REQUEST-STATUS with padding 0xff.
    expect_error(wire(primitive::floor_status, {0x1f, 0x10, 0x00, 0x05, 0x23, 0x0c, 0x00, 0x01,
                                                0x0b, 0x04, 0x03, 0x00, 0x12, 0x03, 0x78, 0xff}),
                 error::parse_error, error_code::unable_to_parse_message);
}

TEST(Malformed, AttributeOverrunningTheMessageIsError10)
{
    // FLOOR-ID announcing Length 8 in a 4-octet payload.
    expect_error(wire(primitive::floor_request, {0x05, 0x08, 0x00, 0x07}), error::parse_error,
                 error_code::unable_to_parse_message);
}

TEST(Malformed, NestedAttributeOverrunningItsGroupIsError10)
{
    // FRI Length 8, but its nested FLOOR-REQUEST-STATUS claims Length 8 from offset 4.
    expect_error(wire(primitive::floor_request_status,
                      {0x1f, 0x08, 0x00, 0x01, 0x23, 0x08, 0x00, 0x01, 0x0b, 0x04, 0x03, 0x00}),
                 error::parse_error, error_code::unable_to_parse_message);
}

TEST(Malformed, StrayOctetsInsideAGroupAreError10)
{
    // FRI Length 10: a FLOOR-REQUEST-STATUS (4) then 2 octets that cannot be an attribute...
    // they can (Length field present) but 1 stray octet cannot: FRI Length 9.
    expect_error(wire(primitive::floor_request_status,
                      {0x1f, 0x09, 0x00, 0x01, 0x23, 0x04, 0x00, 0x01, 0x0b, 0x00, 0x00, 0x00}),
                 error::parse_error, error_code::unable_to_parse_message);
}

TEST(Malformed, MissingMandatoryBodyElementsAreError10)
{
    auto const err10 = [](bytes const& f) {
        expect_error(f, error::parse_error, error_code::unable_to_parse_message);
    };
    err10(wire(primitive::floor_request, {}));                             // no FLOOR-ID
    err10(wire(primitive::floor_request, {0x08, 0x04, 0x40, 0x00}));       // PRIORITY only
    err10(wire(primitive::floor_release, {}));                             // no FLOOR-REQUEST-ID
    err10(wire(primitive::floor_request_query, {0x05, 0x04, 0x00, 0x01})); // FLOOR-ID instead
    err10(wire(primitive::floor_request_status, {}));                      // no FRI
    err10(wire(primitive::chair_action, {}));                              // no FRI
    err10(wire(primitive::error, {0x0e, 0x04, 0x61, 0x62}));               // ERROR-INFO only
    // FRI without any FLOOR-REQUEST-STATUS.
    err10(wire(primitive::chair_action, {0x1f, 0x04, 0x00, 0x01}));
    // Grouped attributes shorter than their 16-bit ID.
    err10(wire(primitive::chair_action, {0x1f, 0x03, 0x00, 0x00}));
    err10(wire(primitive::user_status, {0x1d, 0x02, 0x00, 0x00}));
    err10(wire(primitive::chair_action,
               {0x1f, 0x0c, 0x00, 0x01, 0x23, 0x04, 0x00, 0x01, 0x25, 0x03, 0x00, 0x00}));
}

TEST(Malformed, DuplicateSingleValuedAttributesAreError10)
{
    expect_error(wire(primitive::floor_release, {0x07, 0x04, 0x00, 0x01, 0x07, 0x04, 0x00, 0x02}),
                 error::parse_error, error_code::unable_to_parse_message);
    expect_error(wire(primitive::floor_request,
                      {0x05, 0x04, 0x00, 0x01, 0x08, 0x04, 0x40, 0x00, 0x08, 0x04, 0x40, 0x00}),
                 error::parse_error, error_code::unable_to_parse_message);
}

// ---- tolerances: accepted, not errors ----

TEST(Tolerated, DraftGoodbyeAckAndVendorPrimitivesAreHeaderOnlyVendorMessages)
{
    for (int p : {18, 90, 91, 92, 93, 94, 95}) {
        // Even with an attribute a strict decode would reject: these are not looked into.
        auto const r =
            floorctl::test::decode(wire(static_cast<std::uint8_t>(p), {0xff, 0x00, 0, 0}));
        ASSERT_TRUE(r) << p;
        EXPECT_EQ(std::get<vendor_message>(r->payload).prim, p);
    }
}

TEST(Tolerated, HelloAckWithoutSupportedListsDecodes)
{
    auto const r = floorctl::test::decode(wire(primitive::hello_ack, {}));
    ASSERT_TRUE(r);
    EXPECT_TRUE(std::get<hello_ack>(r->payload).supported_primitives.empty());
}

TEST(Tolerated, KnownAttributeOutOfPlaceIsIgnored)
{
    // A PRIORITY in a FloorRelease, a FLOOR-ID in a Hello.
    auto const r = floorctl::test::decode(
        wire(primitive::floor_release, {0x08, 0x04, 0x40, 0x00, 0x07, 0x04, 0x00, 0x05}));
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<floor_release>(r->payload).id, floor_request_id{5});
    EXPECT_TRUE(floorctl::test::decode(wire(primitive::hello, {0x05, 0x04, 0x00, 0x01})));
}

TEST(Tolerated, GroupLengthExcludingTheLastNestedPaddingIsAccepted)
{
    // FLOOR-REQUEST-STATUS Length 11 (the nested STATUS-INFO's padding octet not counted), the
    // group's own padding then supplies it. Both conventions are in the field.
    auto const r = floorctl::test::decode(
        wire(primitive::floor_status, {0x1f, 0x0f, 0x00, 0x05, 0x23, 0x0b, 0x00, 0x01, 0x0b, 0x04,
                                       0x03, 0x00, 0x12, 0x03, 0x78, 0x00}));
    ASSERT_TRUE(r) << r.error().message();
    auto const& fs = std::get<floor_status>(r->payload);
    ASSERT_EQ(fs.requests.size(), 1u);
    EXPECT_EQ(fs.requests[0].floors[0].status_info, "x");
}

TEST(Tolerated, PriorityReservedBitsAreIgnored)
{
    auto const r = floorctl::test::decode(
        wire(primitive::floor_request, {0x05, 0x04, 0x00, 0x07, 0x08, 0x04, 0x9f, 0xff}));
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<floor_request>(r->payload).prio, priority::highest);
}

TEST(WireCode, EveryErrorMapsToItsRfcCode)
{
    struct row {
        error e;
        error_code c;
    };
    for (auto const& [e, c] :
         {row{error::unsupported_version, error_code::unsupported_version},
          row{error::bad_length, error_code::incorrect_message_length},
          row{error::parse_error, error_code::unable_to_parse_message},
          row{error::unknown_primitive, error_code::unknown_primitive},
          row{error::unknown_mandatory_attribute, error_code::unknown_mandatory_attribute},
          row{error::conference_does_not_exist, error_code::conference_does_not_exist},
          row{error::user_does_not_exist, error_code::user_does_not_exist},
          row{error::unauthorized_operation, error_code::unauthorized_operation},
          row{error::invalid_floor_id, error_code::invalid_floor_id},
          row{error::floor_request_id_does_not_exist, error_code::floor_request_id_does_not_exist},
          row{error::max_floor_requests_reached, error_code::max_floor_requests_reached},
          row{error::use_tls, error_code::use_tls}, row{error::generic, error_code::generic_error},
          row{error::truncated_header, error_code::generic_error}}) {
        EXPECT_EQ(wire_code(make_error_code(e)), c) << static_cast<int>(e);
        EXPECT_FALSE(make_error_code(e).message().empty());
    }
    EXPECT_EQ(wire_code(std::make_error_code(std::errc::io_error)), error_code::generic_error);
    EXPECT_STREQ(error_category().name(), "floorctl");
}

} // namespace
