#pragma once
// Passive RFC 6455 §5.2 frame-header scanner for received bytes. Beast reassembles fragmented
// messages silently and exposes no frame boundaries, but RFC 8857 §5 requires each BFCP message
// to be one unfragmented message; watching the headers on the wire is the only reliable way to
// tell a fragmented message from a large frame that arrives in pieces.

#include <cstddef>
#include <cstdint>

namespace ws::detail {

class frame_scanner {
public:
    /// Feeds received bytes, in order.
    void feed(unsigned char const* p, std::size_t n) noexcept
    {
        while (n > 0) {
            if (payload_left_ > 0) {
                std::size_t const skip =
                    payload_left_ < n ? static_cast<std::size_t>(payload_left_) : n;
                payload_left_ -= skip;
                p += skip;
                n -= skip;
                continue;
            }
            header_[have_++] = *p++;
            --n;
            if (have_ == 2)
                need_ = 2 +
                        ((header_[1] & 0x7f) == 126   ? 2
                         : (header_[1] & 0x7f) == 127 ? 8
                                                      : 0) +
                        ((header_[1] & 0x80) != 0 ? 4 : 0);
            if (have_ >= 2 && have_ == need_) header_done();
        }
    }

    /// True once a continuation frame or a data frame without FIN was seen.
    [[nodiscard]] bool fragmented() const noexcept { return fragmented_; }

private:
    void header_done() noexcept
    {
        unsigned const opcode = header_[0] & 0x0fu;
        bool const fin = (header_[0] & 0x80u) != 0;
        if (opcode == 0 || ((opcode == 1 || opcode == 2) && !fin)) fragmented_ = true;
        std::uint64_t len = header_[1] & 0x7fu;
        if (len == 126) {
            len = (std::uint64_t{header_[2]} << 8) | header_[3];
        } else if (len == 127) {
            len = 0;
            for (int i = 2; i < 10; ++i)
                len = (len << 8) | header_[i];
        }
        payload_left_ = len;
        have_ = 0;
        need_ = 2;
    }

    unsigned char header_[14]{};
    std::size_t have_ = 0;
    std::size_t need_ = 2;
    std::uint64_t payload_left_ = 0;
    bool fragmented_ = false;
};

} // namespace ws::detail
