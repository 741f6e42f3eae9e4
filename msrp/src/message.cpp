#include <msrp/message.hpp>

namespace msrp {

char const* reason_phrase(std::uint16_t code) noexcept
{
    switch (code) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 408:
        return "Request Timeout";
    case 413:
        return "Message Too Large";
    case 415:
        return "Unsupported Media Type";
    case 423:
        return "Interval Out-of-Bounds";
    case 481:
        return "Session Does Not Exist";
    case 501:
        return "Not Implemented";
    case 506:
        return "Session Already In Use";
    default:
        return "";
    }
}

} // namespace msrp
