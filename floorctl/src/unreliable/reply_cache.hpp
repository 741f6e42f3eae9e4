#pragma once
/// @file reply_cache.hpp
/// The responder side of RFC 8855 §8.3.2 on unreliable transports: every request handed to the
/// server is remembered by its transaction ID, with its response once the server answered, for
/// T2; a retransmitted request is answered from here. The copy kept is the one sent (the first
/// time and again): the peer's send_datagram actions view it. Internal to the core.

#include <floorctl/message.hpp>
#include <floorctl/unreliable.hpp>

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace floorctl::unreliable::detail {

/// Requests seen and responses sent to one peer, oldest first.
class reply_cache {
public:
    struct entry {
        std::uint16_t transaction = 0;
        std::uint8_t prim = 0; ///< the request's primitive; 0 when only the response was seen
        /// The response with its R bit set, then any later answer to the same request, back to
        /// back (each one's length is in its header); empty while unanswered.
        std::vector<std::byte> responses;
        clock::time_point expires;
    };

    /// Calls `f(std::span<std::byte const>)` with each response of `e`, oldest first.
    template <class F> static void for_each_response(entry const& e, F&& f)
    {
        std::span<std::byte const> rest{e.responses};
        while (rest.size() >= common_header::size) {
            auto const n = std::min(rest.size(), message_size(rest));
            f(rest.first(n));
            rest = rest.subspan(n);
        }
    }

    reply_cache(clock::duration lifetime, std::size_t max_entries, std::size_t max_octets) noexcept
        : lifetime_{lifetime}, max_entries_{max_entries == 0 ? 1 : max_entries}, max_octets_{
                                                                                     max_octets}
    {
    }

    /// The entry a request with `transaction` and primitive `prim` repeats at `now`, or nullptr
    /// when it is a new request: an entry for the same ID but another primitive is a different
    /// transaction (the client reused the ID), and so is one whose T2 is over, even while its
    /// memory waits for expire().
    [[nodiscard]] entry const* find(std::uint16_t transaction, std::uint8_t prim,
                                    clock::time_point now) const;

    /// A request was handed to the server: remember it (unanswered) until now + T2.
    void request_delivered(std::uint16_t transaction, std::uint8_t prim, clock::time_point now);

    /// The server answered `transaction` with `message` (whole: 12 octets plus its Payload
    /// Length's words): keep a copy with the R bit set (after any earlier answer to the same
    /// request) until now + T2. Returns that copy, valid until the next call that adds or
    /// forgets an entry.
    std::span<std::byte const> response_sent(std::uint16_t transaction,
                                             std::span<std::byte const> message,
                                             clock::time_point now);

    /// Forgets the entries whose time is up.
    void expire(clock::time_point now);

    /// When expire() has memory to give back: the oldest entry's end plus a tenth of T2. An
    /// entry is already gone for find() at its end; its memory goes with the others that ended
    /// within that tenth, so a peer answered 100 times a second is woken about once a second
    /// for its cache, not once per answer.
    [[nodiscard]] std::optional<clock::time_point> next_deadline() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    /// Octets of the responses held (a forgotten entry's memory, kept for the next one, is not
    /// counted: at most one response's worth).
    [[nodiscard]] std::size_t octets() const noexcept { return octets_; }

private:
    using entry_list = std::list<entry>;
    using index_map = std::unordered_map<std::uint16_t, entry_list::iterator>;
    /// A new unanswered entry at the back, in the nodes of the last one forgotten if kept.
    entry_list::iterator add(std::uint16_t transaction, std::uint8_t prim,
                             clock::time_point expires);
    void make_room();
    void forget(entry_list::iterator it);
    void forget_oldest() { forget(entries_.begin()); }
    /// Octets of the message at the start of `m`: 12 plus 4 per Payload Length word.
    static std::size_t message_size(std::span<std::byte const> m) noexcept
    {
        return common_header::size +
               4 * (std::to_integer<std::size_t>(m[2]) << 8 | std::to_integer<std::size_t>(m[3]));
    }

    clock::duration lifetime_;
    std::size_t max_entries_;
    std::size_t max_octets_;
    std::size_t octets_ = 0;
    entry_list entries_; ///< by expiry: every touch moves an entry to the back
    index_map index_;
    // The list and index nodes of the last entry forgotten, with its response's memory, reused
    // by the next add(): a full cache forgets one entry per request, and this saves three
    // allocations and three frees each.
    entry_list spare_entry_;
    index_map::node_type spare_index_;
};

} // namespace floorctl::unreliable::detail
