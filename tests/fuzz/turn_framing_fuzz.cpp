// turn_framing_fuzz: the TURN over WebSocket framing (turn/framing.hpp). The input is both one
// client WebSocket message and a stream from the TURN server. check_client_message() never
// accepts a message whose size disagrees with its header; the stream cutter hands out the same
// messages whatever the read boundaries are (the first octet seeds them), each of them is one
// message check_client_message() accepts, and padded back it is exactly the stream's bytes.
#include <turn/framing.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using message_list = std::vector<std::vector<std::byte>>;

/// Cuts `stream` in reads whose sizes follow `seed`; returns the messages and whether the stream
/// broke.
bool cut(std::span<std::byte const> stream, unsigned seed, message_list& out)
{
    turn::stream_cutter c;
    std::size_t at = 0;
    unsigned step = seed;
    for (;;) {
        for (;;) {
            auto const item = c.next();
            if (item.what == turn::cut_item::kind::broken) return true;
            if (item.what == turn::cut_item::kind::need_more) break;
            out.emplace_back(item.message.begin(), item.message.end());
        }
        if (at == stream.size()) return false;
        step = step * 1103515245u + 12345u;
        auto const n = std::min<std::size_t>(stream.size() - at, 1 + (step >> 16) % 97);
        c.append(stream.subspan(at, n));
        at += n;
        if (c.buffered() > turn::largest_message + 97) std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const input = std::as_bytes(std::span(data, size));
    auto const r = turn::check_client_message(input);
    if (auto const* m = std::get_if<turn::checked_message>(&r)) {
        if (m->size > input.size() || m->padding > 3) std::abort();
        if ((input.size() + m->padding) % 4 != 0 && m->kind == turn::message_kind::channel_data)
            std::abort();
        if (m->kind == turn::message_kind::stun && m->size != input.size()) std::abort();
    }
    if (size == 0) return 0;
    message_list whole;
    message_list pieces;
    bool const broke_whole = cut(input.subspan(1), 0, whole);
    bool const broke_pieces = cut(input.subspan(1), data[0], pieces);
    if (whole != pieces || broke_whole != broke_pieces) std::abort();
    std::vector<std::byte> again;
    for (auto const& m : whole) {
        auto const c = turn::check_client_message(m);
        auto const* ok = std::get_if<turn::checked_message>(&c);
        if (ok == nullptr || ok->size != m.size()) std::abort();
        again.insert(again.end(), m.begin(), m.end());
        again.insert(again.end(), ok->padding, std::byte{0});
    }
    // The messages and their padding are a prefix of the stream, padding octets aside.
    if (again.size() > input.size() - 1) std::abort();
    return 0;
}
