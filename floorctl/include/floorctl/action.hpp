#pragma once
/// @file action.hpp
/// The core's output vocabulary. Actions are requests to the host, named in the imperative.

#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <cstdint>
#include <variant>

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

using action = std::variant<send_message, close_connection, start_timer, cancel_timer>;

} // namespace floorctl
