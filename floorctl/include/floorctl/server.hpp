#pragma once
/// @file server.hpp
/// floorctl::server — the RFC 8855 floor control server role as a pure state machine:
/// conferences, participants, floors, queues and floor requests. Events in, actions out, time
/// passed in; no I/O, no clock reads, no threads, no exceptions on the data path.
/// docs/life-of-a-floor-request.md walks through it; docs/policies.md lists every setting.

#include <floorctl/action.hpp>
#include <floorctl/config.hpp>
#include <floorctl/error.hpp>
#include <floorctl/event.hpp>
#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace floorctl {

/// Settings of one server instance (shard).
struct server_options {
    /// Timer ids this instance issues are `(shard << 48) | n`, so a host running several
    /// instances can route timer_fired back to the instance that asked for it.
    std::uint16_t shard = 0;
    /// Also return report_change actions (what changed on floors and who came and went) for
    /// every conference from its start. Without it, server::report_changes() turns them on
    /// per conference: they cost a copy of the names and the queue per change.
    bool report_changes = false;
};

/// One floor request as the admin API shows it.
struct request_snapshot {
    floor_request_id id{};
    user_id requester{};
    user_id beneficiary{};
    priority prio = priority::normal;
    request_status status = request_status::pending; ///< this floor's status
    std::uint8_t queue_position = 0;                 ///< 0 when not queued
};

/// One floor: configuration summary, holders (grant order) and queue (queue order).
struct floor_snapshot {
    floor_id id{};
    policy kind = policy::queue;
    unsigned max_holders = 1;
    std::string label;
    std::vector<request_snapshot> holders;
    std::vector<request_snapshot> queue;
    std::vector<user_id> subscribers; ///< users whose FloorQuery named this floor
};

/// One participant as the admin API shows it.
struct participant_snapshot {
    user_id id{};
    std::string display_name;
    std::string uri;
    bool connected = false; ///< has a bound connection
    std::optional<connection_id> conn;
    bool chair = false;       ///< chair of at least one floor
    bool in_grace = false;    ///< disconnected, requests kept for reconnect_grace
    std::uint8_t version = 1; ///< the BFCP version the participant last used
};

/// One conference, for the HTTP admin API.
struct conference_snapshot {
    conference_id id{};
    bool require_tls = false;
    std::vector<floor_snapshot> floors;             ///< in configuration order
    std::vector<participant_snapshot> participants; ///< ordered by user id
    std::size_t active_requests = 0;
};

/// Totals for metrics; all O(1) to read.
struct server_stats {
    std::size_t conferences = 0;
    std::size_t participants = 0;
    std::size_t connections = 0; ///< bound connections
    std::size_t active_requests = 0;
    std::size_t queued = 0;        ///< queued floor requests summed over all floors
    std::size_t holders = 0;       ///< granted floor requests summed over all floors
    std::size_t timers = 0;        ///< timers started and neither fired nor cancelled
    std::uint64_t messages_in = 0; ///< frames handled
    std::uint64_t errors_out = 0;  ///< Error messages sent
    std::uint64_t grants = 0;      ///< floor requests that became Granted (all their floors)
};

/// The floor control server of RFC 8855 for every conference it was given.
///
/// Pure: `handle()` maps (state, event) to the next state plus actions (messages to send,
/// connections to close, timers to start or cancel). Time enters only as timer_fired events for
/// the durations the core asked for in start_timer, so the core needs no clock. State is kept per
/// conference and looked up in hash maps, so cost per event does not grow with the number of
/// conferences or participants, and a host may run several instances (shards) side by side: an
/// instance never needs data from another one.
///
/// @par Thread Safety
/// Not thread-safe. The owner (app/'s core host) serialises every call on one strand; the
/// read-only views must be called on that strand too.
///
/// @par Ownership
/// Events and configuration are taken by value or const reference and copied as needed; the
/// returned actions own their messages.
class server {
public:
    /// An empty server.
    explicit server(server_options opts = {});
    ~server();
    server(server&&) noexcept;
    server& operator=(server&&) noexcept;
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// Adds a conference. Fails with std::errc::file_exists when `cfg.id` is taken, and with
    /// std::errc::invalid_argument when a floor id is 0 or repeated, or max_holders is 0.
    [[nodiscard]] result<void> add_conference(conference_config cfg);

