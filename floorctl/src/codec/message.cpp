// RFC 8855 §5.1 / §5.3: whole messages. decode_message() checks the header, then decodes the
// body of each primitive; encode() writes the header and the body's attributes.
#include <floorctl/codec.hpp>

#include "codec/attributes.hpp"
#include "codec/byte_io.hpp"

#include <array>
#include <cstring>

namespace floorctl {

namespace {

using detail::decode_ctx;
using bytes = std::span<std::byte const>;

/// Header-only primitives the field sends outside RFC 8855 numbering (docs/codec.md,
/// "Tolerances"):
/// 18 (GoodbyeAck in the draft numbering) and vendor primitives 90-95.
[[nodiscard]] constexpr bool is_tolerated_extra(std::uint8_t p) noexcept
{
    return p == 18 || (p >= 90 && p <= 95);
}

bool single_u16(std::optional<std::uint16_t>& slot, bytes v, decode_ctx& ctx, char const* why_len,
                char const* why_dup)
{
    if (slot) return ctx.fail(why_dup);
    std::uint16_t x = 0;
    if (!detail::decode_u16(v, x, ctx, why_len)) return false;
    slot = x;
    return true;
}

/// The body alternative T, reusing the one in place when it already is T (a fresh message holds
/// a floor_request, the most frequent primitive).
template <class T> T& body_as(message_body& b)
{
    if (auto* p = std::get_if<T>(&b)) return *p;
    return b.emplace<T>();
}

/// Number of top-level attributes of `type` (a cheap pre-scan, stopping at the first
/// structural problem, which the real walk then reports): lets list decodes reserve once
/// instead of growing and moving floor_request_information values.
std::size_t count_of(bytes payload, attribute_type type) noexcept
{
    std::size_t n = 0;
    std::size_t pos = 0;
    auto const want = to_underlying(type);
    while (payload.size() - pos >= 2) {
        auto const len = static_cast<std::size_t>(payload[pos + 1]);
        if (len < 2) break;
        if ((static_cast<std::uint8_t>(payload[pos]) >> 1) == want) ++n;
        pos += len + detail::pad4(len);
        if (pos > payload.size()) break;
    }
    return n;
}

bool decode_body(std::uint8_t prim, bytes payload, message_body& out, decode_ctx& ctx)
{
    using detail::walk;
    using at = attribute_type;
    switch (static_cast<primitive>(prim)) {
    case primitive::floor_request: {
        auto& b = body_as<floor_request>(out);
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            switch (static_cast<at>(t)) {
            case at::floor_id: {
                std::uint16_t f = 0;
                if (!detail::decode_u16(v, f, ctx, "FLOOR-ID Length must be 4")) return false;
                b.floors.push_back(floor_id{f});
                return true;
            }
            case at::beneficiary_id: {
                if (b.beneficiary) return ctx.fail("duplicate BENEFICIARY-ID");
                std::uint16_t u = 0;
                if (!detail::decode_u16(v, u, ctx, "BENEFICIARY-ID Length must be 4")) return false;
                b.beneficiary = user_id{u};
                return true;
            }
            case at::participant_provided_info: {
                if (b.participant_info) return ctx.fail("duplicate PARTICIPANT-PROVIDED-INFO");
                auto const s = detail::as_text(v); // ≤ 253 octets: the Length field caps it
                b.participant_info.emplace(s.data(), s.size());
                return true;
            }
            case at::priority:
                if (b.prio) return ctx.fail("duplicate PRIORITY");
                b.prio.emplace();
                return detail::decode_priority(v, *b.prio, ctx);
            default:
                return true;
            }
        });
        if (ok && !ctx.unknown_mandatory && b.floors.empty())
            return ctx.fail("FloorRequest without FLOOR-ID");
        return ok;
    }
    case primitive::floor_release:
    case primitive::floor_request_query: {
        std::optional<std::uint16_t> id;
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            if (static_cast<at>(t) != at::floor_request_id) return true;
            return single_u16(id, v, ctx, "FLOOR-REQUEST-ID Length must be 4",
                              "duplicate FLOOR-REQUEST-ID");
        });
        if (!ok) return false;
        if (!id && !ctx.unknown_mandatory) return ctx.fail("FLOOR-REQUEST-ID missing");
        auto const rid = floor_request_id{id.value_or(0)};
        if (prim == to_underlying(primitive::floor_release))
            body_as<floor_release>(out).id = rid;
        else
            body_as<floor_request_query>(out).id = rid;
        return true;
    }
    case primitive::floor_request_status:
    case primitive::chair_action: {
        floor_request_information* info = nullptr;
        if (prim == to_underlying(primitive::chair_action))
            info = &body_as<chair_action>(out).info;
        else
            info = &body_as<floor_request_status>(out).info;
        bool seen = false;
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            if (static_cast<at>(t) != at::floor_request_information) return true;
            if (seen) return ctx.fail("duplicate FLOOR-REQUEST-INFORMATION");
            seen = true;
            return detail::decode_floor_request_information(v, *info, ctx);
        });
        if (ok && !seen && !ctx.unknown_mandatory)
            return ctx.fail("FLOOR-REQUEST-INFORMATION missing");
        return ok;
    }
    case primitive::user_query: {
        auto& b = body_as<user_query>(out);
        std::optional<std::uint16_t> id;
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            if (static_cast<at>(t) != at::beneficiary_id) return true;
            return single_u16(id, v, ctx, "BENEFICIARY-ID Length must be 4",
                              "duplicate BENEFICIARY-ID");
        });
        if (id) b.beneficiary = user_id{*id};
        return ok;
    }
    case primitive::user_status: {
        auto& b = body_as<user_status>(out);
        b.requests.reserve(count_of(payload, at::floor_request_information));
        return walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            switch (static_cast<at>(t)) {
            case at::beneficiary_information:
                if (b.beneficiary) return ctx.fail("duplicate BENEFICIARY-INFORMATION");
                b.beneficiary.emplace();
                return detail::decode_user_information(v, *b.beneficiary, ctx);
            case at::floor_request_information:
                return detail::decode_floor_request_information(v, b.requests.emplace_back(), ctx);
            default:
                return true;
            }
        });
    }
    case primitive::floor_query: {
        auto& b = body_as<floor_query>(out);
        return walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            if (static_cast<at>(t) != at::floor_id) return true;
            std::uint16_t f = 0;
            if (!detail::decode_u16(v, f, ctx, "FLOOR-ID Length must be 4")) return false;
            b.floors.push_back(floor_id{f});
            return true;
        });
    }
    case primitive::floor_status: {
        auto& b = body_as<floor_status>(out);
        b.requests.reserve(count_of(payload, at::floor_request_information));
        std::optional<std::uint16_t> floor;
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            switch (static_cast<at>(t)) {
            case at::floor_id:
                return single_u16(floor, v, ctx, "FLOOR-ID Length must be 4", "duplicate FLOOR-ID");
            case at::floor_request_information:
                return detail::decode_floor_request_information(v, b.requests.emplace_back(), ctx);
            default:
                return true;
            }
        });
        if (floor) b.floor = floor_id{*floor};
        return ok;
    }
    case primitive::hello_ack: {
        auto& b = body_as<hello_ack>(out);
        bool seen_p = false;
        bool seen_a = false;
        // A HelloAck without the SUPPORTED-* lists is accepted (docs/codec.md, "Tolerances").
        return walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            switch (static_cast<at>(t)) {
            case at::supported_primitives:
                if (seen_p) return ctx.fail("duplicate SUPPORTED-PRIMITIVES");
                seen_p = true;
                for (auto o : v)
                    b.supported_primitives.push_back(static_cast<std::uint8_t>(o));
                return true;
            case at::supported_attributes:
                if (seen_a) return ctx.fail("duplicate SUPPORTED-ATTRIBUTES");
                seen_a = true;
                for (auto o : v) // §5.2.10: Supp Attr(7) | R(1)
                    b.supported_attributes.push_back(static_cast<std::uint8_t>(o) >> 1);
                return true;
            default:
                return true;
            }
        });
    }
    case primitive::error: {
        auto& b = body_as<error_reply>(out);
        bool seen = false;
        bool const ok = walk(payload, ctx, [&](std::uint8_t t, bytes v) {
            switch (static_cast<at>(t)) {
            case at::error_code:
                if (seen) return ctx.fail("duplicate ERROR-CODE");
                seen = true;
                if (v.empty()) return ctx.fail("ERROR-CODE without its code octet");
                b.code = static_cast<error_code>(static_cast<std::uint8_t>(v[0]));
                // §5.2.6.1: for code 4 the details are Unknown Type(7) | R(1) octets. Details of
                // other codes carry nothing the message model keeps.
                if (b.code == error_code::unknown_mandatory_attribute) {
                    for (auto o : v.subspan(1))
                        b.unknown_attributes.push_back(static_cast<std::uint8_t>(o) >> 1);
                }
                return true;
            case at::error_info:
                if (b.info) return ctx.fail("duplicate ERROR-INFO");
                b.info.emplace(detail::as_text(v));
                return true;
            default:
                return true;
            }
        });
        if (ok && !seen && !ctx.unknown_mandatory) return ctx.fail("Error without ERROR-CODE");
        return ok;
    }
    case primitive::chair_action_ack:
        body_as<chair_action_ack>(out);
        break;
    case primitive::hello:
        body_as<hello>(out);
        break;
    case primitive::floor_request_status_ack:
        body_as<floor_request_status_ack>(out);
        break;
    case primitive::floor_status_ack:
        body_as<floor_status_ack>(out);
        break;
    case primitive::goodbye:
        body_as<goodbye>(out);
        break;
    case primitive::goodbye_ack:
        body_as<goodbye_ack>(out);
        break;
    }
    // Header-only primitives: still walk, so that structure errors and unknown mandatory
    // attributes are reported like everywhere else; known attributes are ignored.
    return walk(payload, ctx, [](std::uint8_t, bytes) { return true; });
}

} // namespace

