#include "core_host.hpp"

#include "log.hpp"

#include <floorctl/codec.hpp>
#include <floorctl/to_string.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <atomic>

namespace floorctl::app {

namespace net = boost::asio;

struct core_host::shard {
    shard(net::io_context& ioc, std::uint16_t index)
        : strand(net::make_strand(ioc)), core(server_options{index})
    {
    }

    struct timer_entry {
        std::unique_ptr<net::steady_timer> timer;
        std::uint64_t generation = 0;
    };

    core_host::strand strand;
    server core;
    std::unordered_map<std::uint64_t, timer_entry> timers;
    std::uint64_t next_generation = 1;
    std::vector<action> scratch;    // reused by handle() on this strand
    std::vector<std::byte> encoded; // reused by execute() to encode replies
    std::vector<std::byte> frame;   // reused by frames handled inline
    // One io thread only (run_transport_event): the core is running; transport events posted
    // to the strand and not run yet.
    bool running = false;
    std::size_t waiting = 0;

    // Marks the core as running for one transport event (one io thread only).
    class running_scope {
    public:
        explicit running_scope(shard& s) noexcept : s_(s) { s_.running = true; }
        ~running_scope() { s_.running = false; }
        running_scope(running_scope const&) = delete;
        running_scope& operator=(running_scope const&) = delete;

