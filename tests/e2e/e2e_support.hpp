#pragma once
// End-to-end helpers: the in-process floorctl (test_server, tests/support/app_fixture.hpp), and
// blocking HTTP, BFCP-over-WebSocket and TCP/TLS BFCP clients built on the shared
// test clients (tests/support), whose every step is bounded: a broken server fails the test
// instead of hanging it.

#include <floorctl/codec.hpp>

#include <ws/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/bfcp_stream_client.hpp"
#include "support/client_io.hpp"
#include "support/ws_client.hpp"

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

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace floorctl;

using test_support::await_op;

using test_support::test_config;
using test_support::test_server;

/// An HTTPS (or HTTP) request to 127.0.0.1:`port`, every step bounded; returns status and
/// body. Throws boost::system::system_error when a step fails.
inline std::pair<unsigned, std::string> http_request(std::uint16_t port, http::verb method,
                                                     std::string const& target,
                                                     std::string body = {}, bool tls = true,
                                                     std::string const& bearer = {})
{
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    req.body() = std::move(body);
    req.prepare_payload();
    http::response<http::string_body> res;
    beast::flat_buffer buf;
    tcp::endpoint const server{net::ip::make_address("127.0.0.1"), port};
    test_support::client_io io;
    auto const exchange = [&](auto& s) {
        if (auto ec = await_op(
                [&](auto done) { beast::get_lowest_layer(s).async_connect(server, done); }))
            return ec;
        if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, beast::tcp_stream>) {
            if (auto ec = await_op(
                    [&](auto done) { s.async_handshake(net::ssl::stream_base::client, done); }))
                return ec;
        }
        if (auto ec = await_op([&](auto done) { http::async_write(s, req, done); })) return ec;
        return await_op([&](auto done) { http::async_read(s, buf, res, done); });
    };
    beast::error_code ec;
    if (tls) {
        auto ctx = ws::make_client_context();
        beast::ssl_stream<beast::tcp_stream> s(io.context(), *ctx);
        ec = exchange(s);
        if (!ec) (void)await_op([&](auto done) { s.async_shutdown(done); });
        io.stop(); // before the stream goes
    } else {
        beast::tcp_stream s(io.context());
        ec = exchange(s);
        io.stop();
    }
    if (ec) throw boost::system::system_error(ec);
    return {res.result_int(), res.body()};
}

/// A BFCP-over-WebSocket client (RFC 8857) of floorctl: binary messages, sub-protocol "BFCP",
/// over WSS (not verifying the server's certificate) or WS. Messages go through the production
/// codec; the transport is the shared test client, every operation bounded.
class client {
public:
    /// Connects with `token`; throws boost::system::system_error when that fails (for instance
    /// the server's 401 or 403: see handshake_response()).
    explicit client(std::uint16_t port, std::string const& token, bool tls = true)
        : ws_(make(io_.context(), {net::ip::make_address("127.0.0.1"), port}, tls))
    {
        auto const ec =
            std::visit([&](auto& c) { return c.connect("/bfcp?token=" + token, "BFCP"); }, ws_);
        if (ec) throw boost::system::system_error(ec);
    }

    ~client() { io_.stop(); } // before the stream goes: see client_io

    client(client const&) = delete;
    client& operator=(client const&) = delete;

    websocket::response_type const& handshake_response() const
    {
        return std::visit([](auto const& c) -> websocket::response_type const& { return c.res; },
                          ws_);
    }

    void send(message const& m)
    {
        auto const bytes = encode(m);
        auto const ec = std::visit([&](auto& c) { return c.send(bytes); }, ws_);
        if (ec) throw boost::system::system_error(ec);
    }

    /// The next message, or nullopt when the connection closed (see wait_closed()).
    std::optional<message> read()
    {
        auto const ec = std::visit([](auto& c) { return c.read(); }, ws_);
        if (ec) {
            closed_ = true;
            if (ec == websocket::error::closed)
                code_ = std::visit([](auto& c) { return c.ws.reason().code; }, ws_);
            return std::nullopt;
        }
        auto const data = std::visit([](auto& c) { return c.buffer.cdata(); }, ws_);
        auto const* p = static_cast<std::byte const*>(data.data());
        std::vector<std::byte> frame(p, p + data.size());
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
        return closed_ ? code_ : 0;
    }

    void close()
    {
        (void)std::visit([](auto& c) { return c.close(websocket::close_code::normal); }, ws_);
    }

    /// Drops the TCP connection without a close handshake (a client that vanishes).
    void vanish()
    {
        std::visit([](auto& c) { c.vanish(); }, ws_);
    }

    bool closed() const { return closed_; }

private:
    using either = std::variant<test_support::ws_client<true>, test_support::ws_client<false>>;

    static either make(net::io_context& ioc, tcp::endpoint server, bool tls)
    {
        if (tls) return either{std::in_place_index<0>, ioc, server, ws::make_client_context()};
        return either{std::in_place_index<1>, ioc, server};
    }

    test_support::client_io io_; // first: its io_context outlives the stream
    either ws_;
    bool closed_ = false;
    std::uint16_t code_ = 0;
};

/// The io_context a stream_client runs on, as a base so that it is made before the client
/// and destroyed after it.
struct client_io_base {
    test_support::client_io io;
};

/// A TCP/BFCP or TCP/TLS/BFCP connection (not verifying the server's certificate) to
/// floorctl on 127.0.0.1, made at construction; throws boost::system::system_error when it fails.
class stream_client : private client_io_base, public test_support::bfcp_stream_client {
public:
    explicit stream_client(std::uint16_t port, bool tls = false)
        : bfcp_stream_client(io.context(), tls ? ws::make_client_context() : nullptr)
    {
        if (auto ec = connect({net::ip::make_address("127.0.0.1"), port}))
            throw boost::system::system_error(ec);
    }
    ~stream_client() { io.stop(); } // before the socket goes: see client_io
    stream_client(stream_client const&) = delete;
    stream_client& operator=(stream_client const&) = delete;
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
