#pragma once
/// @file reply_cache.hpp
/// The responder side of RFC 8855 §8.3.2 on unreliable transports: every request handed to the
/// server is remembered by its transaction ID, with the datagrams of its response once the
/// server answered, for T2; a retransmitted request is answered from here. Internal to the core.

#include <floorctl/unreliable.hpp>

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

namespace floorctl::unreliable::detail {

/// Requests seen and responses sent to one peer, oldest first.
class reply_cache {
public:
    struct entry {
        std::uint16_t transaction = 0;
        std::uint8_t prim = 0; ///< the request's primitive; 0 when only the response was seen
        std::vector<std::vector<std::byte>> datagrams; ///< the response; empty while unanswered
        clock::time_point expires;
    };

    reply_cache(clock::duration lifetime, std::size_t max_entries, std::size_t max_octets) noexcept
        : lifetime_{lifetime}, max_entries_{max_entries == 0 ? 1 : max_entries}, max_octets_{
                                                                                     max_octets}
    {
    }

    /// The entry a request with `transaction` and primitive `prim` repeats, or nullptr when it
    /// is a new request (an entry for the same ID but another primitive is a different
    /// transaction: the client reused the ID).
    [[nodiscard]] entry const* find(std::uint16_t transaction, std::uint8_t prim) const;

    /// A request was handed to the server: remember it (unanswered) until now + T2.
    void request_delivered(std::uint16_t transaction, std::uint8_t prim, clock::time_point now);

    /// The server answered `transaction` with `datagrams`: keep them (after any earlier answer
    /// to the same request) until now + T2.
    void response_sent(std::uint16_t transaction, std::vector<std::vector<std::byte>> datagrams,
                       clock::time_point now);

    /// Forgets the entries whose time is up.
    void expire(clock::time_point now);

    [[nodiscard]] std::optional<clock::time_point> next_deadline() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    /// Octets of the responses held.
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

    clock::duration lifetime_;
    std::size_t max_entries_;
    std::size_t max_octets_;
    std::size_t octets_ = 0;
    entry_list entries_; ///< by expiry: every touch moves an entry to the back
    index_map index_;
    // The list and index nodes of the last entry forgotten, reused by the next add(): a full
    // cache forgets one entry per request, and this saves two allocations and two frees each.
    entry_list spare_entry_;
    index_map::node_type spare_index_;
};

} // namespace floorctl::unreliable::detail
