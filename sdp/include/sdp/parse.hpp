#pragma once
/// @file parse.hpp
/// A strict, bounded, line-oriented SDP parser (RFC 8866 grammar subset, see docs/sdp.md).
/// Written because sofia-sip's parser loops without end on some malformed m= lines
/// (docs/sdp.md, "Why our own parser"); every loop here consumes at least one byte per iteration.

#include <sdp/description.hpp>
#include <sdp/error.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <string_view>

namespace sdp {

/// Bounds applied before and during parsing. The defaults are far above any real offer
/// (a video phone's offer is 1-3 KiB) and far below anything that could hurt a server.
struct limits {
    std::size_t max_size = 64 * 1024;   ///< Bytes in the whole description.
    std::size_t max_lines = 1024;       ///< Lines, terminators not counted.
    std::size_t max_line_length = 4096; ///< Bytes in one line, terminator excluded.
    std::size_t max_media = 32;         ///< m= lines.
};

/// Result of parse(): the description, or what is wrong and on which line.
template <class T> using parse_result = boost::system::result<T, parse_error>;

/// Parses `text` as an SDP session description.
///
/// Accepts CRLF and LF line endings (RFC 8866 §5), a missing terminator on the last line, and
/// empty lines at the very end. Rejects: a NUL byte, a lone CR, control characters other than
/// HTAB, unknown type letters, lines out of RFC 8866 §5 order, v= other than 0, a malformed o=,
/// c=, b=, t= or m= line, an m= port outside 0..65535, a proto that is not token *("/" token),
/// an empty fmt list, an a= line without a token name, and anything beyond `lim`.
///
/// Pure function: no allocation beyond the returned description, no I/O. Thread-safe.
/// @param text the whole body; not retained.
/// @param lim bounds; see sdp::limits.
[[nodiscard]] parse_result<description> parse(std::string_view text, limits const& lim = {});

} // namespace sdp
