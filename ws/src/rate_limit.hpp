#pragma once
// The per-connection message rate limit of every session kind (WebSocket and TCP/TLS BFCP): a
// token bucket of max_messages_per_second, with a burst of as many. Strand-confined.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace ws::detail {

class message_rate {
public:
    /// `per_second` 0: unlimited.
    explicit message_rate(std::uint32_t per_second)
        : rate_(per_second), tokens_(static_cast<double>(per_second)),
          last_refill_(std::chrono::steady_clock::now())
    {
    }

    /// True when one more message is allowed now (and counts it).
    [[nodiscard]] bool take()
    {
        if (rate_ == 0) return true;
        auto const now = std::chrono::steady_clock::now();
        double const elapsed = std::chrono::duration<double>(now - last_refill_).count();
        last_refill_ = now;
        tokens_ = std::min(static_cast<double>(rate_), tokens_ + elapsed * rate_);
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

private:
    std::uint32_t rate_;
    double tokens_;
    std::chrono::steady_clock::time_point last_refill_;
};

} // namespace ws::detail
