#pragma once
/// @file description.hpp
/// An SDP session description (RFC 8866) as plain values. Only the lines floorctl reads are
/// split into fields (v=, o=, s=, m=); every other line is kept verbatim as a `field`, in its
/// original order, so that write(parse(x)) reproduces x byte for byte.
///
/// Plain aggregates: no invariants beyond those documented per member, no hidden state. Safe to
/// copy and to use from any thread as long as a single object is not mutated concurrently.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sdp {

/// One `<type>=<value>` line kept verbatim (i=, u=, e=, p=, c=, b=, t=, r=, z=, k=, a=).
struct field {
    char type = 'a';   ///< The type letter, e.g. 'a' or 'c'.
    std::string value; ///< Everything after the '=', without the line terminator.

    friend bool operator==(field const&, field const&) = default;
};

/// The o= line, RFC 8866 §5.2: `<username> <sess-id> <sess-version> <nettype> <addrtype>
/// <unicast-address>`. Numbers are kept as their decimal text so that they round-trip exactly.
struct session_origin {
    std::string username = "-";        ///< Non-whitespace string; "-" when there is none.
    std::string session_id = "0";      ///< 1*DIGIT.
    std::string session_version = "0"; ///< 1*DIGIT.
    std::string nettype = "IN";        ///< Token, "IN" in practice.
    std::string addrtype = "IP4";      ///< Token, "IP4" or "IP6" in practice.
    std::string address = "0.0.0.0";   ///< Unicast address or FQDN.

    friend bool operator==(session_origin const&, session_origin const&) = default;
};

/// A parsed c= value, RFC 8866 §5.7.
struct connection_data {
    std::string_view nettype;  ///< e.g. "IN".
    std::string_view addrtype; ///< e.g. "IP4".
    std::string_view address;  ///< Address, FQDN, or multicast address with /ttl.
};

/// One media description: the m= line (RFC 8866 §5.14) and the lines that follow it.
struct media_description {
    std::string media = "application";       ///< Media type token, e.g. "audio", "application".
    std::uint16_t port = 0;                  ///< Transport port; 0 rejects/disables the stream.
    std::optional<std::uint16_t> port_count; ///< The optional `/<number of ports>`.
    std::string proto;                       ///< e.g. "TCP/WSS/BFCP"; token *("/" token).
    std::vector<std::string> formats;        ///< At least one fmt token; "*" for BFCP.
    std::vector<field> fields;               ///< i= c= b= k= a= lines after m=, in order.
    std::size_t line = 0; ///< 1-based line number of the m= line in the parsed text; 0 when built
                          ///< in code. Informational only: not compared by operator==.

    friend bool operator==(media_description const& a, media_description const& b)
    {
        return a.media == b.media && a.port == b.port && a.port_count == b.port_count &&
               a.proto == b.proto && a.formats == b.formats && a.fields == b.fields;
    }
};

/// A whole session description.
struct description {
    session_origin origin;                ///< The o= line.
    std::string session_name = "-";       ///< The s= value (may be empty or " " as received).
    std::vector<field> fields;            ///< Session-level lines after s= (i u e p c b t r z k a).
    std::vector<media_description> media; ///< The m= sections in order.

    friend bool operator==(description const&, description const&) = default;
};

/// An attribute split at its first ':' (RFC 8866 §5.13: `a=<name>` or `a=<name>:<value>`).
struct attribute_view {
    std::string_view name;  ///< Attribute name, never empty for a parsed description.
    std::string_view value; ///< Value after ':'; empty for a property attribute.
    bool has_value = false; ///< True when a ':' was present.
};

/// Splits an a= value into name and value. Views into `value`.
[[nodiscard]] attribute_view split_attribute(std::string_view value) noexcept;

/// The value of the first `a=<name>` (or `a=<name>:<value>`) in `fields`, compared
/// case-sensitively as RFC 8866 §5.13 defines attribute names; std::nullopt when absent.
/// The view points into `fields`.
[[nodiscard]] std::optional<std::string_view> find_attribute(std::span<field const> fields,
                                                             std::string_view name) noexcept;

/// How many `a=<name>` lines `fields` holds.
[[nodiscard]] std::size_t count_attribute(std::span<field const> fields,
                                          std::string_view name) noexcept;

/// Parses a c= value; std::nullopt if it is not three SP-separated non-empty tokens.
/// The views point into `value`.
[[nodiscard]] std::optional<connection_data> parse_connection(std::string_view value) noexcept;

} // namespace sdp
