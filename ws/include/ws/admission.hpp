#pragma once
/// @file admission.hpp
/// Connection admission for every listener of ws/ (HTTP/WebSocket, TCP/BFCP, TCP/TLS/BFCP): the
/// total and per-address limits, checked and counted in one step under one lock, so that a burst
/// of accepts on several listeners cannot overshoot them. Share one admission between listeners
/// (listener_options::admission, stream_listener_options::admission) to make the limits apply to
/// their sum.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ws {

/// The limits an admission enforces.
struct admission_limits {
    std::size_t max_connections = 20'000;          ///< TCP connections at once; 0: no limit
    std::size_t max_connections_per_address = 256; ///< per remote IP address; 0: no limit
    /// Connections over max_connections that may be kept open at once to be told so (HTTP 503
    /// with Retry-After, after the TLS handshake for TLS). Beyond this, or 0, the socket is
    /// closed without an answer: the answer must not cost what the limit protects.
    std::size_t max_refusals_in_flight = 64;
};

/// Outcome of admission::admit().
enum class admission_verdict : std::uint8_t {
    admitted,         ///< counted; the ticket holds the share
    total_exceeded,   ///< max_connections reached
    address_exceeded, ///< max_connections_per_address reached for this address
};

/// "admitted" / "total_exceeded" / "address_exceeded".
[[nodiscard]] char const* to_string(admission_verdict v) noexcept;

/// Counts accepted connections against admission_limits. Owned by shared_ptr (create()); every
/// ticket keeps it alive.
/// @par Thread Safety
/// All member functions may be called concurrently from any thread.
class admission : public std::enable_shared_from_this<admission> {
public:
    /// One counted connection (or one refusal being answered): released when destroyed.
    /// Move-only; moved from stage to stage of a connection.
    class ticket {
    public:
        ticket() = default;
        ticket(ticket&& o) noexcept;
        ticket& operator=(ticket&& o) noexcept;
        ticket(ticket const&) = delete;
        ticket& operator=(ticket const&) = delete;
        ~ticket();
        /// True when this ticket holds a share.
        [[nodiscard]] explicit operator bool() const noexcept { return owner_ != nullptr; }

    private:
        friend class admission;
        enum class kind : std::uint8_t { connection, refusal };
        ticket(std::shared_ptr<admission> owner, std::string address, kind k) noexcept;
        void reset() noexcept;
        std::shared_ptr<admission> owner_;
        std::string address_;
        kind kind_ = kind::connection;
    };

    struct result {
        admission_verdict verdict = admission_verdict::admitted;
        ticket slot; ///< holds the share when verdict is admitted
    };

    [[nodiscard]] static std::shared_ptr<admission> create(admission_limits limits);

    /// Checks both limits for a connection from `address` and, when neither is reached, counts
    /// it: one step under the lock.
    [[nodiscard]] result admit(std::string const& address);

    /// A share of max_refusals_in_flight for answering a connection admit() refused with
    /// total_exceeded; an empty ticket when none is left.
    [[nodiscard]] ticket refusal();

    /// Connections admitted and not yet released.
    [[nodiscard]] std::size_t count() const;

    [[nodiscard]] admission_limits const& limits() const noexcept { return limits_; }

    explicit admission(admission_limits limits) : limits_(limits) {} ///< use create()

private:
    void release(std::string const& address, ticket::kind k) noexcept;

    admission_limits const limits_;
    mutable std::mutex mutex_;
    // guarded by mutex_
    std::size_t total_ = 0;
    std::size_t refusals_ = 0;
    std::unordered_map<std::string, std::size_t> per_address_;
};

} // namespace ws
