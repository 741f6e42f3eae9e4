#pragma once
/// @file error.hpp
/// The error vocabulary of the SDP module: every reason the parser rejects a session description
/// and every reason the BFCP offer/answer logic refuses an m-line, a whole offer or an answer.
/// Pure vocabulary, usable from any thread.

#include <boost/assert/source_location.hpp>

#include <cstddef>
#include <string>
#include <system_error>

namespace sdp {

/// Errors produced by sdp::parse() and by the BFCP offer/answer functions of bfcp.hpp.
/// SIP mapping: every value except bad_answer_params is answered with 488 Not Acceptable Here
/// (RFC 3261 §21.4.26) and a Warning carrying the accompanying message text; bad_answer_params is
/// a local configuration problem (500). For check_answer() failures the call is ended with BYE.
enum class error {
    // --- size limits (sdp::limits) ---
    too_large = 1,  ///< The whole description is longer than limits::max_size.
    too_many_lines, ///< More lines than limits::max_lines.
    line_too_long,  ///< A line is longer than limits::max_line_length.
    too_many_media, ///< More m= lines than limits::max_media.
    // --- characters and line structure (RFC 8866 §5, §9) ---
    nul_byte,          ///< A NUL byte (RFC 8866 §9: byte-string excludes %x00).
    bad_line_ending,   ///< A CR not followed by LF.
    control_character, ///< A control character other than HTAB inside a line.
    empty_line,        ///< An empty line before the end of the description.
    bad_line,          ///< Not of the form `<lower-case letter>=<value>`.
    unknown_type,      ///< A type letter RFC 8866 does not define (RFC 8866 §5: reject).
    bad_order,         ///< A line out of the RFC 8866 §5 order, or repeated where it may not be.
    // --- individual lines ---
    missing_version,      ///< The first line is not v=.
    bad_version,          ///< v= is not 0.
    missing_origin,       ///< The second line is not o=.
    bad_origin,           ///< o= does not have six well-formed fields.
    missing_session_name, ///< The third line is not s=.
    missing_timing,       ///< No t= line before the first m= line (RFC 8866 §5.9).
    bad_timing,           ///< t= is not two decimal numbers.
    bad_connection,       ///< c= is not `<nettype> <addrtype> <address>`.
    bad_bandwidth,        ///< b= is not `<bwtype>:<digits>`.
    bad_media,            ///< m= does not have `<media> <port> <proto> <fmt>...` fields.
    bad_port,             ///< The m= port is not a decimal in 0..65535 (or the port count is bad).
    bad_proto,            ///< The m= proto is not token *("/" token).
    missing_format,       ///< The m= line has no fmt (RFC 8866 §5.14 requires at least one).
    bad_format,           ///< An m= fmt is not a token (e.g. the `:` that hangs sofia-sip).
    bad_attribute,        ///< a= has an empty or non-token attribute name.
    bad_value,            ///< A value has a character its grammar excludes (e.g. a high byte).
    // --- BFCP offer/answer (RFC 8856, RFC 8857, RFC 8124, RFC 4145) ---
    no_bfcp_stream,        ///< The offer has no BFCP m-line at all.
    stream_disabled,       ///< The offerer disabled this BFCP m-line (port 0).
    unsupported_transport, ///< Proto not supported (TCP/DTLS) or not enabled in this server.
    bad_bfcp_attribute,    ///< floorctrl/setup/connection/confid/userid/floorid/bfcpver malformed
                           ///< or repeated; a malformed fingerprint on TLS/DTLS; none on DTLS.
    role_conflict,         ///< The offer only allows the floor control server role (s-only).
    setup_conflict,        ///< setup:passive or setup:holdconn: floorctl only accepts connections
                           ///< and is always the DTLS server.
    version_mismatch,      ///< No common BFCP version (RFC 8856 §10: bfcpver intersection empty).
    answer_rejected,       ///< check_answer(): the BFCP m-line of the answer has port 0 or is gone.
    bad_answer,        ///< check_answer(): the answer contradicts the offer (role, setup, proto).
    bad_answer_params, ///< The caller's parameters are unusable (wss host is an IP address,
                       ///< bad token, no enabled transport...). A local problem, not the peer's.
};

/// The category naming sdp::error values ("sdp").
[[nodiscard]] std::error_category const& error_category() noexcept;

/// A std::error_code for `e` in sdp::error_category().
[[nodiscard]] inline std::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// Short English name of `e`, e.g. "bad_port". Never null.
[[nodiscard]] char const* to_string(error e) noexcept;

/// Why sdp::parse() rejected a description.
struct parse_error {
    error code{};         ///< What is wrong.
    std::size_t line = 0; ///< 1-based line number; 0 when it concerns the whole text.
    std::string message;  ///< ASCII text; starts with "line N: " when line != 0.

    /// `code` as a std::error_code.
    [[nodiscard]] std::error_code ec() const noexcept { return make_error_code(code); }
};

/// Why an offer (or an m-line of it), an answer, or the caller's parameters could not be used.
struct negotiation_error {
    error code{};       ///< What is wrong.
    std::string reason; ///< ASCII text without '"' or '\\', suitable for a SIP Warning header.

    /// `code` as a std::error_code.
    [[nodiscard]] std::error_code ec() const noexcept { return make_error_code(code); }
};

/// Found by boost::system::result<T, parse_error>::value() on an error. sdp/ never throws:
/// value() on a failed result is a programming error and aborts. Test the result first.
[[noreturn]] void throw_exception_from_error(parse_error const& e,
                                             boost::source_location const& loc);
/// Same as above for negotiation_error.
[[noreturn]] void throw_exception_from_error(negotiation_error const& e,
                                             boost::source_location const& loc);

} // namespace sdp

template <> struct std::is_error_code_enum<sdp::error> : std::true_type {
};
