#pragma once
/// @file error.hpp
/// The error vocabulary of the MSRP module: every reason a chunk, a URI, a byte stream or a
/// chunked message is refused. Pure vocabulary, usable from any thread.

#include <boost/assert/source_location.hpp>

#include <string>
#include <system_error>

namespace msrp {

/// Errors of msrp::parse(), msrp::parse_uri(), msrp::stream_reader and msrp::reassembler.
/// MSRP mapping: a request whose start line was read (a transaction ID is known) is answered
/// 400 (RFC 4975 §10.2) for every parse value; a chunk without a usable start line, and a broken
/// stream, close the connection. The chunking values map as their comments say.
enum class error {
    // --- size limits (msrp::limits) ---
    too_large = 1,    ///< The chunk is longer than limits::max_chunk.
    line_too_long,    ///< A start line or header line is longer than limits::max_line.
    too_many_headers, ///< More header fields than limits::max_headers.
    // --- start line and end line (RFC 4975 §9) ---
    bad_start_line,     ///< Not `MSRP SP transact-id SP (method / status-code [SP comment])`.
    bad_transaction_id, ///< The transaction ID is not an ident (4 to 32 ident-char).
    bad_method,         ///< The method is not 1*UPALPHA.
    bad_status_code,    ///< The status code is not three digits from 100 to 999.
    missing_end_line,   ///< The chunk does not end with `-------` transact-id flag CRLF.
    bad_end_line,       ///< The end line names another transaction or has no valid flag.
    trailing_data,      ///< Bytes after the first end line (two chunks in one message).
    // --- header fields ---
    bad_header_line,      ///< Not `name ":" SP value`, or an empty name.
    bad_character,        ///< A NUL, a bare CR or LF, or another control character in a header.
    missing_to_path,      ///< No To-Path header field, or it is not the first one.
    missing_from_path,    ///< No From-Path header field, or it is not the second one.
    duplicate_header,     ///< A header field this module knows appears twice.
    bad_uri,              ///< A path holds something that is not an MSRP URI (RFC 4975 §9).
    bad_header_value,     ///< A known header field's value does not follow its grammar.
    body_without_content, ///< A body (empty line after the headers) without Content-Type.
    body_in_response,     ///< A response carrying a body (RFC 4975 §7.2: responses have none).
    // --- byte streams (MSRP over TCP/TLS) ---
    chunk_without_end_line, ///< No end line within limits::max_chunk bytes of the start line.
    // --- chunking (RFC 4975 §5.1, §7.3.1); receiver answers 413 or 400 as noted ---
    bad_range,             ///< Byte-Range start is 0, or end is before start - 1 (400).
    range_length_mismatch, ///< The body is not end - start + 1 bytes long: a byte-range lie (400).
    range_beyond_total,    ///< The range ends after the total the chunk declares (400).
    total_mismatch,        ///< The chunks of one message declare different totals (400).
    overlap_conflict,      ///< Two chunks carry different bytes for the same range (400).
    message_too_large,     ///< The message would exceed reassembly_limits::max_message (413).
    too_many_messages,     ///< More messages in reassembly than the limits allow (413).
};

/// The category naming msrp::error values ("msrp").
[[nodiscard]] std::error_category const& error_category() noexcept;

/// A std::error_code for `e` in msrp::error_category().
[[nodiscard]] inline std::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// Short English name of `e`, e.g. "bad_end_line". Never null.
[[nodiscard]] char const* to_string(error e) noexcept;

/// Why msrp::parse() refused a chunk, with what was read before the fault so that the caller can
/// still answer a request 400: a response needs the transaction ID and the paths.
struct parse_error {
    error code{};               ///< What is wrong.
    std::string message;        ///< ASCII text naming the fault (for logs and 400 comments).
    std::string transaction_id; ///< Empty when the start line itself was unusable.
    std::string method;         ///< Empty for a response or when the start line failed.
    std::string to_uri;         ///< First To-Path URI as written, when it was read.
    std::string from_uri;       ///< First From-Path URI as written, when it was read.

    /// `code` as a std::error_code.
    [[nodiscard]] std::error_code ec() const noexcept { return make_error_code(code); }
};

/// Found by boost::system::result<T, parse_error>::value() on an error. msrp/ never throws:
/// value() on a failed result is a programming error and aborts. Test the result first.
[[noreturn]] void throw_exception_from_error(parse_error const& e,
                                             boost::source_location const& loc);

} // namespace msrp

template <> struct std::is_error_code_enum<msrp::error> : std::true_type {
};