    private:
        shard& s_;
    };
};

core_host::core_host(net::io_context& ioc, unsigned shards,
                     std::shared_ptr<app::connections> connections, metrics& m, bool one_io_thread,
                     std::function<void(report_change const&)> on_change)
    : ioc_(ioc), metrics_(m), one_io_thread_(one_io_thread), on_change_(std::move(on_change))
{
    set_connections(std::move(connections));
    if (shards == 0) shards = 1;
    for (unsigned i = 0; i < shards; ++i) {
        shards_.push_back(std::make_unique<shard>(ioc, static_cast<std::uint16_t>(i)));
    }
}

core_host::~core_host() = default;

void core_host::set_connections(std::shared_ptr<app::connections> connections)
{
    std::lock_guard lock(mutex_);
    connections_now_.store(connections.get(), std::memory_order_release);
    if (connections) connections_set_.push_back(std::move(connections));
}

core_host::shard& core_host::shard_for(conference_id id) noexcept
{
    return *shards_[to_underlying(id) % shards_.size()];
}

core_host::shard* core_host::shard_for(connection_id conn)
{
    // One shard: every connection's events go to it. The transports call on_frame only between
    // on_open and on_close, so the map (which only routes) is not needed to tell bound ones.
    if (shards_.size() == 1) return shards_.front().get();
    std::lock_guard lock(mutex_);
    auto const it = conn_shard_.find(to_underlying(conn));
    return it == conn_shard_.end() ? nullptr : shards_[it->second].get();
}

void core_host::add_conference(conference_config cfg, std::function<void(result<void>)> done)
{
    auto& s = shard_for(cfg.id);
    net::post(s.strand, [&s, cfg = std::move(cfg), done = std::move(done)]() mutable {
        auto r = s.core.add_conference(std::move(cfg));
        if (done) done(r);
    });
}

void core_host::remove_conference(conference_id id, std::function<void(bool)> done)
{
    auto& s = shard_for(id);
    net::post(s.strand, [this, &s, id, done = std::move(done)] {
        auto const existed = s.core.contains(id);
        auto actions = s.core.remove_conference(id);
        execute(s, actions, nullptr, std::nullopt);
        if (done) done(existed);
    });
}

void core_host::report_changes(conference_id conf)
{
    if (!on_change_) return;
    auto& s = shard_for(conf);
    net::post(s.strand, [&s, conf] { s.core.report_changes(conf, true); });
}

void core_host::add_participant(conference_id conf, participant_info p,
                                std::function<void(result<user_id>)> done)
{
    auto& s = shard_for(conf);
    net::post(s.strand, [this, &s, conf, p = std::move(p), done = std::move(done)]() mutable {
        std::vector<action> actions;
        auto r = s.core.add_participant(conf, std::move(p), actions);
        execute(s, actions, nullptr, std::nullopt);
        if (done) done(r);
    });
}

void core_host::remove_participant(conference_id conf, user_id user, std::function<void(bool)> done)
{
    auto& s = shard_for(conf);
    net::post(s.strand, [this, &s, conf, user, done = std::move(done)] {
        auto const existed = s.core.contains(conf, user);
        auto actions = s.core.remove_participant(conf, user);
        execute(s, actions, nullptr, std::nullopt);
        if (done) done(existed);
    });
}

void core_host::snapshot(conference_id id,
                         std::function<void(std::optional<conference_snapshot>)> done)
{
    auto& s = shard_for(id);
    net::post(s.strand, [&s, id, done = std::move(done)] { done(s.core.snapshot(id)); });
}

void core_host::collect(std::function<void(gauge_values)> done)
{
    struct state {
        std::mutex mutex;
        gauge_values sum; // guarded by mutex
        std::atomic<std::size_t> remaining;
        std::function<void(gauge_values)> done;
    };
    auto st = std::make_shared<state>();
    st->remaining = shards_.size();
    st->done = std::move(done);
    for (auto& sp : shards_) {
        auto& s = *sp;
        net::post(s.strand, [&s, st] {
            // O(1) per shard: a scrape must not hold a shard's strand for a copy of every
            // conference (docs/performance.md, "Cost per event").
            auto const stats = s.core.stats();
            {
                std::lock_guard lock(st->mutex);
                st->sum.conferences += stats.conferences;
                st->sum.participants += stats.participants;
                st->sum.bound_connections += stats.connections;
                st->sum.active_requests += stats.active_requests;
                st->sum.queued_requests += stats.queued;
                st->sum.floor_holders += stats.holders;
                st->sum.grants += stats.grants;
            }
            if (st->remaining.fetch_sub(1) == 1) {
                gauge_values total;
                {
                    std::lock_guard lock(st->mutex);
                    total = st->sum;
                }
                st->done(total);
            }
        });
    }
}

void core_host::connection_opened(connection_id conn, conference_id conf, user_id user,
                                  transport_kind transport)
{
    auto& s = shard_for(conf);
    {
        std::lock_guard lock(mutex_);
        conn_shard_[to_underlying(conn)] = to_underlying(conf) % shards_.size();
    }
    run_transport_event(
        s,
        [this, &s, conn, conf, user, transport] {
            handle_transport_event(s, connection_bound{conn, conf, user, transport}, std::nullopt);
        },
        false);
}

void core_host::frame_received(connection_id conn, std::span<std::byte const> frame,
                               clock::time_point arrived)
{
    auto* sp = shard_for(conn);
    if (sp == nullptr) return; // not bound (cannot happen after on_open) or already closed
    if (frame.size() >= 2)
        metrics_.message(metrics::direction::in, std::to_integer<std::uint8_t>(frame[1]));
    auto& s = *sp;
    // `arrived` starts the latency metric; the core itself needs no time.
    if (may_run_inline(s)) {
        // One io thread and an idle core: handled right here, with the bytes copied into the
        // shard's reused buffer (no allocation), and the reply goes straight into the
        // connection's write queue (ws/src/inbox.hpp).
        shard::running_scope const running(s);
        s.frame.assign(frame.begin(), frame.end());
        event ev = floorctl::frame_received{conn, std::move(s.frame)};
        handle_transport_event(s, ev, arrived);
        s.frame = std::move(std::get<floorctl::frame_received>(ev).frame);
        return;
    }
    // Dispatched: when the shard's strand is idle the core runs right here too. Frames of one
    // connection still reach the core in order: a busy shard queues them behind earlier ones.
    run_transport_event(
        s,
        [this, &s, conn, bytes = std::vector<std::byte>(frame.begin(), frame.end()),
         arrived]() mutable {
            handle_transport_event(s, floorctl::frame_received{conn, std::move(bytes)}, arrived);
        },
        true);
}

void core_host::connection_closed(connection_id conn)
{
    std::size_t index = 0;
    {
        std::lock_guard lock(mutex_);
        auto const it = conn_shard_.find(to_underlying(conn));
        if (it == conn_shard_.end()) return;
        index = it->second;
        conn_shard_.erase(it);
    }
    auto& s = *shards_[index];
    run_transport_event(
        s,
        [this, &s, conn] {
            handle_transport_event(s, floorctl::connection_closed{conn}, std::nullopt);
        },
        false);
}

void core_host::handle_transport_event(shard& s, event const& ev,
                                       std::optional<clock::time_point> arrived)
{
    s.scratch.clear();
    s.core.handle(ev, s.scratch);
    auto actions = std::move(s.scratch);
    execute(s, actions, &ev, arrived);
    s.scratch = std::move(actions);
}

bool core_host::may_run_inline(shard const& s) const noexcept
{
    return one_io_thread_ && !s.running && s.waiting == 0;
}

template <class Work> void core_host::run_transport_event(shard& s, Work&& work, bool dispatch)
{
    if (!one_io_thread_) {
        if (dispatch)
            net::dispatch(s.strand, std::forward<Work>(work));
        else
            net::post(s.strand, std::forward<Work>(work));
        return;
    }
    // One io thread: every handler of the shard runs on this thread, so the strand adds nothing
    // but its cost (docs/performance.md measures it).
    auto guarded = [&s, work = std::forward<Work>(work)]() mutable {
        shard::running_scope const running(s);
        work();
    };
    if (may_run_inline(s)) return guarded();
    ++s.waiting;
    net::post(s.strand, [&s, guarded = std::move(guarded)]() mutable {
        --s.waiting;
        guarded();
    });
}

void core_host::shutdown(std::function<void()> done)
{
    auto remaining = std::make_shared<std::atomic<std::size_t>>(shards_.size());
    auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
    for (auto& sp : shards_) {
        auto& s = *sp;
        net::post(s.strand, [this, &s, remaining, shared_done] {
            auto actions = s.core.shutdown();
            execute(s, actions, nullptr, std::nullopt);
            if (remaining->fetch_sub(1) == 1 && *shared_done) (*shared_done)();
        });
    }
}

void core_host::stop_timers(std::function<void()> done)
{
    auto remaining = std::make_shared<std::atomic<std::size_t>>(shards_.size());
    auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
    for (auto& sp : shards_) {
        auto& s = *sp;
        net::post(s.strand, [&s, remaining, shared_done] {
            for (auto& [id, t] : s.timers)
                t.timer->cancel();
            s.timers.clear();
            if (remaining->fetch_sub(1) == 1 && *shared_done) (*shared_done)();
        });
    }
}

void core_host::on_timer(shard& s, timer_id id, std::uint64_t generation)
{
    auto const it = s.timers.find(to_underlying(id));
    // A timer replaced or cancelled after its completion was queued must not fire.
    if (it == s.timers.end() || it->second.generation != generation) return;
    s.timers.erase(it);
    event const ev = timer_fired{id};
    std::vector<action> actions;
    s.core.handle(ev, actions);
    execute(s, actions, &ev, std::nullopt);
}

void core_host::execute(shard& s, std::vector<action>& actions, event const* cause,
                        std::optional<clock::time_point> arrived)
{
    if (actions.empty()) return;
    auto* const out = connections();
    std::optional<connection_id> request_conn;
    std::optional<transaction_id> request_tx;
    if (auto const* fr = cause ? std::get_if<floorctl::frame_received>(cause) : nullptr) {
        request_conn = fr->conn;
        if (fr->frame.size() >= 12) {
            request_tx = transaction_id{
                static_cast<std::uint16_t>(std::to_integer<unsigned>(fr->frame[8]) << 8 |
                                           std::to_integer<unsigned>(fr->frame[9]))};
        }
    }
    bool latency_recorded = false;

    for (auto& a : actions) {
        if (auto* send = std::get_if<send_message>(&a)) {
            auto const prim = primitive_of(send->msg.payload);
            metrics_.message(metrics::direction::out, prim);
            if (auto const* err = std::get_if<error_reply>(&send->msg.payload)) {
                metrics_.error_sent(static_cast<std::uint8_t>(err->code));
            }
            if (!latency_recorded && arrived && request_conn && *request_conn == send->conn &&
                request_tx && send->msg.header.transaction == *request_tx) {
                metrics_.latency(clock::now() - *arrived);
                latency_recorded = true;
            }
            if (out) {
                // Encoded into a reused buffer, which the transport copies once.
                s.encoded.clear();
                encode(send->msg, s.encoded);
                out->send(send->conn, std::span<std::byte const>{s.encoded});
            }
        } else if (auto* close = std::get_if<close_connection>(&a)) {
            // The core says why; the transport says how (registry_connections: a WebSocket close
            // code from ws::close_code_for, an orderly TCP close on TCP/TLS BFCP).
            log_debug("closing connection",
                      {.conn = close->conn,
                       .extra = {{"reason", std::string{to_string(close->reason)}}}});
            if (out) out->close(close->conn, close->reason);
        } else if (auto* start = std::get_if<start_timer>(&a)) {
            auto& entry = s.timers[to_underlying(start->id)];
            if (!entry.timer) entry.timer = std::make_unique<net::steady_timer>(s.strand);
            entry.timer->cancel();
            entry.generation = s.next_generation++;
            entry.timer->expires_after(start->after);
            entry.timer->async_wait(
                [this, &s, id = start->id, gen = entry.generation](boost::system::error_code ec) {
                    if (!ec) on_timer(s, id, gen);
                });
        } else if (auto* change = std::get_if<report_change>(&a)) {
            if (on_change_) on_change_(*change);
        } else if (auto* cancel = std::get_if<cancel_timer>(&a)) {
            if (auto it = s.timers.find(to_underlying(cancel->id)); it != s.timers.end()) {
                it->second.timer->cancel();
                s.timers.erase(it);
            }
        }
    }
}

} // namespace floorctl::app
