#pragma once
// A ws::datagram_listener on loopback port 0 run by N io threads, a recording (and optionally
// echoing) ws::datagram_handler, and blocking UDP clients whose every receive is bounded.
// Shared by datagram_listener_test.cpp and dtls_test.cpp. No sleeps: waits are on conditions
// with a bound.

#include <support/udp_client.hpp>

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

using test_support::bound;
using test_support::bytes_of;

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

/// A blocking UDP socket connected to the listener.
using client = test_support::udp_client;

} // namespace datagram_test
