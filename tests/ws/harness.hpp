#pragma once
// A real ws::listener on 127.0.0.1:0 driven by N io threads, a recording ws::handler, and the
// shared test clients (tests/support) on their own io_context, every operation awaited with a
// bound (no sleeps).

#include <ws/close.hpp>
#include <ws/handler.hpp>
#include <ws/listener.hpp>
#include <ws/tls.hpp>

#include "support/client_io.hpp"
#include "support/ws_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace ws_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using test_support::await_op;
using test_support::io_bound;

/// Records every callback; tests wait on its condition with a bound.
class recorder : public ws::handler {
public:
    struct opened {
        floorctl::connection_id conn;
        ws::binding bound;
        floorctl::transport_kind transport;
        std::string remote;
    };

    ws::auth_result authenticate(std::string const& token, ws::http_request const&,
                                 ws::request_context const&) override
    {
        if (token.rfind("good", 0) == 0) {
            return ws::binding{floorctl::conference_id{7}, floorctl::user_id{42}, token};
        }
        if (token == "expired") return ws::auth_denial{ws::http_status::forbidden, "token expired"};
        return ws::auth_denial{ws::http_status::unauthorized, "unknown token"};
    }

    void on_open(floorctl::connection_id conn, ws::binding const& b, floorctl::transport_kind t,
                 std::string const& remote) override
    {
        std::lock_guard l(m_);
        opens.push_back({conn, b, t, remote});
        cv_.notify_all();
    }

    void on_frame(floorctl::connection_id conn, std::span<std::byte const> bytes) override
    {
        std::vector<std::byte> frame(bytes.begin(), bytes.end());
        // Called outside the lock, synchronously inside the listener's hand-over (what an app
        // that answers at once does); set before the first connection.
        if (frame_hook) frame_hook(conn, frame);
        std::lock_guard l(m_);
        frames.emplace_back(conn, std::move(frame));
        cv_.notify_all();
    }

    std::function<void(floorctl::connection_id, std::vector<std::byte> const&)> frame_hook;
    std::vector<std::shared_ptr<ws::http_stream>> streams; ///< GET /stream, in arrival order
    bool second_stream_refused = false;

    void on_close(floorctl::connection_id conn, ws::close_info const& info) override
    {
        std::lock_guard l(m_);
        closes.emplace_back(conn, info);
        cv_.notify_all();
    }

    void on_http(ws::http_request req, ws::request_context const& ctx,
                 ws::http_responder respond) override
    {
        {
            std::lock_guard l(m_);
            http_targets.emplace_back(req.target());
            http_secure.push_back(ctx.secure);
        }
        // An app that loses the responder without calling it (handler.hpp: the listener then
        // answers 500 itself).
        if (req.target() == "/drop") return;
        if (req.target() == "/stream") {
            // A streamed answer: the test writes the chunks through `streams`.
            ws::http_response head{http::status::ok, req.version()};
            head.set(http::field::content_type, "text/event-stream");
            head.set(http::field::content_length, "999"); // ignored: a stream has no length
            auto stream = respond.stream(std::move(head));
            auto const again = respond.stream(ws::http_response{}); // a responder is used once
            std::lock_guard l(m_);
            streams.push_back(std::move(stream));
            second_stream_refused = again == nullptr;
            cv_.notify_all();
            return;
        }
        // Answer from another thread, as an app that asks its core strand would. Joined by
        // join_responders(), not detached: a thread still dropping the last reference to the
        // listener's TLS context while the process exits races with OpenSSL's exit cleanup.
        std::thread responder([req = std::move(req), respond = std::move(respond)]() mutable {
            ws::http_response res{req.target() == "/healthz" ? http::status::ok
                                                             : http::status::not_found,
                                  req.version()};
            res.set(http::field::content_type, "text/plain");
            res.body() = req.target() == "/healthz" ? "ok\n" : "no such page\n";
            respond(std::move(res));
        });
        std::lock_guard l(m_);
        responders_.push_back(std::move(responder));
    }

    /// Waits for every on_http() answer thread (each ends right after handing its response
    /// over). Not from one of those threads.
    void join_responders()
    {
        std::vector<std::thread> threads;
        {
            std::lock_guard l(m_);
            threads.swap(responders_);
        }
        for (auto& t : threads)
            t.join();
    }

    void on_handshake_rejected(ws::upgrade_failure f, ws::http_status s,
                               ws::request_context const&) override
    {
        std::lock_guard l(m_);
        rejects.emplace_back(f, s);
        cv_.notify_all();
    }

    /// Whether `pred()` holds now, checked once under the lock (for "nothing happened" after a
    /// measured window; wait() would be true at once for such a condition, and say nothing).
    template <class Pred> bool holds(Pred pred)
    {
        std::lock_guard l(m_);
        return pred();
    }

    /// Waits (bounded) until `pred()` holds under the lock.
    template <class Pred> bool wait(Pred pred)
    {
        // Re-checks every few ms too, for conditions (listener counters) not signalled here.
        auto const deadline = std::chrono::steady_clock::now() + io_bound;
        std::unique_lock l(m_);
        while (!pred()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            cv_.wait_for(l, 5ms);
        }
        return true;
    }

    std::vector<opened> opens;
    std::vector<std::pair<floorctl::connection_id, std::vector<std::byte>>> frames;
    std::vector<std::pair<floorctl::connection_id, ws::close_info>> closes;
    std::vector<std::pair<ws::upgrade_failure, ws::http_status>> rejects;
    std::vector<std::string> http_targets;
    std::vector<bool> http_secure;

private:
    std::mutex m_;
    std::vector<std::thread> responders_; // guarded by m_; see on_http()
    std::condition_variable cv_;
};

