#include <sip/stream_reader.hpp>

#include "message_head.hpp"

#include <optional>

namespace sip {

namespace {

/// Header fields a message from sofia may carry; sofia writes far fewer.
constexpr std::size_t max_stream_headers = 256;

stream_item broken(std::string reason)
{
    stream_item item;
    item.what = stream_item::kind::broken;
    item.reason = std::move(reason);
    return item;
}

} // namespace

void stream_reader::append(std::string_view bytes)
{
    if (!broken_.empty()) return;
    // Compact once the consumed prefix dominates, so the buffer stays near one message.
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    buffer_.append(bytes);
}

stream_item stream_reader::next()
{
    if (!broken_.empty()) return broken(broken_);
    // Keep-alive CRLFs between messages (RFC 5626 §4.4.1) carry nothing.
    while (start_ + 1 < buffer_.size() && buffer_[start_] == '\r' && buffer_[start_ + 1] == '\n') {
        start_ += 2;
        searched_ = 0;
    }
    std::string_view const pending = std::string_view(buffer_).substr(start_);
    if (pending.empty() || (pending.size() == 1 && pending[0] == '\r')) return {};

    auto const from = searched_ >= 3 ? searched_ - 3 : 0;
    auto const end = pending.find("\r\n\r\n", from);
    if (end == std::string_view::npos) {
        searched_ = pending.size();
        if (pending.size() > max_message_) {
            broken_ = "head larger than the message limit";
            return broken(broken_);
        }
        return {};
    }
    auto const head_size = end + 4;
    auto scanned = detail::scan_head(pending.substr(0, head_size), max_stream_headers);
    if (!scanned.head) {
        broken_ = "malformed message on the stream: " + scanned.error;
        return broken(broken_);
    }
    std::optional<std::size_t> length;
    for (auto const& h : scanned.head->headers) {
        if (!detail::names(h.name, "Content-Length", 'l')) continue;
        auto const n = detail::parse_content_length(detail::unfold(h.value));
        if (!n || (length && *length != *n)) {
            broken_ = "bad Content-Length on the stream";
            return broken(broken_);
        }
        length = n;
    }
    // RFC 3261 §18.3: on a stream Content-Length is mandatory, since nothing else frames the body.
    if (!length) {
        broken_ = "message without Content-Length on the stream";
        return broken(broken_);
    }
    if (head_size + *length > max_message_) {
        broken_ = "message larger than the limit";
        return broken(broken_);
    }
    if (pending.size() < head_size + *length) {
        searched_ = end; // the head is known complete; rescanning from here finds it again at once
        return {};
    }
    stream_item item;
    item.what = stream_item::kind::message;
    item.message.assign(pending.substr(0, head_size + *length));
    start_ += head_size + *length;
    searched_ = 0;
    return item;
}

} // namespace sip
