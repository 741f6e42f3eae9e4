#pragma once
/// @file error.hpp
/// The error vocabulary of the core: every failure the codec and the state machine can report,
/// each mapped to the RFC 8855 §5.2.6 Error Code a floor control server sends for it.

#include <floorctl/types.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <system_error>

namespace floorctl {

/// Errors produced by the BFCP codec and the floor state machine.
/// The comment on each value is the RFC 8855 §5.2.6 Error Code sent back for it.
enum class error {
    /// Fewer than 12 octets: no header to address a reply to. No wire code; the transport closes.
    truncated_header = 1,
    unsupported_version,             ///< 12 Unsupported Version
    bad_length,                      ///< 13 Incorrect Message Length
    parse_error,                     ///< 10 Unable to Parse Message
    unknown_primitive,               ///<  3 Unknown Primitive
    unknown_mandatory_attribute,     ///<  4 Unknown Mandatory Attribute
    conference_does_not_exist,       ///<  1 Conference Does Not Exist
    user_does_not_exist,             ///<  2 User Does Not Exist
    unauthorized_operation,          ///<  5 Unauthorized Operation
    invalid_floor_id,                ///<  6 Invalid FloorID
    floor_request_id_does_not_exist, ///< 7 Floor Request ID Does Not Exist
    max_floor_requests_reached,      ///<  8 Maximum Number of Ongoing Floor Requests Reached
    use_tls,                         ///<  9 Use TLS
    generic,                         ///< 14 Generic Error
};

/// The category naming floorctl::error values ("floorctl").
[[nodiscard]] std::error_category const& error_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// Error Code to put on the wire for `ec`; generic_error (14) for foreign categories and for
/// truncated_header (which is never answered on the wire).
[[nodiscard]] error_code wire_code(std::error_code ec) noexcept;

/// Return type of every fallible core function. Becomes std::expected under C++23.
template <class T> using result = boost::system::result<T, std::error_code>;

} // namespace floorctl

template <> struct std::is_error_code_enum<floorctl::error> : std::true_type {
};
