#include <sdp/parse.hpp>

#include "chars.hpp"

#include <array>
#include <cstring>
#include <string>

namespace sdp {
namespace {

using detail::is_digits;
using detail::is_token;

parse_error fail(error code, std::size_t line, std::string_view what)
{
    parse_error e;
    e.code = code;
    e.line = line;
    if (line != 0) {
        e.message = "line ";
        e.message += std::to_string(line);
        e.message += ": ";
    }
    e.message += what;
    return e;
}

// RFC 8866 §5 orders the session-level lines v o s i u e p c b (t r*)+ z k a* and the media-level
// lines m i c* b* k a*. A rank per type; a line may not go back to a lower rank.
int session_rank(char type) noexcept
{
    switch (type) {
    case 'v':
        return 0;
    case 'o':
        return 1;
    case 's':
        return 2;
    case 'i':
        return 3;
    case 'u':
        return 4;
    case 'e':
        return 5;
    case 'p':
        return 6;
    case 'c':
        return 7;
    case 'b':
        return 8;
    case 't':
        return 9;
    case 'r':
        return 10;
    case 'z':
        return 11;
    case 'k':
        return 12;
    case 'a':
        return 13;
    default:
        return -1;
    }
}

int media_rank(char type) noexcept
{
    switch (type) {
    case 'i':
        return 1;
    case 'c':
        return 2;
    case 'b':
        return 3;
    case 'k':
        return 4;
    case 'a':
        return 5;
    default:
        return -1;
    }
}

bool known_type(char type) noexcept
{
    return type == 'm' || session_rank(type) >= 0;
}

// Lines that may appear at most once in their section (RFC 8866 §5: no '*' in the grammar).
bool once_per_session(char type) noexcept
{
    return type == 'i' || type == 'u' || type == 'c' || type == 'z' || type == 'k';
}
bool once_per_media(char type) noexcept
{
    return type == 'i' || type == 'k';
}

class parser {
public:
    explicit parser(limits const& lim) : lim_(lim) {}

