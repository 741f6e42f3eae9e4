#include <floorctl/codec.hpp>

#include "codec/byte_io.hpp"

namespace floorctl {

result<common_header> decode_header(std::span<std::byte const> frame) noexcept
{
    if (frame.size() < common_header::size)
        return error::truncated_header; // nothing to address a reply to: the transport closes

    detail::byte_reader in{frame};
    auto const b0 = in.u8();

    // RFC 8855 §5.1: Ver(3) R(1) F(1) Res(3) | Primitive(8) | Payload Length(16) | ...
    common_header h;
    h.version = static_cast<std::uint8_t>(b0 >> 5);
    h.responder = ((b0 >> 4) & 1) != 0;
    h.fragmented = ((b0 >> 3) & 1) != 0;
    h.prim = in.u8();
    h.payload_words = in.u16();
    h.conference = conference_id{in.u32()};
    h.transaction = transaction_id{in.u16()};
    h.user = user_id{in.u16()};
    // The fragment fields (F=1) follow the 12 octets; decode_message() reads and checks them,
    // because a frame too short to hold them deserves an Error 13 reply, not a silent close.
    return h;
}

} // namespace floorctl