namespace {

/// The checks and the body decode of decode_message(), writing into `m` in place; returns 0
/// (no error) or the error, with `why` set.
int decode_into(message& m, common_header const& h, std::span<std::byte const> frame,
                decode_ctx& ctx, char const*& why)
{
    auto const fail = [&](error e, char const* reason) {
        why = reason;
        return static_cast<int>(e);
    };
    if (h.version != 1 && h.version != 2)
        return fail(error::unsupported_version, "version is neither 1 nor 2");

    std::size_t header_size = common_header::size;
    m.header = h;
    m.header.fragment_offset = 0;
    m.header.fragment_length = 0;
    if (h.fragmented) {
        // RFC 8855 §5.1: with F set, Fragment Offset and Fragment Length (4-octet units,
        // excluding the common header) follow. Fragments are not reassembled (docs/codec.md).
        header_size += 4;
        if (frame.size() < header_size)
            return fail(error::bad_length, "F set but no room for the fragment fields");
        detail::byte_reader in{frame.subspan(common_header::size)};
        m.header.fragment_offset = in.u16();
        m.header.fragment_length = in.u16();
        if (frame.size() != header_size + 4 * std::size_t{m.header.fragment_length})
            return fail(error::bad_length, "size differs from 16 + 4*Fragment Length");
        if (std::size_t{m.header.fragment_offset} + m.header.fragment_length > h.payload_words)
            return fail(error::bad_length, "fragment reaches past Payload Length");
    } else if (frame.size() != header_size + 4 * std::size_t{h.payload_words}) {
        return fail(error::bad_length, "size differs from 12 + 4*Payload Length");
    }

    if (is_tolerated_extra(h.prim)) {
        m.payload.emplace<vendor_message>().prim = h.prim;
        return 0; // accepted quietly, attributes not looked at
    }
    if (h.prim < 1 || h.prim > 17)
        return fail(error::unknown_primitive, "primitive number not in RFC 8855 Table 1");

    if (h.fragmented &&
        (m.header.fragment_offset != 0 || m.header.fragment_length != h.payload_words))
        return fail(error::parse_error, "fragmented message (reassembly not supported)");

    if (!decode_body(h.prim, frame.subspan(header_size), m.payload, ctx))
        return fail(error::parse_error, ctx.what);
    if (ctx.unknown_mandatory)
        return fail(error::unknown_mandatory_attribute, "unknown attribute with the M bit set");
    return 0;
}

} // namespace

