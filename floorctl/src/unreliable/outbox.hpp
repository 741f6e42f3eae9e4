#pragma once
/// @file outbox.hpp
/// Where the parts of floorctl::unreliable::peer put what they decided: the actions for the
/// adapter, the notes for the log and the counters for metrics. Internal to the core.

#include <floorctl/unreliable.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace floorctl::unreliable::detail {

/// One call's output sinks plus the peer's running notes and counters.
struct outbox {
    std::vector<action>& out;
    std::vector<peer::noted>& notes;
    counters& totals;

    /// Queue one datagram to the peer: a view of `bytes`, which must stay as they are until
    /// the adapter carried the actions out (send_datagram).
    void send(std::span<std::byte const> bytes) { out.emplace_back(send_datagram{bytes}); }

    /// Notes kept between two take_notes() calls; later ones are only counted, so a peer whose
    /// adapter never collects them cannot grow without bound.
    static constexpr std::size_t max_notes = 256;

    /// Record `what` (with a static reason text) and count it.
    void note(unreliable::note what, char const* why)
    {
        if (notes.size() < max_notes) notes.push_back({what, why});
        switch (what) {
        case unreliable::note::retransmitted:
            ++totals.retransmitted;
            break;
        case unreliable::note::given_up:
            ++totals.given_up;
            break;
        case unreliable::note::duplicate_request:
            ++totals.duplicate_requests;
            break;
        case unreliable::note::fragments_sent:
            break; // counted per fragment by the sender
        case unreliable::note::reassembled:
            ++totals.reassembled;
            break;
        case unreliable::note::fragment_dropped:
            ++totals.fragments_dropped;
            break;
        case unreliable::note::unmatched_ack:
            ++totals.unmatched_acks;
            break;
        case unreliable::note::vendor_primitive:
            ++totals.vendor_primitives;
            break;
        case unreliable::note::malformed:
            ++totals.malformed;
            break;
        }
    }
};

} // namespace floorctl::unreliable::detail
