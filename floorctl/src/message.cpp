#include <floorctl/message.hpp>

namespace floorctl {

std::uint8_t primitive_of(message_body const& b) noexcept
{
    if (auto const* v = std::get_if<vendor_message>(&b)) return v->prim;
    // The variant's alternatives are declared in primitive order 1..17.
    return static_cast<std::uint8_t>(b.index() + 1);
}

} // namespace floorctl
