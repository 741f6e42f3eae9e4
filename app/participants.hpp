#pragma once
/// @file participants.hpp
/// Participant tokens: the bearer secrets that bind a WebSocket connection to (conference, user)
/// (RFC 8857 §6/§7: the server must be able to tell which participant a connection belongs to).
/// Issued by the provisioning API and by the SIP side when it answers an offer; checked by the
/// WebSocket upgrade.

#include <floorctl/types.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace floorctl::app {

/// Who a token belongs to.
struct token_owner {
    conference_id conference{};
    user_id user{};
    friend bool operator==(token_owner const&, token_owner const&) = default;
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
    token_owner owner; ///< meaningful unless status is unknown
    /// Valid and never used: how long it stays usable for a first connection. nullopt when it
    /// has no deadline any more (used: valid for reconnects until revoked; or issued without
    /// one) or is not valid.
    std::optional<clock::duration> expires_in;
};

/// A fresh random token: 16 bytes (128 bits) from OpenSSL RAND_bytes, as 32 lowercase hex
/// digits (URL-, cookie- and header-safe). nullopt only when the OpenSSL RNG fails.
/// Thread-safe.
[[nodiscard]] std::optional<std::string> make_token();

/// How many tokens a token_store remembers, by state (GET /metrics).
struct token_counts {
    std::size_t unused = 0; ///< issued, neither used, expired nor revoked
    std::size_t used = 0;   ///< used by a connection and not revoked
    std::size_t ended = 0;  ///< expired or revoked, remembered to answer 403 instead of 401
    friend bool operator==(token_counts const&, token_counts const&) = default;
};

/// What changed in a token_store (token_store::on_change): what a journal writes down so that
/// replaying the changes in order rebuilds the table (token_journal.hpp). Expiry is not a change:
/// it follows from the issue time and the lifetime.
enum class token_event : std::uint8_t {
    issued,    ///< issue() or adopt(): `owner`, `at` (issue time) and `until_used` are set
    used,      ///< the first connection used it (it no longer expires)
    revoked,   ///< revoked at `at`
    forgotten, ///< dropped from the table (one lifetime after it ended): nothing to remember
};

/// One change of a token_store.
struct token_change {
    token_event event = token_event::issued;
    std::string_view token; ///< the token (32 hex digits); valid during the call only
    token_owner owner;
    clock::time_point at{};
    bool until_used = false;
};

/// The table of issued tokens.
///
/// A token is valid from issue() until revoked; if no connection ever used it, it expires
/// `lifetime` after issue (a token that leaked from an SDP answer nobody acted on is useless).
/// A used token stays valid so the participant can reconnect (a new connection then supersedes
/// the old one, RFC 8857).
///
/// @par Cost
/// No operation scans the table. issue(), check() and use() are one hash lookup; revoke_user()
/// touches only that participant's live tokens and revoke_conference() only that conference's
/// (an index by (conference, user) holds the tokens not ended yet). Tokens end and are
/// forgotten in the order of two FIFO queues (by issue time, by end time): issue() does a few
/// steps of that work each time, so a call pays the same whatever came before.
///
/// @par Memory ceiling
/// A token is forgotten one lifetime after it ended (revoked, or expired unused): until then a
/// check answers 403 rather than 401. So at most `issue rate × 2 × lifetime` ended or unused
/// tokens are remembered, plus one used token per live participant; SIP calls, whose tokens
/// are revoked at BYE, hold `call rate × (call duration + lifetime)` (docs/performance.md).
///
/// @par Thread Safety
/// Every member function is thread-safe (one mutex). The on_change() listener is the one
/// callback, and it is called while the mutex is held, so that it sees the changes in the order
/// they happened; it must not call back into the store. Called from the ws session strands
/// (authenticate), the core host strands (provisioning) and the SIP side.
class token_store {
public:
    explicit token_store(std::chrono::milliseconds lifetime) : lifetime_(lifetime) {}

    /// Issues a token bound to (conference, user). nullopt when the RNG fails.
    /// `until_used`: the token does not expire before its first use (the start banner's join
    /// links, which may be opened any time later); it still ends when revoked. Such tokens are
    /// not in the expiry queue, so they are for a handful of tokens, not for every participant.
    [[nodiscard]] std::optional<std::string> issue(conference_id conf, user_id user,
                                                   clock::time_point now, bool until_used = false);

