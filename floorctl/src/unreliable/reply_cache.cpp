#include "unreliable/reply_cache.hpp"

#include "unreliable/fragments.hpp"

namespace floorctl::unreliable::detail {

reply_cache::entry const* reply_cache::find(std::uint16_t transaction, std::uint8_t prim,
                                            clock::time_point now) const
{
    auto const it = index_.find(transaction);
    if (it == index_.end()) return nullptr;
    auto const& e = *it->second;
    if (e.expires <= now || (e.prim != 0 && e.prim != prim)) return nullptr;
    return &e;
}

void reply_cache::request_delivered(std::uint16_t transaction, std::uint8_t prim,
                                    clock::time_point now)
{
    if (auto const it = index_.find(transaction); it != index_.end()) forget(it->second);
    add(transaction, prim, now + lifetime_);
}

reply_cache::entry_list::iterator reply_cache::add(std::uint16_t transaction, std::uint8_t prim,
                                                   clock::time_point expires)
{
    make_room();
    if (spare_entry_.empty())
        entries_.emplace_back();
    else
        entries_.splice(entries_.end(), spare_entry_);
    auto const it = std::prev(entries_.end());
    it->transaction = transaction;
    it->prim = prim;
    it->expires = expires; // responses: empty (forget() cleared them)
    if (spare_index_.empty()) {
        index_.emplace(transaction, it);
    } else {
        spare_index_.key() = transaction;
        spare_index_.mapped() = it;
        index_.insert(std::move(spare_index_));
    }
    return it;
}

std::span<std::byte const> reply_cache::response_sent(std::uint16_t transaction,
                                                      std::span<std::byte const> message,
                                                      clock::time_point now)
{
    auto const found = index_.find(transaction);
    // An answer to a request this layer did not see (the entry was forgotten early): keep it
    // for any primitive, so a retransmission still gets it.
    auto const pos = found != index_.end() ? found->second : add(transaction, 0, {});
    auto& e = *pos;
    auto const at = e.responses.size();
    e.responses.insert(e.responses.end(), message.begin(), message.end());
    e.responses[at] |= responder_bit; // RFC 8855 §5.1 R: a response
    octets_ += message.size();
    // RFC 8855 §8.3.2: the response is kept for T2 from when it was sent.
    e.expires = now + lifetime_;
    entries_.splice(entries_.end(), entries_, pos);
    while (octets_ > max_octets_ && entries_.size() > 1)
        forget_oldest(); // never the newest, `e`
    return std::span<std::byte const>{e.responses}.subspan(at);
}

void reply_cache::forget(entry_list::iterator it)
{
    octets_ -= it->responses.size();
    auto node = index_.extract(it->transaction);
    if (!spare_entry_.empty()) {
        entries_.erase(it);
        return;
    }
    it->responses.clear(); // its memory stays for the next response
    spare_entry_.splice(spare_entry_.end(), entries_, it);
    spare_index_ = std::move(node);
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
    return entries_.front().expires + lifetime_ / 10;
}

} // namespace floorctl::unreliable::detail
