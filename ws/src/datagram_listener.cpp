#include "connection_executor.hpp"
#include "dtls_io.hpp"
#include "rate_limit.hpp"

#include <ws/connection_id.hpp>
#include <ws/datagram_listener.hpp>
#include <ws/registry.hpp>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace ws {

namespace net = boost::asio;
using udp = net::ip::udp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;
using detail::datagram_batch;
using detail::ssl_ptr;

char const* to_string(datagram_drop d) noexcept
{
    switch (d) {
    case datagram_drop::unknown_source:
        return "unknown_source";
    case datagram_drop::over_limit:
        return "over_limit";
    case datagram_drop::rate:
        return "rate";
    case datagram_drop::oversized:
        return "oversized";
    case datagram_drop::malformed:
        return "malformed";
    case datagram_drop::cleartext:
        return "cleartext";
    case datagram_drop::send_queue:
        return "send_queue";
    case datagram_drop::send_failed:
        return "send_failed";
    }
    return "?";
}

std::string datagram_source::remote() const
{
    return remote_text(address, port);
}

namespace {

/// One source address and port. Strand-confined; owned by the listener's tables.
struct peer {
    peer(net::any_io_executor ex, udp::endpoint from, admission::ticket ticket,
         std::uint32_t per_second)
        : ep(from), slot(std::move(ticket)), rate(per_second), timer(std::move(ex))
    {
        source.address = ep.address().to_string();
        source.port = ep.port();
        remote = source.remote();
    }

    floorctl::connection_id const conn = allocate_connection_id();
    udp::endpoint const ep;
    datagram_source source;
    std::string remote; // also the DTLS cookie's input (SSL_set_app_data)
    admission::ticket slot;
    detail::message_rate rate;
    net::steady_timer timer;
    steady::time_point last_received = steady::now();
    steady::time_point handshake_deadline{};
    ssl_ptr ssl; // DTLS only
    std::string fingerprint;
    bool open = false;
};

} // namespace

/// The listener's socket, peer tables and counters.
///
/// Threading: everything runs on one strand, the listener's (with one io thread, the io_context's
/// executor itself: options.one_io_thread). One socket serialises its receives
/// anyway (one receive outstanding at a time), a send on a UDP socket never waits (the socket is
/// non-blocking: a full send buffer is a lost datagram, which the unreliable-transport layer
/// above repairs), and BFCP's datagram rates are a few per participant per second, so per-peer
/// strands would buy no parallelism worth their cross-strand hops and the peer table's lock.
/// The costly part, a DTLS handshake, is bounded per source by the cookie exchange and in all
/// by the admission limits; configuring several ports spreads peers over threads.
struct datagram_listener::state : std::enable_shared_from_this<datagram_listener::state> {
    state(net::io_context& ioc, datagram_listener_options o, std::shared_ptr<datagram_handler> h,
          log_sink l)
        : opts(std::move(o)), app(std::move(h)), sink(std::move(l)),
          admit(opts.admission
                    ? opts.admission
                    : admission::create({opts.max_peers, opts.max_peers_per_address, 0})),
          executor(detail::connection_executor(ioc, opts.one_io_thread)), socket(executor),
          cleartext_replies(opts.max_cleartext_replies_per_second)
    {
    }

    datagram_listener_options const opts;
    std::shared_ptr<datagram_handler> const app;
    log_sink const sink;
    std::shared_ptr<admission> const admit;
    net::any_io_executor executor; // the listener's strand, or the io_context's executor
    udp::socket socket;
    std::uint16_t bound_port = 0; // set once at create()

    // Strand-confined.
    udp::endpoint sender;
    std::array<std::byte, 65'535> received{};      // the one receive buffer
    std::array<unsigned char, 16'384> plaintext{}; // one DTLS record's payload
    std::unordered_map<udp::endpoint, std::shared_ptr<peer>> by_source;
    std::unordered_map<std::uint64_t, std::shared_ptr<peer>> by_conn; // open peers
    ssl_ptr listening;            // DTLS: answers ClientHellos not yet carrying a valid cookie
    std::string listening_source; // its app data: the source being looked at
    datagram_batch output;        // what OpenSSL wrote, not yet sent
    detail::message_rate cleartext_replies;
    bool stopped_here = false;

