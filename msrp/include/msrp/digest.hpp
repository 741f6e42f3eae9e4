#pragma once
/// @file digest.hpp
/// HTTP Digest as MSRP relays use it (RFC 4976 §5.1 with RFC 2617): the challenge a relay writes
/// in WWW-Authenticate, the credentials a client sends in Authorization, and the response value
/// both compute. The MD5 itself is supplied by the caller (msrp::digest_hasher): this module
/// links no cryptographic library. Pure, usable from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace msrp {

/// Computes MD5 for digest authentication. The adapter implements it (OpenSSL's EVP MD5); tests
/// do the same. Implementations must be callable from the relay's strand.
class digest_hasher {
public:
    virtual ~digest_hasher() = default;
    /// Lower-case hexadecimal MD5 of `data` (32 characters).
    [[nodiscard]] virtual std::string md5_hex(std::string_view data) const = 0;
};

/// A WWW-Authenticate challenge (RFC 2617 §3.2.1); MSRP relays offer qop "auth" and MD5.
struct digest_challenge {
    std::string realm;
    std::string nonce;
    bool stale = false; ///< the credentials were right but the nonce had expired
};

/// `Digest realm="…", nonce="…", qop="auth"[, stale=true]`.
[[nodiscard]] std::string write_challenge(digest_challenge const& c);

/// The parameters of an Authorization header (RFC 2617 §3.2.2). Absent parameters are empty.
struct digest_credentials {
    std::string username;
    std::string realm;
    std::string nonce;
    std::string uri;
    std::string response;
    std::string qop;
    std::string cnonce;
    std::string nc;
    std::string algorithm;
};

/// Reads `Digest name=value, name="quoted value", …` (any order, names case-insensitive,
/// quoted strings with backslash escapes). nullopt when the scheme is not Digest, a parameter is
/// malformed or repeated, or username, realm, nonce, uri or response is missing.
[[nodiscard]] std::optional<digest_credentials> parse_credentials(std::string_view header);

/// The request-digest of RFC 2617 §3.2.2.1 for `method` (for MSRP "AUTH"; empty for the
/// rspauth of Authentication-Info, §3.2.3): with qop "auth",
/// MD5(MD5(user:realm:password):nonce:nc:cnonce:qop:MD5(method:uri)); without qop,
/// MD5(MD5(user:realm:password):nonce:MD5(method:uri)).
[[nodiscard]] std::string digest_response(digest_hasher const& h, digest_credentials const& c,
                                          std::string_view password, std::string_view method);

/// Compares two digests without stopping at the first difference.
[[nodiscard]] bool digests_equal(std::string_view a, std::string_view b) noexcept;

} // namespace msrp
