#pragma once
/// @file message_head.hpp
/// The head of one SIP message (RFC 3261 §7): start line, header lines, where the body starts.
/// A bounded scanner shared by the WebSocket alias translation and the stream reader; it reads
/// only what they rewrite or need for framing and copies every other byte through verbatim.
/// Pure: no I/O, no allocation beyond the returned vectors. Thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sip::detail {

/// One header field, folded continuation lines included (RFC 3261 §7.3.1).
struct header_field {
    std::string_view name;  ///< as written, e.g. "Via" or "v"
    std::string_view value; ///< trimmed; may still contain folded CRLF + WSP
    std::string_view raw;   ///< the whole field with its final CRLF, to copy verbatim
};

/// The parsed head. Views point into the scanned message.
struct message_head {
    bool request = false;
    std::string_view method;      ///< requests only
    std::string_view request_uri; ///< requests only
    int status = 0;               ///< responses only, 100..699
    std::string_view start_line;  ///< without CRLF
    std::vector<header_field> headers;
    std::size_t body_offset = 0; ///< first byte after the empty line
};

/// Scans the head of `message`. Requires CRLF line ends (a lone CR or LF, a NUL or another
/// control character other than HTAB is an error), a start line `Method SP URI SP SIP/2.0` or
/// `SIP/2.0 SP 3DIGIT SP phrase`, header names that are tokens followed by a colon, at most
/// `max_headers` fields and the empty line. Returns the head, or the reason it is malformed.
struct scan_result {
    std::optional<message_head> head;
    std::string error; ///< set when head is empty
};
[[nodiscard]] scan_result scan_head(std::string_view message, std::size_t max_headers);

/// True when `name` names `full` or its compact form (RFC 3261 §7.3.3), ASCII case-insensitive.
[[nodiscard]] bool names(std::string_view name, std::string_view full, char compact) noexcept;

/// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// `value` unfolded (every CRLF followed by SP/HTAB becomes one SP).
[[nodiscard]] std::string unfold(std::string_view value);

/// Splits `value` at top-level occurrences of `separator`: not inside a quoted-string and (for
/// commas) not inside <...>. Parts are trimmed of SP/HTAB.
[[nodiscard]] std::vector<std::string_view> split_top_level(std::string_view value, char separator);

/// `text` without leading and trailing SP/HTAB.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

/// Reads a Content-Length value: 1 to 9 decimal digits. Empty when malformed.
[[nodiscard]] std::optional<std::size_t> parse_content_length(std::string_view value) noexcept;

} // namespace sip::detail