    parse_result<description> run(std::string_view text)
    {
        if (text.size() > lim_.max_size)
            return fail(error::too_large, 0,
                        "description is " + std::to_string(text.size()) + " bytes, the limit is " +
                            std::to_string(lim_.max_size));
        std::size_t pos = 0;
        std::size_t first_empty = 0;
        while (pos < text.size()) {
            // Every iteration consumes at least one byte (the line or its terminator).
            auto const nl = text.find('\n', pos);
            auto const end = nl == std::string_view::npos ? text.size() : nl;
            auto line = text.substr(pos, end - pos);
            pos = nl == std::string_view::npos ? text.size() : nl + 1;
            if (nl != std::string_view::npos && !line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            ++line_no_;
            if (line_no_ > lim_.max_lines)
                return fail(error::too_many_lines, line_no_,
                            "more than " + std::to_string(lim_.max_lines) + " lines");
            if (line.size() > lim_.max_line_length)
                return fail(error::line_too_long, line_no_,
                            "line is " + std::to_string(line.size()) + " bytes, the limit is " +
                                std::to_string(lim_.max_line_length));
            if (auto bad = check_characters(line)) return *bad;
            if (line.empty()) {
                // Trailing empty lines are tolerated (some stacks add a CRLF); inner ones are not.
                if (first_empty == 0) first_empty = line_no_;
                continue;
            }
            if (first_empty != 0)
                return fail(error::empty_line, first_empty, "empty line inside the description");
            if (auto bad = on_line(line)) return *bad;
        }
        return finish();
    }

private:
    std::optional<parse_error> check_characters(std::string_view line) const
    {
        for (char const ch : line) {
            auto const c = static_cast<unsigned char>(ch);
            if (c >= 0x20 && c != 0x7F) continue;
            if (c == 0) return fail(error::nul_byte, line_no_, "NUL byte");
            if (c == '\r') return fail(error::bad_line_ending, line_no_, "CR not followed by LF");
            if (c != '\t')
                return fail(error::control_character, line_no_, "control character in line");
        }
        return std::nullopt;
    }

    std::optional<parse_error> on_line(std::string_view line)
    {
        if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
            return fail(error::bad_line, line_no_, "not a <letter>=<value> line");
        char const type = line[0];
        std::string_view const value = line.substr(2);
        if (!known_type(type))
            return fail(error::unknown_type, line_no_,
                        std::string("unknown line type '") + type + "='");

        // The first three lines are fixed: v= o= s= (RFC 8866 §5).
        if (line_no_ == 1 && type != 'v')
            return fail(error::missing_version, line_no_, "description does not start with v=");
        if (line_no_ == 2 && type != 'o')
            return fail(error::missing_origin, line_no_, "o= must follow v=");
        if (line_no_ == 3 && type != 's')
            return fail(error::missing_session_name, line_no_, "s= must follow o=");
        if (line_no_ > 3 && (type == 'v' || type == 'o' || type == 's'))
            return fail(error::bad_order, line_no_,
                        std::string(1, type) + "= may appear only once, at the start");

        switch (type) {
        case 'v':
            if (value != "0") return fail(error::bad_version, line_no_, "v= must be 0");
            rank_ = 0;
            return std::nullopt;
        case 'o':
            return on_origin(value);
        case 's':
            out_.session_name = std::string(value);
            rank_ = 2;
            return std::nullopt;
        case 'm':
            return on_media(value);
        default:
            break;
        }

        if (auto bad = check_value(type, value)) return bad;
        if (out_.media.empty()) return on_session_field(type, value);
        return on_media_field(type, value);
    }

    std::optional<parse_error> on_origin(std::string_view value)
    {
        std::array<std::string_view, 6> f{};
        detail::sp_splitter sp(value);
        std::size_t n = 0;
        while (!sp.done() && n < f.size())
            f[n++] = sp.next();
        if (n != 6 || !sp.done())
            return fail(error::bad_origin, line_no_, "o= must have exactly six fields");
        for (auto const piece : f)
            if (piece.empty()) return fail(error::bad_origin, line_no_, "o= has an empty field");
        for (char const c : f[0])
            if (c == '\t') return fail(error::bad_origin, line_no_, "o= username has a TAB");
        if (!is_digits(f[1]) || !is_digits(f[2]) || f[1].size() > 20 || f[2].size() > 20)
            return fail(error::bad_origin, line_no_,
                        "o= session id and version must be decimal numbers");
        if (!is_token(f[3]) || !is_token(f[4]))
            return fail(error::bad_origin, line_no_, "o= nettype and addrtype must be tokens");
        if (!detail::is_visible_ascii(f[5]))
            return fail(error::bad_origin, line_no_, "o= address has a bad character");
        out_.origin = session_origin{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                                     std::string(f[3]), std::string(f[4]), std::string(f[5])};
        rank_ = 1;
        return std::nullopt;
    }

    std::optional<parse_error> check_value(char type, std::string_view value) const
    {
        switch (type) {
        case 'c':
            if (!parse_connection(value) || !detail::is_ascii_text(value))
                return fail(error::bad_connection, line_no_,
                            "c= must be <nettype> <addrtype> <address>");
            return std::nullopt;
        case 'b': {
            auto const colon = value.find(':');
            if (colon == std::string_view::npos || !is_token(value.substr(0, colon)) ||
                !is_digits(value.substr(colon + 1)))
                return fail(error::bad_bandwidth, line_no_, "b= must be <bwtype>:<bandwidth>");
            return std::nullopt;
        }
        case 't': {
            detail::sp_splitter sp(value);
            auto const start = sp.next();
            auto const stop = sp.done() ? std::string_view{} : sp.next();
            if (!sp.done() || !is_digits(start) || !is_digits(stop) || start.size() > 20 ||
                stop.size() > 20)
                return fail(error::bad_timing, line_no_, "t= must be <start> <stop>");
            return std::nullopt;
        }
        case 'r':
        case 'z':
            if (value.empty() || !detail::is_ascii_text(value))
                return fail(error::bad_value, line_no_,
                            std::string(1, type) + "= must be non-empty ASCII text");
            return std::nullopt;
        case 'a': {
            auto const attr = split_attribute(value);
            if (!is_token(attr.name))
                return fail(error::bad_attribute, line_no_, "a= attribute name is not a token");
            return std::nullopt;
        }
        default: // i u e p k: byte-string (RFC 8866 §9), only non-empty is required.
            if (value.empty())
                return fail(error::bad_value, line_no_,
                            std::string(1, type) + "= must not be empty");
            return std::nullopt;
        }
    }

    std::optional<parse_error> on_session_field(char type, std::string_view value)
    {
        int const r = session_rank(type);
        bool ok = false;
        if (type == 't')
            ok = rank_ <= 10;
        else if (type == 'r')
            ok = rank_ == 9 || rank_ == 10;
        else
            ok = r > rank_ || (r == rank_ && !once_per_session(type));
        if (!ok)
            return fail(error::bad_order, line_no_,
                        std::string(1, type) + "= is out of RFC 8866 order at session level");
        if (type == 't') seen_timing_ = true;
        rank_ = r;
        out_.fields.push_back(field{type, std::string(value)});
        return std::nullopt;
    }

    std::optional<parse_error> on_media_field(char type, std::string_view value)
    {
        int const r = media_rank(type);
        if (r < 0)
            return fail(error::bad_order, line_no_,
                        std::string(1, type) + "= is not allowed in a media section");
        if (!(r > rank_ || (r == rank_ && !once_per_media(type))))
            return fail(error::bad_order, line_no_,
                        std::string(1, type) + "= is out of RFC 8866 order in a media section");
        rank_ = r;
        out_.media.back().fields.push_back(field{type, std::string(value)});
        return std::nullopt;
    }

    std::optional<parse_error> on_media(std::string_view value)
    {
        if (!seen_timing_)
            return fail(error::missing_timing, line_no_, "no t= line before the first m= line");
        if (out_.media.size() >= lim_.max_media)
            return fail(error::too_many_media, line_no_,
                        "more than " + std::to_string(lim_.max_media) + " m= lines");
        if ((!value.empty() && value.front() == ' ') || value.find("  ") != std::string_view::npos)
            return fail(error::bad_media, line_no_, "m= has an empty field (extra space)");
        media_description m;
        m.line = line_no_;
        detail::sp_splitter sp(value);
        auto const media = sp.next();
        if (!is_token(media))
            return fail(error::bad_media, line_no_, "m= media type is not a token");
        if (sp.done()) return fail(error::bad_media, line_no_, "m= has no port");
        auto const port = sp.next();
        if (auto bad = parse_port(port, m)) return bad;
        if (sp.done()) return fail(error::bad_media, line_no_, "m= has no proto");
        auto const proto = sp.next();
        if (auto bad = check_proto(proto)) return bad;
        if (sp.done()) return fail(error::missing_format, line_no_, "m= has no fmt");
        while (!sp.done()) {
            auto const fmt = sp.next();
            if (fmt.empty()) {
                if (sp.done() && m.formats.empty())
                    return fail(error::missing_format, line_no_, "m= has no fmt");
                return fail(error::bad_media, line_no_, "m= has an empty field (extra space)");
            }
            if (!is_token(fmt)) return fail(error::bad_format, line_no_, "m= fmt is not a token");
            m.formats.emplace_back(fmt);
        }
        m.media = std::string(media);
        m.proto = std::string(proto);
        out_.media.push_back(std::move(m));
        rank_ = 0;
        return std::nullopt;
    }

    std::optional<parse_error> parse_port(std::string_view text, media_description& m) const
    {
        auto const slash = text.find('/');
        auto const port = detail::parse_decimal(text.substr(0, slash), 65535);
        if (!port)
            return fail(error::bad_port, line_no_, "m= port is not a decimal number in 0..65535");
        m.port = static_cast<std::uint16_t>(*port);
        if (slash != std::string_view::npos) {
            auto const count = detail::parse_decimal(text.substr(slash + 1), 65535);
            if (!count || *count == 0)
                return fail(error::bad_port, line_no_, "m= port count is not a number in 1..65535");
            m.port_count = static_cast<std::uint16_t>(*count);
        }
        return std::nullopt;
    }

    std::optional<parse_error> check_proto(std::string_view proto) const
    {
        // proto = token *("/" token); '/' is not a token character, so split on it.
        std::size_t start = 0;
        while (true) {
            auto const slash = proto.find('/', start);
            auto const part = proto.substr(
                start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
            if (!is_token(part))
                return fail(error::bad_proto, line_no_, "m= proto is not token *(\"/\" token)");
            if (slash == std::string_view::npos) return std::nullopt;
            start = slash + 1;
        }
    }

    parse_result<description> finish()
    {
        if (line_no_ == 0 || rank_ < 0) return fail(error::missing_version, 0, "empty description");
        if (rank_ < 1 && out_.media.empty())
            return fail(error::missing_origin, 0, "description ends before o=");
        if (rank_ < 2 && out_.media.empty())
            return fail(error::missing_session_name, 0, "description ends before s=");
        if (!seen_timing_) return fail(error::missing_timing, 0, "no t= line");
        return std::move(out_);
    }

    limits const& lim_;
    description out_;
    std::size_t line_no_ = 0;
    int rank_ = -1; // rank of the last line in the current section
    bool seen_timing_ = false;
};

} // namespace

parse_result<description> parse(std::string_view text, limits const& lim)
{
    parser p(lim);
    return p.run(text);
}

} // namespace sdp
