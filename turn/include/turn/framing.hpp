#pragma once
/// @file framing.hpp
/// TURN over WebSocket framing (docs/turn.md): one STUN message (RFC 8489 §5) or one
/// ChannelData message (RFC 8656 §12.4) per binary WebSocket message on the client's side, a
/// TCP byte stream on the TURN server's side, where ChannelData is padded to a multiple of four
/// octets (RFC 8656 §12.5). This module checks the client's messages, pads them for the stream,
/// and cuts the server's stream back into messages without their padding. It decides nothing
/// about TURN itself: the TURN server allocates, authenticates and relays.
///
/// Pure: no I/O, no clock. Not thread-safe: one stream_cutter per connection, used on its strand.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace turn {

/// STUN header: type (2), length (2), magic cookie (4), transaction ID (12) (RFC 8489 §5).
inline constexpr std::size_t stun_header_size = 20;
/// ChannelData header: channel number (2), length (2) (RFC 8656 §12.4).
inline constexpr std::size_t channel_data_header_size = 4;
/// RFC 8489 §5: the fixed magic cookie, octets 4–7 of every STUN message.
inline constexpr std::uint32_t magic_cookie = 0x2112A442;
/// Largest message either kind can announce: a STUN header and a 65,532-octet body (the largest
/// 16-bit length that is a multiple of 4); a padded ChannelData message is at most 4 + 65,536.
inline constexpr std::size_t largest_message = stun_header_size + 65532;

/// The two kinds of message TURN over a stream carries, told apart by their first two bits
/// (RFC 8656 §12: 0b00 STUN, 0b01 ChannelData).
enum class message_kind : std::uint8_t {
    stun,         ///< a STUN request, response or indication (Allocate, Send, Data, ...)
    channel_data, ///< channel number 0x4000–0x7FFF, length, application data
};

/// Why a client's WebSocket message is not one TURN message. Each closes the connection with
/// 1002 (protocol error; docs/turn.md, "Close codes").
enum class malformed : std::uint8_t {
    too_short,                     ///< shorter than the 4-octet ChannelData or 20-octet STUN header
    reserved_first_bits,           ///< first two bits 0b10 or 0b11: neither STUN nor ChannelData
    stun_length_not_multiple_of_4, ///< RFC 8489 §5: a STUN length is a multiple of 4
    bad_magic_cookie,              ///< octets 4–7 are not 0x2112A442 (RFC 8489 §5)
    length_mismatch, ///< the header's length disagrees with the WebSocket message's size
};

/// Short name ("bad_magic_cookie") for logs and close reasons.
[[nodiscard]] char const* to_string(malformed m) noexcept;

/// A client's message that is exactly one TURN message.
struct checked_message {
    message_kind kind{};
    /// Octets of the message without padding: a STUN message entirely, or a ChannelData header
    /// and its data (padding the client sent anyway is not counted).
    std::size_t size = 0;
    /// Zero octets to write on the TCP stream after the WebSocket message as received
    /// (ChannelData only, RFC 8656 §12.5): 0–3; 0 when the client padded it already.
    std::size_t padding = 0;
};

/// Result of check_client_message().
using check_result = std::variant<checked_message, malformed>;

/// Checks that `message` (one binary WebSocket message) is exactly one STUN message or one
/// ChannelData message. ChannelData is accepted without padding (as over UDP) or with the
/// padding of the stream (up to the next multiple of 4, any octet values).
[[nodiscard]] check_result check_client_message(std::span<std::byte const> message) noexcept;

/// Outcome of stream_cutter::next().
struct cut_item {
    enum class kind : std::uint8_t {
        need_more, ///< no complete message buffered yet
        message,   ///< `message` is one complete message, ChannelData without its padding
        broken,    ///< the stream cannot be cut any more (`reason`); close the connection
    };
    kind what = kind::need_more;
    message_kind message_type{};
    /// Points into the cutter; valid until the next append() or next().
    std::span<std::byte const> message;
    std::string_view reason;
};

/// Cuts the TURN server's TCP stream into messages (RFC 8656 §12.5: STUN messages and padded
/// ChannelData messages back to back). Reads arrive in any size.
class stream_cutter {
public:
    /// Appends bytes read from the stream. At most largest_message bytes stay buffered between
    /// calls when next() is drained after every append().
    void append(std::span<std::byte const> bytes);

    /// Takes the next complete message, if any. Once broken, stays broken: a first octet whose
    /// two high bits are 0b10 or 0b11, a STUN length that is not a multiple of 4 or a wrong
    /// magic cookie mean nothing after it can be trusted to be aligned.
    [[nodiscard]] cut_item next();

    /// Bytes buffered and not yet returned.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
    std::vector<std::byte> buffer_;
    std::size_t start_ = 0;
    std::string_view broken_;
};

} // namespace turn
