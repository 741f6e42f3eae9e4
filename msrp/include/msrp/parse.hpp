#pragma once
/// @file parse.hpp
/// msrp::parse — one whole MSRP chunk, as one WebSocket message carries it (RFC 7977 §5.1: each
/// chunk in exactly one WebSocket message, and never more than one), or as
/// msrp::stream_reader cuts it from a TCP/TLS byte stream. Strict about framing, tolerant of
/// header name case. Pure, usable from any thread.

#include <msrp/error.hpp>
#include <msrp/message.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <string_view>

namespace msrp {

/// Bounds the parser applies before anything else.
struct limits {
    std::size_t max_chunk = 64 * 1024; ///< Whole chunk: start line, headers, body, end line.
    std::size_t max_line = 8 * 1024;   ///< One start line or header line, CRLF excluded.
    std::size_t max_headers = 64;      ///< Header fields after the start line.
};

/// Parses exactly one chunk: the start line, the header fields (To-Path and From-Path first, in
/// that order), an optional body after an empty line (only with Content-Type, never in a
/// response), and the end line `-------` transaction-id flag CRLF as its last bytes. Anything
/// after the first end line is trailing_data. On failure the error says what is wrong and
/// carries what was read (transaction ID, method, first path URIs) for a 400.
[[nodiscard]] boost::system::result<message, parse_error> parse(std::string_view chunk,
                                                                limits const& l = {});

} // namespace msrp
