// Differential test against an independent BFCP implementation: libre 1.1.0 (Debian libre-dev,
// re/re_bfcp.h). Both directions, for every primitive and attribute both support:
//  - libre encodes (bfcp_msg_encode with the same M bits we choose) -> the bytes equal
//    floorctl's encoding of the same message, and floorctl decodes them to that message;
//  - floorctl encodes -> libre decodes (bfcp_msg_decode) to the same fields.
// Where the two differ by design, the difference is pinned by a LibreDifference test and
// described in docs/codec.md.
#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include "golden_messages.hpp"

#include <support/wire.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>

// libre's headers last: re_types.h defines macros (true/false among them) that break C++20
// standard headers parsed after it.
#include <re.h>

using namespace floorctl;
using floorctl::test::bytes;
using floorctl::test::golden_message;
using floorctl::test::hdr;

namespace {

constexpr int M = BFCP_MANDATORY;

struct mbuf_deleter {
    void operator()(mbuf* m) const { mem_deref(m); }
};
using mbuf_ptr = std::unique_ptr<mbuf, mbuf_deleter>;
struct msg_deleter {
    void operator()(bfcp_msg* m) const { mem_deref(m); }
};
using msg_ptr = std::unique_ptr<bfcp_msg, msg_deleter>;

bytes bytes_of(mbuf const* mb)
{
    return bytes(reinterpret_cast<std::byte const*>(mb->buf),
                 reinterpret_cast<std::byte const*>(mb->buf) + mb->end);
}

/// libre's decode of `frame`; errno-style code in `err`.
msg_ptr libre_decode(bytes const& frame, int& err)
{
    mbuf_ptr mb{mbuf_alloc(frame.size())};
    mbuf_write_mem(mb.get(), reinterpret_cast<std::uint8_t const*>(frame.data()), frame.size());
    mb->pos = 0;
    bfcp_msg* m = nullptr;
    err = bfcp_msg_decode(&m, mb.get());
    return msg_ptr{m};
}

// ---- libre's attribute tree -> floorctl's typed message (test-side converter) ----

template <class F> void each(list const& l, F&& f)
{
    for (le* e = list_head(&l); e != nullptr; e = e->next)
        f(*static_cast<bfcp_attr const*>(e->data));
}

user_information user_of(bfcp_attr const& a)
{
    user_information u;
    u.id = user_id{a.v.u16};
    each(a.attrl, [&](bfcp_attr const& s) {
        if (s.type == BFCP_USER_DISP_NAME) u.display_name = s.v.str;
        if (s.type == BFCP_USER_URI) u.uri = s.v.str;
    });
    return u;
}

template <class G> void status_group_of(bfcp_attr const& a, G& g)
{
    each(a.attrl, [&](bfcp_attr const& s) {
        if (s.type == BFCP_REQUEST_STATUS)
            g.status = request_status_value{static_cast<request_status>(s.v.reqstatus.status),
                                            s.v.reqstatus.qpos};
        if (s.type == BFCP_STATUS_INFO) g.status_info = s.v.str;
    });
}

floor_request_information fri_of(bfcp_attr const& a)
{
    floor_request_information r;
    r.id = floor_request_id{a.v.u16};
    each(a.attrl, [&](bfcp_attr const& s) {
        switch (s.type) {
        case BFCP_OVERALL_REQ_STATUS:
            r.overall.emplace();
            r.overall->id = floor_request_id{s.v.u16};
            status_group_of(s, *r.overall);
            break;
        case BFCP_FLOOR_REQ_STATUS: {
            auto& g = r.floors.emplace_back();
            g.floor = floor_id{s.v.u16};
            status_group_of(s, g);
            break;
        }
        case BFCP_BENEFICIARY_INFO:
            r.beneficiary = user_of(s);
            break;
        case BFCP_REQUESTED_BY_INFO:
            r.requested_by = user_of(s);
            break;
        case BFCP_PRIORITY:
            r.prio = static_cast<priority>(s.v.priority);
            break;
        case BFCP_PART_PROV_INFO:
            r.participant_info = s.v.str;
            break;
        default:
            break;
        }
    });
    return r;
}

message from_libre(bfcp_msg const& m)
{
    message out;
    out.header.version = m.ver;
    out.header.responder = m.r != 0;
    out.header.fragmented = m.f != 0;
    out.header.prim = static_cast<std::uint8_t>(m.prim);
    out.header.payload_words = m.len;
    out.header.conference = conference_id{m.confid};
    out.header.transaction = transaction_id{m.tid};
    out.header.user = user_id{m.userid};
    auto const top = [&](auto&& f) { each(m.attrl, f); };
    switch (m.prim) {
    case BFCP_FLOOR_REQUEST: {
        floor_request b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_FLOOR_ID) b.floors.push_back(floor_id{a.v.u16});
            if (a.type == BFCP_BENEFICIARY_ID) b.beneficiary = user_id{a.v.u16};
            if (a.type == BFCP_PART_PROV_INFO) b.participant_info.emplace(a.v.str);
            if (a.type == BFCP_PRIORITY) b.prio = static_cast<priority>(a.v.priority);
        });
        out.payload = b;
        break;
    }
    case BFCP_FLOOR_RELEASE:
    case BFCP_FLOOR_REQUEST_QUERY: {
        floor_request_id id{};
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_FLOOR_REQUEST_ID) id = floor_request_id{a.v.u16};
        });
        if (m.prim == BFCP_FLOOR_RELEASE)
            out.payload = floor_release{id};
        else
            out.payload = floor_request_query{id};
        break;
    }
    case BFCP_FLOOR_REQUEST_STATUS:
    case BFCP_CHAIR_ACTION: {
        floor_request_information info;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_FLOOR_REQ_INFO) info = fri_of(a);
        });
        if (m.prim == BFCP_CHAIR_ACTION)
            out.payload = chair_action{info};
        else
            out.payload = floor_request_status{info};
        break;
    }
    case BFCP_USER_QUERY: {
        user_query b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_BENEFICIARY_ID) b.beneficiary = user_id{a.v.u16};
        });
        out.payload = b;
        break;
    }
    case BFCP_USER_STATUS: {
        user_status b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_BENEFICIARY_INFO) b.beneficiary = user_of(a);
            if (a.type == BFCP_FLOOR_REQ_INFO) b.requests.push_back(fri_of(a));
        });
        out.payload = b;
        break;
    }
    case BFCP_FLOOR_QUERY: {
        floor_query b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_FLOOR_ID) b.floors.push_back(floor_id{a.v.u16});
        });
        out.payload = b;
        break;
    }
    case BFCP_FLOOR_STATUS: {
        floor_status b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_FLOOR_ID) b.floor = floor_id{a.v.u16};
            if (a.type == BFCP_FLOOR_REQ_INFO) b.requests.push_back(fri_of(a));
        });
        out.payload = b;
        break;
    }
    case BFCP_CHAIR_ACTION_ACK:
        out.payload = chair_action_ack{};
        break;
    case BFCP_HELLO:
        out.payload = hello{};
        break;
    case BFCP_HELLO_ACK: {
        hello_ack b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_SUPPORTED_PRIMS)
                for (std::size_t i = 0; i < a.v.supprim.primc; ++i)
                    b.supported_primitives.push_back(
                        static_cast<std::uint8_t>(a.v.supprim.primv[i]));
            if (a.type == BFCP_SUPPORTED_ATTRS)
                for (std::size_t i = 0; i < a.v.supattr.attrc; ++i)
                    b.supported_attributes.push_back(
                        static_cast<std::uint8_t>(a.v.supattr.attrv[i]));
        });
        out.payload = b;
        break;
    }
    case BFCP_ERROR: {
        error_reply b;
        top([&](bfcp_attr const& a) {
            if (a.type == BFCP_ERROR_CODE) {
                b.code = static_cast<error_code>(a.v.errcode.code);
                if (a.v.errcode.code == BFCP_UNKNOWN_MAND_ATTR)
                    for (std::size_t i = 0; i < a.v.errcode.len; ++i)
                        b.unknown_attributes.push_back(
                            static_cast<std::uint8_t>(a.v.errcode.details[i] >> 1));
            }
            if (a.type == BFCP_ERROR_INFO) b.info = a.v.str;
        });
        out.payload = b;
        break;
    }
    case BFCP_FLOOR_REQ_STATUS_ACK:
        out.payload = floor_request_status_ack{};
        break;
    case BFCP_FLOOR_STATUS_ACK:
        out.payload = floor_status_ack{};
        break;
    case BFCP_GOODBYE:
        out.payload = goodbye{};
        break;
    case BFCP_GOODBYE_ACK:
        out.payload = goodbye_ack{};
        break;
    default:
        ADD_FAILURE() << "unexpected primitive " << m.prim;
        break;
    }
    return out;
}

