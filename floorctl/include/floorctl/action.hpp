#pragma once
/// @file action.hpp
/// The core's output vocabulary. Actions are requests to the host, named in the imperative.

#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <system_error>
#include <variant>

namespace floorctl {

/// Send `msg` on `conn` (the adapter encodes it with floorctl::encode()).
struct send_message {
    connection_id conn{};
    message msg;
};

/// Close `conn` after the messages already queued for it are written.
struct close_connection {
    connection_id conn{};
    std::error_code reason;
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
