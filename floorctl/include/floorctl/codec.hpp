#pragma once
/// @file codec.hpp
/// BFCP encode/decode (RFC 8855 §5). Pure functions: no I/O, no globals, thread-safe.
/// Decoding is two-stage: decode_header() fails only on fewer than 12 octets (nothing to address
/// a reply to); every other problem is reported by decode_message(), which the server answers
/// with the matching Error Code.

#include <floorctl/error.hpp>
#include <floorctl/message.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace floorctl {

/// What decode_message() learnt while failing, for the Error reply (Error Code 4 details and
/// an ERROR-INFO text). Inline storage: filling it does not allocate.
struct decode_diagnostics {
    /// Unknown attribute types that had the M bit set (7-bit, unshifted), in wire order.
    boost::container::small_vector<std::uint8_t, 8> unknown_mandatory;
    /// A static, human-readable reason ("FLOOR-ID length must be 4", ...). Never null.
    char const* what = "";
};

/// Reads the 12-octet common header. Fails (error::truncated_header) only when `frame` is
/// shorter than 12 octets. Version, length and fragment checks are decode_message()'s job.
[[nodiscard]] result<common_header> decode_header(std::span<std::byte const> frame) noexcept;

/// Decodes a whole message whose header `h` was read from `frame` by decode_header().
/// `frame` must hold exactly one message. On failure returns the error whose wire code the
/// server must send, and fills `diag` when given.
[[nodiscard]] result<message> decode_message(common_header const& h,
                                             std::span<std::byte const> frame,
                                             decode_diagnostics* diag = nullptr);

/// Appends the encoding of `m` to `out`. The header's payload_words is computed; version,
/// transaction, user and conference are taken from `m.header`; the primitive from the body.
void encode(message const& m, std::vector<std::byte>& out);

/// Convenience: returns the encoding of `m`.
[[nodiscard]] std::vector<std::byte> encode(message const& m);

} // namespace floorctl
