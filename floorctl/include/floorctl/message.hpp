#pragma once
/// @file message.hpp
/// Typed BFCP messages (RFC 8855 §5): a common header plus one struct per primitive.
/// Grouped attributes are structs; optional attributes are std::optional.
/// Value types: copyable, comparable, no thread affinity.

#include <floorctl/types.hpp>

#include <boost/container/small_vector.hpp>
#include <boost/static_string/static_string.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace floorctl {

/// UTF-8 text of an attribute (ERROR-INFO, STATUS-INFO, USER-URI, ...). At most 253 octets on the
/// wire (an attribute's Length field counts 2 header octets and tops out at 255).
using text = std::string;

/// Text that lives inline: used where decoding must not touch the heap (FloorRequest).
using bounded_text = boost::static_strings::static_string<253>;

/// Floor lists of the request primitives. Up to 8 floors stay inline (no heap on decode).
using floor_list = boost::container::small_vector<floor_id, 8>;

/// RFC 8855 §5.1 COMMON-HEADER. `payload_words` is filled by encode() and checked by decode.
struct common_header {
    static constexpr std::size_t size = 12; ///< octets without the fragment fields

    std::uint8_t version = 1;        ///< 1 on reliable transports, 2 on unreliable ones
    bool responder = false;          ///< R bit (unreliable transports only)
    bool fragmented = false;         ///< F bit (unreliable transports only)
    std::uint8_t prim = 0;           ///< primitive number as on the wire (see floorctl::primitive)
    std::uint16_t payload_words = 0; ///< payload length in 4-octet units
    conference_id conference{};
    transaction_id transaction{};
    user_id user{};
    std::uint16_t fragment_offset = 0; ///< present on the wire only when `fragmented`
    std::uint16_t fragment_length = 0; ///< present on the wire only when `fragmented`

    friend bool operator==(common_header const&, common_header const&) = default;
};

/// Longest BFCP message RFC 8855 §5.1 allows: the 12-octet common header plus a Payload Length
/// of 65535 four-octet words. The one limit every transport applies (the TCP stream framer, the
/// WebSocket read limit) and the encoder respects.
inline constexpr std::size_t max_message_size = common_header::size + 4 * 65535;

/// Wire version of an answer to a message of version `v` (RFC 8855 §5.1: 1 or 2; anything else,
/// an unsupported version, is answered in version 1).
[[nodiscard]] constexpr std::uint8_t reply_version(std::uint8_t v) noexcept
{
    return v == 2 ? 2 : 1;
}

/// REQUEST-STATUS contents (RFC 8855 §5.2.5).
struct request_status_value {
    request_status status = request_status::pending;
    std::uint8_t queue_position = 0; ///< 0: no position / not queued
    friend bool operator==(request_status_value const&, request_status_value const&) = default;
};

/// BENEFICIARY-INFORMATION (§5.2.14) and REQUESTED-BY-INFORMATION (§5.2.16) share this shape.
struct user_information {
    user_id id{};
    std::optional<text> display_name; ///< USER-DISPLAY-NAME
    std::optional<text> uri;          ///< USER-URI
    friend bool operator==(user_information const&, user_information const&) = default;
};

/// FLOOR-REQUEST-STATUS (§5.2.17).
struct floor_request_status_group {
    floor_id floor{};
    std::optional<request_status_value> status;
    std::optional<text> status_info;
    friend bool operator==(floor_request_status_group const&,
                           floor_request_status_group const&) = default;
};

/// OVERALL-REQUEST-STATUS (§5.2.18).
struct overall_request_status_group {
    floor_request_id id{};
    std::optional<request_status_value> status;
    std::optional<text> status_info;
    friend bool operator==(overall_request_status_group const&,
                           overall_request_status_group const&) = default;
};

/// The FLOOR-REQUEST-STATUS list of one FLOOR-REQUEST-INFORMATION.
using floor_request_status_list = boost::container::small_vector<floor_request_status_group, 1>;

/// FLOOR-REQUEST-INFORMATION (§5.2.15).
struct floor_request_information {
    floor_request_id id{};
    std::optional<overall_request_status_group> overall;
    /// 1* on the wire; nearly always one floor, kept inline so that decoding a UserStatus or
    /// FloorStatus listing N requests does not cost N extra allocations (docs/performance.md).
    floor_request_status_list floors;
    std::optional<user_information> beneficiary;
    std::optional<user_information> requested_by;
    std::optional<priority> prio;
    std::optional<text> participant_info;
    friend bool operator==(floor_request_information const&,
                           floor_request_information const&) = default;
};

// ---- one struct per primitive (RFC 8855 §5.3) ----

