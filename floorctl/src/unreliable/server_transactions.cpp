#include "unreliable/server_transactions.hpp"

#include "codec/byte_io.hpp"
#include "unreliable/fragments.hpp"

#include <algorithm>

namespace floorctl::unreliable::detail {

void server_transactions::submit(std::span<std::byte const> message, clock::time_point now,
                                 outbox& box)
{
    std::vector<std::byte> copy(message.begin(), message.end());
    if (in_flight_.size() < limit() && waiting_.empty()) return start(std::move(copy), now, box);
    waiting_.push_back(std::move(copy));
}

std::size_t server_transactions::limit() const noexcept
{
    // At least one, and far fewer than the 65,535 usable IDs, so fresh_id() always finds one.
    return std::clamp<std::size_t>(opts_.max_in_flight, 1, 0x4000);
}

std::uint16_t server_transactions::fresh_id() noexcept
{
    // Never 0 (that marks a message outside any transaction, RFC 8855 §8) and never the ID of a
    // transaction still outstanding; at most max_in_flight IDs are taken, so this ends.
    for (;;) {
        auto const id = next_id_++;
        if (id != 0 && !outstanding(id)) return id;
    }
}

void server_transactions::start(std::vector<std::byte> message, clock::time_point now, outbox& box)
{
    transaction t;
    t.id = fresh_id();
    ::floorctl::detail::byte_writer{message.data() + 8}.u16(t.id); // Transaction ID: octets 8-9
    split(message, opts_.max_datagram, t.datagrams);
    t.transmissions = 1;
    t.interval = opts_.t1;
    t.due = now + t.interval;
    transmit(t, box);
    in_flight_.push_back(std::move(t));
}

void server_transactions::transmit(transaction const& t, outbox& box)
{
    for (auto const& d : t.datagrams)
        box.send(d);
    if (t.datagrams.size() > 1) {
        box.totals.fragments_sent += t.datagrams.size();
        box.note(note::fragments_sent, "a server-initiated message went out in fragments");
    }
}

void server_transactions::start_waiting(clock::time_point now, outbox& box)
{
    while (!waiting_.empty() && in_flight_.size() < limit()) {
        auto next = std::move(waiting_.front());
        waiting_.pop_front();
        start(std::move(next), now, box);
    }
}

bool server_transactions::acknowledge(std::uint16_t id, clock::time_point now, outbox& box)
{
    auto const it = std::find_if(in_flight_.begin(), in_flight_.end(),
                                 [id](transaction const& t) { return t.id == id; });
    if (it == in_flight_.end()) return false;
    in_flight_.erase(it);
    start_waiting(now, box);
    return true;
}

bool server_transactions::outstanding(std::uint16_t id) const noexcept
{
    return std::any_of(in_flight_.begin(), in_flight_.end(),
                       [id](transaction const& t) { return t.id == id; });
}

bool server_transactions::tick(clock::time_point now, outbox& box)
{
    // Giving up comes first: it drops every transaction, and with them the datagrams that
    // retransmissions queued before it would still refer to (send_datagram is a view).
    auto const exhausted = [&](transaction const& t) {
        return t.due <= now && t.transmissions >= std::max(opts_.max_transmissions, 1u);
    };
    if (std::any_of(in_flight_.begin(), in_flight_.end(), exhausted)) {
        box.note(note::given_up, "no ack after the last retransmission: the peer is gone");
        clear();
        return true;
    }
    for (auto& t : in_flight_) {
        if (t.due > now) continue;
        // RFC 8855 §8.3.1: the interval doubles after every retransmission.
        ++t.transmissions;
        t.interval *= 2;
        t.due = now + t.interval;
        box.note(note::retransmitted, "no ack within the retransmission interval");
        transmit(t, box);
    }
    return false;
}

std::optional<clock::time_point> server_transactions::next_deadline() const noexcept
{
    std::optional<clock::time_point> first;
    for (auto const& t : in_flight_) {
        if (!first || t.due < *first) first = t.due;
    }
    return first;
}

void server_transactions::clear() noexcept
{
    in_flight_.clear();
    waiting_.clear();
}

} // namespace floorctl::unreliable::detail
