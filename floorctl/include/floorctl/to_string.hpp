#pragma once
/// @file to_string.hpp
/// Names of the RFC 8855 wire enumerations (as the RFC writes them) and a one-line dump of a
/// whole message for logs. Pure functions, thread-safe; the string_views point to static
/// storage and never dangle.

#include <floorctl/action.hpp>
#include <floorctl/error.hpp>
#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <string>
#include <string_view>

namespace floorctl {

/// "FloorRequest", ... (RFC 8855 Table 1); "Unknown" for numbers outside 1..17.
[[nodiscard]] std::string_view to_string(primitive p) noexcept;
/// "FLOOR-ID", ... (RFC 8855 Table 2); "Unknown" for types outside 1..18.
[[nodiscard]] std::string_view to_string(attribute_type t) noexcept;
/// "Pending", "Accepted", ... (§5.2.5); "Unknown" outside 1..7.
[[nodiscard]] std::string_view to_string(request_status s) noexcept;
/// "Lowest", "Low", "Normal", "High", "Highest" (§5.2.4); "Unknown" for 5..7.
[[nodiscard]] std::string_view to_string(priority p) noexcept;
/// "Conference Does Not Exist", ... (§5.2.6 Table 5); "Unknown" outside 1..14.
[[nodiscard]] std::string_view to_string(error_code c) noexcept;
/// The enumerator's name: "parse_error", "bad_length", ...
[[nodiscard]] std::string_view to_string(error e) noexcept;

/// "client goodbye", "superseded", "protocol error", "removed", "shutdown": the close reason
/// as adapters put it in logs and WebSocket close frames.
[[nodiscard]] std::string_view to_string(close_reason r) noexcept;

/// "floor_granted", "floor_released", "floor_revoked", "queue_changed", "participant_joined",
/// "participant_left": the enumerator's name, as event streams name the change.
[[nodiscard]] std::string_view to_string(change_kind k) noexcept;

/// Name of a primitive number as seen on the wire, including the tolerated extras:
/// 18 → "GoodbyeAck(draft)", 90..95 → "Vendor"; anything else unknown → "Unknown".
[[nodiscard]] std::string_view primitive_name(std::uint8_t wire_number) noexcept;

/// One line, no newline, for logs: primitive, header fields and every body field, e.g.
/// `FloorRequest v1 conf=1 tid=2 user=3 floors=[7] prio=Normal`. Texts are quoted and any
/// control or non-ASCII octet is escaped (\xNN), so peer data cannot forge log lines.
[[nodiscard]] std::string describe(message const& m);

} // namespace floorctl
