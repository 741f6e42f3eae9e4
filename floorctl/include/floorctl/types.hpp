#pragma once
/// @file types.hpp
/// Strong identifiers and the wire enumerations of RFC 8855 (BFCP).
/// Pure vocabulary: no I/O, no allocation, usable from any thread.

#include <chrono>
#include <cstdint>

namespace floorctl {

/// Conference ID (RFC 8855 §5.1, 32 bits).
enum class conference_id : std::uint32_t {};
/// User ID (RFC 8855 §5.1, 16 bits).
enum class user_id : std::uint16_t {};
/// Floor ID (RFC 8855 §5.2.2, 16 bits).
enum class floor_id : std::uint16_t {};
/// Floor request ID (RFC 8855 §5.2.3, 16 bits). Chosen by the server; 0 is never issued.
enum class floor_request_id : std::uint16_t {};
/// Transaction ID (RFC 8855 §5.1). 0 marks a server-initiated message on reliable transports.
enum class transaction_id : std::uint16_t {};
/// Opaque id of a transport connection, chosen by an adapter (ws/, the TCP listener). Never 0.
enum class connection_id : std::uint64_t {};
/// Opaque id of a timer the core asked its host to run.
enum class timer_id : std::uint64_t {};

/// The underlying integer of a strong id or wire enum.
template <class E> [[nodiscard]] constexpr auto to_underlying(E e) noexcept
{
    return static_cast<std::underlying_type_t<E>>(e);
}

/// The core never reads a clock; it asks for timers by duration (start_timer). steady_clock: only
/// durations matter.
using clock = std::chrono::steady_clock;

/// Primitive numbers, RFC 8855 §5.1 Table 1.
enum class primitive : std::uint8_t {
    floor_request = 1,
    floor_release = 2,
    floor_request_query = 3,
    floor_request_status = 4,
    user_query = 5,
    user_status = 6,
    floor_query = 7,
    floor_status = 8,
    chair_action = 9,
    chair_action_ack = 10,
    hello = 11,
    hello_ack = 12,
    error = 13,
    floor_request_status_ack = 14,
    floor_status_ack = 15,
    goodbye = 16,
    goodbye_ack = 17,
};

/// Attribute types, RFC 8855 §5.2 Table 2 (7-bit field).
enum class attribute_type : std::uint8_t {
    beneficiary_id = 1,
    floor_id = 2,
    floor_request_id = 3,
    priority = 4,
    request_status = 5,
    error_code = 6,
    error_info = 7,
    participant_provided_info = 8,
    status_info = 9,
    supported_attributes = 10,
    supported_primitives = 11,
    user_display_name = 12,
    user_uri = 13,
    beneficiary_information = 14,
    floor_request_information = 15,
    requested_by_information = 16,
    floor_request_status = 17,
    overall_request_status = 18,
};

/// Request Status values, RFC 8855 §5.2.5.
enum class request_status : std::uint8_t {
    pending = 1,
    accepted = 2,
    granted = 3,
    denied = 4,
    cancelled = 5,
    released = 6,
    revoked = 7,
};

/// Priority values, RFC 8855 §5.2.4 (3 bits in the high bits of a 16-bit field).
enum class priority : std::uint8_t {
    lowest = 0,
    low = 1,
    normal = 2,
    high = 3,
    highest = 4,
};

/// Error Code values carried in ERROR-CODE, RFC 8855 §5.2.6 Table 5.
enum class error_code : std::uint8_t {
    conference_does_not_exist = 1,
    user_does_not_exist = 2,
    unknown_primitive = 3,
    unknown_mandatory_attribute = 4,
    unauthorized_operation = 5,
    invalid_floor_id = 6,
    floor_request_id_does_not_exist = 7,
    max_floor_requests_reached = 8,
    use_tls = 9,
    unable_to_parse_message = 10,
    use_dtls = 11,
    unsupported_version = 12,
    incorrect_message_length = 13,
    generic_error = 14,
};

} // namespace floorctl
