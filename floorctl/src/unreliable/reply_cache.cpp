#include "unreliable/reply_cache.hpp"

namespace floorctl::unreliable::detail {

reply_cache::entry const* reply_cache::find(std::uint16_t transaction, std::uint8_t prim) const
{
    auto const it = index_.find(transaction);
    if (it == index_.end()) return nullptr;
    auto const& e = *it->second;
    if (e.prim != 0 && e.prim != prim) return nullptr;
    return &e;
}

void reply_cache::request_delivered(std::uint16_t transaction, std::uint8_t prim,
                                    clock::time_point now)
{
    if (auto const it = index_.find(transaction); it != index_.end()) {
        for (auto const& d : it->second->datagrams)
            octets_ -= d.size();
        entries_.erase(it->second);
        index_.erase(it);
    }
    make_room();
    entries_.push_back(entry{transaction, prim, {}, now + lifetime_});
    index_.emplace(transaction, std::prev(entries_.end()));
}

void reply_cache::response_sent(std::uint16_t transaction,
                                std::vector<std::vector<std::byte>> datagrams,
                                clock::time_point now)
{
    auto it = index_.find(transaction);
    if (it == index_.end()) {
        // An answer to a request this layer did not see (the entry was forgotten early): keep
        // it for any primitive, so a retransmission still gets it.
        make_room();
        entries_.push_back(entry{transaction, 0, {}, {}});
        it = index_.emplace(transaction, std::prev(entries_.end())).first;
    }
    auto& e = *it->second;
    for (auto const& d : datagrams)
        octets_ += d.size();
    if (e.datagrams.empty()) {
        e.datagrams = std::move(datagrams); // the usual case: no second allocation
    } else {
        for (auto& d : datagrams)
            e.datagrams.push_back(std::move(d));
    }
    // RFC 8855 §8.3.2: the response is kept for T2 from when it was sent.
    e.expires = now + lifetime_;
    entries_.splice(entries_.end(), entries_, it->second);
    while (octets_ > max_octets_ && entries_.size() > 1)
        forget_oldest();
}

void reply_cache::forget_oldest()
{
    for (auto const& d : entries_.front().datagrams)
        octets_ -= d.size();
    index_.erase(entries_.front().transaction);
    entries_.pop_front();
}

void reply_cache::make_room()
{
    while (entries_.size() >= max_entries_)
        forget_oldest();
}

void reply_cache::expire(clock::time_point now)
{
    while (!entries_.empty() && entries_.front().expires <= now)
        forget_oldest();
}

std::optional<clock::time_point> reply_cache::next_deadline() const noexcept
{
    if (entries_.empty()) return std::nullopt;
    return entries_.front().expires;
}

} // namespace floorctl::unreliable::detail
