#pragma once
// The golden vectors' typed messages: each hand-written, annotated vector in tests/data/bfcp/
// stands for one message built here by hand. The golden test holds them against the bytes
// (both ways), the libre differential test against libre's encoder.

#include <floorctl/message.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace floorctl::test {

/// A version-`ver` header (R, F clear) with these ids.
inline common_header hdr(std::uint32_t conf, std::uint16_t tid, std::uint16_t user,
                         std::uint8_t ver = 1)
{
    common_header h;
    h.version = ver;
    h.conference = conference_id{conf};
    h.transaction = transaction_id{tid};
    h.user = user_id{user};
    return h;
}

/// A REQUEST-STATUS value.
inline request_status_value st(request_status s, std::uint8_t q = 0)
{
    return {s, q};
}

/// A FLOOR-REQUEST-STATUS group. `info` as a plain pointer: an optional<string> parameter trips GCC
/// 12's -Wmaybe-uninitialized under -fsanitize=address.
inline floor_request_status_group frs(std::uint16_t f, std::optional<request_status_value> s = {},
                                      char const* info = nullptr)
{
    floor_request_status_group g;
    g.floor = floor_id{f};
    g.status = s;
    if (info != nullptr) g.status_info = info;
    return g;
}

/// A golden vector: its file in tests/data/bfcp/ and the typed message it stands for.
struct golden {
    std::string file;
    std::function<message()> make;
};

/// Every golden vector, built by hand field by field. Together they cover all 17 primitives and
/// all 18 attributes (codec_golden_test.cpp checks that).
inline std::vector<golden> const& goldens()
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

/// The message of golden vector `file` (for instance "floor_request.hex").
/// @throws std::out_of_range for a file that is not a golden vector.
inline message golden_message(std::string const& file)
{
    for (auto const& g : goldens()) {
        if (g.file == file) return g.make();
    }
    throw std::out_of_range("no golden vector " + file);
}

} // namespace floorctl::test
