#pragma once
// End-to-end helpers: an in-process floorctl (app::application on 127.0.0.1:0 with N io
// threads) and a blocking Beast WebSocket client whose every read is bounded by a socket
// receive timeout, so a broken server fails the test instead of hanging it.

#include "application.hpp"
#include "config.hpp"
#include "log.hpp"

#include <floorctl/codec.hpp>

#include <ws/tls.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace floorctl;

/// Every blocking client read gives up after this (a failing test, never a hang).
inline constexpr int read_timeout_seconds = 10;

inline void bound_reads(tcp::socket& s)
{
    timeval tv{read_timeout_seconds, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/// A configuration for tests: listener on 127.0.0.1:0, conference 1 (floor 1, queue), no SIP.
inline app::config test_config(unsigned threads)
{
    auto c = app::parse_config("").cfg.value();
    c.io_threads = threads;
    c.websocket.listen = {"127.0.0.1", 0};
    app::conference_settings conf;
    conf.id = 1;
    conf.name = "e2e";
    conf.floors.push_back(app::floor_settings{});
    c.conferences.push_back(conf);
    c.logging.level = app::log_level::warn;
    return c;
}

/// floorctl in this process, with its io_context on `threads` threads.
class test_server {
public:
    explicit test_server(app::config cfg) : ioc_(static_cast<int>(cfg.effective_io_threads()))
    {
        app::logger::global().configure(cfg.logging.level, cfg.logging.format);
        auto const n = cfg.effective_io_threads();
        app_ = std::make_unique<app::application>(std::move(cfg), ioc_);
        app_->start();
        work_.emplace(net::make_work_guard(ioc_));
        for (unsigned i = 0; i < n; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    ~test_server()
    {
        std::promise<void> done;
        app_->shutdown(std::chrono::milliseconds{1500}, [&] { done.set_value(); });
        done.get_future().wait_for(std::chrono::seconds{5});
        work_.reset();
        ioc_.stop();
        for (auto& t : threads_)
            t.join();
        app_.reset();
    }

    app::application& app() { return *app_; }
    std::uint16_t port() const { return app_->port(); }

    /// A participant of `conf` and its token, straight from the participant service.
    app::participant_ticket participant(std::uint32_t conf = 1, std::uint16_t user = 0)
    {
        participant_info info;
        info.id = user_id{user};
        auto r = app_->create_participant(conference_id{conf}, info);
        EXPECT_TRUE(r.ticket.has_value());
        return r.ticket.value_or(app::participant_ticket{});
    }

private:
    net::io_context ioc_;
    std::unique_ptr<app::application> app_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
    std::vector<std::thread> threads_;
};

/// A blocking HTTPS (or HTTP) request; returns status and body.
inline std::pair<unsigned, std::string> http_request(std::uint16_t port, http::verb method,
                                                     std::string const& target,
                                                     std::string body = {}, bool tls = true,
                                                     std::string const& bearer = {})
{
    net::io_context ioc;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    req.body() = std::move(body);
    req.prepare_payload();
    http::response<http::string_body> res;
    beast::flat_buffer buf;
    if (tls) {
        auto ctx = ws::make_client_context();
        beast::ssl_stream<tcp::socket> s(ioc, *ctx);
        s.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
        bound_reads(s.next_layer());
        s.handshake(net::ssl::stream_base::client);
        http::write(s, req);
        http::read(s, buf, res);
        beast::error_code ec;
        s.shutdown(ec);
    } else {
        tcp::socket s(ioc);
        s.connect({net::ip::make_address("127.0.0.1"), port});
        bound_reads(s);
        http::write(s, req);
        http::read(s, buf, res);
    }
    return {res.result_int(), res.body()};
}

/// A BFCP-over-WebSocket client (RFC 8857): binary messages, sub-protocol "BFCP".
class client {
    using tls_ws = websocket::stream<beast::ssl_stream<tcp::socket>>;
    using plain_ws = websocket::stream<tcp::socket>;

    template <class F> auto with_stream(F&& f) -> decltype(f(std::declval<tls_ws&>()))
    {
        if (tls_) return f(*tls_);
        return f(*plain_);
    }

public:
    explicit client(std::uint16_t port, std::string const& token, bool tls = true)
        : ctx_(ws::make_client_context())
    {
        tcp::socket sock(ioc_);
        sock.connect({net::ip::make_address("127.0.0.1"), port});
        bound_reads(sock);
        auto const target = "/bfcp?token=" + token;
        auto const decorate = [] {
            return websocket::stream_base::decorator([](websocket::request_type& r) {
                r.set(http::field::sec_websocket_protocol, "BFCP");
            });
        };
        if (tls) {
            tls_ = std::make_unique<tls_ws>(std::move(sock), *ctx_);
            auto& s = *tls_;
            s.next_layer().handshake(net::ssl::stream_base::client);
            s.set_option(decorate());
            s.handshake(response_, "localhost", target);
            s.binary(true);
        } else {
            plain_ = std::make_unique<plain_ws>(std::move(sock));
            auto& s = *plain_;
            s.set_option(decorate());
            s.handshake(response_, "localhost", target);
            s.binary(true);
        }
    }

    websocket::response_type const& handshake_response() const { return response_; }

    void send(message const& m)
    {
        auto const bytes = encode(m);
        with_stream([&](auto& s) { s.write(net::buffer(bytes.data(), bytes.size())); });
    }

    /// The next message, or nullopt when the connection closed (see close_code()).
    std::optional<message> read()
    {
        beast::flat_buffer buf;
        beast::error_code ec;
        with_stream([&](auto& s) { s.read(buf, ec); });
        if (ec) {
            closed_ = true;
            reason_ = with_stream([](auto& s) { return s.reason(); });
            return std::nullopt;
        }
        auto const* p = static_cast<std::byte const*>(buf.cdata().data());
        std::vector<std::byte> frame(p, p + buf.size());
        auto const h = decode_header(frame);
        EXPECT_TRUE(h.has_value());
        if (!h) return std::nullopt;
        auto m = decode_message(*h, frame);
        EXPECT_TRUE(m.has_value()) << "undecodable message from the server";
        if (!m) return std::nullopt;
        return *m;
    }

    /// Reads until `pred` holds (at most `limit` messages); nullopt on close or limit.
    template <class Pred> std::optional<message> read_until(Pred pred, int limit = 16)
    {
        for (int i = 0; i < limit; ++i) {
            auto m = read();
            if (!m) return std::nullopt;
            if (pred(*m)) return m;
        }
        return std::nullopt;
    }

    /// Reads until the connection closes (bounded); returns the close code (0 if none seen).
    std::uint16_t wait_closed(int limit = 32)
    {
        for (int i = 0; i < limit && !closed_; ++i)
            (void)read();
        return closed_ ? static_cast<std::uint16_t>(reason_.code) : 0;
    }

    void close()
    {
        beast::error_code ec;
        with_stream([&](auto& s) { s.close(websocket::close_code::normal, ec); });
    }

    /// Drops the TCP connection without a close handshake (a client that vanishes).
    void vanish()
    {
        with_stream([](auto& s) {
            beast::error_code ec;
            beast::get_lowest_layer(s).shutdown(tcp::socket::shutdown_both, ec);
            beast::get_lowest_layer(s).close(ec);
        });
    }

    bool closed() const { return closed_; }

private:
    net::io_context ioc_;
    std::shared_ptr<net::ssl::context> ctx_;
    std::unique_ptr<tls_ws> tls_;
    std::unique_ptr<plain_ws> plain_;
    websocket::response_type response_;
    bool closed_ = false;
    websocket::close_reason reason_;
};

// ---- message builders (production encoder; the codec tests guard its bytes) ----

inline message make(std::uint32_t conf, std::uint16_t user, std::uint16_t tx, message_body b)
{
    message m;
    m.header.version = 1;
    m.header.conference = conference_id{conf};
    m.header.user = user_id{user};
    m.header.transaction = transaction_id{tx};
    m.payload = std::move(b);
    return m;
}

inline message hello_msg(std::uint32_t conf, std::uint16_t user, std::uint16_t tx)
{
    return make(conf, user, tx, hello{});
}

inline message request_msg(std::uint32_t conf, std::uint16_t user, std::uint16_t tx,
                           std::uint16_t floor = 1)
{
    floor_request r;
    r.floors.push_back(floor_id{floor});
    return make(conf, user, tx, r);
}

inline message release_msg(std::uint32_t conf, std::uint16_t user, std::uint16_t tx,
                           floor_request_id id)
{
    return make(conf, user, tx, floor_release{id});
}

/// The overall (else first floor) status of a FloorRequestStatus; nullopt for other messages.
inline std::optional<request_status> status_of(message const& m)
{
    auto const* s = std::get_if<floor_request_status>(&m.payload);
    if (!s) return std::nullopt;
    if (s->info.overall && s->info.overall->status) return s->info.overall->status->status;
    if (!s->info.floors.empty() && s->info.floors[0].status)
        return s->info.floors[0].status->status;
    return std::nullopt;
}

inline std::optional<floor_request_id> request_id_of(message const& m)
{
    auto const* s = std::get_if<floor_request_status>(&m.payload);
    if (!s) return std::nullopt;
    return s->info.id;
}

inline std::optional<error_code> error_of(message const& m)
{
    auto const* e = std::get_if<error_reply>(&m.payload);
    if (!e) return std::nullopt;
    return e->code;
}

inline auto has_status(request_status want)
{
    return [want](message const& m) { return status_of(m) == want; };
}

} // namespace e2e