result<message> decode_message(common_header const& h, std::span<std::byte const> frame,
                               decode_diagnostics* diag)
{
    // Decoded in place inside the result (one return object, so NRVO applies): moving a
    // message into a result afterwards costs as much as decoding a FloorRequest.
    result<message> r{boost::system::in_place_value};
    decode_ctx ctx{diag};
    char const* why = "";
    if (int const e = decode_into(*r, h, frame, ctx, why); e != 0) {
        if (diag != nullptr) diag->what = why;
        r = make_error_code(static_cast<error>(e));
    }
    return r;
}

namespace {

/// std::visit through a switch on the index: libstdc++'s visit goes through a table of function
/// pointers and a valueless check; a switch lets the compiler inline each case.
template <class F> decltype(auto) dispatch(message_body const& b, F&& f)
{
    switch (b.index()) {
    case 0:
        return f(*std::get_if<0>(&b));
    case 1:
        return f(*std::get_if<1>(&b));
    case 2:
        return f(*std::get_if<2>(&b));
    case 3:
        return f(*std::get_if<3>(&b));
    case 4:
        return f(*std::get_if<4>(&b));
    case 5:
        return f(*std::get_if<5>(&b));
    case 6:
        return f(*std::get_if<6>(&b));
    case 7:
        return f(*std::get_if<7>(&b));
    case 8:
        return f(*std::get_if<8>(&b));
    case 9:
        return f(*std::get_if<9>(&b));
    case 10:
        return f(*std::get_if<10>(&b));
    case 11:
        return f(*std::get_if<11>(&b));
    case 12:
        return f(*std::get_if<12>(&b));
    case 13:
        return f(*std::get_if<13>(&b));
    case 14:
        return f(*std::get_if<14>(&b));
    case 15:
        return f(*std::get_if<15>(&b));
    case 16:
        return f(*std::get_if<16>(&b));
    default:
        return f(*std::get_if<17>(&b));
    }
}
static_assert(std::variant_size_v<message_body> == 18);

/// RFC 8855 §5.1: Payload Length is 16 bits of 4-octet units.
constexpr std::size_t max_payload = max_message_size - common_header::size;

void encode_body(message_body const& body, detail::byte_writer& w, std::size_t payload_start)
{
    using at = attribute_type;
    // Repeated top-level attributes stop before the payload outgrows its 16-bit length: the
    // last one that does not fit is taken back whole.
    auto const fits = [&](std::size_t end) { return end - payload_start <= max_payload; };
    dispatch(body, [&](auto const& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, floor_request>) {
            for (auto f : b.floors) {
                if (!fits(w.size() + 4)) break;
                detail::put_u16_attr(w, at::floor_id, to_underlying(f));
            }
            if (b.beneficiary)
                detail::put_u16_attr(w, at::beneficiary_id, to_underlying(*b.beneficiary));
            if (b.participant_info)
                detail::put_text(w, at::participant_provided_info,
                                 {b.participant_info->data(), b.participant_info->size()},
                                 detail::top_room);
            if (b.prio) detail::put_priority(w, *b.prio);
        } else if constexpr (std::is_same_v<T, floor_release> ||
                             std::is_same_v<T, floor_request_query>) {
            detail::put_u16_attr(w, at::floor_request_id, to_underlying(b.id));
        } else if constexpr (std::is_same_v<T, floor_request_status> ||
                             std::is_same_v<T, chair_action>) {
            detail::put_floor_request_information(w, b.info, detail::top_room);
        } else if constexpr (std::is_same_v<T, user_query>) {
            if (b.beneficiary)
                detail::put_u16_attr(w, at::beneficiary_id, to_underlying(*b.beneficiary));
        } else if constexpr (std::is_same_v<T, user_status>) {
            if (b.beneficiary)
                detail::put_user_information(w, at::beneficiary_information, *b.beneficiary,
                                             detail::top_room);
            for (auto const& r : b.requests) {
                auto const mark = w.size();
                detail::put_floor_request_information(w, r, detail::top_room);
                if (!fits(w.size())) {
                    w.truncate(mark);
                    break;
                }
            }
        } else if constexpr (std::is_same_v<T, floor_query>) {
            for (auto f : b.floors) {
                if (!fits(w.size() + 4)) break;
                detail::put_u16_attr(w, at::floor_id, to_underlying(f));
            }
        } else if constexpr (std::is_same_v<T, floor_status>) {
            if (b.floor) detail::put_u16_attr(w, at::floor_id, to_underlying(*b.floor));
            for (auto const& r : b.requests) {
                auto const mark = w.size();
                detail::put_floor_request_information(w, r, detail::top_room);
                if (!fits(w.size())) {
                    w.truncate(mark);
                    break;
                }
            }
        } else if constexpr (std::is_same_v<T, hello_ack>) {
            detail::put_octets(w, at::supported_primitives, b.supported_primitives, 0);
            detail::put_octets(w, at::supported_attributes, b.supported_attributes, 1);
        } else if constexpr (std::is_same_v<T, error_reply>) {
            // §5.2.6: Error Code(8) then details; for code 4, Unknown Type(7) | R(1).
            std::size_t const n = b.code == error_code::unknown_mandatory_attribute
                                      ? std::min<std::size_t>(b.unknown_attributes.size(), 252)
                                      : 0;
            w.u8(detail::attribute_head(at::error_code));
            w.u8(static_cast<std::uint8_t>(3 + n));
            w.u8(to_underlying(b.code));
            for (std::size_t i = 0; i < n; ++i)
                w.u8(static_cast<std::uint8_t>(b.unknown_attributes[i] << 1));
            w.zeros(detail::pad4(3 + n));
            if (b.info) detail::put_text(w, at::error_info, *b.info, detail::top_room);
        }
        // Header-only primitives and vendor_message: no attributes.
    });
}

} // namespace

