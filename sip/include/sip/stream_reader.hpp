#pragma once
/// @file stream_reader.hpp
/// sip::stream_reader — cuts the byte stream sofia writes on a TCP connection into SIP messages
/// (RFC 3261 §18.3: on a stream, Content-Length frames the body). Reads arrive in any size: a
/// message may span several reads and one read may hold several messages.
///
/// Pure: no I/O, no clock. Not thread-safe: one reader per connection, used on its strand.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sip {

/// Outcome of stream_reader::next().
struct stream_item {
    enum class kind : std::uint8_t {
        need_more, ///< no complete message buffered yet
        message,   ///< `message` holds one complete SIP message (head and body)
        broken,    ///< the stream cannot be framed any more (`reason`); close the connection
    };
    kind what = kind::need_more;
    std::string message;
    std::string reason;
};

class stream_reader {
public:
    /// @param max_message largest message accepted (head and body); beyond it the stream is
    /// broken.
    explicit stream_reader(std::size_t max_message = 256 * 1024) : max_message_(max_message) {}

    /// Appends bytes read from the stream.
    void append(std::string_view bytes);

    /// Takes the next complete message, if any. CRLFs between messages (RFC 5626 §4.4.1
    /// keep-alives) are skipped. Once broken, stays broken.
    [[nodiscard]] stream_item next();

    /// Bytes buffered and not yet returned.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
    std::size_t max_message_;
    std::string buffer_;
    std::size_t start_ = 0;
    std::size_t searched_ = 0; ///< bytes after start_ already searched for the empty line
    std::string broken_;
};

} // namespace sip