// ---- the shared cases: a libre encoder call and the typed message it stands for (most of them
// a golden vector's, golden_messages.hpp) ----

// Values libre's varargs point to; they must outlive the call only.
std::uint16_t const id1 = 1, id2 = 2, id3 = 3, id5 = 5, id7 = 7, id9 = 9, id42 = 42;
bfcp_priority const prio_normal = BFCP_PRIO_NORMAL, prio_high = BFCP_PRIO_HIGH,
                    prio_highest = BFCP_PRIO_HIGHEST;
bfcp_reqstatus const granted{BFCP_GRANTED, 0}, pending2{BFCP_PENDING, 2},
    accepted{BFCP_ACCEPTED, 0}, revoked{BFCP_REVOKED, 0};

struct diff_case {
    std::string name;
    std::function<int(mbuf*)> libre_encode;
    std::function<message()> make;
};

std::vector<diff_case> const& cases()
{
    static std::vector<diff_case> const all{
        {"FloorRequestReference",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST, 0x01020304, 0x1234, 42, 2,
                                    BFCP_FLOOR_ID | M, 0u, &id7, BFCP_PRIORITY, 0u, &prio_normal);
         },
         [] { return golden_message("floor_request.hex"); }},
        {"FloorRequestFull",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST, 1, 2, 3, 5, BFCP_FLOOR_ID | M,
                                    0u, &id1, BFCP_FLOOR_ID | M, 0u, &id2, BFCP_BENEFICIARY_ID | M,
                                    0u, &id9, BFCP_PART_PROV_INFO, 0u, "hi!", BFCP_PRIORITY, 0u,
                                    &prio_highest);
         },
         [] { return golden_message("floor_request_full.hex"); }},
        {"FloorRelease",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_RELEASE, 7, 11, 5, 1,
                                    BFCP_FLOOR_REQUEST_ID | M, 0u, &id42);
         },
         [] { return golden_message("floor_release.hex"); }},
        {"FloorRequestQuery",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST_QUERY, 7, 12, 5, 1,
                                    BFCP_FLOOR_REQUEST_ID | M, 0u, &id42);
         },
         [] { return golden_message("floor_request_query.hex"); }},
        {"FloorRequestStatusAllNested",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST_STATUS, 1, 0, 3, 1, //
                                    BFCP_FLOOR_REQ_INFO | M, 6u, &id5,                   //
                                    BFCP_OVERALL_REQ_STATUS | M, 2u, &id5,               //
                                    BFCP_REQUEST_STATUS | M, 0u, &granted,               //
                                    BFCP_STATUS_INFO, 0u, "ok",                          //
                                    BFCP_FLOOR_REQ_STATUS | M, 1u, &id1,                 //
                                    BFCP_REQUEST_STATUS | M, 0u, &granted,               //
                                    BFCP_BENEFICIARY_INFO | M, 2u, &id9,                 //
                                    BFCP_USER_DISP_NAME, 0u, "Bob",                      //
                                    BFCP_USER_URI, 0u, "sip:b@x",                        //
                                    BFCP_REQUESTED_BY_INFO | M, 0u, &id3,                //
                                    BFCP_PRIORITY, 0u, &prio_high,                       //
                                    BFCP_PART_PROV_INFO, 0u, "go");
         },
         [] { return golden_message("floor_request_status.hex"); }},
        {"FloorRequestStatusOddNestedText",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST_STATUS, 1, 0, 3, 1,
                                    BFCP_FLOOR_REQ_INFO | M, 1u, &id5,      //
                                    BFCP_FLOOR_REQ_STATUS | M, 2u, &id1,    //
                                    BFCP_REQUEST_STATUS | M, 0u, &pending2, //
                                    BFCP_STATUS_INFO, 0u, "queued behind 1");
         },
         [] {
             floor_request_status b;
             b.info.id = floor_request_id{5};
             b.info.floors.push_back({floor_id{1}, request_status_value{request_status::pending, 2},
                                      "queued behind 1"});
             return message{hdr(1, 0, 3), b};
         }},
        {"UserQuery",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_USER_QUERY, 1, 13, 3, 1,
                                    BFCP_BENEFICIARY_ID | M, 0u, &id9);
         },
         [] { return golden_message("user_query.hex"); }},
        {"UserStatus",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_USER_STATUS, 1, 13, 3, 3,
                                    BFCP_BENEFICIARY_INFO | M, 1u, &id9,    //
                                    BFCP_USER_DISP_NAME, 0u, "Al",          //
                                    BFCP_FLOOR_REQ_INFO | M, 1u, &id1,      //
                                    BFCP_FLOOR_REQ_STATUS | M, 1u, &id1,    //
                                    BFCP_REQUEST_STATUS | M, 0u, &pending2, //
                                    BFCP_FLOOR_REQ_INFO | M, 2u, &id2,      //
                                    BFCP_OVERALL_REQ_STATUS | M, 1u, &id2,  //
                                    BFCP_REQUEST_STATUS | M, 0u, &accepted, //
                                    BFCP_FLOOR_REQ_STATUS | M, 0u, &id1);
         },
         [] { return golden_message("user_status.hex"); }},
        {"FloorQuery",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_QUERY, 1, 14, 3, 2, BFCP_FLOOR_ID | M,
                                    0u, &id1, BFCP_FLOOR_ID | M, 0u, &id2);
         },
         [] { return golden_message("floor_query.hex"); }},
        {"FloorStatus",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_STATUS, 1, 0, 3, 2, BFCP_FLOOR_ID | M,
                                    0u, &id1,                              //
                                    BFCP_FLOOR_REQ_INFO | M, 1u, &id5,     //
                                    BFCP_FLOOR_REQ_STATUS | M, 2u, &id1,   //
                                    BFCP_REQUEST_STATUS | M, 0u, &granted, //
                                    BFCP_STATUS_INFO, 0u, "x");
         },
         [] { return golden_message("floor_status.hex"); }},
        {"ChairAction",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 1, false, BFCP_CHAIR_ACTION, 1, 15, 1, 1,
                                    BFCP_FLOOR_REQ_INFO | M, 1u, &id5,   //
                                    BFCP_FLOOR_REQ_STATUS | M, 1u, &id1, //
                                    BFCP_REQUEST_STATUS | M, 0u, &revoked);
         },
         [] { return golden_message("chair_action.hex"); }},
        {"ChairActionAck",
         [](mbuf* mb) { return bfcp_msg_encode(mb, 1, false, BFCP_CHAIR_ACTION_ACK, 1, 15, 1, 0); },
         [] { return golden_message("chair_action_ack.hex"); }},
        {"Hello", [](mbuf* mb) { return bfcp_msg_encode(mb, 1, false, BFCP_HELLO, 1, 16, 3, 0); },
         [] { return golden_message("hello.hex"); }},
        {"HelloAck",
         [](mbuf* mb) {
             static bfcp_prim prims[17];
             static bfcp_attrib attrs[18];
             for (int i = 0; i < 17; ++i)
                 prims[i] = static_cast<bfcp_prim>(i + 1);
             for (int i = 0; i < 18; ++i)
                 attrs[i] = static_cast<bfcp_attrib>(i + 1);
             static bfcp_supprim const sp{prims, 17};
             static bfcp_supattr const sa{attrs, 18};
             return bfcp_msg_encode(mb, 1, false, BFCP_HELLO_ACK, 1, 16, 3, 2,
                                    BFCP_SUPPORTED_PRIMS | M, 0u, &sp, BFCP_SUPPORTED_ATTRS | M, 0u,
                                    &sa);
         },
         [] { return golden_message("hello_ack.hex"); }},
        {"ErrorUnknownMandatory",
         [](mbuf* mb) {
             static std::uint8_t details[] = {40 << 1, 100 << 1};
             static bfcp_errcode const ec{BFCP_UNKNOWN_MAND_ATTR, details, 2};
             return bfcp_msg_encode(mb, 1, false, BFCP_ERROR, 1, 17, 3, 2, BFCP_ERROR_CODE | M, 0u,
                                    &ec, BFCP_ERROR_INFO, 0u, "bad");
         },
         [] { return golden_message("error.hex"); }},
        {"ErrorParse",
         [](mbuf* mb) {
             static bfcp_errcode const ec{BFCP_PARSE_ERROR, nullptr, 0};
             return bfcp_msg_encode(mb, 1, false, BFCP_ERROR, 1, 17, 3, 1, BFCP_ERROR_CODE | M, 0u,
                                    &ec);
         },
         [] {
             error_reply b;
             b.code = error_code::unable_to_parse_message;
             return message{hdr(1, 17, 3), b};
         }},
        {"FloorRequestStatusAckV2",
         [](mbuf* mb) {
             return bfcp_msg_encode(mb, 2, true, BFCP_FLOOR_REQ_STATUS_ACK, 1, 256, 3, 0);
         },
         [] { return golden_message("floor_request_status_ack.hex"); }},
        {"FloorStatusAckV2",
         [](mbuf* mb) { return bfcp_msg_encode(mb, 2, true, BFCP_FLOOR_STATUS_ACK, 1, 257, 3, 0); },
         [] { return golden_message("floor_status_ack.hex"); }},
        {"Goodbye",
         [](mbuf* mb) { return bfcp_msg_encode(mb, 1, false, BFCP_GOODBYE, 1, 18, 3, 0); },
         [] { return golden_message("goodbye.hex"); }},
        {"GoodbyeAck",
         [](mbuf* mb) { return bfcp_msg_encode(mb, 1, false, BFCP_GOODBYE_ACK, 1, 18, 3, 0); },
         [] { return golden_message("goodbye_ack.hex"); }},
    };
    return all;
}