namespace {

/// Upper bound of the octets encode_body() writes for `body` (padding included), so that
/// encode() sizes its output once.
std::size_t bound_of(message_body const& body) noexcept
{
    constexpr std::size_t fixed = 4;
    // A grouped attribute never exceeds 252 octets: cheaper to assume than to add up (the bound
    // only chooses between the stack buffer and growing the vector).
    constexpr std::size_t group = 252;
    auto const fris = [&](auto const& list) { return group * list.size(); };
    return dispatch(body, [&](auto const& b) -> std::size_t {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, floor_request>)
            return fixed * b.floors.size() + (b.beneficiary ? fixed : 0) +
                   (b.participant_info ? detail::text_attribute_bound(b.participant_info->size())
                                       : 0) +
                   (b.prio ? fixed : 0);
        else if constexpr (std::is_same_v<T, floor_release> ||
                           std::is_same_v<T, floor_request_query> || std::is_same_v<T, user_query>)
            return fixed;
        else if constexpr (std::is_same_v<T, floor_request_status> ||
                           std::is_same_v<T, chair_action>)
            return group;
        else if constexpr (std::is_same_v<T, user_status>)
            return (b.beneficiary ? group : 0) + fris(b.requests);
        else if constexpr (std::is_same_v<T, floor_query>)
            return fixed * b.floors.size();
        else if constexpr (std::is_same_v<T, floor_status>)
            return fixed + fris(b.requests);
        else if constexpr (std::is_same_v<T, hello_ack>)
            return detail::text_attribute_bound(b.supported_primitives.size()) +
                   detail::text_attribute_bound(b.supported_attributes.size());
        else if constexpr (std::is_same_v<T, error_reply>)
            return detail::text_attribute_bound(1 + b.unknown_attributes.size()) +
                   (b.info ? detail::text_attribute_bound(b.info->size()) : 0);
        else
            return 0;
    });
}

} // namespace

