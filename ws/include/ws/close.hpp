#pragma once
/// @file close.hpp
/// WebSocket close codes used by ws/ (RFC 6455 §7.4.1), the one mapping from the core's close
/// reasons to them, and the close report given to the app.

#include <floorctl/action.hpp>

#include <cstdint>
#include <string>

namespace ws {

/// Close status codes, RFC 6455 §7.4.1. The comment says when ws/ sends each.
enum class close_code : std::uint16_t {
    normal = 1000,     ///< client Goodbye, participant or conference removed; message idle timeout
    going_away = 1001, ///< server shutdown (after the core's Goodbye); close_all() at shutdown
    protocol_error = 1002,   ///< fragmented message (RFC 8857: one unfragmented message per BFCP
                             ///< message); also any RFC 6455 framing error Beast detects
    unsupported_data = 1003, ///< a text frame (RFC 8857: BFCP travels in binary frames only)
    abnormal = 1006,         ///< never sent: reported when the TCP/TLS connection ended without a
                             ///< close handshake (peer vanished, ping timeout, hard close)
    invalid_payload = 1007,  ///< never sent by ws/ itself
    policy_violation = 1008, ///< superseded by a newer connection (core), message rate exceeded,
                             ///< write queue overflow (peer does not read)
    message_too_big = 1009,  ///< a message longer than floorctl::max_message_size
    internal_error = 1011,   ///< never sent by ws/ itself
    try_again_later = 1013,  ///< never sent by ws/ itself (available to the app)
};

/// The close code for a close the core asked for (docs/websocket.md, "Close codes"):
/// client_goodbye and removed → 1000, shutdown → 1001, protocol_error → 1002,
/// superseded → 1008. The reason text is floorctl::to_string(reason).
[[nodiscard]] close_code close_code_for(floorctl::close_reason reason) noexcept;

/// Who ended a connection.
enum class close_origin : std::uint8_t {
    local,   ///< ws/ or the app closed it (code says why)
    peer,    ///< the peer sent a close frame (code is the peer's)
    network, ///< transport failed or timed out without a close handshake (code is abnormal)
};

/// How a WebSocket connection ended, passed to handler::on_close().
struct close_info {
    close_code code = close_code::abnormal; ///< the code sent (local) or received (peer)
    close_origin origin = close_origin::network;
    std::string reason; ///< human-readable: the close frame's reason or ws/'s cause
};

/// "1008 policy_violation" style name for logs.
[[nodiscard]] char const* to_string(close_code c) noexcept;
/// "local" / "peer" / "network".
[[nodiscard]] char const* to_string(close_origin o) noexcept;

} // namespace ws