message with_wire_header(message m, bytes const& frame)
{
    m.header.prim = primitive_of(m.payload);
    m.header.payload_words = static_cast<std::uint16_t>((frame.size() - 12) / 4);
    return m;
}

class Libre : public ::testing::TestWithParam<diff_case> {};

TEST_P(Libre, LibreEncodingEqualsOursByteForByte)
{
    mbuf_ptr mb{mbuf_alloc(512)};
    ASSERT_EQ(GetParam().libre_encode(mb.get()), 0);
    EXPECT_EQ(bytes_of(mb.get()), encode(GetParam().make()));
}

TEST_P(Libre, LibreEncodingDecodesInFloorctlToTheSameFields)
{
    mbuf_ptr mb{mbuf_alloc(512)};
    ASSERT_EQ(GetParam().libre_encode(mb.get()), 0);
    auto const frame = bytes_of(mb.get());
    decode_diagnostics diag;
    auto const got = floorctl::test::decode(frame, &diag);
    ASSERT_TRUE(got) << got.error().message() << ": " << diag.what;
    EXPECT_EQ(*got, with_wire_header(GetParam().make(), frame)) << describe(*got);
}

TEST_P(Libre, FloorctlEncodingDecodesInLibreToTheSameFields)
{
    auto const original = GetParam().make();
    auto const frame = encode(original);
    int err = -1;
    auto const m = libre_decode(frame, err);
    ASSERT_EQ(err, 0);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->uma.typec, 0u);
    EXPECT_EQ(from_libre(*m), with_wire_header(original, frame));
}

