#pragma once
/// @file action.hpp
/// The core's output vocabulary. Actions are requests to the host, named in the imperative.

#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace floorctl {

/// Send `msg` on `conn` (the adapter encodes it with floorctl::encode()).
struct send_message {
    connection_id conn{};
    message msg;
};

/// Why the core closes a connection. Adapters map each reason to their transport's way of
/// closing (docs/architecture.md, "Close reasons"); the core never names a close code.
enum class close_reason : std::uint8_t {
    client_goodbye, ///< the participant sent Goodbye and was answered with GoodbyeAck
    superseded,     ///< a newer connection of the same user took over (one per participant)
    protocol_error, ///< a frame too short to address a reply to (fewer than 12 octets)
    removed,        ///< the participant or its conference was removed (after a Goodbye)
    shutdown,       ///< the server is stopping (after a Goodbye)
};

/// Close `conn` after the messages already queued for it are written.
struct close_connection {
    connection_id conn{};
    close_reason reason = close_reason::protocol_error;
    friend bool operator==(close_connection const&, close_connection const&) = default;
};

/// Call back with timer_fired{id} after `after` has elapsed (replaces a running timer `id`).
struct start_timer {
    timer_id id{};
    clock::duration after{};
};

/// Forget timer `id` (a no-op when it already fired or never ran).
struct cancel_timer {
    timer_id id{};
};

/// What a report_change is about.
enum class change_kind : std::uint8_t {
    floor_granted,      ///< `request` (for `user`) holds `floor` now
    floor_released,     ///< `request` holds `floor` no more: released, or its participant left
    floor_revoked,      ///< `floor` was taken from `request`: by a chair, preemption, hold time
    queue_changed,      ///< requests joined, left or moved in the queue of `floor`
    participant_joined, ///< `user` has a connection now, after none
    participant_left,   ///< `user`'s connection is gone (not replaced by a newer one)
};

/// One request waiting for a floor, first in line first (report_change::queue).
struct queued_request {
    floor_request_id request{};
    user_id user{}; ///< the beneficiary
    std::string display_name;
    friend bool operator==(queued_request const&, queued_request const&) = default;
};

/// Tells the host what changed, for observers outside BFCP (e.g. an integrator's event stream).
/// Nothing is sent; a host that reports nothing ignores it. Made only with
/// server_options::report_changes. Floor changes come at the end of the operation that made
/// them, in the order they happened, each with the floor's queue as the operation left it; a
/// queue_changed follows for every floor whose queue changed.
struct report_change {
    change_kind kind = change_kind::queue_changed;
    conference_id conference{};
    floor_id floor{};                  ///< 0 for participant changes
    std::string floor_label;           ///< floor_config::label
    user_id user{};                    ///< the beneficiary, or the participant; 0 for queue_changed
    std::string display_name;          ///< of `user`
    floor_request_id request{};        ///< 0 for queue and participant changes
    std::vector<queued_request> queue; ///< floor changes: the floor's queue afterwards
    friend bool operator==(report_change const&, report_change const&) = default;
};

using action =
    std::variant<send_message, close_connection, start_timer, cancel_timer, report_change>;

} // namespace floorctl
