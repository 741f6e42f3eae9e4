// bfcp_decode_fuzz: any input must decode without crash or UB; whatever decodes must survive
// encode -> decode unchanged, and re-encoding must be a fixed point. describe() runs on every
// decoded message. Seeds: tests/fuzz/corpus/bfcp_decode/ (the golden vectors, binary).
#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

/// True when a grouped attribute (types 14-18, any depth) has Length > 252. Such a group can only
/// come from a peer that leaves its last nested attribute's padding out of the group Length; our
/// encoder counts that padding and so may cut the group's last text by up to 3 octets
/// (docs/codec.md, "Encoder"). That is the one accepted round-trip difference.
bool has_long_group(std::span<std::byte const> b, std::size_t pos, std::size_t end)
{
    while (pos + 2 <= end) {
        auto const type = std::to_integer<unsigned>(b[pos]) >> 1;
        auto const len = std::to_integer<std::size_t>(b[pos + 1]);
        if (len < 2 || pos + len > end) return false;
        if (type >= 14 && type <= 18) {
            if (len > 252 || has_long_group(b, pos + 4, pos + len)) return true;
        }
        pos += (len + 3) / 4 * 4;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const input = std::as_bytes(std::span{data, size});
    auto const header = floorctl::decode_header(input);
    if (!header) return 0;
    floorctl::decode_diagnostics diag;
    auto const msg = floorctl::decode_message(*header, input, &diag);
    if (!msg) {
        if (diag.what == nullptr) std::abort();
        // Unknown mandatory types are only reported with Error 4 or alongside a parse error
        // found later in the same message.
        if (!diag.unknown_mandatory.empty() &&
            msg.error() != floorctl::error::unknown_mandatory_attribute &&
            msg.error() != floorctl::error::parse_error)
            std::abort();
        (void)floorctl::wire_code(msg.error());
        return 0;
    }
    (void)floorctl::describe(*msg);

    std::vector<std::byte> again;
    floorctl::encode(*msg, again);
    auto const h2 = floorctl::decode_header(again);
    if (!h2) std::abort();
    auto const back = floorctl::decode_message(*h2, again);
    if (!back) std::abort(); // our own encoding must always decode
    if (back->payload != msg->payload) {
        std::size_t const start = header->fragmented ? 16 : 12;
        if (!has_long_group(input, start, input.size())) std::abort();
    }
    std::vector<std::byte> third;
    floorctl::encode(*back, third);
    if (third != again) std::abort(); // encoding is a fixed point after one round
    return 0;
}