    // Any thread.
    mutable std::mutex mutex;
    std::unordered_set<std::uint64_t> open; // guarded by mutex: send()'s and close()'s check
    bool stopped = false;                   // guarded by mutex
    std::atomic<std::size_t> peers{0};
    std::atomic<std::size_t> queued_bytes{0};
    std::atomic<std::size_t> queued_datagrams{0};
    std::array<std::atomic<std::uint64_t>, datagram_drop_count> drops{};
    std::array<std::atomic<std::int64_t>, datagram_drop_count> last_drop_log{};
    std::atomic<std::uint64_t> cookies{0};

    void log(log_level level, std::string_view what, std::optional<floorctl::connection_id> conn,
             std::string_view remote) const
    {
        write_log(sink, level, what, conn, remote);
    }

    // Counts a dropped datagram; logs at most one line per reason per second (any thread).
    void drop(datagram_drop why, std::string_view remote)
    {
        auto const i = static_cast<std::size_t>(why);
        auto const n = drops[i].fetch_add(1, std::memory_order_relaxed) + 1;
        app->on_dropped(why);
        auto const now = steady::now().time_since_epoch().count();
        auto last = last_drop_log[i].load(std::memory_order_relaxed);
        auto const second = std::chrono::duration_cast<steady::duration>(std::chrono::seconds{1});
        if (last != 0 && now - last < second.count()) return;
        if (!last_drop_log[i].compare_exchange_strong(last, now)) return;
        log(log_level::warning,
            std::string("datagram dropped: ") + to_string(why) + " (" + std::to_string(n) +
                " so far; one line per second at most)",
            std::nullopt, remote);
    }

    void start() { receive(); }

    /// True on the listener's executor: its strand, or (one io thread) the io thread.
    [[nodiscard]] bool running_here() const
    {
        if (auto const* s = executor.target<net::strand<net::io_context::executor_type>>())
            return s->running_in_this_thread();
        auto const* e = executor.target<net::io_context::executor_type>();
        return e != nullptr && e->running_in_this_thread();
    }

    void receive()
    {
        socket.async_receive_from(
            net::buffer(received), sender,
            [self = shared_from_this()](error_code ec, std::size_t n) { self->on_receive(ec, n); });
    }

    void on_receive(error_code ec, std::size_t n)
    {
        if (stopped_here) return;
        if (ec) {
            if (ec == net::error::operation_aborted) return;
            // ICMP errors reported on the socket, a momentary lack of buffers: keep going.
            log(log_level::warning, "datagram receive: " + ec.message(), std::nullopt, {});
        } else {
            on_datagram(sender, std::span<std::byte const>(received.data(), n));
        }
        if (!stopped_here) receive();
    }

    void on_datagram(udp::endpoint const& from, std::span<std::byte const> d)
    {
        if (d.size() > opts.max_datagram) return drop(datagram_drop::oversized, remote_of(from));
        if (d.empty()) return drop(datagram_drop::malformed, remote_of(from));
        auto const it = by_source.find(from);
        auto const known = it == by_source.end() ? nullptr : it->second;
        if (opts.dtls) return on_dtls_datagram(from, known, d);
        if (!known) {
            auto const p = admit_peer(from);
            if (!p) return;
            open_peer(p);
            return deliver(p, d);
        }
        deliver(known, d);
    }

    // Hands a plain datagram of an open peer to the app, within the peer's rate.
    void deliver(std::shared_ptr<peer> const& p, std::span<std::byte const> d)
    {
        p->last_received = steady::now();
        if (!p->rate.take()) return drop(datagram_drop::rate, p->remote);
        app->on_datagram(p->conn, d);
    }

    void on_dtls_datagram(udp::endpoint const& from, std::shared_ptr<peer> const& known,
                          std::span<std::byte const> d)
    {
        if (!detail::is_dtls_record(d)) {
            if (!detail::is_bfcp_message(d)) return drop(datagram_drop::malformed, remote_of(from));
            return on_cleartext(from, d);
        }
        if (!known) return on_new_dtls_source(from, d);
        known->last_received = steady::now();
        if (!known->rate.take()) return drop(datagram_drop::rate, known->remote);
        detail::feed(known->ssl.get(), d);
        progress(known);
    }

    void on_cleartext(udp::endpoint const& from, std::span<std::byte const> d)
    {
        datagram_source source{from.address().to_string(), from.port()};
        auto reply = app->on_cleartext(source, d);
        if (reply.empty() || !cleartext_replies.take())
            return drop(datagram_drop::cleartext, source.remote());
        send_to(from, reply);
    }

