#pragma once
/// @file stream_reader.hpp
/// msrp::stream_reader — cuts an MSRP over TCP/TLS byte stream (RFC 4975 §6) into chunks. A chunk
/// ends with the end line `-------` transaction-id flag CRLF, so the reader reads the start line
/// for the transaction ID and then looks for that end line; reads arrive in any size, a chunk may
/// span several and one read may hold several chunks. Memory stays bounded: a chunk whose end
/// line is not within limits::max_chunk bytes breaks the stream.
///
/// Pure: no I/O, no clock. Not thread-safe: one reader per connection, used on its strand.

#include <msrp/error.hpp>
#include <msrp/parse.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace msrp {

/// Outcome of stream_reader::next().
struct stream_item {
    enum class kind : std::uint8_t {
        need_more, ///< no complete chunk buffered yet
        chunk,     ///< `chunk` holds one complete chunk, end line included, for msrp::parse()
        broken,    ///< the stream cannot be framed any more (`code`, `reason`): close it
    };
    kind what = kind::need_more;
    std::string chunk;
    error code{};
    std::string reason;
};

class stream_reader {
public:
    /// @param l limits::max_chunk bounds one chunk, limits::max_line its start line.
    explicit stream_reader(limits const& l = {}) : limits_(l) {}

    /// Appends bytes read from the stream. The caller reads in bounded pieces, so at most
    /// max_chunk plus one read is ever buffered.
    void append(std::string_view bytes);

    /// Takes the next complete chunk, if any. Once broken, stays broken.
    [[nodiscard]] stream_item next();

    /// Bytes buffered and not yet returned.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
    stream_item fail(error code, std::string reason);

    limits limits_;
    std::string buffer_;
    std::size_t start_ = 0;    ///< first byte of the chunk being read
    std::string marker_;       ///< "\r\n-------" + transaction ID, once the start line is read
    std::size_t searched_ = 0; ///< bytes after start_ already searched for the marker
    bool broken_ = false;
    error code_{};
    std::string reason_;
};

} // namespace msrp
