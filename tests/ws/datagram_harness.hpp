#pragma once
// A ws::datagram_listener on loopback port 0 run by N io threads, a recording (and optionally
// echoing) ws::datagram_handler, and blocking UDP clients whose every receive is bounded.
// Shared by datagram_listener_test.cpp and dtls_test.cpp. No sleeps: waits are on conditions
// with a bound.

#include <ws/datagram_listener.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <poll.h>
#include <string>
#include <thread>
#include <vector>

namespace datagram_test {

namespace net = boost::asio;
using udp = net::ip::udp;
using namespace std::chrono_literals;

inline constexpr auto bound = 10s; // every wait in these tests ends by this

inline std::vector<std::byte> bytes_of(std::string_view s)
{
    auto const* p = reinterpret_cast<std::byte const*>(s.data());
    return {p, p + s.size()};
}

/// Polls `pred` (a state no callback announces, such as datagram_listener::peer_count()) until it
/// holds or the bound passes.
template <class Pred> bool eventually(Pred pred)
{
    auto const until = std::chrono::steady_clock::now() + bound;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

/// Records every callback; echoes datagrams back when `echo` is set.
class recorder final : public ws::datagram_handler {
public:
    struct closed {
        floorctl::connection_id conn;
        ws::close_info info;
    };

    bool accept_source(ws::datagram_source const& s) override
    {
        auto const refused = refuse_port.load();
        return refused == 0 || s.port != refused;
    }

    void on_open(ws::datagram_peer const& peer) override
    {
        std::lock_guard l(m_);
        opens.push_back(peer);
        cv_.notify_all();
    }

    void on_datagram(floorctl::connection_id conn, std::span<std::byte const> payload) override
    {
        if (echo) {
            // False once stop() was called while datagrams were still being handed over.
            if (auto l = listener.lock()) (void)l->send(conn, payload);
        }
        std::lock_guard l(m_);
        datagrams.emplace_back(conn, std::vector<std::byte>(payload.begin(), payload.end()));
        cv_.notify_all();
    }

    void on_close(floorctl::connection_id conn, ws::close_info const& info) override
    {
        std::lock_guard l(m_);
        closes.push_back({conn, info});
        cv_.notify_all();
    }

    std::vector<std::byte> on_cleartext(ws::datagram_source const&,
                                        std::span<std::byte const>) override
    {
        std::lock_guard l(m_);
        return cleartext_reply;
    }

    /// What on_cleartext() answers from now on.
    void answer_cleartext(std::vector<std::byte> reply)
    {
        std::lock_guard l(m_);
        cleartext_reply = std::move(reply);
    }

    void on_rejected(ws::datagram_source const& s, std::string const& reason) override
    {
        std::lock_guard l(m_);
        rejected.emplace_back(s, reason);
        cv_.notify_all();
    }

    void on_dropped(ws::datagram_drop) override
    {
        std::lock_guard l(m_);
        ++drops;
        cv_.notify_all();
    }

    /// Waits (bounded) until `pred()` holds, under the lock.
    template <class Pred> bool wait(Pred pred)
    {
        std::unique_lock l(m_);
        return cv_.wait_for(l, bound, pred);
    }

    template <class F> auto with_lock(F f)
    {
        std::lock_guard l(m_);
        return f();
    }

    std::atomic<bool> echo{true};
    std::atomic<std::uint16_t> refuse_port{0};     ///< a source port accept_source() refuses
    std::weak_ptr<ws::datagram_listener> listener; ///< set before the listener runs

    // guarded by m_
    std::vector<std::byte> cleartext_reply;
    std::vector<ws::datagram_peer> opens;
    std::vector<std::pair<floorctl::connection_id, std::vector<std::byte>>> datagrams;
    std::vector<closed> closes;
    std::vector<std::pair<ws::datagram_source, std::string>> rejected;
    std::size_t drops = 0;

private:
    std::mutex m_;
    std::condition_variable cv_;
};

/// The listener and the threads running its io_context; stop() (or the destructor) stops the
/// listener and joins the threads.
class server {
    net::io_context ioc_; // first: outlives the listener, whose strand and socket use it

public:
    server(ws::datagram_listener_options opts, std::size_t threads = 2)
        : handler(std::make_shared<recorder>()), work_(net::make_work_guard(ioc_))
    {
        listener = ws::datagram_listener::create(ioc_, std::move(opts), handler);
        handler->listener = listener;
        listener->run();
        for (std::size_t i = 0; i < threads; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    ~server() { stop(); }

    void stop()
    {
        if (threads_.empty()) return;
        listener->stop();
        work_.reset();
        for (auto& t : threads_)
            t.join();
        threads_.clear();
    }

    [[nodiscard]] std::uint64_t dropped(ws::datagram_drop why) const
    {
        return listener->dropped()[static_cast<std::size_t>(why)];
    }

    std::shared_ptr<recorder> handler;
    std::shared_ptr<ws::datagram_listener> listener;

private:
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
};

/// A blocking UDP socket connected to the listener; receive() waits at most `timeout`.
class client {
public:
    explicit client(std::uint16_t port, char const* address = "127.0.0.1") : socket_(ioc_)
    {
        udp::endpoint const to(net::ip::make_address(address), port);
        socket_.open(to.protocol());
        socket_.connect(to);
    }

    void send(std::span<std::byte const> d) { socket_.send(net::buffer(d.data(), d.size())); }
    void send(std::string_view s) { send(bytes_of(s)); }

    std::optional<std::vector<std::byte>> receive(std::chrono::milliseconds timeout = bound)
    {
        pollfd p{socket_.native_handle(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
        std::vector<std::byte> buf(65'535);
        boost::system::error_code ec;
        auto const n = socket_.receive(net::buffer(buf), 0, ec);
        if (ec) return std::nullopt;
        buf.resize(n);
        return buf;
    }

    [[nodiscard]] std::uint16_t local_port() const { return socket_.local_endpoint().port(); }

private:
    net::io_context ioc_;
    udp::socket socket_;
};

} // namespace datagram_test
