#include <turn/framing.hpp>

#include <cstring>

namespace turn {

namespace {

std::uint16_t u16(std::byte const* p) noexcept
{
    return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) |
                                      std::to_integer<unsigned>(p[1]));
}

std::uint32_t u32(std::byte const* p) noexcept
{
    return (std::uint32_t{u16(p)} << 16) | u16(p + 2);
}

/// The kind the two high bits of a first octet name, or nothing for 0b10 / 0b11.
bool kind_of(std::byte first, message_kind& kind) noexcept
{
    switch (std::to_integer<unsigned>(first) >> 6) {
    case 0:
        kind = message_kind::stun;
        return true;
    case 1:
        kind = message_kind::channel_data;
        return true;
    default:
        return false;
    }
}

constexpr std::size_t padding_of(std::size_t data_length) noexcept
{
    return (4 - data_length % 4) % 4;
}

} // namespace

char const* to_string(malformed m) noexcept
{
    switch (m) {
    case malformed::too_short:
        return "too_short";
    case malformed::reserved_first_bits:
        return "reserved_first_bits";
    case malformed::stun_length_not_multiple_of_4:
        return "stun_length_not_multiple_of_4";
    case malformed::bad_magic_cookie:
        return "bad_magic_cookie";
    case malformed::length_mismatch:
        return "length_mismatch";
    }
    return "unknown";
}

check_result check_client_message(std::span<std::byte const> message) noexcept
{
    if (message.size() < channel_data_header_size) return malformed::too_short;
    message_kind kind{};
    if (!kind_of(message[0], kind)) return malformed::reserved_first_bits;
    std::size_t const length = u16(message.data() + 2);
    if (kind == message_kind::channel_data) {
        std::size_t const unpadded = channel_data_header_size + length;
        std::size_t const padding = padding_of(length);
        if (message.size() == unpadded) return checked_message{kind, unpadded, padding};
        if (message.size() == unpadded + padding) return checked_message{kind, unpadded, 0};
        return malformed::length_mismatch;
    }
    if (message.size() < stun_header_size) return malformed::too_short;
    if (length % 4 != 0) return malformed::stun_length_not_multiple_of_4;
    if (u32(message.data() + 4) != magic_cookie) return malformed::bad_magic_cookie;
    if (message.size() != stun_header_size + length) return malformed::length_mismatch;
    return checked_message{kind, message.size(), 0};
}

void stream_cutter::append(std::span<std::byte const> bytes)
{
    if (!broken_.empty()) return;
    if (start_ > 0 && start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    } else if (start_ >= largest_message) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

cut_item stream_cutter::next()
{
    cut_item item;
    if (!broken_.empty()) {
        item.what = cut_item::kind::broken;
        item.reason = broken_;
        return item;
    }
    auto const* p = buffer_.data() + start_;
    std::size_t const held = buffer_.size() - start_;
    if (held == 0) return item;
    message_kind kind{};
    if (!kind_of(p[0], kind)) {
        broken_ = "first two bits neither STUN (00) nor ChannelData (01)";
        return next();
    }
    if (held < channel_data_header_size) return item;
    std::size_t const length = u16(p + 2);
    std::size_t size = 0;
    std::size_t stride = 0;
    if (kind == message_kind::channel_data) {
        size = channel_data_header_size + length;
        stride = size + padding_of(length);
    } else {
        if (length % 4 != 0) {
            broken_ = "STUN length not a multiple of 4";
            return next();
        }
        if (held < 8) return item;
        if (u32(p + 4) != magic_cookie) {
            broken_ = "STUN magic cookie missing";
            return next();
        }
        size = stun_header_size + length;
        stride = size;
    }
    if (held < stride) return item;
    item.what = cut_item::kind::message;
    item.message_type = kind;
    item.message = std::span<std::byte const>(p, size);
    start_ += stride;
    return item;
}

} // namespace turn
