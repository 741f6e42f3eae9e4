#pragma once
// Internal to the codec: the attribute walker (RFC 8855 §5.2 TLV layout) and the decoders and
// encoders of single and grouped attributes. Shared by codec/message.cpp.

#include <floorctl/codec.hpp>

#include "codec/byte_io.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace floorctl::detail {

/// State of one decode_message() call.
struct decode_ctx {
    decode_diagnostics* diag = nullptr;
    bool unknown_mandatory = false;
    char const* what = "";

    void unknown(std::uint8_t type)
    {
        unknown_mandatory = true;
        if (diag != nullptr) diag->unknown_mandatory.push_back(type);
    }
    /// Records `why` and returns false, so that `return ctx.fail("...")` reads naturally.
    bool fail(char const* why) noexcept
    {
        what = why;
        return false;
    }
};

/// Highest attribute type RFC 8855 defines.
inline constexpr std::uint8_t last_known_attribute = 18;

/// Walks the attributes of `region` (a payload, or the nested part of a grouped attribute).
/// Calls `on(type, contents)` for every known attribute; `contents` excludes the 2-octet header
/// and the padding. Unknown attributes are skipped, those with M set are recorded in `ctx`.
/// Returns false on a structural error (Length < 2, overrun, non-zero padding, stray octets) or
/// when `on` returns false; ctx.what says why.
template <class F> bool walk(std::span<std::byte const> region, decode_ctx& ctx, F&& on)
{
    std::size_t pos = 0;
    std::size_t const end = region.size();
    while (pos < end) {
        if (end - pos < 2) return ctx.fail("stray octets after the last attribute");
        auto const b0 = static_cast<std::uint8_t>(region[pos]);
        auto const len = static_cast<std::size_t>(region[pos + 1]);
        if (len < 2) return ctx.fail("attribute Length below 2");
        if (len > end - pos) return ctx.fail("attribute overruns its container");
        // Padding to the next 4-octet boundary. Inside a grouped attribute the last nested
        // attribute's padding may fall outside the group's Length (stacks differ on whether
        // the group Length counts it); the enclosing walk then checks it as the group's padding.
        std::size_t pad_end = pos + len + pad4(len);
        if (pad_end > end) pad_end = end;
        for (std::size_t i = pos + len; i < pad_end; ++i) {
            // RFC 8855 §5.2: padding octets are zero. Strict, see docs/codec.md.
            if (region[i] != std::byte{0}) return ctx.fail("non-zero padding octet");
        }
        auto const type = static_cast<std::uint8_t>(b0 >> 1);
        bool const mandatory = (b0 & 1) != 0;
        if (type == 0 || type > last_known_attribute) {
            if (mandatory) ctx.unknown(type);
        } else if (!on(type, region.subspan(pos + 2, len - 2))) {
            return false;
        }
        pos = pad_end;
    }
    return true;
}

// ---- decoders of attribute contents (without the 2-octet header) ----

bool decode_u16(std::span<std::byte const> c, std::uint16_t& out, decode_ctx& ctx,
                char const* why_bad_length) noexcept;
bool decode_priority(std::span<std::byte const> c, priority& out, decode_ctx& ctx) noexcept;
bool decode_request_status(std::span<std::byte const> c, request_status_value& out,
                           decode_ctx& ctx) noexcept;
bool decode_user_information(std::span<std::byte const> c, user_information& out, decode_ctx& ctx);
bool decode_floor_request_information(std::span<std::byte const> c, floor_request_information& out,
                                      decode_ctx& ctx);

[[nodiscard]] inline std::string_view as_text(std::span<std::byte const> c) noexcept
{
    return {reinterpret_cast<char const*>(c.data()), c.size()};
}

// ---- encoders ----

/// Room for a top-level attribute: Length ≤ 255, so padded size ≤ 256.
inline constexpr std::size_t top_room = 256;

/// Writes a text attribute using at most `room` octets including padding; longer text is cut at
/// a UTF-8 character boundary. Writes nothing when `room` < 4.
void put_text(byte_writer& w, attribute_type t, std::string_view s, std::size_t room);
void put_octets(byte_writer& w, attribute_type t, std::span<std::uint8_t const> v, int shift);
/// Encodes a FLOOR-REQUEST-INFORMATION in at most `room` octets (see docs/codec.md, "Encoder").
void put_floor_request_information(byte_writer& w, floor_request_information const& fri,
                                   std::size_t room);
void put_user_information(byte_writer& w, attribute_type t, user_information const& u,
                          std::size_t room);

/// First octet of an attribute we send: type << 1 | M. M=1 on what the receiver cannot do
/// without (the body elements each primitive's ABNF requires, the IDs and statuses that change a
/// message's meaning, the grouped attributes); M=0 on advisory attributes (PRIORITY, free
/// texts). This reproduces the reference FloorRequest vector (FLOOR-ID 0x05, PRIORITY 0x08) and
/// libre's own choices; see docs/codec.md.
[[nodiscard]] constexpr std::uint8_t attribute_head(attribute_type t) noexcept
{
    bool const advisory = t == attribute_type::priority || t == attribute_type::error_info ||
                          t == attribute_type::participant_provided_info ||
                          t == attribute_type::status_info ||
                          t == attribute_type::user_display_name || t == attribute_type::user_uri;
    return static_cast<std::uint8_t>(to_underlying(t) << 1 | (advisory ? 0 : 1));
}

/// A 4-octet attribute carrying a 16-bit value (Type|M, Length 4, value): one 32-bit store.
inline void put_u16_attr(byte_writer& w, attribute_type t, std::uint16_t v) noexcept
{
    w.u32(std::uint32_t{attribute_head(t)} << 24 | 4u << 16 | v);
}

/// PRIORITY (§5.2.4): Prio(3) in the high bits of 16, the 13 reserved bits zero.
inline void put_priority(byte_writer& w, priority p) noexcept
{
    w.u32(std::uint32_t{attribute_head(attribute_type::priority)} << 24 | 4u << 16 |
          std::uint32_t{static_cast<std::uint8_t>((to_underlying(p) & 7) << 5)} << 8);
}

/// Upper bounds of the octets (padding included) the put_* functions above write.
[[nodiscard]] std::size_t text_attribute_bound(std::size_t text_size) noexcept;
[[nodiscard]] std::size_t user_information_bound(user_information const& u) noexcept;
[[nodiscard]] std::size_t
floor_request_information_bound(floor_request_information const& f) noexcept;

} // namespace floorctl::detail
