#include <msrp/parse.hpp>

#include "chars.hpp"

#include <array>

namespace msrp {
namespace {

constexpr std::string_view end_marker = "-------";

/// The header fields with a type in msrp::message; each may appear once.
enum class known : std::uint8_t {
    to_path,
    from_path,
    message_id,
    success_report,
    failure_report,
    byte_range,
    status,
    use_path,
    expires,
    min_expires,
    max_expires,
    www_authenticate,
    authorization,
    authentication_info,
    content_type,
    count,
};

constexpr std::array<std::string_view, static_cast<std::size_t>(known::count)> known_names = {
    "To-Path",        "From-Path",           "Message-ID",  "Success-Report",
    "Failure-Report", "Byte-Range",          "Status",      "Use-Path",
    "Expires",        "Min-Expires",         "Max-Expires", "WWW-Authenticate",
    "Authorization",  "Authentication-Info", "Content-Type"};

std::optional<known> lookup(std::string_view name)
{
    for (std::size_t i = 0; i < known_names.size(); ++i) {
        if (detail::iequals(name, known_names[i])) return static_cast<known>(i);
    }
    return std::nullopt;
}

/// RFC 7230 token characters: header names.
bool is_token_char(char c)
{
    return detail::is_alnum(c) || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
           c == '\'' || c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
           c == '`' || c == '|' || c == '~';
}

/// Header values are utf8text: no control character except HTAB.
bool clean_value(std::string_view v)
{
    for (char c : v) {
        auto const u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
    }
    return true;
}

/// `MSRP-URI *( SP MSRP-URI )`.
std::optional<std::vector<uri>> parse_path(std::string_view v)
{
    std::vector<uri> out;
    while (!v.empty()) {
        auto const sp = v.find(' ');
        auto const one = v.substr(0, sp);
        auto u = parse_uri(one);
        if (!u) return std::nullopt;
        out.push_back(std::move(*u));
        if (sp == std::string_view::npos) break;
        v.remove_prefix(sp + 1);
        if (v.empty()) return std::nullopt; // a trailing space
    }
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<byte_range> parse_byte_range(std::string_view v)
{
    auto const dash = v.find('-');
    auto const slash = v.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
        return std::nullopt;
    }
    constexpr auto max = std::uint64_t{1} << 62; // far beyond any size, far from overflow
    byte_range r;
    auto const start = detail::parse_decimal(v.substr(0, dash), max);
    if (!start) return std::nullopt;
    r.start = *start;
    auto const end = v.substr(dash + 1, slash - dash - 1);
    if (end != "*") {
        auto const e = detail::parse_decimal(end, max);
        if (!e) return std::nullopt;
        r.end = *e;
    }
    auto const total = v.substr(slash + 1);
    if (total != "*") {
        auto const t = detail::parse_decimal(total, max);
        if (!t) return std::nullopt;
        r.total = *t;
    }
    return r;
}

std::optional<report_request> parse_report(std::string_view v, bool partial_allowed)
{
    if (detail::iequals(v, "yes")) return report_request::yes;
    if (detail::iequals(v, "no")) return report_request::no;
    if (partial_allowed && detail::iequals(v, "partial")) return report_request::partial;
    return std::nullopt;
}

std::optional<status_field> parse_status(std::string_view v)
{
    // namespace SP status-code [SP text-reason]
    if (v.size() < 7 || v[3] != ' ' || (v.size() > 7 && v[7] != ' ')) return std::nullopt;
    auto const ns = detail::parse_decimal(v.substr(0, 3), 999);
    auto const code = detail::parse_decimal(v.substr(4, 3), 999);
    if (!ns || !code || *code < 100) return std::nullopt;
    status_field s;
    s.name_space = static_cast<std::uint16_t>(*ns);
    s.code = static_cast<std::uint16_t>(*code);
    if (v.size() > 8) s.reason = std::string(v.substr(8));
    return s;
}

std::optional<std::string> non_empty(std::string_view v)
{
    if (v.empty()) return std::nullopt;
    return std::string(v);
}

std::optional<std::uint32_t> parse_seconds(std::string_view v)
{
    auto const n = detail::parse_decimal(v, 0xffffffffu);
    if (!n) return std::nullopt;
    return static_cast<std::uint32_t>(*n);
}

/// Parsing state: the error being built carries what was read so far.
class chunk_parser {
public:
    chunk_parser(std::string_view chunk, limits const& l) : in_(chunk), limits_(l) {}

    boost::system::result<message, parse_error> run();

private:
    parse_error fail(error code, std::string text)
    {
        err_.code = code;
        err_.message = std::move(text);
        return std::move(err_);
    }
    std::optional<parse_error> start_line(std::string_view line);
    std::optional<parse_error> header(std::string_view line, std::size_t index);

