#include <floorctl/error.hpp>

#include <string>

namespace floorctl {

namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "floorctl"; }

    [[nodiscard]] std::string message(int ev) const override
    {
        switch (static_cast<error>(ev)) {
        case error::truncated_header:
            return "message shorter than the 12-octet common header";
        case error::unsupported_version:
            return "unsupported BFCP version";
        case error::bad_length:
            return "incorrect message length";
        case error::parse_error:
            return "unable to parse message";
        case error::unknown_primitive:
            return "unknown primitive";
        case error::unknown_mandatory_attribute:
            return "unknown mandatory attribute";
        case error::conference_does_not_exist:
            return "conference does not exist";
        case error::user_does_not_exist:
            return "user does not exist";
        case error::unauthorized_operation:
            return "unauthorized operation";
        case error::invalid_floor_id:
            return "invalid floor ID";
        case error::floor_request_id_does_not_exist:
            return "floor request ID does not exist";
        case error::max_floor_requests_reached:
            return "maximum number of ongoing floor requests reached";
        case error::use_tls:
            return "use TLS";
        case error::generic:
            return "generic error";
        }
        return "unknown floorctl error";
    }
};

} // namespace

std::error_category const& error_category() noexcept
{
    static category const instance;
    return instance;
}

error_code wire_code(std::error_code ec) noexcept
{
    if (ec.category() != error_category()) return error_code::generic_error;
    // RFC 8855 §5.2.6 Table 5.
    switch (static_cast<error>(ec.value())) {
    case error::truncated_header:
        return error_code::generic_error; // never answered
    case error::unsupported_version:
        return error_code::unsupported_version;
    case error::bad_length:
        return error_code::incorrect_message_length;
    case error::parse_error:
        return error_code::unable_to_parse_message;
    case error::unknown_primitive:
        return error_code::unknown_primitive;
    case error::unknown_mandatory_attribute:
        return error_code::unknown_mandatory_attribute;
    case error::conference_does_not_exist:
        return error_code::conference_does_not_exist;
    case error::user_does_not_exist:
        return error_code::user_does_not_exist;
    case error::unauthorized_operation:
        return error_code::unauthorized_operation;
    case error::invalid_floor_id:
        return error_code::invalid_floor_id;
    case error::floor_request_id_does_not_exist:
        return error_code::floor_request_id_does_not_exist;
    case error::max_floor_requests_reached:
        return error_code::max_floor_requests_reached;
    case error::use_tls:
        return error_code::use_tls;
    case error::generic:
        return error_code::generic_error;
    }
    return error_code::generic_error;
}

} // namespace floorctl