    /// Ends a conference: every bound connection gets a Goodbye and is closed
    /// (close_reason::removed), every timer of the conference is cancelled, all state is
    /// dropped. Unknown id: no actions.
    [[nodiscard]] std::vector<action> remove_conference(conference_id id);

    /// Starts (`on`) or stops returning report_change actions for conference `conf`, from its
    /// next operation on (server_options::report_changes: on from the start). Unknown
    /// conference: nothing.
    void report_changes(conference_id conf, bool on) noexcept;

    /// Adds a participant to a conference. `p.id == 0` picks the lowest free user id.
    /// Fails with error::conference_does_not_exist, or std::errc::file_exists when the id is
    /// taken. A connection bound to this user before it was added (connection_bound) is its
    /// connection from now on: the participant has joined, and with report_changes the
    /// participant_joined report is appended to `out`.
    [[nodiscard]] result<user_id> add_participant(conference_id conf, participant_info p,
                                                  std::vector<action>& out);

    /// Removes a participant: its requests are released (Granted) or cancelled (not yet),
    /// the next in line is promoted, everybody concerned is notified; its connection (if any)
    /// gets a Goodbye and is closed (close_reason::removed). Unknown conference or user: no
    /// actions.
    [[nodiscard]] std::vector<action> remove_participant(conference_id conf, user_id user);

    /// The server is stopping: every bound connection gets a Goodbye (the version its
    /// participant last used and a fresh transaction ID, like every server Goodbye:
    /// docs/policies.md #6) and close_connection with close_reason::shutdown; connections bound
    /// to a user or conference not added yet are closed. Every connection is unbound, so the
    /// connection_closed events that follow change nothing. Conferences, participants and
    /// timers stay (the host stops its timers). Ordered by conference, then user ID.
    [[nodiscard]] std::vector<action> shutdown();

    /// Handles one event and returns what to do. See event.hpp for the events:
    /// - connection_bound: binds the connection to (conference, user); a second binding for
    ///   the same user supersedes the first (close_connection, close_reason::superseded).
    /// - frame_received: decodes and answers one BFCP message (Error replies included); a
    ///   Goodbye is answered with GoodbyeAck and close_reason::client_goodbye.
    /// - connection_closed: the user's requests end (or wait reconnect_grace).
    /// - timer_fired: hold time, chair timeout, reconnect grace.
    [[nodiscard]] std::vector<action> handle(event const& ev);

    /// Same as the other overload but appends to a caller-owned vector, which a host can reuse
    /// to avoid one allocation per event.
    void handle(event const& ev, std::vector<action>& out);

    /// Ids of every conference, unordered.
    [[nodiscard]] std::vector<conference_id> conferences() const;

    /// Whether conference `id` exists. O(1): for hosts that must answer "did it exist" around
    /// a removal without copying the conference (snapshot() is O(participants)).
    [[nodiscard]] bool contains(conference_id id) const noexcept;
    /// Whether conference `conf` has participant `user`. O(1).
    [[nodiscard]] bool contains(conference_id conf, user_id user) const noexcept;

    /// A copy of one conference's state; nullopt when unknown.
    [[nodiscard]] std::optional<conference_snapshot> snapshot(conference_id id) const;

    /// Totals for metrics.
    [[nodiscard]] server_stats stats() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// The primitives this server implements, as listed in HelloAck SUPPORTED-PRIMITIVES.
[[nodiscard]] std::vector<std::uint8_t> supported_primitives();

/// The attributes this server implements, as listed in HelloAck SUPPORTED-ATTRIBUTES.
[[nodiscard]] std::vector<std::uint8_t> supported_attributes();

} // namespace floorctl