    std::string_view in_;
    limits const& limits_;
    message m_;
    parse_error err_;
    std::array<bool, static_cast<std::size_t>(known::count)> seen_{};
};

std::optional<parse_error> chunk_parser::start_line(std::string_view line)
{
    // pMSRP SP transact-id SP method / status-code [SP comment]; "MSRP" is case-sensitive.
    if (line.substr(0, 5) != "MSRP ") return fail(error::bad_start_line, "no MSRP start line");
    line.remove_prefix(5);
    auto const sp = line.find(' ');
    if (sp == std::string_view::npos) return fail(error::bad_start_line, "start line too short");
    auto const tid = line.substr(0, sp);
    if (!detail::is_ident(tid)) {
        return fail(error::bad_transaction_id, "transaction ID is not an ident");
    }
    m_.transaction_id = std::string(tid);
    err_.transaction_id = m_.transaction_id;
    line.remove_prefix(sp + 1);
    if (!line.empty() && detail::is_digit(line.front())) {
        auto const code = detail::parse_decimal(line.substr(0, 3), 999);
        if (!code || *code < 100 || (line.size() > 3 && line[3] != ' ')) {
            return fail(error::bad_status_code, "status code is not three digits");
        }
        m_.status_code = static_cast<std::uint16_t>(*code);
        if (line.size() > 4) m_.comment = std::string(line.substr(4));
        if (!clean_value(m_.comment)) return fail(error::bad_character, "control character");
        return std::nullopt;
    }
    if (line.empty()) return fail(error::bad_method, "empty method");
    for (char c : line) {
        if (c < 'A' || c > 'Z') return fail(error::bad_method, "method is not upper-case letters");
    }
    m_.method = std::string(line);
    err_.method = m_.method;
    return std::nullopt;
}

std::optional<parse_error> chunk_parser::header(std::string_view line, std::size_t index)
{
    auto const colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return fail(error::bad_header_line, "header line without a name and ':'");
    }
    auto const name = line.substr(0, colon);
    for (char c : name) {
        if (!is_token_char(c)) return fail(error::bad_header_line, "bad header name");
    }
    auto value = line.substr(colon + 1);
    // RFC 4975 §9 writes ":" SP; other whitespace around the value is tolerated and dropped.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (!clean_value(value)) return fail(error::bad_character, "control character in a header");