struct floor_request { ///< §5.3.1  1*FLOOR-ID [BENEFICIARY-ID] [PARTICIPANT-PROVIDED-INFO]
                       ///< [PRIORITY]
    floor_list floors;
    std::optional<user_id> beneficiary;
    std::optional<bounded_text> participant_info;
    std::optional<priority> prio;
    friend bool operator==(floor_request const&, floor_request const&) = default;
};
struct floor_release { ///< §5.3.2  FLOOR-REQUEST-ID
    floor_request_id id{};
    friend bool operator==(floor_release const&, floor_release const&) = default;
};
struct floor_request_query { ///< §5.3.3  FLOOR-REQUEST-ID
    floor_request_id id{};
    friend bool operator==(floor_request_query const&, floor_request_query const&) = default;
};
struct floor_request_status { ///< §5.3.4  FLOOR-REQUEST-INFORMATION
    floor_request_information info;
    friend bool operator==(floor_request_status const&, floor_request_status const&) = default;
};
struct user_query { ///< §5.3.5  [BENEFICIARY-ID]
    std::optional<user_id> beneficiary;
    friend bool operator==(user_query const&, user_query const&) = default;
};
struct user_status { ///< §5.3.6  [BENEFICIARY-INFORMATION] *FLOOR-REQUEST-INFORMATION
    std::optional<user_information> beneficiary;
    std::vector<floor_request_information> requests;
    friend bool operator==(user_status const&, user_status const&) = default;
};
struct floor_query { ///< §5.3.7  *FLOOR-ID
    floor_list floors;
    friend bool operator==(floor_query const&, floor_query const&) = default;
};
struct floor_status { ///< §5.3.8  [FLOOR-ID] *FLOOR-REQUEST-INFORMATION
    std::optional<floor_id> floor;
    std::vector<floor_request_information> requests;
    friend bool operator==(floor_status const&, floor_status const&) = default;
};
struct chair_action { ///< §5.3.9  FLOOR-REQUEST-INFORMATION
    floor_request_information info;
    friend bool operator==(chair_action const&, chair_action const&) = default;
};
struct chair_action_ack { ///< §5.3.10
    friend bool operator==(chair_action_ack const&, chair_action_ack const&) = default;
};
struct hello { ///< §5.3.11
    friend bool operator==(hello const&, hello const&) = default;
};
struct hello_ack { ///< §5.3.12  SUPPORTED-PRIMITIVES SUPPORTED-ATTRIBUTES (may be absent from
                   ///< peers)
    std::vector<std::uint8_t> supported_primitives; ///< primitive numbers
    std::vector<std::uint8_t> supported_attributes; ///< attribute types (7-bit, unshifted)
    friend bool operator==(hello_ack const&, hello_ack const&) = default;
};
struct error_reply { ///< §5.3.13  ERROR-CODE [ERROR-INFO]
    error_code code = error_code::generic_error;
    /// Error Code 4 details: the unknown mandatory attribute types (7-bit, unshifted).
    std::vector<std::uint8_t> unknown_attributes;
    std::optional<text> info; ///< ERROR-INFO
    friend bool operator==(error_reply const&, error_reply const&) = default;
};
struct floor_request_status_ack { ///< §5.3.14 (unreliable transports)
    friend bool operator==(floor_request_status_ack const&,
                           floor_request_status_ack const&) = default;
};
struct floor_status_ack { ///< §5.3.15 (unreliable transports)
    friend bool operator==(floor_status_ack const&, floor_status_ack const&) = default;
};
struct goodbye { ///< §5.3.16
    friend bool operator==(goodbye const&, goodbye const&) = default;
};
struct goodbye_ack { ///< §5.3.17
    friend bool operator==(goodbye_ack const&, goodbye_ack const&) = default;
};
/// A header-only message the field sends outside RFC 8855's numbering, accepted quietly:
/// draft numbering 18 (GoodbyeAck) and vendor primitives 90–95 (docs/codec.md, "Tolerances").
struct vendor_message {
    std::uint8_t prim = 0;
    friend bool operator==(vendor_message const&, vendor_message const&) = default;
};

/// The body of a message; the alternative matches common_header::prim.
/// (Not called `body`: -Wshadow would fire on every `[](auto const& body)` visitor.)
using message_body =
    std::variant<floor_request, floor_release, floor_request_query, floor_request_status,
                 user_query, user_status, floor_query, floor_status, chair_action, chair_action_ack,
                 hello, hello_ack, error_reply, floor_request_status_ack, floor_status_ack, goodbye,
                 goodbye_ack, vendor_message>;

/// A whole BFCP message.
struct message {
    common_header header;
    message_body payload;
    friend bool operator==(message const&, message const&) = default;
};

/// The primitive number that belongs to a body type (vendor_message: its own number).
[[nodiscard]] std::uint8_t primitive_of(message_body const& b) noexcept;

/// The Error (RFC 8855 §5.3.13) answering a message with header `request`: its conference,
/// transaction and user IDs, reply_version() of its version, ERROR-CODE `code`, ERROR-INFO
/// `info` unless empty (the server always gives one: docs/policies.md #9) and, for Error Code 4,
/// the unknown mandatory attribute types.
[[nodiscard]] message error_reply_to(common_header const& request, error_code code, text info,
                                     std::vector<std::uint8_t> unknown_attributes = {});

} // namespace floorctl
