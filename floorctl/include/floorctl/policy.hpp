#pragma once
/// @file policy.hpp
/// The granting policies of a floor as pure decision functions: given a floor's configuration
/// and its current load, what happens to one floor of a new request. floorctl::server applies
/// the decision (queues, grants, revokes, timers, notifications); these functions only decide,
/// so every policy rule is testable without a server.
/// Thread safety: pure functions, callable from any thread.

#include <floorctl/config.hpp>
#include <floorctl/types.hpp>

#include <cstdint>

namespace floorctl {

/// What a policy decides for one floor of a new floor request.
enum class admission : std::uint8_t {
    grant,       ///< a holder slot is free: Granted now
    queue,       ///< wait in the floor's queue; promoted to Granted when a slot frees
    preempt,     ///< Revoke the holder floor_load::preemptable names, then Granted
    await_chair, ///< wait in the queue, not eligible for promotion until a chair decides
    deny,        ///< Denied at once (chair floor, no chair, fallback deny)
};

/// The facts about one floor that a policy decides on.
struct floor_load {
    unsigned holders = 0;         ///< requests Granted on the floor now
    bool preemptable = false;     ///< some holder's priority is not above the new request's
    bool chair_connected = false; ///< a chair of the floor has a bound connection
};

/// Decides one floor of a new request under `cfg.kind`:
/// - queue: grant while holders < max_holders, else queue.
/// - preempt: grant while a slot is free; else preempt when a holder is preemptable, else queue.
/// - chair: await_chair when a chair is connected; else `cfg.fallback` (accept behaves as queue).
[[nodiscard]] admission admit(floor_config const& cfg, floor_load const& load) noexcept;

/// Decides a chair-policy request that no chair acted upon within chair_timeout:
/// `cfg.fallback` accept → grant or queue as the queue policy would; deny → deny.
[[nodiscard]] admission after_chair_silence(floor_config const& cfg,
                                            floor_load const& load) noexcept;

/// True when a queued request of priority `candidate` goes before one of priority `queued`:
/// higher priority first, first come first served among equals (RFC 8855 §5.2.4).
[[nodiscard]] constexpr bool queues_before(priority candidate, priority queued) noexcept
{
    return to_underlying(candidate) > to_underlying(queued);
}

} // namespace floorctl
