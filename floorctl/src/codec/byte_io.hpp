#pragma once
// Internal to the codec: bounds-checked big-endian reading and appending writing.
// byte_reader never reads past its span; a short read sets a sticky failure flag and yields 0,
// so callers check ok() once after a group of reads instead of after every octet.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace floorctl::detail {

class byte_reader {
public:
    explicit byte_reader(std::span<std::byte const> in) noexcept : in_{in} {}

    [[nodiscard]] std::uint8_t u8() noexcept
    {
        if (pos_ >= in_.size()) {
            ok_ = false;
            return 0;
        }
        return static_cast<std::uint8_t>(in_[pos_++]);
    }

    [[nodiscard]] std::uint16_t u16() noexcept
    {
        // Two statements: in `u8() << 8 | u8()` the two reads are unsequenced.
        auto const hi = u8();
        auto const lo = u8();
        return static_cast<std::uint16_t>(hi << 8 | lo);
    }

    [[nodiscard]] std::uint32_t u32() noexcept
    {
        auto const hi = u16();
        auto const lo = u16();
        return static_cast<std::uint32_t>(hi) << 16 | lo;
    }

    /// Skips `n` octets (fails, without moving, when fewer remain).
    void skip(std::size_t n) noexcept
    {
        if (n > remaining()) {
            ok_ = false;
            return;
        }
        pos_ += n;
    }

    [[nodiscard]] std::span<std::byte const> take(std::size_t n) noexcept
    {
        if (n > remaining()) {
            ok_ = false;
            return {};
        }
        auto const s = in_.subspan(pos_, n);
        pos_ += n;
        return s;
    }

    [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - pos_; }
    [[nodiscard]] std::size_t position() const noexcept { return pos_; }
    [[nodiscard]] bool ok() const noexcept { return ok_; }

private:
    std::span<std::byte const> in_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

/// Writes big-endian values into a region the caller sized with an upper bound of what will be
/// written plus 4 octets of slack (encode() computes the bound per body type). It writes through
/// a raw pointer instead of push_back() for speed (measured in docs/performance.md, "What made
/// the difference"). Positions are relative to the region's start.
class byte_writer {
public:
    explicit byte_writer(std::byte* region) noexcept : p_{region} {}

    void u8(std::uint8_t v) noexcept { p_[pos_++] = static_cast<std::byte>(v); }
    // One store per value: octet-wise stores through std::byte* may alias p_/pos_, which
    // forces the compiler to reload them after every octet.
    void u16(std::uint16_t v) noexcept
    {
        auto const be = static_cast<std::uint16_t>(v >> 8 | v << 8);
        std::memcpy(p_ + pos_, &be, 2);
        pos_ += 2;
    }
    void u32(std::uint32_t v) noexcept
    {
        std::uint32_t const be = __builtin_bswap32(v);
        std::memcpy(p_ + pos_, &be, 4);
        pos_ += 4;
    }
    void bytes(void const* p, std::size_t n) noexcept
    {
        if (n != 0) std::memcpy(p_ + pos_, p, n);
        pos_ += n;
    }
    /// Padding of `n` <= 3 octets: one 4-octet zero store (the region has 4 octets of slack past
    /// any bound), so the region need not start zeroed.
    void zeros(std::size_t n) noexcept
    {
        std::uint32_t const z = 0;
        std::memcpy(p_ + pos_, &z, 4);
        pos_ += n;
    }

    void patch8(std::size_t at, std::uint8_t v) noexcept { p_[at] = static_cast<std::byte>(v); }
    void patch16(std::size_t at, std::uint16_t v) noexcept
    {
        p_[at] = static_cast<std::byte>(v >> 8);
        p_[at + 1] = static_cast<std::byte>(v & 0xff);
    }

    [[nodiscard]] std::size_t size() const noexcept { return pos_; }
    /// Takes back everything after `n`.
    void truncate(std::size_t n) noexcept { pos_ = n; }

private:
    std::byte* p_;
    std::size_t pos_ = 0;
};

/// Octets of padding after `len` octets to reach a 4-octet boundary (RFC 8855 §5.2).
[[nodiscard]] constexpr std::size_t pad4(std::size_t len) noexcept
{
    return (4 - (len & 3)) & 3;
}

} // namespace floorctl::detail
