#pragma once
/// @file fault_run.hpp
/// sip::fault_run — when a SIP-over-WebSocket client has sent too many bad messages in a row
/// (docs/sip-over-websocket.md, §6). Pure: the time is passed in.

#include <sip/websocket_alias.hpp>

#include <chrono>
#include <cstddef>
#include <variant>

namespace sip {

/// Counts a client's faults in a row: messages the edge dropped (not SIP, unanswerable) or
/// refused itself (400, 413). Keep-alives, pongs and empty messages are no faults; a message
/// forwarded to the SIP stack ends the run. A client that reaches `limit` faults in a row, all
/// within `window` of the first of the run, is to be closed with 1008 (RFC 6455 §7.4.1): it
/// only costs the edge work, and it is not a SIP endpoint that will recover.
/// @par Thread Safety
/// None: one per connection, on its strand.
class fault_run {
public:
    static constexpr std::size_t default_limit = 10;
    static constexpr std::chrono::seconds default_window{10};

    explicit fault_run(std::size_t limit = default_limit,
                       std::chrono::steady_clock::duration window = default_window) noexcept
        : limit_(limit), window_(window)
    {
    }

    /// Records what the edge decided for one client message at `now`. Returns true when the
    /// client is to be closed (the run reached the limit).
    [[nodiscard]] bool record(client_decision const& d, std::chrono::steady_clock::time_point now)
    {
        if (std::holds_alternative<forward_to_sip>(d)) {
            count_ = 0;
            return false;
        }
        if (!is_fault(d)) return false;
        if (count_ == 0 || now - first_ > window_) {
            count_ = 0;
            first_ = now;
        }
        return ++count_ >= limit_;
    }

    /// Faults in the current run.
    [[nodiscard]] std::size_t count() const noexcept { return count_; }

private:
    [[nodiscard]] static bool is_fault(client_decision const& d)
    {
        if (auto const* a = std::get_if<answer_client>(&d)) return a->message != "\r\n";
        if (auto const* m = std::get_if<drop_message>(&d)) return !m->keep_alive;
        return false; // close_client: the connection ends anyway
    }

    std::size_t limit_;
    std::chrono::steady_clock::duration window_;
    std::chrono::steady_clock::time_point first_{};
    std::size_t count_ = 0;
};

} // namespace sip