    // RFC 6347 §4.2.1: until a ClientHello carries the cookie made for its source, the source
    // gets a HelloVerifyRequest from the one shared SSL object and nothing is kept.
    void on_new_dtls_source(udp::endpoint const& from, std::span<std::byte const> d)
    {
        datagram_source source{from.address().to_string(), from.port()};
        if (!app->accept_source(source))
            return drop(datagram_drop::unknown_source, source.remote());
        if (!listening)
            listening = detail::make_dtls_ssl(opts.dtls->native_handle(), output, opts.dtls_mtu);
        if (!listening) return drop(datagram_drop::malformed, source.remote());
        listening_source = source.remote();
        SSL_set_app_data(listening.get(), &listening_source);
        detail::feed(listening.get(), d);
        BIO_ADDR* client = BIO_ADDR_new();
        int const r = DTLSv1_listen(listening.get(), client);
        BIO_ADDR_free(client);
        if (!output.empty()) cookies.fetch_add(1, std::memory_order_relaxed);
        flush(from);
        if (r <= 0) {
            // 0: no (valid) cookie yet, or not a ClientHello: nothing kept. <0: the object is
            // in an error state: the next source gets a fresh one.
            if (r < 0) listening.reset();
            ERR_clear_error();
            return;
        }
        // The source proved it receives at its address: the object carries on as its peer.
        auto ssl = std::move(listening);
        auto const p = admit_peer(from);
        if (!p) return;
        p->ssl = std::move(ssl);
        SSL_set_app_data(p->ssl.get(), &p->remote);
        p->handshake_deadline = steady::now() + opts.handshake_timeout;
        progress(p);
    }

