// RFC 8855 §5.2: attribute contents, single and grouped, both directions.
#include "codec/attributes.hpp"

#include <algorithm>
#include <array>

namespace floorctl::detail {

namespace {

[[nodiscard]] std::uint16_t be16(std::span<std::byte const> c, std::size_t at) noexcept
{
    auto const hi = static_cast<std::uint8_t>(c[at]);
    auto const lo = static_cast<std::uint8_t>(c[at + 1]);
    return static_cast<std::uint16_t>(hi << 8 | lo);
}

template <class Text>
bool set_text(std::optional<Text>& out, std::span<std::byte const> c, decode_ctx& ctx,
              char const* why_duplicate)
{
    if (out) return ctx.fail(why_duplicate);
    auto const s = as_text(c);
    out.emplace(s.begin(), s.end());
    return true;
}

/// OVERALL-REQUEST-STATUS (§5.2.18) and FLOOR-REQUEST-STATUS (§5.2.17): ID(16) then
/// [REQUEST-STATUS] [STATUS-INFO].
template <class Group, class Id>
bool decode_status_group(std::span<std::byte const> c, Group& g, Id& id, decode_ctx& ctx)
{
    if (c.size() < 2) return ctx.fail("grouped attribute shorter than its 16-bit ID");
    id = Id{be16(c, 0)};
    return walk(c.subspan(2), ctx, [&](std::uint8_t type, std::span<std::byte const> v) {
        switch (static_cast<attribute_type>(type)) {
        case attribute_type::request_status:
            if (g.status) return ctx.fail("duplicate REQUEST-STATUS");
            g.status.emplace();
            return decode_request_status(v, *g.status, ctx);
        case attribute_type::status_info:
            return set_text(g.status_info, v, ctx, "duplicate STATUS-INFO");
        default:
            return true; // known but out of place: ignored (docs/codec.md, tolerances)
        }
    });
}

/// Smallest multiple of 4 not above `n`: every room handed to a writer is 4-aligned, so a
/// padded attribute that fits its room never leaves a group's Length unaligned.
[[nodiscard]] constexpr std::size_t floor4(std::size_t n) noexcept
{
    return n & ~std::size_t{3};
}

template <class Group>
std::size_t put_status_group(byte_writer& w, attribute_type t, std::uint16_t id, Group const& g,
                             std::size_t room)
{
    room = std::min<std::size_t>(floor4(room), 252);
    if (room < 4) return 0;
    auto const start = w.size();
    w.u32(std::uint32_t{attribute_head(t)} << 24 | id); // Length patched below
    std::size_t used = 4;
    if (g.status && room - used >= 4) {
        w.u32(std::uint32_t{attribute_head(attribute_type::request_status)} << 24 | 4u << 16 |
              std::uint32_t{to_underlying(g.status->status)} << 8 | g.status->queue_position);
        used += 4;
    }
    if (g.status_info) put_text(w, attribute_type::status_info, *g.status_info, room - used);
    auto const len = w.size() - start;
    w.patch8(start + 1, static_cast<std::uint8_t>(len));
    return len;
}

} // namespace

bool decode_u16(std::span<std::byte const> c, std::uint16_t& out, decode_ctx& ctx,
                char const* why_bad_length) noexcept
{
    if (c.size() != 2) return ctx.fail(why_bad_length);
    out = be16(c, 0);
    return true;
}

bool decode_priority(std::span<std::byte const> c, priority& out, decode_ctx& ctx) noexcept
{
    // §5.2.4: Prio(3) then 13 reserved bits, which the receiver ignores.
    if (c.size() != 2) return ctx.fail("PRIORITY Length must be 4");
    out = static_cast<priority>(static_cast<std::uint8_t>(c[0]) >> 5);
    return true;
}

bool decode_request_status(std::span<std::byte const> c, request_status_value& out,
                           decode_ctx& ctx) noexcept
{
    // §5.2.5: Request Status(8) Queue Position(8).
    if (c.size() != 2) return ctx.fail("REQUEST-STATUS Length must be 4");
    auto const s = static_cast<std::uint8_t>(c[0]);
    if (s < 1 || s > 7) return ctx.fail("REQUEST-STATUS value outside 1..7");
    out.status = static_cast<request_status>(s);
    out.queue_position = static_cast<std::uint8_t>(c[1]);
    return true;
}

bool decode_user_information(std::span<std::byte const> c, user_information& out, decode_ctx& ctx)
{
    // §5.2.14 / §5.2.16: ID(16) then [USER-DISPLAY-NAME] [USER-URI].
    if (c.size() < 2) return ctx.fail("grouped attribute shorter than its 16-bit ID");
    out.id = user_id{be16(c, 0)};
    return walk(c.subspan(2), ctx, [&](std::uint8_t type, std::span<std::byte const> v) {
        switch (static_cast<attribute_type>(type)) {
        case attribute_type::user_display_name:
            return set_text(out.display_name, v, ctx, "duplicate USER-DISPLAY-NAME");
        case attribute_type::user_uri:
            return set_text(out.uri, v, ctx, "duplicate USER-URI");
        default:
            return true;
        }
    });
}

bool decode_floor_request_information(std::span<std::byte const> c, floor_request_information& out,
                                      decode_ctx& ctx)
{
    // §5.2.15: ID(16) [OVERALL-REQUEST-STATUS] 1*FLOOR-REQUEST-STATUS [BENEFICIARY-INFORMATION]
    // [REQUESTED-BY-INFORMATION] [PRIORITY] [PARTICIPANT-PROVIDED-INFO]. Order not enforced.
    if (c.size() < 2) return ctx.fail("grouped attribute shorter than its 16-bit ID");
    out.id = floor_request_id{be16(c, 0)};
    bool const ok = walk(c.subspan(2), ctx, [&](std::uint8_t type, std::span<std::byte const> v) {
        switch (static_cast<attribute_type>(type)) {
        case attribute_type::overall_request_status:
            if (out.overall) return ctx.fail("duplicate OVERALL-REQUEST-STATUS");
            out.overall.emplace();
            return decode_status_group(v, *out.overall, out.overall->id, ctx);
        case attribute_type::floor_request_status: {
            if (out.floors.capacity() == 0)
                out.floors.reserve(2); // most requests name one or two floors: one allocation
            auto& g = out.floors.emplace_back();
            return decode_status_group(v, g, g.floor, ctx);
        }
        case attribute_type::beneficiary_information:
            if (out.beneficiary) return ctx.fail("duplicate BENEFICIARY-INFORMATION");
            out.beneficiary.emplace();
            return decode_user_information(v, *out.beneficiary, ctx);
        case attribute_type::requested_by_information:
            if (out.requested_by) return ctx.fail("duplicate REQUESTED-BY-INFORMATION");
            out.requested_by.emplace();
            return decode_user_information(v, *out.requested_by, ctx);
        case attribute_type::priority:
            if (out.prio) return ctx.fail("duplicate PRIORITY");
            out.prio.emplace();
            return decode_priority(v, *out.prio, ctx);
        case attribute_type::participant_provided_info:
            return set_text(out.participant_info, v, ctx, "duplicate PARTICIPANT-PROVIDED-INFO");
        default:
            return true;
        }
    });
    if (!ok) return false;
    if (out.floors.empty())
        return ctx.fail("FLOOR-REQUEST-INFORMATION without FLOOR-REQUEST-STATUS");
    return true;
}

std::size_t text_attribute_bound(std::size_t text_size) noexcept
{
    return (std::min<std::size_t>(text_size, 253) + 2 + 3) & ~std::size_t{3};
}

void put_text(byte_writer& w, attribute_type t, std::string_view s, std::size_t room)
{
    room = floor4(room);
    if (room < 4) return;
    std::size_t n = s.size();
    std::size_t const cap = room - 2 < 253 ? room - 2 : 253;
    if (n > cap) {
        n = cap;
        // Never split a UTF-8 sequence: back off over continuation octets (10xxxxxx).
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
            --n;
    }
    w.u16(static_cast<std::uint16_t>(std::size_t{attribute_head(t)} << 8 | (n + 2)));
    w.bytes(s.data(), n);
    w.zeros(pad4(n + 2));
}

void put_octets(byte_writer& w, attribute_type t, std::span<std::uint8_t const> v, int shift)
{
    // SUPPORTED-ATTRIBUTES (shift 1: Type(7)|R) and SUPPORTED-PRIMITIVES (shift 0).
    std::size_t const n = std::min<std::size_t>(v.size(), 253);
    w.u8(attribute_head(t));
    w.u8(static_cast<std::uint8_t>(n + 2));
    if (shift == 0) {
        w.bytes(v.data(), n);
    } else {
        // Shifted into a local buffer, then one copy: octet-wise stores through the writer
        // reload its position after every octet (byte_writer::u16).
        std::array<std::uint8_t, 253> shifted;
        for (std::size_t i = 0; i < n; ++i)
            shifted[i] = static_cast<std::uint8_t>(v[i] << shift);
        w.bytes(shifted.data(), n);
    }
    w.zeros(pad4(n + 2));
}

void put_user_information(byte_writer& w, attribute_type t, user_information const& u,
                          std::size_t room)
{
    room = std::min<std::size_t>(floor4(room), 252);
    if (room < 4) return;
    auto const start = w.size();
    w.u32(std::uint32_t{attribute_head(t)} << 24 | to_underlying(u.id));
    if (u.display_name)
        put_text(w, attribute_type::user_display_name, *u.display_name, room - (w.size() - start));
    if (u.uri) put_text(w, attribute_type::user_uri, *u.uri, room - (w.size() - start));
    w.patch8(start + 1, static_cast<std::uint8_t>(w.size() - start));
}

void put_floor_request_information(byte_writer& w, floor_request_information const& fri,
                                   std::size_t room)
{
    // A grouped attribute's Length (8 bits) covers its nested attributes, padding included, so
    // the whole group stays within 252 octets. Fixed-size parts are reserved first; free texts
    // get what is left and are cut (at a UTF-8 boundary) or dropped. Beyond ~60 floors the
    // trailing FLOOR-REQUEST-STATUS entries are dropped. See docs/codec.md.
    room = std::min<std::size_t>(floor4(room), 252);
    std::size_t const others_min = 4 + (fri.overall ? 4 : 0) + (fri.beneficiary ? 4 : 0) +
                                   (fri.requested_by ? 4 : 0) + (fri.prio ? 4 : 0);
    if (room < others_min + 4) return;
    std::size_t const n_floors = std::min(fri.floors.size(), (room - others_min) / 4);
    std::size_t reserve = others_min - 4 + 4 * n_floors; // still owed to later fixed parts

    auto const start = w.size();
    w.u32(std::uint32_t{attribute_head(attribute_type::floor_request_information)} << 24 |
          to_underlying(fri.id));
    auto const left = [&] { return room - (w.size() - start); };

    if (fri.overall) {
        reserve -= 4;
        put_status_group(w, attribute_type::overall_request_status, to_underlying(fri.overall->id),
                         *fri.overall, left() - reserve);
    }
    for (std::size_t i = 0; i < n_floors; ++i) {
        reserve -= 4;
        auto const& g = fri.floors[i];
        put_status_group(w, attribute_type::floor_request_status, to_underlying(g.floor), g,
                         left() - reserve);
    }
    if (fri.beneficiary) {
        reserve -= 4;
        put_user_information(w, attribute_type::beneficiary_information, *fri.beneficiary,
                             left() - reserve);
    }
    if (fri.requested_by) {
        reserve -= 4;
        put_user_information(w, attribute_type::requested_by_information, *fri.requested_by,
                             left() - reserve);
    }
    if (fri.prio) {
        reserve -= 4;
        put_priority(w, *fri.prio);
    }
    if (fri.participant_info)
        put_text(w, attribute_type::participant_provided_info, *fri.participant_info, left());
    w.patch8(start + 1, static_cast<std::uint8_t>(w.size() - start));
}

} // namespace floorctl::detail
