#pragma once
/// @file uri.hpp
/// MSRP URIs (RFC 4975 §6, §9; RFC 7977 §5.2.1 adds the transport `ws`):
///
///     msrp://alice@a.example.com:2855/jui787s2f;tcp
///     msrps://df7jal23ls0d.invalid:2855/98cjs;ws
///
/// Pure values and functions, usable from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace msrp {

/// One MSRP URI, each part as written (RFC 4975 §9:
/// `msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter)`).
struct uri {
    bool secure = false;               ///< `msrps` (TLS, or WSS for `;ws`) rather than `msrp`.
    std::string userinfo;              ///< Before `@`; empty when absent. Never compared.
    std::string host;                  ///< Host name, IPv4 address or `[IPv6]` literal.
    std::optional<std::uint16_t> port; ///< Explicit port; MSRP's default is 2855 (§6.2).
    std::string session_id;            ///< Empty when the URI has none (a relay's own URI).
    std::string transport;             ///< `tcp`, `ws` or another 1*ALPHANUM, as written.
    std::string parameters;            ///< Further `;name[=value]` parameters, as written.

    bool operator==(uri const&) const = default; ///< Textual equality of every part.
};

/// Parses one MSRP URI. Returns nullopt when `text` does not follow RFC 4975 §9 (with the
/// transport of RFC 7977 §5.2.1): scheme `msrp`/`msrps` in any case, `://`, a host, an optional
/// port of 1 to 65535, an optional session-id of unreserved, `+`, `=` and `/`, and a transport.
[[nodiscard]] std::optional<uri> parse_uri(std::string_view text);

/// The URI written back: `parse_uri(to_string(u)) == u` for every parsed `u`.
[[nodiscard]] std::string to_string(uri const& u);

/// RFC 4975 §6.1 comparison: the scheme (case-insensitive), the host (case-insensitive, after
/// decoding percent-encoded unreserved characters; the userinfo is ignored), the port (an
/// explicit port matches only the same explicit port, never an absent one), the session-id
/// (case-sensitive, and absent only matches absent) and the transport (case-insensitive) must
/// all match. Further parameters are ignored.
[[nodiscard]] bool equivalent(uri const& a, uri const& b);

/// True when `a` and `b` name the same place (scheme, host, port and transport as in
/// equivalent()), whatever their session-ids: a relay uses it to recognise its own address.
[[nodiscard]] bool same_authority(uri const& a, uri const& b);

} // namespace msrp
