#pragma once
/// @file token_journal.hpp
/// app::token_journal — keeps the participant tokens (participants.hpp) and the participants
/// they belong to in a file, so that join links and reconnecting pages keep working across a
/// server restart ([tokens] store, docs/operations.md "Tokens across restarts"). The token
/// store decides; this only writes its changes down and plays them back at start.

#include "participants.hpp"

#include <floorctl/config.hpp>
#include <floorctl/types.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace floorctl::app {

/// A participant as the journal remembers it: enough to make it again after a restart.
struct journal_participant {
    conference_id conference{};
    participant_info info; ///< its user id, display name and URI
    bool chair = false;    ///< it was made as a chair (its id is reserved for one)
};

/// The file behind a token_store.
///
/// @par Format
/// Text, one record per line, each line ended by '\n'; the first line is the version header
/// `floorctl-tokens 1`. Times are Unix milliseconds (wall clock), so a restart counts a token's
/// expiry from its real issue time; strings are percent-encoded (`-` is the empty string).
/// ```
/// P <conf> <user> <chair 0|1> <display name> <uri>   a participant was made
/// X <conf> <user>                                    it was removed
/// I <token> <conf> <user> <issued ms> <until_used 0|1>
/// U <token>                                          first used
/// R <token> <revoked ms>
/// ```
/// Only tokens of participants the journal knows (participant_added()) are written: the SIP
/// side's are not, its calls do not survive a restart either.
///
/// @par Durability
/// Every record is written and fdatasync()ed before the call that makes it returns, so a token
/// handed out (HTTP or SIP answer) is on disk first; a token whose record cannot be written is
/// not handed out (token_store::on_change). A crash can only cut the last line: it is skipped
/// with a log line. Any other malformed line, or a file that is not a journal, is an error at
/// start.
///
/// @par Cost
/// The file holds the live set (participants, tokens not forgotten yet) plus the records since
/// the last compaction. When those records outnumber twice the live set (plus a small floor),
/// the live set is written to a temporary file, fsync()ed and renamed over the journal: each
/// compaction is paid for by as many appends, so the file and the start-up stay proportional
/// to what is live, never to the history.
///
/// @par Thread Safety
/// Every member function is thread-safe (one mutex). The token_store listener runs under the
/// store's mutex; the journal never calls the store from it.
class token_journal {
public:
    /// Opens `path` (created 0600 when missing), reads it and compacts it.
    /// @throws std::runtime_error naming `path` when it cannot be read or written, or is not a
    /// token journal (a malformed line other than the last, an unknown header).
    explicit token_journal(std::filesystem::path path);
    ~token_journal();
    token_journal(token_journal const&) = delete;
    token_journal& operator=(token_journal const&) = delete;

    /// Plays the tokens back into `store` (issue times converted from wall clock: a token
    /// issued 4 minutes before `wall_now` was issued 4 minutes before `now`), then writes down
    /// the store's changes from now on and lets it forget what it forgets. Returns the
    /// participants the tokens belong to. Call once, before the store is shared.
    [[nodiscard]] std::vector<journal_participant>
    attach(token_store& store, std::chrono::system_clock::time_point wall_now,
           clock::time_point now);

    /// Remembers a participant; call before its token is issued. False when the record could
    /// not be written.
    [[nodiscard]] bool participant_added(journal_participant const& p);
    /// Forgets a participant (its tokens were revoked first).
    void participant_removed(conference_id conf, user_id user);
    /// Forgets every participant of `conf` (its tokens were revoked first).
    void conference_removed(conference_id conf);

    [[nodiscard]] std::filesystem::path const& path() const noexcept { return path_; }
    /// Records in the file after the header.
    [[nodiscard]] std::size_t records() const;
    /// Tokens and participants it remembers.
    [[nodiscard]] std::size_t live() const;

private:
    struct token_line {
        token_owner owner;
        std::int64_t issued_ms = 0;
        bool until_used = false;
        bool used = false;
        std::optional<std::int64_t> revoked_ms;
    };
    using participant_key = std::pair<std::uint32_t, std::uint16_t>;

    /// Reads the file into the live set (a cut or malformed last line is skipped).
    /// @throws std::runtime_error as the constructor.
    void load();
    /// Applies one record to the live set; false when it is malformed.
    bool apply(std::string_view line);
    /// The store listener.
    bool on_change_locked(token_change const& c);
    /// Appends `line` and syncs it; on failure logs and answers false.
    bool append_locked(std::string const& line);
    /// Rewrites the file as the live set (temporary file, fsync, rename) and appends to the new
    /// one from then on. False (logged) when it could not: the old file stays in use.
    bool compact_locked();
    [[nodiscard]] std::size_t live_locked() const;

    std::filesystem::path path_;
    mutable std::mutex mutex_;
    // guarded by mutex_
    int fd_ = -1;
    std::size_t records_ = 0;
    std::map<participant_key, journal_participant> participants_;
    std::unordered_map<std::string, token_line> tokens_;
};

} // namespace floorctl::app
