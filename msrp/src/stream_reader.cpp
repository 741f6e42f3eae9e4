#include <msrp/stream_reader.hpp>

#include "chars.hpp"

#include <algorithm>

namespace msrp {

stream_item stream_reader::fail(error code, std::string reason)
{
    broken_ = true;
    code_ = code;
    reason_ = std::move(reason);
    stream_item item;
    item.what = stream_item::kind::broken;
    item.code = code_;
    item.reason = reason_;
    return item;
}

void stream_reader::append(std::string_view bytes)
{
    if (broken_) return;
    // Compact once the consumed prefix dominates, so the buffer stays near one chunk.
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    buffer_.append(bytes);
}

stream_item stream_reader::next()
{
    if (broken_) {
        stream_item item;
        item.what = stream_item::kind::broken;
        item.code = code_;
        item.reason = reason_;
        return item;
    }
    std::string_view const pending = std::string_view(buffer_).substr(start_);
    if (pending.empty()) return {};

    if (marker_.empty()) {
        // Every chunk starts with "MSRP "; refuse anything else as soon as it differs.
        constexpr std::string_view prefix = "MSRP ";
        auto const n = std::min(pending.size(), prefix.size());
        if (pending.substr(0, n) != prefix.substr(0, n)) {
            return fail(error::bad_start_line, "stream does not start a chunk with MSRP");
        }
        auto const eol = pending.find("\r\n");
        if (eol == std::string_view::npos) {
            if (pending.size() > limits_.max_line) {
                return fail(error::line_too_long, "start line longer than the limit");
            }
            return {};
        }
        if (eol > limits_.max_line) return fail(error::line_too_long, "start line too long");
        auto const line = pending.substr(prefix.size(), eol - prefix.size());
        auto const tid = line.substr(0, line.find(' '));
        if (!detail::is_ident(tid)) {
            return fail(error::bad_transaction_id, "transaction ID is not an ident");
        }
        marker_ = "\r\n-------" + std::string(tid);
        searched_ = eol;
    }

    // The end line: marker, a continuation flag, CRLF. Search only what is new since last time.
    auto from = searched_ >= marker_.size() + 3 ? searched_ - marker_.size() - 3 : 0;
    for (auto pos = pending.find(marker_, from); pos != std::string_view::npos;
         pos = pending.find(marker_, pos + 1)) {
        auto const flag = pos + marker_.size();
        if (flag + 3 > pending.size()) break; // the flag and CRLF have not arrived yet
        if ((pending[flag] == '$' || pending[flag] == '+' || pending[flag] == '#') &&
            pending.substr(flag + 1, 2) == "\r\n") {
            auto const size = flag + 3;
            if (size > limits_.max_chunk) {
                return fail(error::chunk_without_end_line, "chunk larger than the limit");
            }
            stream_item item;
            item.what = stream_item::kind::chunk;
            item.chunk = std::string(pending.substr(0, size));
            start_ += size;
            marker_.clear();
            searched_ = 0;
            return item;
        }
    }
    searched_ = pending.size();
    if (pending.size() > limits_.max_chunk) {
        return fail(error::chunk_without_end_line, "no end line within the chunk limit");
    }
    return {};
}

} // namespace msrp
