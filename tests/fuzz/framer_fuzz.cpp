// framer_fuzz: the stream framer must hand out the same messages whatever the read boundaries
// are, never a message whose size differs from 12 + 4*PayloadLength, and fail identically.
// The first input octet seeds the read sizes; the rest is the stream.
#include <floorctl/framer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using frames = std::vector<std::vector<std::byte>>;

void drain(floorctl::stream_framer& f, frames& out)
{
    for (auto m = f.next(); !m.empty(); m = f.next()) {
        if (m.size() < 12) std::abort();
        auto const words =
            std::to_integer<std::size_t>(m[2]) << 8 | std::to_integer<std::size_t>(m[3]);
        if (m.size() != 12 + 4 * words) std::abort();
        out.emplace_back(m.begin(), m.end());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    unsigned seed = data[0];
    auto const stream = std::as_bytes(std::span{data + 1, size - 1});
    // Small limits so that the bound checks are reachable with small inputs.
    std::size_t const max_message = 64 + (seed & 0x3f) * 16;

    floorctl::stream_framer whole{max_message, 1 << 20};
    frames a;
    auto const ra = whole.append(stream);
    drain(whole, a);

    floorctl::stream_framer pieces{max_message, 1 << 20};
    frames b;
    std::size_t pos = 0;
    bool failed = false;
    while (pos < stream.size() && !failed) {
        seed = seed * 1103515245u + 12345u;
        std::size_t const n = std::min<std::size_t>(stream.size() - pos, 1 + (seed >> 16) % 23);
        failed = !pieces.append(stream.subspan(pos, n));
        drain(pieces, b);
        pos += n;
    }
    if (a != b) std::abort();
    if (ra.has_value() == failed) std::abort();
    if (failed && whole.failure() != pieces.failure()) std::abort();
    return 0;
}