    /// Takes a token issued earlier (by another run of the server: token_journal replays its
    /// file here), as issue() at `issued` would have made it. False when `token` is malformed
    /// or already known.
    bool adopt(std::string_view token, token_owner owner, clock::time_point issued,
               bool until_used);

    /// Called with every change from now on, under the store's mutex (see Thread Safety).
    /// For `issued`, a false answer refuses the token: issue() then returns nullopt (a token
    /// the journal could not write down must not be handed out). The other answers are
    /// ignored. Set once, before the store is shared.
    void on_change(std::function<bool(token_change const&)> listener);

    /// The live tokens of `conf` issued `until_used` (the start banner's links), oldest first.
    /// Looks only at that conference's live tokens.
    [[nodiscard]] std::vector<std::string> lasting_tokens(conference_id conf) const;

    /// Status of `token` at `now`, without changing anything.
    [[nodiscard]] token_check check(std::string_view token, clock::time_point now) const;

    /// As check(), and when valid marks the token used (it no longer expires).
    [[nodiscard]] token_check use(std::string_view token, clock::time_point now);

    /// Revokes one token. False when unknown.
    bool revoke(std::string_view token, clock::time_point now = clock::now());
    /// Revokes every token of (conference, user); returns how many.
    std::size_t revoke_user(conference_id conf, user_id user, clock::time_point now = clock::now());
    /// Revokes every token of a conference; returns how many.
    std::size_t revoke_conference(conference_id conf, clock::time_point now = clock::now());

    /// Tokens currently remembered (valid, and ended ones not yet forgotten).
    [[nodiscard]] std::size_t size() const;
    /// The same, by state.
    [[nodiscard]] token_counts counts() const;

    /// Ends the unused tokens whose lifetime is over and forgets tokens that ended more than one
    /// lifetime ago (expired ones: two lifetimes after issue), so the table does not grow
    /// without bound. issue() does a bounded share of this on every call.
    void purge(clock::time_point now);

    /// Table entries looked at by revoke_user(), revoke_conference() and the expiry queues since
    /// construction. For tests that pin the cost of an operation without timing it.
    [[nodiscard]] std::uint64_t entries_touched() const;

private:
    using key = std::array<std::uint8_t, 16>; // the token's 128 bits (its hex form parsed)
    struct key_hash {
        std::size_t operator()(key const& k) const noexcept;
    };
    enum class phase : std::uint8_t { unused, used, expired, revoked };
    struct entry {
        token_owner owner;
        clock::time_point issued;
        phase state = phase::unused;
        bool until_used = false; ///< no expiry before the first use
    };
    struct queued {
        clock::time_point at; // issue queue: issued; forget queue: when to forget
        key token;
    };
    [[nodiscard]] token_check check_locked(entry const& e, clock::time_point now) const;
    /// Takes the live token `k` out of the (conference, user) index.
    void unindex_locked(key const& k, token_owner const& b);
    /// Ends the live entry `e` (`why`: expired or revoked) and queues it to be forgotten.
    void end_locked(key const& k, entry& e, phase why, clock::time_point forget_at);
    /// At most `limit` steps of each queue's work due at `now`.
    void expire_locked(clock::time_point now, std::size_t limit);
    [[nodiscard]] static std::optional<key> parse(std::string_view token);
    /// Inserts a new live token (issue() and adopt()); false when `k` is known already or the
    /// listener refuses it.
    bool insert_locked(key const& k, std::string_view token, token_owner owner,
                       clock::time_point issued, bool until_used);
    /// Tells the listener, if any.
    bool notify_locked(token_event what, key const& k, token_owner const& owner,
                       clock::time_point at, bool until_used = false) const;

    std::chrono::milliseconds lifetime_;
    mutable std::mutex mutex_;
    // All guarded by mutex_.
    std::unordered_map<key, entry, key_hash> tokens_;
    // Live (unused or used) tokens by conference, then user: what revoke_* visit.
    std::unordered_map<conference_id, std::unordered_map<user_id, std::vector<key>>> live_;
    std::deque<queued> by_issue_;  // every token, in issue order, until its lifetime is over
    std::deque<queued> by_forget_; // ended tokens, in the order they are to be forgotten
    token_counts counts_;
    std::uint64_t touched_ = 0;
    std::function<bool(token_change const&)> listener_;
};

} // namespace floorctl::app
