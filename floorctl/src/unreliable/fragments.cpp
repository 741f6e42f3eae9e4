#include "unreliable/fragments.hpp"

#include "codec/byte_io.hpp"

#include <algorithm>
#include <cstring>

namespace floorctl::unreliable::detail {

void split(std::span<std::byte const> message, std::size_t max_datagram,
           std::vector<std::vector<std::byte>>& out)
{
    if (fits(message, max_datagram)) {
        out.emplace_back(message.begin(), message.end());
        return;
    }
    // RFC 8855 §5.1: Fragment Offset and Fragment Length count 4-octet units of the payload, so
    // every fragment but the last carries a whole number of words.
    auto const room = std::max(max_datagram, fragment_header_size + 4) - fragment_header_size;
    auto const chunk_words = room / 4;
    auto const payload = message.subspan(common_header::size);
    auto const total_words = payload.size() / 4;
    out.reserve(out.size() + (total_words + chunk_words - 1) / chunk_words);
    for (std::size_t word = 0; word < total_words; word += chunk_words) {
        auto const words = std::min(chunk_words, total_words - word);
        std::vector<std::byte> d(fragment_header_size + 4 * words);
        ::floorctl::detail::byte_writer w{d.data()};
        w.bytes(message.data(), common_header::size);
        w.u16(static_cast<std::uint16_t>(word));
        w.u16(static_cast<std::uint16_t>(words));
        w.bytes(payload.data() + 4 * word, 4 * words);
        d[0] |= fragment_bit;
        out.push_back(std::move(d));
    }
}

reassembly::result reassembly::add(common_header const& h, std::span<std::byte const> datagram,
                                   clock::time_point now, std::size_t& evicted)
{
    evicted = 0;
    // RFC 8855 §5.1: with F set the fragment fields follow the common header, and the datagram
    // is exactly the header plus Fragment Length words.
    if (datagram.size() < fragment_header_size)
        return {outcome::malformed, "F set but no room for the fragment fields", {}};
    ::floorctl::detail::byte_reader in{datagram.subspan(common_header::size)};
    std::size_t const offset = in.u16();
    std::size_t const length = in.u16();
    if (length == 0) return {outcome::malformed, "fragment with Fragment Length 0", {}};
    if (datagram.size() != fragment_header_size + 4 * length)
        return {outcome::malformed, "fragment size differs from 16 + 4*Fragment Length", {}};

    key const id{to_underlying(h.transaction), h.prim};
    auto const found = index_.find(id);
    auto const whole = common_header::size + 4 * std::size_t{h.payload_words};
    if (offset + length > h.payload_words) {
        if (found != index_.end()) drop(found->second);
        return {outcome::dropped, "fragment reaches past Payload Length", {}};
    }
    if (whole > max_octets_) {
        if (found != index_.end()) drop(found->second);
        return {outcome::dropped, "fragmented message larger than the reassembly limit", {}};
    }

    std::vector<std::byte> header(datagram.begin(), datagram.begin() + common_header::size);
    header[0] &= ~fragment_bit;

    set_list::iterator it;
    if (found != index_.end()) {
        it = found->second;
        // Every fragment of one message carries the same header (RFC 8855 §5.1); a fragment
        // that disagrees belongs to no message we can build.
        if (it->header != header) {
            drop(it);
            return {outcome::dropped, "fragment header differs from its set's", {}};
        }
    } else {
        while (!sets_.empty() && octets_ + whole > max_octets_) {
            drop(sets_.begin());
            ++evicted;
        }
        fragment_set s;
        s.id = id;
        s.header = std::move(header);
        s.payload.resize(4 * std::size_t{h.payload_words});
        s.have.resize(h.payload_words);
        s.expires = now + timeout_;
        s.octets = whole;
        sets_.push_back(std::move(s));
        it = std::prev(sets_.end());
        index_.emplace(id, it);
        octets_ += whole;
    }

    auto const body = datagram.subspan(fragment_header_size);
    for (std::size_t w = 0; w < length; ++w) {
        if (it->have[offset + w] &&
            std::memcmp(&it->payload[4 * (offset + w)], &body[4 * w], 4) != 0) {
            drop(it);
            return {outcome::dropped, "overlapping fragments with different octets", {}};
        }
    }
    for (std::size_t w = 0; w < length; ++w) {
        if (it->have[offset + w]) continue;
        it->have[offset + w] = true;
        ++it->words_have;
        std::memcpy(&it->payload[4 * (offset + w)], &body[4 * w], 4);
    }
    if (it->words_have < it->have.size()) return {outcome::kept, "", {}};

    result done{outcome::complete, "", std::move(it->header)};
    done.message.insert(done.message.end(), it->payload.begin(), it->payload.end());
    drop(it);
    return done;
}

void reassembly::drop(set_list::iterator it)
{
    octets_ -= it->octets;
    index_.erase(it->id);
    sets_.erase(it);
}

std::size_t reassembly::expire(clock::time_point now)
{
    // Sets are kept oldest first and `now` never goes backwards, so the expired ones are a
    // prefix.
    std::size_t n = 0;
    while (!sets_.empty() && sets_.front().expires <= now) {
        drop(sets_.begin());
        ++n;
    }
    return n;
}

std::optional<clock::time_point> reassembly::next_deadline() const noexcept
{
    if (sets_.empty()) return std::nullopt;
    return sets_.front().expires;
}

} // namespace floorctl::unreliable::detail
