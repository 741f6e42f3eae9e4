#pragma once
/// @file write.hpp
/// Serialises an sdp::description with CRLF line endings (RFC 8866 §5).

#include <sdp/description.hpp>

#include <string>

namespace sdp {

/// Writes `d` as SDP text: v=0, o=, s=, the session fields in order, then each m= section.
/// Every line ends in CRLF. For any CRLF-terminated text accepted by parse(),
/// write(*parse(text)) == text. Values are written as they are: a description built in code must
/// itself respect RFC 8866 (no CR/LF inside values, fields in §5 order).
/// Pure function; thread-safe.
[[nodiscard]] std::string write(description const& d);

/// Appends the text of `d` to `out` (same format as write(d)).
void write(description const& d, std::string& out);

} // namespace sdp
