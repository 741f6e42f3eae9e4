#include <floorctl/framer.hpp>

#include <algorithm>

namespace floorctl {

namespace {

[[nodiscard]] std::size_t message_size(std::byte const* p) noexcept
{
    // RFC 8855 §5.1: Payload Length counts 4-octet units after the 12-octet common header.
    // Reliable transports never fragment, so F is not looked at here; decode_message() checks
    // the fragment fields of a message that sets it anyway.
    auto const hi = static_cast<std::size_t>(p[2]);
    auto const lo = static_cast<std::size_t>(p[3]);
    return 12 + 4 * (hi << 8 | lo);
}

} // namespace

stream_framer::stream_framer(std::size_t max_message, std::size_t max_buffered)
    : max_message_{std::min(max_message, max_message_size)}, max_buffered_{std::max(max_buffered,
                                                                                    max_message_)}
{
}

result<void> stream_framer::append(std::span<std::byte const> data)
{
    if (failure_) return failure_;
    // Drop what was handed out before growing, so the buffer holds at most the unread part.
    if (head_ != 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
        scan_ -= head_;
        head_ = 0;
    }
    if (buf_.size() + data.size() > max_buffered_) {
        failure_ = make_error_code(error::generic);
        limit_ = scan_ < buf_.size() ? scan_ : buf_.size();
        // Keep whole messages already buffered deliverable; the new bytes are refused.
        return failure_;
    }
    buf_.insert(buf_.end(), data.begin(), data.end());

    while (scan_ + 4 <= buf_.size()) {
        auto const* p = buf_.data() + scan_;
        auto const version = static_cast<unsigned>(p[0]) >> 5;
        if (version != 1 && version != 2) {
            failure_ = make_error_code(error::unsupported_version);
            limit_ = scan_;
            return failure_;
        }
        auto const size = message_size(p);
        if (size > max_message_) {
            failure_ = make_error_code(error::bad_length);
            limit_ = scan_;
            return failure_;
        }
        scan_ += size;
    }
    return {};
}

std::span<std::byte const> stream_framer::next() noexcept
{
    std::size_t const end = failure_ ? limit_ : buf_.size();
    if (head_ + 4 > end || head_ >= scan_) return {};
    auto const size = message_size(buf_.data() + head_);
    if (head_ + size > end) return {};
    std::span<std::byte const> const out{buf_.data() + head_, size};
    head_ += size;
    return out;
}

} // namespace floorctl
