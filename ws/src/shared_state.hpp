#pragma once
// State shared by a listener and every connection it accepted: options, the app's handler, the
// registry, the admission (connection limits), and the not-yet-upgraded connections that stop()
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
#include <vector>

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

    [[nodiscard]] std::string remote() const { return remote_text(address, port); }
    [[nodiscard]] request_context context(bool secure) const
    {
        return request_context{id, secure, address, port};
    }
};

struct shared_state {
    shared_state(listener_options o, std::shared_ptr<handler> h, log_sink s)
        : opts(std::move(o)), app(std::move(h)), sink(std::move(s)),
          reg(std::make_shared<registry>()),
          admit(opts.admission
                    ? opts.admission
                    : admission::create({opts.max_connections, opts.max_connections_per_address,
                                         admission_limits{}.max_refusals_in_flight}))
    {
    }

    listener_options const opts;
    std::shared_ptr<handler> const app;
    /// Every WebSocket service, BFCP (the app) first, and their routes in the same order (the
    /// upgrade check takes the routes).
    std::vector<service_entry> const services = make_services(opts, app);
    std::vector<subprotocol_route> const routes = routes_of(services);
    log_sink const sink;
    std::shared_ptr<registry> const reg;
    std::shared_ptr<admission> const admit; ///< the connection limits (maybe shared)
    std::atomic<bool> stopped{false};

    /// True when some service is at `path` (a request there goes to the upgrade check).
    [[nodiscard]] bool serves(std::string_view path) const noexcept
    {
        for (auto const& r : routes)
            if (r.path == path) return true;
        return false;
    }

    static std::vector<service_entry> make_services(listener_options const& o,
                                                    std::shared_ptr<handler> const& bfcp)
    {
        std::vector<service_entry> all;
        all.reserve(1 + o.services.size());
        all.push_back(service_entry{bfcp_route(o.upgrade.path), message_rules{}, bfcp});
        all.insert(all.end(), o.services.begin(), o.services.end());
        return all;
    }

    static std::vector<subprotocol_route> routes_of(std::vector<service_entry> const& all)
    {
        std::vector<subprotocol_route> r;
        r.reserve(all.size());
        for (auto const& s : all)
            r.push_back(s.route);
        return r;
    }

    void log(log_level level, std::string_view msg, log_fields const& f) const
    {
        if (sink) sink(level, msg, f);
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
    std::unordered_map<std::uint64_t, std::pair<stoppable*, std::weak_ptr<stoppable>>> pending_;
};

/// A connection's share of the connection limits, moved from stage to stage (detect -> HTTP
/// -> WebSocket) and released when the last stage is destroyed.
using conn_slot = admission::ticket;

} // namespace ws::detail
