// libFuzzer target: arbitrary datagrams, fragments included, into one floorctl::unreliable::peer.
// The input is the first datagram as a whole, then again cut into datagrams by 1-octet length
// prefixes, each arriving 1 ms after the previous one. Checked: no crash or UB, the reassembly
// memory bound holds, and every message handed on is a whole message with F clear that the codec
// can be asked about.
#include <floorctl/codec.hpp>
#include <floorctl/unreliable.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

namespace ur = floorctl::unreliable;

void check(bool ok, char const* what)
{
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

void feed(ur::peer& p, std::span<std::byte const> d, floorctl::clock::time_point now,
          ur::options const& o)
{
    std::vector<ur::action> out;
    p.on_datagram(d, now, out);
    check(p.reassembly_octets() <= o.max_reassembly_octets, "reassembly memory bound");
    for (auto const& a : out) {
        check(!std::holds_alternative<ur::peer_lost>(a), "peer_lost without a transaction");
        auto const* m = std::get_if<ur::deliver_message>(&a);
        if (m == nullptr) continue;
        auto const h = floorctl::decode_header(m->message);
        check(h.has_value(), "delivered message shorter than the common header");
        check(!h->fragmented, "delivered message with F set");
        (void)floorctl::decode_message(*h, m->message);
    }
    (void)p.take_notes();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const input = std::as_bytes(std::span{data, size});
    ur::options o;
    o.max_reassembly_octets = 1024; // small, so that the bound is reached
    ur::peer p{o};
    auto now = floorctl::clock::time_point{} + std::chrono::hours{1};
    feed(p, input, now, o);
    for (std::size_t at = 0; at < input.size();) {
        auto const n =
            std::min<std::size_t>(std::to_integer<std::size_t>(input[at]), input.size() - at - 1);
        now += std::chrono::milliseconds{1};
        feed(p, input.subspan(at + 1, n), now, o);
        at += 1 + n;
    }
    std::vector<ur::action> out;
    p.on_tick(now + std::chrono::seconds{11}, out);
    check(p.reassembly_octets() == 0, "fragment sets outlive their timeout");
    return 0;
}
