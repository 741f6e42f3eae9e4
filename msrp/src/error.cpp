#include <msrp/error.hpp>

#include <cstdlib>

namespace msrp {
namespace {

class category final : public std::error_category {
public:
    char const* name() const noexcept override { return "msrp"; }
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
    case error::line_too_long:
        return "line_too_long";
    case error::too_many_headers:
        return "too_many_headers";
    case error::bad_start_line:
        return "bad_start_line";
    case error::bad_transaction_id:
        return "bad_transaction_id";
    case error::bad_method:
        return "bad_method";
    case error::bad_status_code:
        return "bad_status_code";
    case error::missing_end_line:
        return "missing_end_line";
    case error::bad_end_line:
        return "bad_end_line";
    case error::trailing_data:
        return "trailing_data";
    case error::bad_header_line:
        return "bad_header_line";
    case error::bad_character:
        return "bad_character";
    case error::missing_to_path:
        return "missing_to_path";
    case error::missing_from_path:
        return "missing_from_path";
    case error::duplicate_header:
        return "duplicate_header";
    case error::bad_uri:
        return "bad_uri";
    case error::bad_header_value:
        return "bad_header_value";
    case error::body_without_content:
        return "body_without_content";
    case error::body_in_response:
        return "body_in_response";
    case error::chunk_without_end_line:
        return "chunk_without_end_line";
    case error::bad_range:
        return "bad_range";
    case error::range_length_mismatch:
        return "range_length_mismatch";
    case error::range_beyond_total:
        return "range_beyond_total";
    case error::total_mismatch:
        return "total_mismatch";
    case error::overlap_conflict:
        return "overlap_conflict";
    case error::message_too_large:
        return "message_too_large";
    case error::too_many_messages:
        return "too_many_messages";
    }
    return "unknown msrp error";
}

// boost::system::result<T, E>::value() finds this by ADL. The module is exception-free, so a
// value() on an error result is treated as the programming error it is.
void throw_exception_from_error(parse_error const&, boost::source_location const&)
{
    std::abort();
}

} // namespace msrp