    // A DTLS peer's next step after input or a timer: the handshake, then records.
    void progress(std::shared_ptr<peer> const& p)
    {
        SSL* ssl = p->ssl.get();
        if (!p->open) {
            ERR_clear_error();
            int const r = SSL_do_handshake(ssl);
            flush(p->ep);
            if (r != 1) {
                int const e = SSL_get_error(ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return arm(p);
                auto const why = detail::openssl_reasons();
                return reject(p, "DTLS handshake failed" + (why.empty() ? "" : ": " + why));
            }
            X509* cert = SSL_get1_peer_certificate(ssl);
            p->fingerprint = sha256_fingerprint(cert);
            X509_free(cert);
            open_peer(p);
        }
        for (;;) {
            ERR_clear_error();
            int const n = SSL_read(ssl, plaintext.data(), static_cast<int>(plaintext.size()));
            if (n > 0) {
                app->on_datagram(p->conn,
                                 std::as_bytes(std::span(plaintext.data(), std::size_t(n))));
                continue;
            }
            int const e = SSL_get_error(ssl, n);
            flush(p->ep); // a retransmitted last flight, an alert
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return;
            if (e == SSL_ERROR_ZERO_RETURN)
                return end(p, {close_code::normal, close_origin::peer, "DTLS close_notify"});
            auto const why = detail::openssl_reasons();
            return end(p, {close_code::abnormal, close_origin::network,
                           "DTLS failure" + (why.empty() ? "" : ": " + why)});
        }
    }

    // Counts a new peer against the limits and enters it in the table (not open yet).
    std::shared_ptr<peer> admit_peer(udp::endpoint const& from)
    {
        auto const address = from.address().to_string();
        if (!opts.dtls && !app->accept_source({address, from.port()})) {
            drop(datagram_drop::unknown_source, remote_of(from));
            return nullptr;
        }
        auto admitted = admit->admit(address);
        if (admitted.verdict != admission_verdict::admitted) {
            drop(datagram_drop::over_limit, remote_of(from));
            return nullptr;
        }
        auto p = std::make_shared<peer>(executor, from, std::move(admitted.slot),
                                        opts.max_messages_per_second);
        by_source.emplace(from, p);
        peers.fetch_add(1, std::memory_order_relaxed);
        return p;
    }

    void open_peer(std::shared_ptr<peer> const& p)
    {
        p->open = true;
        by_conn.emplace(floorctl::to_underlying(p->conn), p);
        {
            std::lock_guard lock(mutex);
            open.insert(floorctl::to_underlying(p->conn));
        }
        log(log_level::info, opts.dtls ? "DTLS peer open" : "UDP peer open", p->conn, p->remote);
        app->on_open(datagram_peer{p->conn, p->source, opts.dtls != nullptr, p->fingerprint});
        arm(p);
    }

    // The peer's one timer: the handshake's retransmission or timeout, then the idle expiry
    // (re-armed when it fires, not on every datagram).
    void arm(std::shared_ptr<peer> const& p)
    {
        auto const now = steady::now();
        steady::time_point at = p->last_received + opts.idle_timeout;
        if (!p->open) {
            at = p->handshake_deadline;
            timeval tv{};
            if (DTLSv1_get_timeout(p->ssl.get(), &tv) == 1)
                at = std::min(at, now + std::chrono::seconds{tv.tv_sec} +
                                      std::chrono::microseconds{tv.tv_usec});
        }
        p->timer.expires_at(at);
        p->timer.async_wait([self = shared_from_this(), w = std::weak_ptr<peer>(p)](error_code ec) {
            auto const q = w.lock();
            if (ec || !q || self->stopped_here) return;
            self->on_timer(q);
        });
    }

    void on_timer(std::shared_ptr<peer> const& p)
    {
        auto const now = steady::now();
        if (p->open) {
            if (now - p->last_received >= opts.idle_timeout)
                return end(p, {close_code::normal, close_origin::local, "idle timeout"});
            return arm(p);
        }
        if (now >= p->handshake_deadline) return reject(p, "DTLS handshake timeout");
        if (DTLSv1_handle_timeout(p->ssl.get()) < 0) {
            flush(p->ep);
            return reject(p, "DTLS handshake failed: " + detail::openssl_reasons());
        }
        flush(p->ep);
        arm(p);
    }

    // Forgets a peer that never opened.
    void reject(std::shared_ptr<peer> const& p, std::string const& why)
    {
        forget(p);
        log(log_level::warning, why, p->conn, p->remote);
        app->on_rejected(p->source, why);
    }

    // Forgets an open peer and tells the app.
    void end(std::shared_ptr<peer> const& p, close_info const& info)
    {
        if (!p->open) return reject(p, info.reason);
        forget(p);
        log(log_level::info, (opts.dtls ? "DTLS peer closed: " : "UDP peer closed: ") + info.reason,
            p->conn, p->remote);
        app->on_close(p->conn, info);
    }

    void forget(std::shared_ptr<peer> const& p)
    {
        p->timer.cancel();
        by_source.erase(p->ep);
        by_conn.erase(floorctl::to_underlying(p->conn));
        peers.fetch_sub(1, std::memory_order_relaxed);
        std::lock_guard lock(mutex);
        open.erase(floorctl::to_underlying(p->conn));
    }

    // On the strand: one payload to an open peer. False when `conn` is not open.
    bool send_here(floorctl::connection_id conn, std::span<std::byte const> payload)
    {
        auto const it = by_conn.find(floorctl::to_underlying(conn));
        if (it == by_conn.end()) return false;
        auto const& p = it->second;
        if (!p->ssl) {
            send_to(p->ep, payload);
            return true;
        }
        ERR_clear_error();
        if (SSL_write(p->ssl.get(), payload.data(), static_cast<int>(payload.size())) <= 0) {
            ERR_clear_error();
            drop(datagram_drop::send_failed, p->remote);
            return true;
        }
        flush(p->ep);
        return true;
    }

    void close_here(floorctl::connection_id conn, std::string const& reason)
    {
        auto const it = by_conn.find(floorctl::to_underlying(conn));
        if (it == by_conn.end()) return;
        auto const p = it->second;
        if (p->ssl) {
            (void)SSL_shutdown(p->ssl.get()); // close_notify
            ERR_clear_error();
            flush(p->ep);
        }
        end(p, {close_code::normal, close_origin::local,
                reason.empty() ? "closed by the application" : reason});
    }

    void stop_here()
    {
        if (stopped_here) return;
        std::vector<std::shared_ptr<peer>> all;
        all.reserve(by_source.size());
        for (auto const& [ep, p] : by_source)
            all.push_back(p);
        for (auto const& p : all) {
            if (p->ssl && p->open) {
                (void)SSL_shutdown(p->ssl.get());
                ERR_clear_error();
                flush(p->ep);
            }
            end(p, {close_code::going_away, close_origin::local, "listener stopped"});
        }
        stopped_here = true;
        error_code ignored;
        socket.close(ignored);
        listening.reset();
    }

    // Sends what OpenSSL wrote, one datagram per record, to `to`.
    void flush(udp::endpoint const& to)
    {
        for (auto const& d : output)
            send_to(to, d);
        output.clear();
    }

    void send_to(udp::endpoint const& to, std::span<std::byte const> d)
    {
        error_code ec;
        socket.send_to(net::buffer(d.data(), d.size()), to, 0, ec);
        if (ec) drop(datagram_drop::send_failed, remote_of(to));
    }

    static std::string remote_of(udp::endpoint const& ep)
    {
        return remote_text(ep.address().to_string(), ep.port());
    }
};

std::shared_ptr<datagram_listener> datagram_listener::create(net::io_context& ioc,
                                                             datagram_listener_options options,
                                                             std::shared_ptr<datagram_handler> app,
                                                             log_sink log)
{
    udp::endpoint const ep(net::ip::make_address(options.address), options.port);
    auto s = std::make_shared<state>(ioc, std::move(options), std::move(app), std::move(log));
    s->socket.open(ep.protocol());
    // "[::]:P" next to "0.0.0.0:P" (both configured): the IPv6 socket takes IPv6 only.
    if (ep.address().is_v6()) s->socket.set_option(net::ip::v6_only(true));
    s->socket.bind(ep);
    if (s->opts.receive_buffer_bytes != 0) {
        // Best effort: the kernel caps it (net.core.rmem_max); smaller is no reason not to run.
        boost::system::error_code ec;
        s->socket.set_option(
            net::socket_base::receive_buffer_size(static_cast<int>(
                std::min<std::size_t>(s->opts.receive_buffer_bytes,
                                      static_cast<std::size_t>(std::numeric_limits<int>::max())))),
            ec);
    }
    // Sends never wait (see state): a full send buffer is a lost datagram.
    s->socket.non_blocking(true);
    s->bound_port = s->socket.local_endpoint().port();
    if (s->sink) {
        auto const local = state::remote_of(s->socket.local_endpoint());
        ws::log_fields f;
        f.local = local;
        s->sink(log_level::info,
                s->opts.dtls ? "BFCP DTLS listener bound" : "BFCP UDP listener bound", f);
    }
    return std::shared_ptr<datagram_listener>(new datagram_listener(std::move(s)));
}

datagram_listener::datagram_listener(std::shared_ptr<state> s) : state_(std::move(s)) {}

datagram_listener::~datagram_listener() = default;

void datagram_listener::run()
{
    net::post(state_->executor, [s = state_] { s->start(); });
}

void datagram_listener::stop()
{
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopped) return;
        state_->stopped = true;
    }
    net::post(state_->executor, [s = state_] { s->stop_here(); });
}

