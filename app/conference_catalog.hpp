#pragma once
/// @file conference_catalog.hpp
/// app::conference_catalog — the conferences as configured or created (for listing, floors and
/// chairs), and the user IDs handed out in each. Conference and user ID allocation and the
/// reservation of chair IDs live here, so that no path can hand a chair's ID to anyone else.
/// The core (floorctl::server) keeps the floor state; this is the provisioning side's view.

#include "config.hpp"

#include <floorctl/config.hpp>
#include <floorctl/types.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace floorctl::app {

/// Converts configured floor settings to the core's floor configuration.
[[nodiscard]] floor_config to_floor_config(floor_settings const& f);

/// Converts a configured conference; chairs named by SIP URI get reserved user ids counting
/// down from 65535 (see chair_user_for_uri()), chairs named by user id keep theirs.
[[nodiscard]] conference_config to_conference_config(conference_settings const& c,
                                                     bool require_tls);

/// The user id reserved for chair URI `uri` in `c`, or nullopt when `uri` is not a chair.
[[nodiscard]] std::optional<user_id> chair_user_for_uri(conference_settings const& c,
                                                        std::string const& uri);

/// Why a user id could not be allocated.
enum class participant_failure : std::uint8_t {
    no_such_conference,
    user_taken,  ///< the requested (or the chair's) user id is in use
    reserved,    ///< the requested user id is reserved for a chair, and no chair was asked for
    not_a_chair, ///< a chair was asked for, but neither the URI nor the id names one
    full,        ///< every user id of the conference is in use or reserved
    internal,    ///< RNG failure or another unexpected server error
};

/// Who a new participant is, as the caller vouches for it.
struct participant_claim {
    /// A chair of the conference, named by `uri` (one of chair_uris) or by a requested id (one
    /// of chair_users). Only a caller that has proven the identity sets this: the admin API when
    /// the request says `"chair": true`, the SIP side when an authentication the operator
    /// configured proves the caller is that chair. A URI alone never makes anyone chair.
    bool chair = false;
};

/// Thread-safe catalog of conferences and their user ids.
///
/// Every operation is O(log n) or amortised O(1) in the number of conferences and of
/// participants, independent of history: conference ids are allocated by a counter that skips
/// taken ids (ids are not reused until the 32-bit space wraps), user ids by a counter plus a
/// free set of ids that were given back (the lowest free id is handed out first).
///
/// @par Thread Safety
/// Every member function is thread-safe (one mutex; no callbacks).
class conference_catalog {
public:
    /// A conference as the catalog holds it, with the generation that add() gave it: remove()
    /// with a generation removes only that incarnation, never a later conference with the same
    /// id.
    struct added {
        conference_id id{};
        std::uint64_t generation = 0;
    };

    /// Adds `c` and returns its id: `c.id` when it is not 0 (nullopt when that id is taken),
    /// otherwise a free id picked here, in the same step (two concurrent adds never get the same
    /// id). `c.id` is set to the id given.
    [[nodiscard]] std::optional<added> add(conference_settings& c);

    /// The conference named `name`, or a new one made from `templ` (named `name`, id picked
    /// here) when there is none, in one step: two INVITEs for a new name create one conference.
    /// `created` says which.
    [[nodiscard]] added find_or_add(std::string const& name, conference_settings templ,
                                    bool& created);

    /// Removes a conference; with a generation, only that incarnation. False when absent.
    bool remove(conference_id id, std::optional<std::uint64_t> generation = std::nullopt);

    [[nodiscard]] std::optional<conference_settings> find(conference_id id) const;
    [[nodiscard]] bool contains(conference_id id) const;

    /// The conference whose name is `name`, or whose decimal id it is; the lower id when both.
    [[nodiscard]] std::optional<conference_id> by_name(std::string_view name) const;

    /// Every conference, by id.
    [[nodiscard]] std::vector<conference_settings> list() const;

    /// Allocates the user id of a new participant of `conf` (see participant_claim): a
    /// requested id (`info.id` != 0), a chair's id, or the lowest free id that is not reserved
    /// for a chair. On success `info.id` is set and the floors of the conference are returned.
    [[nodiscard]] std::variant<std::vector<floor_id>, participant_failure>
    allocate_user(conference_id conf, participant_info& info, participant_claim claim);

    /// Gives `user` of `conf` back (the participant was removed). False when it was not taken.
    bool release_user(conference_id conf, user_id user);

    /// Whether `user` is a participant of `conf`.
    [[nodiscard]] bool has_user(conference_id conf, user_id user) const;

    /// Number of conferences.
    [[nodiscard]] std::size_t size() const;

private:
    struct entry {
        conference_settings settings;
        std::uint64_t generation = 0;
        std::set<std::uint16_t> chairs;          ///< ids reserved for chairs
        std::unordered_set<std::uint16_t> users; ///< ids handed out
        std::set<std::uint16_t> free;            ///< given back, below next_fresh, not reserved
        std::uint32_t next_fresh = 1;            ///< every id below is taken, reserved or free
    };
    [[nodiscard]] added insert_locked(conference_settings& c);
    [[nodiscard]] std::optional<conference_id> by_name_locked(std::string_view name) const;

    mutable std::mutex mutex_;
    // guarded by mutex_
    std::map<std::uint32_t, entry> conferences_;
    std::unordered_map<std::string, std::set<std::uint32_t>> names_;
    std::uint32_t next_id_ = 1;
    std::uint64_t generations_ = 0;
};

} // namespace floorctl::app
