#pragma once
/// @file framer.hpp
/// Cuts a TCP/TLS byte stream into BFCP messages (RFC 8855 §5.1: a message is exactly
/// `12 + 4*PayloadLength` octets). Keeps partial messages across reads and hands out every
/// complete message of a read. Pure: no I/O.
///
/// Thread-safety: none; one framer per connection, used on that connection's strand.

#include <floorctl/error.hpp>
#include <floorctl/message.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace floorctl {

/// Incremental BFCP stream framer. Usage per read:
/// `if (!f.append(bytes)) close-after-draining; while (auto m = f.next(); !m.empty()) handle(m);`
class stream_framer {
public:
    /// `max_message` caps one message (default and ceiling: floorctl::max_message_size);
    /// `max_buffered` caps the bytes held at once (unconsumed complete messages plus one partial
    /// one).
    explicit stream_framer(std::size_t max_message = max_message_size,
                           std::size_t max_buffered = 2 * max_message_size + 65536);

    /// Appends bytes read from the stream and checks the header of every message whose first
    /// 4 octets are now present. Fails, and stays failed, when
    /// - a message announces a version other than 1 or 2 (error::unsupported_version): on a
    ///   stream nothing after it can be trusted to be aligned;
    /// - a message would exceed `max_message` (error::bad_length);
    /// - the bytes held would exceed `max_buffered` (error::generic): drain next() after every
    ///   append().
    /// Messages complete before the offending one are still handed out by next(). The failure
    /// is also returned by every later append(); the connection should be closed.
    [[nodiscard]] result<void> append(std::span<std::byte const> data);

    /// The next complete message, or an empty span when no complete message is buffered.
    /// The span points into the framer and stays valid until the next append().
    [[nodiscard]] std::span<std::byte const> next() noexcept;

    /// Bytes held: complete messages not yet taken plus any partial message.
    [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size() - head_; }

    /// True once append() has failed.
    [[nodiscard]] bool failed() const noexcept { return static_cast<bool>(failure_); }

    /// The failure append() reported; empty when none.
    [[nodiscard]] std::error_code failure() const noexcept { return failure_; }

private:
    std::vector<std::byte> buf_;
    std::size_t head_ = 0;  // start of the next message to hand out
    std::size_t scan_ = 0;  // start of the first message whose header is not yet checked
    std::size_t limit_ = 0; // on failure: where the offending message starts
    std::size_t max_message_;
    std::size_t max_buffered_;
    std::error_code failure_;
};

} // namespace floorctl
