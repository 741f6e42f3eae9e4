#include <floorctl/message.hpp>

namespace floorctl {

std::uint8_t primitive_of(message_body const& b) noexcept
{
    if (auto const* v = std::get_if<vendor_message>(&b)) return v->prim;
    // The variant's alternatives are declared in primitive order 1..17.
    return static_cast<std::uint8_t>(b.index() + 1);
}

message error_reply_to(common_header const& request, error_code code, text info,
                       std::vector<std::uint8_t> unknown_attributes)
{
    message m;
    m.header.version = reply_version(request.version);
    m.header.prim = to_underlying(primitive::error);
    m.header.conference = request.conference;
    m.header.transaction = request.transaction;
    m.header.user = request.user;
    auto& e = m.payload.emplace<error_reply>();
    e.code = code;
    e.unknown_attributes = std::move(unknown_attributes);
    if (!info.empty()) e.info = std::move(info);
    return m;
}

} // namespace floorctl
