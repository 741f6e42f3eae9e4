#pragma once
// State shared by a listener and every connection it accepted: options, the app's handler, the
// registry, connection counters for the limits, and the not-yet-upgraded connections that stop()
// must close. Owned by shared_ptr (listener + each connection); thread-safe where noted.

#include <ws/handler.hpp>
#include <ws/listener.hpp>
#include <ws/log.hpp>
#include <ws/registry.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ws::detail {

/// A pre-WebSocket connection (TLS/HTTP) that listener::stop() may close.
class stoppable {
public:
    virtual ~stoppable() = default;
    /// Thread-safe: posts to the connection's strand and closes its socket.
    virtual void stop() = 0;
};

/// The identity of one accepted TCP connection.
struct conn_info {
    floorctl::connection_id id{};
    std::string address;
    std::uint16_t port = 0;

    [[nodiscard]] std::string remote() const
    {
        return address.find(':') != std::string::npos ? "[" + address + "]:" + std::to_string(port)
                                                      : address + ":" + std::to_string(port);
    }
    [[nodiscard]] request_context context(bool secure) const
    {
        return request_context{id, secure, address, port};
    }
};

struct shared_state {
    shared_state(listener_options o, std::shared_ptr<handler> h, log_sink s)
        : opts(std::move(o)), app(std::move(h)), sink(std::move(s)),
          reg(std::make_shared<registry>())
    {
    }

    listener_options const opts;
    std::shared_ptr<handler> const app;
    log_sink const sink;
    std::shared_ptr<registry> const reg;
    std::atomic<bool> stopped{false};

    void log(log_level level, std::string_view msg, log_fields const& f) const
    {
        if (sink) sink(level, msg, f);
    }

    enum class admission { ok, total_exceeded, address_exceeded };

    /// Counts a new TCP connection from `address` unless a limit is reached. Thread-safe.
    admission admit(std::string const& address)
    {
        std::lock_guard lock(mutex_);
        if (opts.max_connections != 0 && total_ >= opts.max_connections)
            return admission::total_exceeded;
        auto& n = per_address_[address];
        if (opts.max_connections_per_address != 0 && n >= opts.max_connections_per_address) {
            if (n == 0) per_address_.erase(address);
            return admission::address_exceeded;
        }
        ++n;
        ++total_;
        return admission::ok;
    }

    /// Undoes admit(). Thread-safe.
    void release(std::string const& address)
    {
        std::lock_guard lock(mutex_);
        --total_;
        if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0)
            per_address_.erase(it);
    }

    [[nodiscard]] std::size_t total() const
    {
        std::lock_guard lock(mutex_);
        return total_;
    }

    void add_pending(floorctl::connection_id id, stoppable* p, std::weak_ptr<stoppable> w)
    {
        std::lock_guard lock(mutex_);
        pending_[floorctl::to_underlying(id)] = {p, std::move(w)};
    }

    /// Forgets `p` if it is still the one registered for `id` (a connection hands its id over
    /// from the TLS/HTTP stage to the next).
    void remove_pending(floorctl::connection_id id, stoppable const* p)
    {
        std::lock_guard lock(mutex_);
        if (auto it = pending_.find(floorctl::to_underlying(id));
            it != pending_.end() && it->second.first == p)
            pending_.erase(it);
    }

    /// Calls stop() on every pending connection, outside the lock.
    void stop_pending()
    {
        std::vector<std::shared_ptr<stoppable>> all;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, entry] : pending_) {
                if (auto s = entry.second.lock()) all.push_back(std::move(s));
            }
        }
        for (auto const& s : all)
            s->stop();
    }

private:
    mutable std::mutex mutex_;
    // guarded by mutex_
    std::size_t total_ = 0;
    std::unordered_map<std::string, std::size_t> per_address_;
    std::unordered_map<std::uint64_t, std::pair<stoppable*, std::weak_ptr<stoppable>>> pending_;
};

/// RAII share of the connection limits: one per accepted TCP connection, moved from stage to
/// stage (detect -> HTTP -> WebSocket) and released when the last stage is destroyed.
class conn_slot {
public:
    conn_slot() = default;
    conn_slot(std::shared_ptr<shared_state> st, std::string address)
        : st_(std::move(st)), address_(std::move(address))
    {
    }
    conn_slot(conn_slot&& o) noexcept = default;
    conn_slot& operator=(conn_slot&& o) noexcept
    {
        if (this != &o) {
            reset();
            st_ = std::move(o.st_);
            address_ = std::move(o.address_);
        }
        return *this;
    }
    conn_slot(conn_slot const&) = delete;
    conn_slot& operator=(conn_slot const&) = delete;
    ~conn_slot() { reset(); }

private:
    void reset() noexcept
    {
        // Touches only the shared_state this slot co-owns (guide §II.6 rule 4).
        if (st_) st_->release(address_);
        st_.reset();
    }
    std::shared_ptr<shared_state> st_;
    std::string address_;
};

} // namespace ws::detail