INSTANTIATE_TEST_SUITE_P(Differential, Libre, ::testing::ValuesIn(cases()),
                         [](auto const& param_info) { return param_info.param.name; });

TEST(LibreDifferential, GoldenVectorsDecodeInLibreLikeInFloorctl)
{
    // Every hand-written golden vector libre can read (it refuses F=1 and has no notion of
    // vendor primitives, see below) decodes to the same fields in both.
    for (char const* file :
         {"floor_request.hex", "floor_request_full.hex", "floor_release.hex",
          "floor_request_query.hex", "floor_request_status.hex", "user_query.hex",
          "user_status.hex", "floor_query.hex", "floor_status.hex", "chair_action.hex",
          "chair_action_ack.hex", "hello.hex", "hello_ack.hex", "error.hex",
          "floor_request_status_ack.hex", "floor_status_ack.hex", "goodbye.hex",
          "goodbye_ack.hex"}) {
        auto const frame =
            floorctl::test::read_hex_file(std::string(FLOORCTL_TEST_DATA_DIR) + "/bfcp/" + file);
        auto const ours = floorctl::test::decode(frame);
        ASSERT_TRUE(ours) << file;
        int err = -1;
        auto const theirs = libre_decode(frame, err);
        ASSERT_EQ(err, 0) << file;
        EXPECT_EQ(from_libre(*theirs), *ours) << file;
    }
}

