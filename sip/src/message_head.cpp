#include "message_head.hpp"

#include <cstdint>
#include <cstring>

namespace sip::detail {

namespace {

bool is_token_char(char c) noexcept
{
    // RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
        return true;
    default:
        return false;
    }
}

bool is_token(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (char const c : s)
        if (!is_token_char(c)) return false;
    return true;
}

/// Eight bytes as one word, in memory order (the tests below do not depend on byte order).
std::uint64_t load8(char const* p) noexcept
{
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// True when some byte of `w` is below 0x20 (CR, LF, HTAB, other controls) or is 0x7f: the
/// bytes the line scanner must look at one by one. Exact: a byte is flagged only when it is
/// one of them (a borrow starts only at such a byte, and bytes of 0x80 and above are masked).
bool has_control_byte(std::uint64_t w) noexcept
{
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    auto const below = [](std::uint64_t x, std::uint64_t n) { return (x - ones * n) & ~x & highs; };
    return (below(w, 0x20) | below(w ^ (ones * 0x7f), 1)) != 0;
}

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_sip_version(std::string_view s) noexcept
{
    return iequals(s, "SIP/2.0");
}

/// Parses the start line; returns the error text, empty when it is fine.
std::string parse_start_line(std::string_view line, message_head& head)
{
    if (line.empty()) return "empty start line";
    auto const first = line.find(' ');
    if (first == std::string_view::npos) return "start line without a space";
    if (is_sip_version(line.substr(0, first))) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        auto const rest = line.substr(first + 1);
        if (rest.size() < 4 || rest[3] != ' ') return "malformed status line";
        int status = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            if (rest[i] < '0' || rest[i] > '9') return "malformed status code";
            status = status * 10 + (rest[i] - '0');
        }
        if (status < 100 || status > 699) return "status code outside 100..699";
        head.request = false;
        head.status = status;
        return {};
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    auto const second = line.find(' ', first + 1);
    if (second == std::string_view::npos) return "malformed request line";
    auto const method = line.substr(0, first);
    auto const uri = line.substr(first + 1, second - first - 1);
    auto const version = line.substr(second + 1);
    if (!is_token(method)) return "method is not a token";
    if (uri.empty()) return "empty Request-URI";
    if (!is_sip_version(version)) return "not SIP/2.0";
    head.request = true;
    head.method = method;
    head.request_uri = uri;
    return {};
}

} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool names(std::string_view name, std::string_view full, char compact) noexcept
{
    return iequals(name, full) || (name.size() == 1 && lower(name[0]) == compact);
}

std::string_view trim(std::string_view text) noexcept
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::string unfold(std::string_view value)
{
    // Folding is rare (RFC 3261 §7.3.1 only allows it); without a CR there is nothing to do.
    if (value.find('\r') == std::string_view::npos) return std::string(value);
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
            ++i;
            while (i + 1 < value.size() && (value[i + 1] == ' ' || value[i + 1] == '\t'))
                ++i;
            out += ' ';
            continue;
        }
        out += value[i];
    }
    return out;
}

std::vector<std::string_view> split_top_level(std::string_view value, char separator)
{
    std::vector<std::string_view> parts;
    // Without quotes (and, for commas, without <...>) every separator is a top-level one.
    if (value.find('"') == std::string_view::npos &&
        (separator != ',' || value.find('<') == std::string_view::npos)) {
        for (;;) {
            auto const at = value.find(separator);
            parts.push_back(trim(value.substr(0, at)));
            if (at == std::string_view::npos) return parts;
            value.remove_prefix(at + 1);
        }
    }
    bool quoted = false;
    bool angle = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char const c = value[i];
        if (quoted) {
            if (c == '\\' && i + 1 < value.size())
                ++i; // quoted-pair
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<' && separator == ',') {
            angle = true;
        } else if (c == '>' && separator == ',') {
            angle = false;
        } else if (c == separator && !angle) {
            parts.push_back(trim(value.substr(start, i - start)));
            start = i + 1;
        }
    }
    parts.push_back(trim(value.substr(start)));
    return parts;
}

std::optional<std::size_t> parse_content_length(std::string_view value) noexcept
{
    value = trim(value);
    // Nine digits bound the value below 10^9: far above any message the edge accepts, and no
    // overflow on any platform.
    if (value.empty() || value.size() > 9) return std::nullopt;
    std::size_t n = 0;
    for (char const c : value) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

scan_result scan_head(std::string_view message, std::size_t max_headers)
{
    scan_result out;
    message_head head;
    // Lines: every byte up to the empty line must be printable, SP, HTAB or the CRLF pair; any
    // other control byte (NUL, lone CR/LF) makes the message malformed (RFC 3261 §7, §25).
    std::size_t pos = 0;
    auto next_line = [&](std::string_view& line) -> std::string {
        auto const start = pos;
        while (pos < message.size()) {
            // Eight ordinary bytes at a time: most of a head is printable text.
            if (pos + 8 <= message.size() && !has_control_byte(load8(message.data() + pos))) {
                pos += 8;
                continue;
            }
            auto const c = static_cast<unsigned char>(message[pos]);
            if (c == '\r') {
                if (pos + 1 >= message.size() || message[pos + 1] != '\n')
                    return "lone CR in the head";
                line = message.substr(start, pos - start);
                pos += 2;
                return {};
            }
            if (c == '\n') return "LF without CR in the head";
            if ((c < 0x20 && c != '\t') || c == 0x7f) return "control character in the head";
            ++pos;
        }
        return "head not terminated by an empty line";
    };

    std::string_view line;
    if (auto e = next_line(line); !e.empty()) {
        out.error = std::move(e);
        return out;
    }
    head.start_line = line;
    if (auto e = parse_start_line(line, head); !e.empty()) {
        out.error = std::move(e);
        return out;
    }
    for (;;) {
        auto const field_start = pos;
        if (auto e = next_line(line); !e.empty()) {
            out.error = std::move(e);
            return out;
        }
        if (line.empty()) break;
        if (line.front() == ' ' || line.front() == '\t') {
            if (head.headers.empty()) {
                out.error = "continuation line before any header";
                return out;
            }
            // Folded: extend the previous field to the end of this line.
            auto& prev = head.headers.back();
            auto const value_start = static_cast<std::size_t>(prev.value.data() - message.data());
            auto const raw_start = static_cast<std::size_t>(prev.raw.data() - message.data());
            prev.raw = message.substr(raw_start, pos - raw_start);
            prev.value = trim(message.substr(value_start, pos - 2 - value_start));
            continue;
        }
        auto const colon = line.find(':');
        if (colon == std::string_view::npos) {
            out.error = "header line without a colon";
            return out;
        }
        auto const name = trim(line.substr(0, colon));
        if (!is_token(name)) {
            out.error = "header name is not a token";
            return out;
        }
        if (head.headers.size() >= max_headers) {
            out.error = "too many header fields";
            return out;
        }
        head.headers.push_back(header_field{name, trim(line.substr(colon + 1)),
                                            message.substr(field_start, pos - field_start)});
    }
    head.body_offset = pos;
    out.head = std::move(head);
    return out;
}

} // namespace sip::detail
