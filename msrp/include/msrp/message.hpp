#pragma once
/// @file message.hpp
/// One MSRP chunk (RFC 4975 §7, §9; RFC 4976 §5, §9): a request (SEND, REPORT, AUTH or any other
/// method) or a response, with its header fields typed where this module uses them and kept as
/// written otherwise. Pure values, usable from any thread.

#include <msrp/uri.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace msrp {

/// The continuation flag of the end line (RFC 4975 §9: `"+" / "$" / "#"`).
enum class continuation : char {
    complete = '$', ///< Last chunk of the message.
    more = '+',     ///< More chunks of this message follow.
    aborted = '#',  ///< The sender abandoned the message (RFC 4975 §7.1.1).
};

/// Values of Success-Report and Failure-Report (RFC 4975 §7.1.1, §9). Success-Report takes only
/// yes and no.
enum class report_request : std::uint8_t {
    yes,     ///< Reports wanted (the default of Failure-Report).
    no,      ///< None wanted (the default of Success-Report).
    partial, ///< Failure-Report only: failures reported, no 200 responses (RFC 4975 §7.1.1).
};

/// Byte-Range (RFC 4975 §7.1.1, §9): `range-start "-" range-end "/" total`, 1-based and
/// inclusive; nullopt stands for `*` (unknown).
struct byte_range {
    std::uint64_t start = 1;
    std::optional<std::uint64_t> end;
    std::optional<std::uint64_t> total;

    bool operator==(byte_range const&) const = default;
};

/// Status header field of a REPORT (RFC 4975 §9: `namespace SP status-code [SP text-reason]`).
struct status_field {
    std::uint16_t name_space = 0; ///< Three digits; "000" for every code of RFC 4975.
    std::uint16_t code = 200;     ///< Three digits.
    std::string reason;           ///< Optional text.

    bool operator==(status_field const&) const = default;
};

/// A header field this module does not interpret (extensions and other MIME headers), as
/// written.
struct header_field {
    std::string name;
    std::string value;

    bool operator==(header_field const&) const = default;
};

/// One chunk. A request has a method; a response has a status code instead (method empty).
struct message {
    std::string transaction_id;    ///< RFC 4975 §9 ident, 4 to 32 characters.
    std::string method;            ///< `SEND`, `REPORT`, `AUTH`, …; empty in a response.
    std::uint16_t status_code = 0; ///< Response only: 200, 400, 401, 403, 423, 481, …
    std::string comment;           ///< Response only: text after the code, may be empty.

    std::vector<uri> to_path;              ///< To-Path (RFC 4975 §7.1), never empty once parsed.
    std::vector<uri> from_path;            ///< From-Path, never empty once parsed.
    std::optional<std::string> message_id; ///< Message-ID (an ident).
    std::optional<report_request> success_report;   ///< Success-Report.
    std::optional<report_request> failure_report;   ///< Failure-Report.
    std::optional<byte_range> range;                ///< Byte-Range.
    std::optional<status_field> status;             ///< Status (REPORT).
    std::vector<uri> use_path;                      ///< Use-Path (RFC 4976 §5.1, AUTH 200).
    std::optional<std::uint32_t> expires;           ///< Expires, seconds (RFC 4976 §5.1).
    std::optional<std::uint32_t> min_expires;       ///< Min-Expires, seconds (423).
    std::optional<std::uint32_t> max_expires;       ///< Max-Expires, seconds (423).
    std::optional<std::string> www_authenticate;    ///< WWW-Authenticate, as written.
    std::optional<std::string> authorization;       ///< Authorization, as written.
    std::optional<std::string> authentication_info; ///< Authentication-Info, as written.
    std::vector<header_field> other_headers;        ///< Everything else, in order (written before
                                                    ///< Content-Type, where MIME headers belong).
    std::optional<std::string> content_type;        ///< Present exactly when the chunk has a body.
    std::string body;                               ///< The data, any octets (may be empty).
    continuation flag = continuation::complete;

    [[nodiscard]] bool is_request() const noexcept { return !method.empty(); }
    /// Failure-Report with its RFC 4975 §7.1.1 default (yes).
    [[nodiscard]] report_request failure_report_or_default() const noexcept
    {
        return failure_report.value_or(report_request::yes);
    }
    /// Success-Report with its RFC 4975 §7.1.1 default (no).
    [[nodiscard]] bool wants_success_report() const noexcept
    {
        return success_report == report_request::yes;
    }

    bool operator==(message const&) const = default;
};

/// The reason phrase this module writes for `code` (RFC 4975 §10, RFC 4976 §5), e.g. "OK" for
/// 200, "Unauthorized" for 401; "" for a code it does not know.
[[nodiscard]] char const* reason_phrase(std::uint16_t code) noexcept;

} // namespace msrp
