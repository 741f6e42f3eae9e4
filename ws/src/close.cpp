#include <ws/close.hpp>
#include <ws/connection_id.hpp>

#include <atomic>
#include <cstdint>

namespace ws {

char const* to_string(close_code c) noexcept
{
    switch (c) {
    case close_code::normal:
        return "1000 normal";
    case close_code::going_away:
        return "1001 going_away";
    case close_code::protocol_error:
        return "1002 protocol_error";
    case close_code::unsupported_data:
        return "1003 unsupported_data";
    case close_code::abnormal:
        return "1006 abnormal";
    case close_code::invalid_payload:
        return "1007 invalid_payload";
    case close_code::policy_violation:
        return "1008 policy_violation";
    case close_code::message_too_big:
        return "1009 message_too_big";
    case close_code::internal_error:
        return "1011 internal_error";
    case close_code::try_again_later:
        return "1013 try_again_later";
    }
    return "other";
}

close_code close_code_for(floorctl::close_reason reason) noexcept
{
    switch (reason) {
    case floorctl::close_reason::client_goodbye:
    case floorctl::close_reason::removed:
        return close_code::normal;
    case floorctl::close_reason::shutdown:
        return close_code::going_away;
    case floorctl::close_reason::protocol_error:
        return close_code::protocol_error;
    case floorctl::close_reason::superseded:
        return close_code::policy_violation;
    }
    return close_code::protocol_error;
}

char const* to_string(close_origin o) noexcept
{
    switch (o) {
    case close_origin::local:
        return "local";
    case close_origin::peer:
        return "peer";
    case close_origin::network:
        return "network";
    }
    return "other";
}

floorctl::connection_id allocate_connection_id() noexcept
{
    // Starts at 1: connection_id 0 means "none" in the core's vocabulary.
    static std::atomic<std::uint64_t> next{1};
    return floorctl::connection_id{next.fetch_add(1, std::memory_order_relaxed)};
}

} // namespace ws