    auto const which = lookup(name);
    if (index == 0 && which != known::to_path) {
        return fail(error::missing_to_path, "first header field is not To-Path");
    }
    if (index == 1 && which != known::from_path) {
        return fail(error::missing_from_path, "second header field is not From-Path");
    }
    if (!which) {
        m_.other_headers.push_back({std::string(name), std::string(value)});
        return std::nullopt;
    }
    auto const slot = static_cast<std::size_t>(*which);
    if (seen_[slot]) {
        return fail(error::duplicate_header, std::string(known_names[slot]) + " appears twice");
    }
    seen_[slot] = true;
    auto bad = [&] {
        return fail(error::bad_header_value, "malformed " + std::string(known_names[slot]));
    };
    // Stores a typed value; nullopt from its parser means the value broke its grammar.
    auto set = [&](auto& field, auto parsed) -> std::optional<parse_error> {
        if (!parsed) return bad();
        field = std::move(parsed);
        return std::nullopt;
    };
    switch (*which) {
    case known::to_path:
    case known::from_path:
    case known::use_path: {
        auto path = parse_path(value);
        if (!path) {
            return fail(error::bad_uri,
                        std::string(known_names[slot]) + " holds something not an MSRP URI");
        }
        auto const first = std::string(value.substr(0, value.find(' ')));
        if (*which == known::to_path) {
            m_.to_path = std::move(*path);
            err_.to_uri = first;
        } else if (*which == known::from_path) {
            m_.from_path = std::move(*path);
            err_.from_uri = first;
        } else {
            m_.use_path = std::move(*path);
        }
        return std::nullopt;
    }
    case known::message_id:
        return set(m_.message_id,
                   detail::is_ident(value) ? std::optional<std::string>(value) : std::nullopt);
    case known::success_report:
        return set(m_.success_report, parse_report(value, false));
    case known::failure_report:
        return set(m_.failure_report, parse_report(value, true));
    case known::byte_range:
        return set(m_.range, parse_byte_range(value));
    case known::status:
        return set(m_.status, parse_status(value));
    case known::expires:
        return set(m_.expires, parse_seconds(value));
    case known::min_expires:
        return set(m_.min_expires, parse_seconds(value));
    case known::max_expires:
        return set(m_.max_expires, parse_seconds(value));
    case known::www_authenticate:
        return set(m_.www_authenticate, non_empty(value));
    case known::authorization:
        return set(m_.authorization, non_empty(value));
    case known::authentication_info:
        return set(m_.authentication_info, non_empty(value));
    case known::content_type:
        // media-type = type "/" subtype *( ";" gen-param ): at least a '/' between tokens.
        if (auto const slash = value.find('/');
            slash == std::string_view::npos || slash == 0 || slash + 1 == value.size()) {
            return bad();
        }
        m_.content_type = std::string(value);
        return std::nullopt;
    case known::count:
        break;
    }
    return bad();
}

boost::system::result<message, parse_error> chunk_parser::run()
{
    if (in_.size() > limits_.max_chunk) return fail(error::too_large, "chunk larger than limit");

    auto const first_crlf = in_.find("\r\n");
    if (first_crlf == std::string_view::npos) {
        if (in_.size() > limits_.max_line) return fail(error::line_too_long, "start line too long");
        return fail(error::bad_start_line, "no CRLF after the start line");
    }
    if (first_crlf > limits_.max_line) return fail(error::line_too_long, "start line too long");
    if (auto e = start_line(in_.substr(0, first_crlf))) return std::move(*e);

    // The end line: "-------" transact-id continuation-flag CRLF, preceded by a CRLF. Its first
    // occurrence must be the end of the chunk (RFC 7977 §5.1: one chunk per message).
    std::string const marker = "\r\n" + std::string(end_marker) + m_.transaction_id;
    std::size_t end_line = std::string_view::npos; // index of the first '-' of the end line
    for (auto pos = in_.find(marker, first_crlf); pos != std::string_view::npos;
         pos = in_.find(marker, pos + 1)) {
        auto const flag_at = pos + marker.size();
        if (flag_at + 3 <= in_.size() && in_.substr(flag_at + 1, 2) == "\r\n" &&
            (in_[flag_at] == '$' || in_[flag_at] == '+' || in_[flag_at] == '#')) {
            end_line = pos + 2;
            break;
        }
    }
    if (end_line == std::string_view::npos) {
        auto const last = in_.rfind("\r\n-------");
        if (last != std::string_view::npos && last >= first_crlf) {
            return fail(error::bad_end_line, "end line does not close this transaction");
        }
        return fail(error::missing_end_line, "no end line");
    }
    auto const flag_at = end_line + end_marker.size() + m_.transaction_id.size();
    if (flag_at + 3 != in_.size()) return fail(error::trailing_data, "bytes after the end line");
    m_.flag = static_cast<continuation>(in_[flag_at]);

    // Header lines from after the start line up to the CRLF before the end line, or up to an
    // empty line that starts the body.
    auto const headers_end = end_line - 2; // the CRLF ending the last line before the end line
    std::size_t pos = first_crlf + 2;
    std::size_t count = 0;
    bool body = false;
    while (pos <= headers_end) {
        auto eol = in_.find("\r\n", pos);
        if (eol == std::string_view::npos || eol > headers_end) eol = headers_end;
        auto const line = in_.substr(pos, eol - pos);
        if (line.empty()) {
            body = true;
            pos = eol + 2;
            break;
        }
        if (line.size() > limits_.max_line) return fail(error::line_too_long, "header too long");
        if (++count > limits_.max_headers) {
            return fail(error::too_many_headers, "too many header fields");
        }
        if (line.find('\r') != std::string_view::npos ||
            line.find('\n') != std::string_view::npos) {
            return fail(error::bad_character, "bare CR or LF in a header");
        }
        if (auto e = header(line, count - 1)) return std::move(*e);
        pos = eol + 2;
    }
    if (!seen_[static_cast<std::size_t>(known::to_path)]) {
        return fail(error::missing_to_path, "no To-Path");
    }
    if (!seen_[static_cast<std::size_t>(known::from_path)]) {
        return fail(error::missing_from_path, "no From-Path");
    }
    if (body) {
        if (!m_.is_request()) return fail(error::body_in_response, "response with a body");
        if (!m_.content_type) return fail(error::body_without_content, "body without Content-Type");
        // data CRLF end-line: the body ends at the CRLF before the end line. An empty body may
        // lack its own CRLF ("Content-Type: x" CRLF CRLF end-line); that is read as empty.
        if (pos < headers_end) m_.body = std::string(in_.substr(pos, headers_end - pos));
    } else if (m_.content_type) {
        return fail(error::bad_header_value, "Content-Type without a body");
    }
    return std::move(m_);
}

} // namespace

boost::system::result<message, parse_error> parse(std::string_view chunk, limits const& l)
{
    return chunk_parser(chunk, l).run();
}

} // namespace msrp