std::uint16_t datagram_listener::port() const noexcept
{
    return state_->bound_port;
}

bool datagram_listener::send(floorctl::connection_id conn, std::span<std::byte const> payload)
{
    auto& s = *state_;
    // On the strand (the usual case: an answer made while the handler runs) the peer table
    // itself says whether `conn` is open; elsewhere the locked copy of its keys does.
    if (s.running_here()) return !s.stopped_here && s.send_here(conn, payload);
    {
        std::lock_guard lock(s.mutex);
        if (s.stopped || !s.open.contains(floorctl::to_underlying(conn))) return false;
    }
    auto const n = payload.size();
    if (s.queued_datagrams.fetch_add(1) + 1 > s.opts.max_send_queue_datagrams ||
        s.queued_bytes.fetch_add(n) + n > s.opts.max_send_queue_bytes) {
        s.queued_datagrams.fetch_sub(1);
        s.queued_bytes.fetch_sub(n);
        s.drop(datagram_drop::send_queue, {});
        return false;
    }
    net::post(s.executor, [st = state_, conn, f = make_frame(payload)] {
        st->queued_datagrams.fetch_sub(1);
        st->queued_bytes.fetch_sub(f->size());
        if (!st->stopped_here) (void)st->send_here(conn, *f);
    });
    return true;
}

bool datagram_listener::close(floorctl::connection_id conn, std::string reason)
{
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopped || !state_->open.contains(floorctl::to_underlying(conn))) return false;
    }
    net::post(state_->executor,
              [s = state_, conn, r = std::move(reason)] { s->close_here(conn, r); });
    return true;
}

std::size_t datagram_listener::peer_count() const
{
    return state_->peers.load(std::memory_order_relaxed);
}

std::array<std::uint64_t, datagram_drop_count> datagram_listener::dropped() const noexcept
{
    std::array<std::uint64_t, datagram_drop_count> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = state_->drops[i].load(std::memory_order_relaxed);
    return out;
}

std::uint64_t datagram_listener::cookies_sent() const noexcept
{
    return state_->cookies.load(std::memory_order_relaxed);
}

} // namespace ws