// ---- pinned differences (docs/codec.md, "libre differences") ----

TEST(LibreDifference, UnknownMandatoryAttributeLibreAcceptsAndListsShiftedWeReject)
{
    auto const frame = floorctl::test::wire(primitive::floor_request,
                                            {0x51, 0x04, 0x00, 0x00, 0x05, 0x04, 0x00, 0x07});
    int err = -1;
    auto const m = libre_decode(frame, err);
    ASSERT_EQ(err, 0); // libre leaves the Error 4 decision to its caller
    ASSERT_EQ(m->uma.typec, 1u);
    EXPECT_EQ(m->uma.typev[0], 40 << 1); // libre keeps the wire octet (type << 1)
    decode_diagnostics diag;
    auto const ours = floorctl::test::decode(frame, &diag);
    ASSERT_FALSE(ours);
    EXPECT_EQ(ours.error(), make_error_code(error::unknown_mandatory_attribute));
    ASSERT_EQ(diag.unknown_mandatory.size(), 1u);
    EXPECT_EQ(diag.unknown_mandatory[0], 40); // we keep the 7-bit type
}

TEST(LibreDifference, NonZeroPaddingLibreSkipsWeRejectWith10)
{
    auto const frame = floorctl::test::wire(primitive::floor_request,
                                            {0x05, 0x04, 0x00, 0x07, 0x10, 0x03, 0x61, 0x20});
    int err = -1;
    auto const m = libre_decode(frame, err);
    EXPECT_EQ(err, 0);
    EXPECT_EQ(floorctl::test::decode(frame).error(), make_error_code(error::parse_error));
}

