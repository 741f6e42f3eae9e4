#pragma once
// Internal to the codec: bounds-checked big-endian reading and appending writing.
// byte_reader never reads past its span; a short read sets a sticky failure flag and yields 0,
// so callers check ok() once after a group of reads instead of after every octet.

#include <cstddef>
#include <cstdint>
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

/// Appends big-endian values to a caller-owned vector; patch16/patch8 fix up lengths later.
class byte_writer {
public:
    explicit byte_writer(std::vector<std::byte>& out) noexcept : out_{out} {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
    void u16(std::uint16_t v)
    {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v & 0xff));
    }
    void u32(std::uint32_t v)
    {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v & 0xffff));
    }
    void bytes(void const* p, std::size_t n)
    {
        auto const* b = static_cast<std::byte const*>(p);
        out_.insert(out_.end(), b, b + n);
    }
    void zeros(std::size_t n) { out_.insert(out_.end(), n, std::byte{0}); }

    void patch8(std::size_t at, std::uint8_t v) noexcept { out_[at] = static_cast<std::byte>(v); }
    void patch16(std::size_t at, std::uint16_t v) noexcept
    {
        out_[at] = static_cast<std::byte>(v >> 8);
        out_[at + 1] = static_cast<std::byte>(v & 0xff);
    }

    [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }
    void truncate(std::size_t n) { out_.resize(n); }
    void reserve_more(std::size_t n) { out_.reserve(out_.size() + n); }

private:
    std::vector<std::byte>& out_;
};

/// Octets of padding after `len` octets to reach a 4-octet boundary (RFC 8855 §5.2).
[[nodiscard]] constexpr std::size_t pad4(std::size_t len) noexcept
{
    return (4 - (len & 3)) & 3;
}

} // namespace floorctl::detail