/// Shared self-signed certificate (making one costs a key generation).
inline ws::pem_pair const& test_pem()
{
    static ws::pem_pair const pem = ws::make_self_signed();
    return pem;
}

/// The server under test plus a client io_context, both on their own threads.
class harness {
public:
    explicit harness(ws::listener_options opts, int threads = 1) : app(std::make_shared<recorder>())
    {
        // As floorctl does: no strand per connection when one thread runs the io_context.
        opts.one_io_thread = threads == 1;
        listener = ws::listener::create(
            ioc_, std::move(opts), app,
            [this](ws::log_level, std::string_view msg, ws::log_fields const&) {
                std::lock_guard l(log_m_);
                if (std::getenv("WS_TEST_VERBOSE")) // debugging aid: echo the server's log
                    std::fprintf(stderr, "[ws] %.*s\n", static_cast<int>(msg.size()), msg.data());
                log_.emplace_back(msg);
            });
        listener->run();
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    ~harness()
    {
        listener->stop();
        clients_.stop();
        guard_.reset();
        ioc_.stop();
        for (auto& t : threads_)
            t.join();
        // No io thread is left to call on_http(), so no answer thread starts after this.
        app->join_responders();
    }

    harness(harness const&) = delete;
    harness& operator=(harness const&) = delete;

    [[nodiscard]] std::uint16_t port() const { return listener->port(); }
    [[nodiscard]] tcp::endpoint endpoint() const
    {
        return {net::ip::make_address("127.0.0.1"), port()};
    }

    [[nodiscard]] bool logged(std::string_view needle)
    {
        std::lock_guard l(log_m_);
        for (auto const& s : log_)
            if (s.find(needle) != std::string::npos) return true;
        return false;
    }

    [[nodiscard]] std::size_t count_logged(std::string_view needle)
    {
        std::lock_guard l(log_m_);
        return static_cast<std::size_t>(std::count_if(log_.begin(), log_.end(), [&](auto const& s) {
            return s.find(needle) != std::string::npos;
        }));
    }

private:
    // Declared first so they are destroyed last: every socket (the listener's acceptor, the
    // clients') must go before its io_context.
    net::io_context ioc_;

    test_support::client_io clients_;

public:
    net::io_context& cioc = clients_.context(); // clients
    std::shared_ptr<recorder> app;
    std::shared_ptr<ws::listener> listener;

private:
    net::executor_work_guard<net::io_context::executor_type> guard_{ioc_.get_executor()};
    std::vector<std::thread> threads_;
    std::mutex log_m_;
    std::vector<std::string> log_;
};

/// Options with short timeouts for tests; TLS on with the shared self-signed certificate.
inline ws::listener_options test_options()
{
    ws::listener_options o;
    o.tls = ws::make_server_context(test_pem());
    o.handshake_timeout = 5s;
    return o;
}

inline std::shared_ptr<ssl::context> client_tls()
{
    static auto ctx = ws::make_client_context(test_pem().certificate_pem);
    return ctx;
}

/// The shared WebSocket client against the harness's listener, trusting its certificate.
template <bool TLS> class client : public test_support::ws_client<TLS> {
public:
    explicit client(harness& h) : test_support::ws_client<TLS>(h.cioc, h.endpoint(), client_tls())
    {
    }

    /// As ws_client::connect, with the recorder's good token and BFCP when not told otherwise.
    beast::error_code connect(std::string const& target = "/bfcp?token=good",
                              std::string const& protocol = "BFCP",
                              std::function<void(websocket::request_type&)> decorate = {})
    {
        return test_support::ws_client<TLS>::connect(target, protocol, std::move(decorate));
    }
};

/// TCP connect of a plain stream to the harness's port.
inline beast::error_code connect_stream(harness& h, beast::tcp_stream& s)
{
    return await_op([&](auto done) { s.async_connect(h.endpoint(), done); });
}

/// TCP connect and the TLS handshake (naming "localhost") of a stream to the harness's port.
inline beast::error_code connect_stream(harness& h, beast::ssl_stream<beast::tcp_stream>& s)
{
    if (auto ec = connect_stream(h, beast::get_lowest_layer(s))) return ec;
    SSL_set_tlsext_host_name(s.native_handle(), "localhost");
    return await_op([&](auto done) { s.async_handshake(ssl::stream_base::client, done); });
}

/// One HTTP/1.1 GET of `target` on a connected stream (plain or TLS); `res` holds the answer.
template <class Stream>
beast::error_code http_get(Stream& s, std::string const& target,
                           http::response<http::string_body>& res, bool keep_alive = true)
{
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    req.keep_alive(keep_alive);
    if (auto ec = await_op([&](auto done) { http::async_write(s, req, done); })) return ec;
    beast::flat_buffer b;
    res = {};
    return await_op([&](auto done) { http::async_read(s, b, res, done); });
}

/// For a listener that admits one connection in total: a WebSocket client takes it, then GET
/// /healthz on `s` (plain or TLS, connected here) is answered 503 with Retry-After. Returns
/// that answer.
template <class Stream>
http::response<http::string_body> expect_503_beyond_the_limit(harness& h, Stream& s)
{
    client<!std::is_same_v<Stream, beast::tcp_stream>> holder{h};
    EXPECT_FALSE(holder.connect());
    EXPECT_FALSE(connect_stream(h, s));
    http::response<http::string_body> res;
    EXPECT_FALSE(http_get(s, "/healthz", res));
    EXPECT_EQ(res.result(), http::status::service_unavailable);
    EXPECT_FALSE(res[http::field::retry_after].empty());
    return res;
}

} // namespace ws_test
