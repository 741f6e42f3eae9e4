#include <sdp/error.hpp>

#include <cstdlib>

namespace sdp {
namespace {

class category final : public std::error_category {
public:
    char const* name() const noexcept override { return "sdp"; }
    std::string message(int ev) const override { return to_string(static_cast<error>(ev)); }
};

} // namespace

std::error_category const& error_category() noexcept
{
    static category const instance;
    return instance;
}

char const* to_string(error e) noexcept
{
    switch (e) {
    case error::too_large:
        return "too_large";
    case error::too_many_lines:
        return "too_many_lines";
    case error::line_too_long:
        return "line_too_long";
    case error::too_many_media:
        return "too_many_media";
    case error::nul_byte:
        return "nul_byte";
    case error::bad_line_ending:
        return "bad_line_ending";
    case error::control_character:
        return "control_character";
    case error::empty_line:
        return "empty_line";
    case error::bad_line:
        return "bad_line";
    case error::unknown_type:
        return "unknown_type";
    case error::bad_order:
        return "bad_order";
    case error::missing_version:
        return "missing_version";
    case error::bad_version:
        return "bad_version";
    case error::missing_origin:
        return "missing_origin";
    case error::bad_origin:
        return "bad_origin";
    case error::missing_session_name:
        return "missing_session_name";
    case error::missing_timing:
        return "missing_timing";
    case error::bad_timing:
        return "bad_timing";
    case error::bad_connection:
        return "bad_connection";
    case error::bad_bandwidth:
        return "bad_bandwidth";
    case error::bad_media:
        return "bad_media";
    case error::bad_port:
        return "bad_port";
    case error::bad_proto:
        return "bad_proto";
    case error::missing_format:
        return "missing_format";
    case error::bad_format:
        return "bad_format";
    case error::bad_attribute:
        return "bad_attribute";
    case error::bad_value:
        return "bad_value";
    case error::no_bfcp_stream:
        return "no_bfcp_stream";
    case error::stream_disabled:
        return "stream_disabled";
    case error::unsupported_transport:
        return "unsupported_transport";
    case error::bad_bfcp_attribute:
        return "bad_bfcp_attribute";
    case error::role_conflict:
        return "role_conflict";
    case error::setup_conflict:
        return "setup_conflict";
    case error::version_mismatch:
        return "version_mismatch";
    case error::answer_rejected:
        return "answer_rejected";
    case error::bad_answer:
        return "bad_answer";
    case error::bad_answer_params:
        return "bad_answer_params";
    }
    return "unknown sdp error";
}

// boost::system::result<T, E>::value() finds these by ADL. The module is exception-free, so a
// value() on an error result is treated as the programming error it is.
void throw_exception_from_error(parse_error const&, boost::source_location const&)
{
    std::abort();
}

void throw_exception_from_error(negotiation_error const&, boost::source_location const&)
{
    std::abort();
}

} // namespace sdp