namespace {

void write_all(message const& m, detail::byte_writer& w)
{
    auto const& h = m.header;
    bool const frag = h.fragmented;
    // Ver(3) R F Res(3) | Primitive | Payload Length (patched below)
    w.u32(std::uint32_t{static_cast<std::uint8_t>((h.version & 7) << 5 | (h.responder ? 0x10 : 0) |
                                                  (frag ? 0x08 : 0))}
              << 24 |
          std::uint32_t{primitive_of(m.payload)} << 16);
    w.u32(to_underlying(h.conference));
    w.u32(std::uint32_t{to_underlying(h.transaction)} << 16 | to_underlying(h.user));
    if (frag) w.u32(0); // Fragment Offset 0, Fragment Length patched: one complete fragment
    auto const payload_start = w.size();
    encode_body(m.payload, w, payload_start);
    auto const words = static_cast<std::uint16_t>((w.size() - payload_start) / 4);
    w.patch16(2, words);
    if (frag) w.patch16(14, words);
}

} // namespace

void encode(message const& m, std::vector<std::byte>& out)
{
    // 16: common header with fragment fields; 4: slack for byte_writer::zeros().
    auto const bound = 16 + bound_of(m.payload) + 4;
    // Small messages (all but long lists) are built in an uninitialised stack buffer and appended
    // with one copy: cheaper than growing the vector with resize(), which zero-fills.
    constexpr std::size_t small = 4096;
    if (bound <= small) {
        std::array<std::byte, small> buf; // NOLINT: written before read
        detail::byte_writer w{buf.data()};
        write_all(m, w);
        out.insert(out.end(), buf.data(), buf.data() + w.size());
        return;
    }
    auto const start = out.size();
    out.resize(start + bound);
    detail::byte_writer w{out.data() + start};
    write_all(m, w);
    out.resize(start + w.size());
}

std::vector<std::byte> encode(message const& m)
{
    std::vector<std::byte> out;
    encode(m, out);
    return out;
}

} // namespace floorctl
