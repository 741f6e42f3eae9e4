#pragma once
// Character classes of the RFC 8866 §9 grammar, shared by the parser and the BFCP logic.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sdp::detail {

// RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
[[nodiscard]] constexpr bool is_token_char(char ch) noexcept
{
    auto const c = static_cast<unsigned char>(ch);
    return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D ||
           c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) ||
           (c >= 0x5E && c <= 0x7E);
}

[[nodiscard]] constexpr bool is_token(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (char const c : s)
        if (!is_token_char(c)) return false;
    return true;
}

[[nodiscard]] constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

[[nodiscard]] constexpr bool is_digits(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (char const c : s)
        if (!is_digit(c)) return false;
    return true;
}

// VCHAR only (%x21-7E): addresses, usernames in what we write.
[[nodiscard]] constexpr bool is_visible_ascii(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (char const ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        if (c < 0x21 || c > 0x7E) return false;
    }
    return true;
}

// VCHAR or SP.
[[nodiscard]] constexpr bool is_ascii_text(std::string_view s) noexcept
{
    for (char const ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

[[nodiscard]] constexpr char to_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

// Decimal without sign; nullopt on empty, non-digit, leading zero (unless "0") or > max.
[[nodiscard]] constexpr std::optional<std::uint64_t> parse_decimal(std::string_view s,
                                                                   std::uint64_t max) noexcept
{
    if (!is_digits(s) || s.size() > 19) return std::nullopt;
    if (s.size() > 1 && s[0] == '0') return std::nullopt;
    std::uint64_t v = 0;
    for (char const c : s)
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > max) return std::nullopt;
    return v;
}

// Splits at single SP characters. next() returns the piece and advances; done() after the last.
// Empty pieces (double SP, leading/trailing SP) are returned as empty views so callers reject them.
class sp_splitter {
public:
    explicit constexpr sp_splitter(std::string_view s) noexcept : rest_(s) {}
    [[nodiscard]] constexpr bool done() const noexcept { return done_; }
    constexpr std::string_view next() noexcept
    {
        auto const sp = rest_.find(' ');
        if (sp == std::string_view::npos) {
            done_ = true;
            return rest_;
        }
        auto const piece = rest_.substr(0, sp);
        rest_.remove_prefix(sp + 1);
        return piece;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

} // namespace sdp::detail
