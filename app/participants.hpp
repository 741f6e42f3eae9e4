#pragma once
/// @file participants.hpp
/// Participant tokens: the bearer secrets that bind a WebSocket connection to (conference, user)
/// (RFC 8857 §6/§7: the server must be able to tell which participant a connection belongs to).
/// Issued by the provisioning API and by the SIP side when it answers an offer; checked by the
/// WebSocket upgrade.

#include <floorctl/types.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace floorctl::app {

/// Who a token belongs to.
struct token_binding {
    conference_id conference{};
    user_id user{};
    friend bool operator==(token_binding const&, token_binding const&) = default;
};

/// Outcome of a token check; decides 401 (unknown) or 403 (expired, revoked) at the upgrade.
enum class token_status : std::uint8_t {
    valid,
    unknown, ///< never issued (or forgotten long after it ended): 401
    expired, ///< issued but never used within the lifetime: 403
    revoked, ///< revoked (participant removed, SIP BYE, conference deleted): 403
};

/// Result of token_store::check() / use().
struct token_check {
    token_status status = token_status::unknown;
    token_binding binding; ///< meaningful unless status is unknown
};

/// A fresh random token: 16 bytes (128 bits) from OpenSSL RAND_bytes, as 32 lowercase hex
/// digits (URL-, cookie- and header-safe). nullopt only when the OpenSSL RNG fails.
/// Thread-safe.
[[nodiscard]] std::optional<std::string> make_token();

/// The table of issued tokens.
///
/// A token is valid from issue() until revoked; if no connection ever used it, it expires
/// `lifetime` after issue (a token that leaked from an SDP answer nobody acted on is useless).
/// A used token stays valid so the participant can reconnect (a new connection then supersedes
/// the old one, RFC 8857).
///
/// @par Thread Safety
/// Every member function is thread-safe (one mutex; no callbacks are made while holding it).
/// Called from the ws session strands (authenticate), the core host strands (provisioning) and
/// the SIP side.
class token_store {
public:
    explicit token_store(std::chrono::milliseconds lifetime) : lifetime_(lifetime) {}

    /// Issues a token bound to (conference, user). nullopt when the RNG fails.
    [[nodiscard]] std::optional<std::string> issue(conference_id conf, user_id user,
                                                   clock::time_point now);

    /// Status of `token` at `now`, without changing anything.
    [[nodiscard]] token_check check(std::string const& token, clock::time_point now) const;

    /// As check(), and when valid marks the token used (it no longer expires).
    [[nodiscard]] token_check use(std::string const& token, clock::time_point now);

    /// Revokes one token. False when unknown.
    bool revoke(std::string const& token);
    /// Revokes every token of (conference, user); returns how many.
    std::size_t revoke_user(conference_id conf, user_id user);
    /// Revokes every token of a conference; returns how many.
    std::size_t revoke_conference(conference_id conf);

    /// Tokens currently remembered (valid, and ended ones not yet forgotten).
    [[nodiscard]] std::size_t size() const;

    /// Forgets tokens that ended (expired or revoked) more than one lifetime ago, so the table
    /// does not grow without bound. issue() calls it now and then.
    void purge(clock::time_point now);

private:
    struct entry {
        token_binding binding;
        clock::time_point issued;
        std::optional<clock::time_point> revoked_at;
        bool used = false;
    };
    [[nodiscard]] token_check check_locked(entry const& e, clock::time_point now) const;
    void purge_locked(clock::time_point now);

    std::chrono::milliseconds lifetime_;
    mutable std::mutex mutex_;
    // guarded by mutex_
    std::unordered_map<std::string, entry> tokens_;
    std::uint32_t issued_since_purge_ = 0; // guarded by mutex_
};

} // namespace floorctl::app
