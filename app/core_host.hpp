#pragma once
/// @file core_host.hpp
/// app::core_host — owns the floor control core (N floorctl::server shards, each on its own asio
/// strand), feeds it events from the transports and carries out its actions (send, close,
/// timers). Conferences are spread over shards by conference id; a connection follows the
/// conference it is bound to, so nothing ever crosses shards.

#include "connections.hpp"
#include "metrics.hpp"

#include <floorctl/config.hpp>
#include <floorctl/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace floorctl::app {

/// The host of the floor control core.
///
/// @par Thread Safety
/// Every public member function is thread-safe: it posts the work onto the strand of the shard
/// concerned and returns. Completion callbacks run on that shard's strand; they must not block.
/// Each shard's floorctl::server, timers and bookkeeping are touched only on its strand.
///
/// @par Lifetime
/// Must outlive every callback it posts (the io_context is stopped/joined before the host is
/// destroyed; see main.cpp's shutdown order).
class core_host {
public:
    /// `shards` floorctl::server instances (at least 1) on strands of `ioc`. Messages are sent
    /// and connections closed through `connections`.
    ///
    /// `one_io_thread`: exactly one thread runs `ioc`, and the transport events
    /// (connection_opened, frame_received, connection_closed) are raised on it. They then run
    /// the core at once instead of through the strand (see run_transport_event()). Other
    /// members may still be called from any thread.
    ///
    /// `on_change`: every report_change of a conference that report_changes() was called for is
    /// handed to it, on the shard's strand.
    core_host(boost::asio::io_context& ioc, unsigned shards,
              std::shared_ptr<app::connections> connections, metrics& m, bool one_io_thread = false,
              std::function<void(report_change const&)> on_change = {});
    ~core_host();
    core_host(core_host const&) = delete;
    core_host& operator=(core_host const&) = delete;

    /// Replaces the connections (set once, before traffic, when the listeners exist).
    void set_connections(std::shared_ptr<app::connections> connections);

    // --- provisioning (admin API, configuration, SIP) ------------------------------------------

    /// Adds a conference on its shard; `done` gets the server's verdict.
    void add_conference(conference_config cfg, std::function<void(result<void>)> done);
    /// Removes a conference (Goodbye + close to its connections); `done(true)` if it existed.
    void remove_conference(conference_id id, std::function<void(bool)> done);
    /// From now on the core reports what changes in conference `conf` (server::report_changes)
    /// to `on_change`, until the conference is removed. No-op without `on_change`, or for an
    /// unknown conference.
    void report_changes(conference_id conf);
    /// Adds a participant (id 0: the server picks one); `done` gets the user id.
    void add_participant(conference_id conf, participant_info p,
                         std::function<void(result<user_id>)> done);
    /// Removes a participant (its floors are released, its connection gets Goodbye + close).
    /// `done(true)` if it existed.
    void remove_participant(conference_id conf, user_id user, std::function<void(bool)> done);
    /// A copy of a conference's state (nullopt when unknown).
    void snapshot(conference_id id, std::function<void(std::optional<conference_snapshot>)> done);
    /// Visits every shard's stats and snapshots, then calls `done` (on some shard strand) with
    /// the summed gauges.
    void collect(std::function<void(gauge_values)> done);

    // --- transport events (ws handler callbacks) -----------------------------------------------

    /// A connection was authenticated and bound to (conference, user).
    void connection_opened(connection_id conn, conference_id conf, user_id user,
                           transport_kind transport);
    /// One BFCP message from `conn`; `arrived` is when the transport read it (the start of the
    /// latency metric). `frame` is only read during the call.
    void frame_received(connection_id conn, std::span<std::byte const> frame,
                        clock::time_point arrived);
    /// `conn` is gone.
    void connection_closed(connection_id conn);

    /// Shutdown step 1: carries out every shard's floorctl::server::shutdown() (a Goodbye to
    /// every bound connection, then its close, 1001 on WebSocket), then calls `done` once every
    /// shard has queued them.
    void shutdown(std::function<void()> done);

    /// Cancels every timer (shutdown, so io_context::run() can return). `done` after all shards.
    void stop_timers(std::function<void()> done);

    /// Number of shards.
    [[nodiscard]] unsigned shard_count() const noexcept
    {
        return static_cast<unsigned>(shards_.size());
    }

private:
    struct shard;
    using strand = boost::asio::strand<boost::asio::io_context::executor_type>;

    [[nodiscard]] shard& shard_for(conference_id id) noexcept;
    [[nodiscard]] shard* shard_for(connection_id conn);
    /// Feeds one transport event to the core of `s` and carries out the actions.
    void handle_transport_event(shard& s, event const& ev,
                                std::optional<clock::time_point> arrived);
    /// Runs `work` (a transport event) on shard `s`, in the order the events were raised.
    /// Several io threads: through the strand (`dispatch` runs it at once when the strand is
    /// idle, else it queues behind earlier work). One io thread: at once, unless the core is
    /// already running (a re-entrant call) or earlier transport events still wait on the
    /// strand; then it waits behind them.
    template <class Work> void run_transport_event(shard& s, Work&& work, bool dispatch);
    /// One io thread, the core idle and no transport event waiting: run one now.
    [[nodiscard]] bool may_run_inline(shard const& s) const noexcept;
    void execute(shard& s, std::vector<action>& actions, event const* cause,
                 std::optional<clock::time_point> arrived);
    void on_timer(shard& s, timer_id id, std::uint64_t generation);
    [[nodiscard]] app::connections* connections() const noexcept
    {
        return connections_now_.load(std::memory_order_acquire);
    }

    boost::asio::io_context& ioc_;
    metrics& metrics_;
    bool const one_io_thread_;
    std::function<void(report_change const&)> const on_change_;
    std::vector<std::unique_ptr<shard>> shards_;

    mutable std::mutex mutex_;
    // guarded by mutex_: which shard a connection's events go to, and every connections object
    // ever set (kept alive so that connections_now_ never dangles)
    std::unordered_map<std::uint64_t, std::size_t> conn_shard_;
    std::vector<std::shared_ptr<app::connections>> connections_set_;
    // The connections in use, read lock-free on every message.
    std::atomic<app::connections*> connections_now_{nullptr};
};

} // namespace floorctl::app
