#pragma once
/// @file unreliable_peer.hpp
/// Test helpers for floorctl::unreliable::peer: a driver that feeds it at explicit time points
/// (milliseconds after a fixed origin) and readers for its actions, copied as each call returns
/// (the peer's actions are views). Header-only.

#include "support/wire.hpp"

#include <floorctl/unreliable.hpp>

#include <chrono>
#include <cstdint>
#include <variant>
#include <vector>

namespace floorctl::test {

namespace ur = floorctl::unreliable;

/// A header-only message (12 octets): Ver, R, primitive, conference 7, `tid`, user 1.
inline bytes header_only(int prim, std::uint16_t tid, std::uint8_t version = 1,
                         bool responder = false)
{
    bytes b(12);
    b[0] = static_cast<std::byte>((version << 5) | (responder ? 0x10 : 0));
    b[1] = static_cast<std::byte>(prim);
    b[7] = std::byte{7};
    b[8] = static_cast<std::byte>(tid >> 8);
    b[9] = static_cast<std::byte>(tid & 0xff);
    b[11] = std::byte{1};
    return b;
}

/// Transaction ID of an encoded message.
inline std::uint16_t tid_of(bytes const& b)
{
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(b.at(8)) << 8 |
                                      std::to_integer<unsigned>(b.at(9)));
}

/// A send_datagram with its bytes copied (the peer's actions are views, valid until its next call).
struct sent_datagram {
    bytes data;
};
/// A deliver_message with its bytes copied.
struct delivered_message {
    bytes message;
};
/// An action of the peer, copied.
using kept_action = std::variant<sent_datagram, delivered_message, ur::peer_lost>;

/// The actions in `out` with their bytes copied, in order.
inline std::vector<kept_action> kept(std::vector<ur::action> const& out)
{
    std::vector<kept_action> k;
    for (auto const& a : out) {
        if (auto const* s = std::get_if<ur::send_datagram>(&a))
            k.emplace_back(sent_datagram{{s->bytes.begin(), s->bytes.end()}});
        else if (auto const* m = std::get_if<ur::deliver_message>(&a))
            k.emplace_back(delivered_message{{m->message.begin(), m->message.end()}});
        else
            k.emplace_back(ur::peer_lost{});
    }
    return k;
}

/// The datagrams in `out`, in order.
inline std::vector<bytes> datagrams(std::vector<kept_action> const& out)
{
    std::vector<bytes> d;
    for (auto const& a : out) {
        if (auto const* s = std::get_if<sent_datagram>(&a)) d.push_back(s->data);
    }
    return d;
}

/// The messages `out` hands to the server, in order.
inline std::vector<bytes> delivered(std::vector<kept_action> const& out)
{
    std::vector<bytes> d;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<delivered_message>(&a)) d.push_back(m->message);
    }
    return d;
}

/// How many peer_lost actions `out` holds.
inline std::size_t lost_count(std::vector<kept_action> const& out)
{
    std::size_t n = 0;
    for (auto const& a : out)
        n += std::holds_alternative<ur::peer_lost>(a) ? 1 : 0;
    return n;
}

/// One peer and a clock origin; every call names its time in milliseconds after the origin.
struct peer_driver {
    explicit peer_driver(ur::options o = {}) : p{o} {}

    static clock::time_point at(long long ms)
    {
        return clock::time_point{} + std::chrono::hours{1} + std::chrono::milliseconds{ms};
    }
    std::vector<kept_action> datagram(bytes const& d, long long ms)
    {
        std::vector<ur::action> out;
        p.on_datagram(d, at(ms), out);
        return kept(out);
    }
    std::vector<kept_action> send(bytes const& m, long long ms)
    {
        std::vector<ur::action> out;
        p.on_send(m, at(ms), out);
        return kept(out);
    }
    std::vector<kept_action> tick(long long ms)
    {
        std::vector<ur::action> out;
        p.on_tick(at(ms), out);
        return kept(out);
    }
    /// The notes since the last call, as names.
    std::vector<ur::note> notes()
    {
        std::vector<ur::note> n;
        for (auto const& x : p.take_notes())
            n.push_back(x.what);
        return n;
    }
    /// Milliseconds after the origin of next_deadline(), or -1 when there is none.
    long long deadline() const
    {
        auto const d = p.next_deadline();
        if (!d) return -1;
        return std::chrono::duration_cast<std::chrono::milliseconds>(*d - at(0)).count();
    }

    ur::peer p;
};

} // namespace floorctl::test
