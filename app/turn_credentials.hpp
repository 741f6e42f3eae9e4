#pragma once
/// @file turn_credentials.hpp
/// Time-limited TURN credentials in coturn's shared-secret scheme (`use-auth-secret`,
/// `static-auth-secret`; docs/turn.md, "Credentials"): the username is
/// "<expiry as Unix time>:<user>", the password base64(HMAC-SHA1(secret, username)). The TURN
/// server recomputes the password from the username and refuses it once the expiry has passed.
/// No I/O and no clock: the caller passes the time.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace floorctl::app {

/// What a client gives its TURN server as long-term credentials (RFC 8489 §9.2).
struct turn_credentials {
    std::string username;      ///< "1700003600:1-2"
    std::string credential;    ///< the password: base64 of the 20-octet HMAC-SHA1
    std::int64_t expires_at{}; ///< Unix time (seconds) after which the TURN server refuses them
};

/// Credentials for `user` (must not contain ':'), valid from `now` (Unix time, seconds) for
/// `ttl`.
[[nodiscard]] turn_credentials make_turn_credentials(std::string_view secret, std::string_view user,
                                                     std::int64_t now, std::chrono::seconds ttl);

} // namespace floorctl::app
