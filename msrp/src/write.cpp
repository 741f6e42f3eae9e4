#include <msrp/write.hpp>

namespace msrp {
namespace {

void field(std::string& out, char const* name, std::string_view value)
{
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

void path(std::string& out, char const* name, std::vector<uri> const& p)
{
    out += name;
    out += ':';
    for (auto const& u : p) {
        out += ' ';
        out += to_string(u);
    }
    out += "\r\n";
}

char const* report_text(report_request r)
{
    switch (r) {
    case report_request::yes:
        return "yes";
    case report_request::no:
        return "no";
    case report_request::partial:
        return "partial";
    }
    return "yes";
}

std::string number_or_star(std::optional<std::uint64_t> n)
{
    return n ? std::to_string(*n) : std::string("*");
}

std::string three_digits(unsigned v)
{
    std::string s = std::to_string(v);
    while (s.size() < 3)
        s.insert(s.begin(), '0');
    return s;
}

} // namespace

std::string write(message const& m)
{
    std::string out;
    out.reserve(256 + m.body.size());
    out += "MSRP ";
    out += m.transaction_id;
    out += ' ';
    if (m.is_request()) {
        out += m.method;
    } else {
        out += three_digits(m.status_code);
        if (!m.comment.empty()) {
            out += ' ';
            out += m.comment;
        }
    }
    out += "\r\n";
    path(out, "To-Path", m.to_path);
    path(out, "From-Path", m.from_path);
    if (m.message_id) field(out, "Message-ID", *m.message_id);
    if (m.success_report) field(out, "Success-Report", report_text(*m.success_report));
    if (m.failure_report) field(out, "Failure-Report", report_text(*m.failure_report));
    if (m.range) {
        field(out, "Byte-Range",
              std::to_string(m.range->start) + '-' + number_or_star(m.range->end) + '/' +
                  number_or_star(m.range->total));
    }
    if (m.status) {
        std::string s = three_digits(m.status->name_space) + ' ' + three_digits(m.status->code);
        if (!m.status->reason.empty()) s += ' ' + m.status->reason;
        field(out, "Status", s);
    }
    if (!m.use_path.empty()) path(out, "Use-Path", m.use_path);
    if (m.expires) field(out, "Expires", std::to_string(*m.expires));
    if (m.min_expires) field(out, "Min-Expires", std::to_string(*m.min_expires));
    if (m.max_expires) field(out, "Max-Expires", std::to_string(*m.max_expires));
    if (m.www_authenticate) field(out, "WWW-Authenticate", *m.www_authenticate);
    if (m.authorization) field(out, "Authorization", *m.authorization);
    if (m.authentication_info) field(out, "Authentication-Info", *m.authentication_info);
    for (auto const& h : m.other_headers)
        field(out, h.name.c_str(), h.value);
    if (m.content_type) {
        field(out, "Content-Type", *m.content_type);
        out += "\r\n";
        out += m.body;
        out += "\r\n";
    }
    out += "-------";
    out += m.transaction_id;
    out += static_cast<char>(m.flag);
    out += "\r\n";
    return out;
}

message make_response(message const& request, std::uint16_t code, std::string comment)
{
    message r;
    r.transaction_id = request.transaction_id;
    r.status_code = code;
    r.comment = comment.empty() ? std::string(reason_phrase(code)) : std::move(comment);
    if (!request.from_path.empty()) r.to_path.push_back(request.from_path.front());
    if (!request.to_path.empty()) r.from_path.push_back(request.to_path.front());
    return r;
}

} // namespace msrp
