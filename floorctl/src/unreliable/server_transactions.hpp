#pragma once
/// @file server_transactions.hpp
/// The requester side of RFC 8855 §8.3.1 for server-initiated messages on unreliable transports
/// (FloorRequestStatus and FloorStatus notifications, Goodbye): a fresh transaction ID, the
/// retransmission schedule T1, 2·T1, 4·T1 … until the ack or the last transmission's wait runs
/// out, and a bounded number in flight. Internal to the core.

#include "unreliable/outbox.hpp"

#include <floorctl/unreliable.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace floorctl::unreliable::detail {

/// The server transactions of one peer.
class server_transactions {
public:
    explicit server_transactions(options const& opts) noexcept : opts_{opts} {}

    /// The server produced `message` (a whole message, F clear) needing an ack: start it now
    /// when fewer than max_in_flight are outstanding, else queue it behind the others.
    void submit(std::span<std::byte const> message, clock::time_point now, outbox& box);

    /// An ack (or any response) for `transaction` arrived. Completes the outstanding transaction
    /// with that ID and starts the next waiting ones; false when none was outstanding.
    bool acknowledge(std::uint16_t transaction, clock::time_point now, outbox& box);

    /// True when a transaction with this ID waits for its ack.
    [[nodiscard]] bool outstanding(std::uint16_t transaction) const noexcept;

    /// Retransmits what is due. Returns true when a transaction ran out of transmissions: then
    /// every transaction, in flight or waiting, is dropped (the peer is gone) and nothing is
    /// retransmitted.
    [[nodiscard]] bool tick(clock::time_point now, outbox& box);

    [[nodiscard]] std::optional<clock::time_point> next_deadline() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return in_flight_.empty() && waiting_.empty(); }

    /// Drops everything (the peer is gone).
    void clear() noexcept;

private:
    struct transaction {
        std::uint16_t id = 0;
        std::vector<std::vector<std::byte>> datagrams;
        unsigned transmissions = 0;
        clock::duration interval{};
        clock::time_point due;
    };

    void start(std::vector<std::byte> message, clock::time_point now, outbox& box);
    void start_waiting(clock::time_point now, outbox& box);
    [[nodiscard]] std::uint16_t fresh_id() noexcept;
    [[nodiscard]] std::size_t limit() const noexcept;
    static void transmit(transaction const& t, outbox& box);

    options opts_;
    /// Server IDs count from half the ID space: clients usually count theirs from 1, and keeping
    /// the two apart keeps a client's Goodbye (16) from reading as the older numbering's
    /// FloorStatusAck of an outstanding notification.
    std::uint16_t next_id_ = 0x8000;
    std::vector<transaction> in_flight_; ///< in start order
    std::deque<std::vector<std::byte>> waiting_;
};

} // namespace floorctl::unreliable::detail