TEST(LibreDifference, MissingMandatoryBodyElementLibreAcceptsWeRejectWith10)
{
    auto const frame = floorctl::test::wire(primitive::floor_request, {});
    int err = -1;
    auto const m = libre_decode(frame, err);
    EXPECT_EQ(err, 0);
    EXPECT_EQ(floorctl::test::decode(frame).error(), make_error_code(error::parse_error));
}

TEST(LibreDifference, UnknownPrimitiveLibreAcceptsWeRejectWith3)
{
    auto const frame = floorctl::test::wire(std::uint8_t{48}, {});
    int err = -1;
    auto const m = libre_decode(frame, err);
    EXPECT_EQ(err, 0);
    EXPECT_EQ(floorctl::test::decode(frame).error(), make_error_code(error::unknown_primitive));
}

TEST(LibreDifference, FragmentFieldsLibreRefusesWeDecodeASingleCompleteFragment)
{
    auto const frame = floorctl::test::read_hex_file(std::string(FLOORCTL_TEST_DATA_DIR) +
                                                     "/bfcp/floor_release_v2_fragment.hex");
    int err = -1;
    auto const m = libre_decode(frame, err);
    EXPECT_EQ(err, ENOSYS);
    EXPECT_TRUE(floorctl::test::decode(frame));
}

TEST(LibreDifference, BadVersionAndLengthBothRefuse)
{
    auto v3 = floorctl::test::wire(primitive::hello, {});
    v3[0] = std::byte{0x60};
    int err = -1;
    (void)libre_decode(v3, err);
    EXPECT_EQ(err, EBADMSG);
    EXPECT_EQ(floorctl::test::decode(v3).error(), make_error_code(error::unsupported_version));

    auto bl = floorctl::test::wire(primitive::hello, {});
    bl[3] = std::byte{1};
    (void)libre_decode(bl, err);
    EXPECT_EQ(err, ENODATA);
    EXPECT_EQ(floorctl::test::decode(bl).error(), make_error_code(error::bad_length));
}

} // namespace
