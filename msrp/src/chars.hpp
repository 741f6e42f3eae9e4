#pragma once
/// @file chars.hpp
/// Character classes and small text helpers shared by the MSRP parsers (internal).

#include <cstdint>
#include <optional>
#include <string_view>

namespace msrp::detail {

inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
inline bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_alnum(char c)
{
    return is_digit(c) || is_alpha(c);
}
inline bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    return lower(c) - 'a' + 10;
}

inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// 1*DIGIT no larger than `max`; nullopt on anything else (empty, signs, overflow).
inline std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max)
{
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

/// RFC 4975 §9: ident = ALPHANUM 3*31ident-char; ident-char = ALPHANUM / "." / "-" / "+" / "%"
/// / "=". Transaction IDs and Message-IDs.
inline bool is_ident(std::string_view s)
{
    if (s.size() < 4 || s.size() > 32 || !is_alnum(s.front())) return false;
    for (char c : s) {
        if (!is_alnum(c) && c != '.' && c != '-' && c != '+' && c != '%' && c != '=') return false;
    }
    return true;
}

} // namespace msrp::detail
