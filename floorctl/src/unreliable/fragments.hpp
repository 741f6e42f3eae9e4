#pragma once
/// @file fragments.hpp
/// RFC 8855 §5.1 fragments on unreliable transports: cutting an outgoing message into datagrams
/// and putting incoming fragments back together, with bounded memory. Internal to the core.

#include <floorctl/message.hpp>
#include <floorctl/unreliable.hpp>

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

namespace floorctl::unreliable::detail {

/// First octet of the common header: Ver(3) R(1) F(1) Res(3) (RFC 8855 §5.1).
inline constexpr std::byte responder_bit{0x10};
inline constexpr std::byte fragment_bit{0x08};
/// A fragment's header: the 12-octet common header, Fragment Offset and Fragment Length.
inline constexpr std::size_t fragment_header_size = common_header::size + 4;

/// True when `message` goes out as it is, in one datagram of at most `max_datagram` octets.
[[nodiscard]] inline bool fits(std::span<std::byte const> message, std::size_t max_datagram)
{
    return message.size() <= max_datagram || message.size() <= common_header::size;
}

/// Appends to `out` the datagrams that carry `message` (one whole message, F clear): the
/// message itself when it fits(), otherwise fragments of whole 4-octet words, each at most
/// `max_datagram` octets (at least one word each), with F set, Fragment Offset and Fragment
/// Length in words, and every other header field copied (Payload Length stays the whole
/// message's).
void split(std::span<std::byte const> message, std::size_t max_datagram,
           std::vector<std::vector<std::byte>>& out);

/// Incomplete fragment sets of one peer, keyed by (transaction ID, primitive).
class reassembly {
public:
    /// What add() made of one fragment.
    enum class outcome : std::uint8_t {
        kept,      ///< stored (or an identical repeat); the set is not complete yet
        complete,  ///< the set is complete: `message` holds it with F cleared
        malformed, ///< the fragment itself is unreadable: dropped, sets untouched
        dropped,   ///< the fragment (and its set) was refused: inconsistent, overlapping, too big
    };
    struct result {
        outcome what = outcome::kept;
        char const* why = "";
        std::vector<std::byte> message; ///< only for outcome::complete
    };

    reassembly(std::size_t max_octets, clock::duration timeout) noexcept
        : max_octets_{max_octets}, timeout_{timeout}
    {
    }

    /// One datagram whose header `h` (decoded, F set) was read from `datagram`. Sets dropped to
    /// make room are reported through `evicted` (their count).
    [[nodiscard]] result add(common_header const& h, std::span<std::byte const> datagram,
                             clock::time_point now, std::size_t& evicted);

    /// Drops the sets whose timeout passed; returns how many.
    std::size_t expire(clock::time_point now);

    /// When the oldest set times out; nullopt when none is waiting.
    [[nodiscard]] std::optional<clock::time_point> next_deadline() const noexcept;

    /// Octets accounted to the sets held (12 + 4·Payload Length each).
    [[nodiscard]] std::size_t octets() const noexcept { return octets_; }

private:
    using key = std::tuple<std::uint16_t, std::uint8_t>; // transaction ID, primitive

    struct fragment_set {
        key id;
        std::vector<std::byte> header; ///< the first fragment's 12 octets, F cleared
        std::vector<std::byte> payload;
        std::vector<bool> have; ///< one flag per 4-octet word of the payload
        std::size_t words_have = 0;
        clock::time_point expires;
        std::size_t octets = 0; ///< accounted: 12 + 4·Payload Length
    };
    using set_list = std::list<fragment_set>;

    void drop(set_list::iterator it);

    std::size_t max_octets_;
    clock::duration timeout_;
    std::size_t octets_ = 0;
    set_list sets_; ///< oldest first
    std::map<key, set_list::iterator> index_;
};

} // namespace floorctl::unreliable::detail
