// Fault injection for both session kinds (the WebSocket session and the TCP/TLS BFCP stream
// session), in the style of Beast's test::stream with a fail count: the n-th operation on the
// server's stream fails, for every n until a run passes without a failure. Whatever fails, the
// connection ends with the handler told exactly once (on_close after on_open, or on_rejected before
// it), nothing left in the registry or the admission, and the session destroyed (ASan reports any
// leak). No real sockets.
#include "shared_state.hpp"
#include "stream_session.hpp"
#include "websocket_session.hpp"

#include <ws/connection_id.hpp>
#include <ws/tls.hpp>

#include <floorctl/codec.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/_experimental/test/fail_count.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace test = boost::beast::test;
using namespace std::chrono_literals;

std::vector<std::byte> hello(std::uint16_t tid)
{
    floorctl::message m;
    m.header.conference = floorctl::conference_id{1};
    m.header.user = floorctl::user_id{2};
    m.header.transaction = floorctl::transaction_id{tid};
    m.payload = floorctl::hello{};
    return floorctl::encode(m);
}

/// Counts what a session tells its handler (`Handler`: ws::stream_handler or a WebSocket
/// service) and echoes every message through the registry, so that writes, which may fail too,
/// happen.
template <class Handler> struct counting : Handler {
    void on_open(floorctl::connection_id, ws::binding const&, floorctl::transport_kind,
                 std::string const&) override
    {
        ++opens;
    }
    void on_frame(floorctl::connection_id conn, std::span<std::byte const> f) override
    {
        ++frames;
        if (auto r = reg.lock()) r->send(conn, f);
    }
    void on_close(floorctl::connection_id, ws::close_info const& info) override
    {
        ++closes;
        last_close = info;
    }

    std::weak_ptr<ws::registry> reg;
    int opens = 0;
    int frames = 0;
    int closes = 0;
    int rejections = 0; ///< connections ended before on_open (stream sessions tell them)
    ws::close_info last_close;
};

/// The stream sessions' handler: binds every first message.
struct counting_handler final : counting<ws::stream_handler> {
    floorctl::stream_verdict on_first_message(ws::stream_peer const&,
                                              std::span<std::byte const>) override
    {
        return floorctl::stream_accepted{floorctl::conference_id{1}, floorctl::user_id{2}};
    }
    void on_rejected(ws::stream_peer const&, std::string const&) override { ++rejections; }
};

struct outcome {
    int opens = 0;
    int frames = 0;
    int closes = 0;
    int rejections = 0;
    ws::close_info last_close;
    bool session_gone = false;
    std::size_t registered = 0;
    std::size_t admitted = 0;
};

/// What `h` was told, and what is left of the connection after the run.
template <class Handler>
outcome outcome_of(counting<Handler> const& h, std::weak_ptr<ws::session_base> const& session,
                   ws::registry const& reg, ws::admission const& admit)
{
    outcome o;
    o.opens = h.opens;
    o.frames = h.frames;
    o.closes = h.closes;
    o.rejections = h.rejections;
    o.last_close = h.last_close;
    o.session_gone = session.expired();
    o.registered = reg.count();
    o.admitted = admit.count();
    return o;
}

std::shared_ptr<ws::detail::stream_shared> make_shared_state(std::shared_ptr<counting_handler> h,
                                                             std::chrono::milliseconds bind_timeout)
{
    auto s = std::make_shared<ws::detail::stream_shared>();
    s->opts.bind_timeout = bind_timeout;
    s->opts.max_messages_per_second = 0;
    s->app = h;
    s->reg = std::make_shared<ws::registry>();
    s->admit = ws::admission::create({0, 0, 0});
    s->kind = floorctl::transport_kind::tcp;
    s->connections = 1; // as the listener counts it at accept
    h->reg = s->reg;
    return s;
}

/// One connection over a plain test stream whose `fail_after`-th operation fails: the client
/// sends two messages, then closes. `messages`: how many the client sends.
outcome run_plain(std::size_t fail_after, std::chrono::milliseconds bind_timeout, int messages)
{
    net::io_context ioc;
    auto h = std::make_shared<counting_handler>();
    auto shared = make_shared_state(h, bind_timeout);
    test::fail_count fc(fail_after);
    test::stream server(ioc, fc);
    test::stream client(ioc);
    server.connect(client);
    for (int i = 0; i < messages; ++i) {
        auto const m = hello(static_cast<std::uint16_t>(i + 1));
        client.write_some(net::buffer(m.data(), m.size()));
    }
    if (messages > 0) client.close(); // the peer's end after its messages

    std::weak_ptr<ws::session_base> weak;
    {
        ws::stream_peer peer;
        peer.conn = ws::allocate_connection_id();
        peer.remote_address = "192.0.2.1";
        auto slot = shared->admit->admit(peer.remote_address).slot;
        auto s = std::make_shared<ws::detail::stream_session<test::stream>>(
            shared, std::move(server), std::move(peer), std::move(slot));
        weak = s;
        s->start();
    }
    ioc.run();
    return outcome_of(*h, weak, *shared->reg, *shared->admit);
}

void expect_ended_once(outcome const& o, std::size_t n)
{
    SCOPED_TRACE("fail count " + std::to_string(n));
    EXPECT_LE(o.opens, 1);
    EXPECT_EQ(o.closes, o.opens);                  // on_close exactly once per on_open
    EXPECT_EQ(o.rejections, o.opens == 1 ? 0 : 1); // else on_rejected exactly once
    EXPECT_TRUE(o.session_gone);
    EXPECT_EQ(o.registered, 0u);
    EXPECT_EQ(o.admitted, 0u);
}

TEST(StreamSessionFaults, EveryReadAndWriteFailureEndsTheConnectionOnce)
{
    std::size_t n = 0;
    for (; n < 200; ++n) {
        auto const o = run_plain(n, 10s, 2);
        expect_ended_once(o, n);
        if (o.frames == 2 && o.last_close.origin == ws::close_origin::peer) break; // no failure
    }
    EXPECT_LT(n, 200u) << "a run without an injected failure never came";
    EXPECT_GT(n, 2u); // the reads and writes of the exchange were each failed once
}

TEST(StreamSessionFaults, BindTimerFiringAtEveryStepEndsTheConnectionOnce)
{
    // The bind timer expires at once: before the first message (silent client) and, for every
    // fail count, racing the reads and writes.
    auto const silent = run_plain(100, 0ms, 0);
    expect_ended_once(silent, 100);
    EXPECT_EQ(silent.opens, 0);
    for (std::size_t n = 0; n < 8; ++n)
        expect_ended_once(run_plain(n, 0ms, 2), n);
}

/// As run_plain, over TLS: the handshake's reads and writes fail too.
outcome run_tls(std::size_t fail_after)
{
    static auto const pem = ws::make_self_signed();
    static auto const server_ctx = ws::make_server_context(pem);
    static auto const client_ctx = ws::make_client_context(pem.certificate_pem);
    net::io_context ioc;
    auto h = std::make_shared<counting_handler>();
    auto shared = make_shared_state(h, 10s);
    shared->kind = floorctl::transport_kind::tls;
    test::fail_count fc(fail_after);
    using tls = net::ssl::stream<test::stream>;
    tls server(test::stream(ioc, fc), *server_ctx);
    tls client(test::stream(ioc), *client_ctx);
    server.next_layer().connect(client.next_layer());
    std::weak_ptr<ws::session_base> weak;
    {
        ws::stream_peer peer;
        peer.conn = ws::allocate_connection_id();
        peer.remote_address = "192.0.2.1";
        auto slot = shared->admit->admit(peer.remote_address).slot;
        auto s = std::make_shared<ws::detail::stream_session<tls>>(
            shared, std::move(server), std::move(peer), std::move(slot));
        weak = s;
        s->start();
    }
    auto const m = hello(1);
    client.async_handshake(net::ssl::stream_base::client, [&](boost::system::error_code ec) {
        if (ec) return client.next_layer().close();
        net::async_write(
            client, net::buffer(m.data(), m.size()),
            [&](boost::system::error_code, std::size_t) { client.next_layer().close(); });
    });
    ioc.run();
    return outcome_of(*h, weak, *shared->reg, *shared->admit);
}

TEST(StreamSessionFaults, EveryTlsHandshakeReadAndWriteFailureEndsTheConnectionOnce)
{
    std::size_t n = 0;
    for (; n < 200; ++n) {
        auto const o = run_tls(n);
        expect_ended_once(o, n);
        if (o.frames == 1) break; // the handshake and the message got through
    }
    EXPECT_LT(n, 200u);
    EXPECT_GT(n, 2u);
}

// --- WebSocket sessions -------------------------------------------------------------------

namespace beast = boost::beast;
namespace websocket = beast::websocket;

/// The BFCP service of the WebSocket runs: accepts any token.
struct counting_service final : counting<ws::handler> {
    ws::auth_result authenticate(std::string const&, ws::http_request const&,
                                 ws::request_context const&) override
    {
        return ws::binding{};
    }
    void on_http(ws::http_request, ws::request_context const&, ws::http_responder) override {}
};

/// The server side of one WebSocket connection: reads the upgrade request from `server` (as
/// the HTTP stage does), then hands it to a websocket_session with `conn` and `slot`; `session`
/// watches it.
void serve_upgrade(std::shared_ptr<test::stream> server,
                   std::shared_ptr<ws::detail::shared_state> st, floorctl::connection_id conn,
                   ws::detail::conn_slot slot, std::weak_ptr<ws::session_base>& session)
{
    auto buffer = std::make_shared<beast::flat_buffer>();
    auto req = std::make_shared<ws::http_request>();
    auto owned_slot = std::make_shared<ws::detail::conn_slot>(std::move(slot));
    beast::http::async_read(
        *server, *buffer, *req,
        [&session, server, st, conn, buffer, req, owned_slot](beast::error_code ec, std::size_t) {
            if (ec) return server->close();
            auto s = std::make_shared<ws::detail::websocket_session<test::stream>>(
                std::move(*server), st, ws::detail::conn_info{conn, "192.0.2.1", 1},
                std::move(*owned_slot));
            session = s;
            s->run(std::move(*req), "BFCP", ws::binding{}, st->services[0]);
        });
}

/// A binary client that offers the BFCP sub-protocol.
void offer_bfcp(websocket::stream<test::stream>& client)
{
    client.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
        r.set(beast::http::field::sec_websocket_protocol, "BFCP");
    }));
    client.binary(true);
}

/// One WebSocket connection whose server stream fails its `fail_after`-th operation (the first,
/// 0, is the read of the upgrade request, as the HTTP stage does it): the client upgrades, sends
/// one message, reads the echo, closes. `keepalive`: the keep-alive timer's period (tiny: it
/// fires between any two steps).
outcome run_websocket(std::size_t fail_after, std::chrono::milliseconds keepalive)
{
    net::io_context ioc;
    auto h = std::make_shared<counting_service>();
    ws::listener_options o;
    o.handshake_timeout = 5s;
    o.keepalive_timeout = keepalive;
    o.max_messages_per_second = 0;
    auto st = std::make_shared<ws::detail::shared_state>(o, h, ws::log_sink{});
    h->reg = st->reg;

    test::fail_count fc(fail_after);
    auto server = std::make_shared<test::stream>(ioc, fc);
    test::stream client_end(ioc);
    server->connect(client_end);
    websocket::stream<test::stream> client(std::move(client_end));
    std::weak_ptr<ws::session_base> weak;
    serve_upgrade(server, st, ws::allocate_connection_id(), {}, weak);
    offer_bfcp(client);
    std::vector<std::uint8_t> const msg(12, 7);
    beast::flat_buffer got;
    auto const give_up = [&] { client.next_layer().close(); };
    client.async_handshake("localhost", "/bfcp?token=t", [&](beast::error_code ec) {
        if (ec) return give_up();
        client.async_write(net::buffer(msg), [&](beast::error_code ec2, std::size_t) {
            if (ec2) return give_up();
            client.async_read(got, [&](beast::error_code ec3, std::size_t) {
                if (ec3) return give_up();
                client.async_close(websocket::close_code::normal,
                                   [&](beast::error_code) { give_up(); });
            });
        });
    });
    ioc.run();
    auto out = outcome_of(*h, weak, *st->reg, *st->admit);
    out.rejections = h->opens == 1 ? 0 : 1; // a WebSocket that never opened tells no one
    return out;
}

TEST(WebSocketSessionFaults, EveryHandshakeReadAndWriteFailureEndsTheConnectionOnce)
{
    std::size_t n = 0;
    for (; n < 200; ++n) {
        auto const o = run_websocket(n, 0ms);
        expect_ended_once(o, n);
        if (o.frames == 1 && o.last_close.origin == ws::close_origin::peer &&
            o.last_close.code == ws::close_code::normal)
            break; // no failure injected
    }
    EXPECT_LT(n, 200u) << "a run without an injected failure never came";
    EXPECT_GT(n, 3u);
}

TEST(WebSocketSessionFaults, KeepAliveTimerFiringAtEveryStepEndsTheConnectionOnce)
{
    for (std::size_t n = 0; n < 16; ++n)
        expect_ended_once(run_websocket(n, 2ms), n);
}

// The server starts a close (here as at shutdown: 1001 through the registry) and the peer never
// answers the close frame: the session still ends, at close_timeout, as a local close that the
// service hears once and the log records, with nothing left registered or admitted.
TEST(WebSocketSessionFaults, UnansweredCloseFrameEndsTheSessionAtTheCloseTimeout)
{
    net::io_context ioc;
    auto h = std::make_shared<counting_service>();
    ws::listener_options o;
    o.handshake_timeout = 10s; // not what ends this connection
    o.close_timeout = 50ms;
    o.keepalive_timeout = 0ms;
    o.max_messages_per_second = 0;
    o.max_connections = 10;
    std::vector<std::string> log;
    auto st = std::make_shared<ws::detail::shared_state>(
        o, h, [&log](ws::log_level, std::string_view msg, ws::log_fields const&) {
            log.emplace_back(msg);
        });
    h->reg = st->reg;

    auto server = std::make_shared<test::stream>(ioc);
    test::stream client_end(ioc);
    server->connect(client_end);
    websocket::stream<test::stream> client(std::move(client_end));
    auto const conn = ws::allocate_connection_id();
    auto admitted = st->admit->admit("192.0.2.1");
    ASSERT_EQ(admitted.verdict, ws::admission_verdict::admitted);
    std::weak_ptr<ws::session_base> weak;
    serve_upgrade(server, st, conn, std::move(admitted.slot), weak);
    offer_bfcp(client);

    // The client reads the raw close frame and then stays silent: no close frame back.
    std::array<std::uint8_t, 64> raw{};
    std::size_t got = 0;
    std::chrono::steady_clock::time_point close_started;
    client.async_handshake("localhost", "/bfcp?token=t", [&](beast::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        close_started = std::chrono::steady_clock::now();
        EXPECT_TRUE(st->reg->close(conn, ws::close_code::going_away, "shutdown"));
        client.next_layer().async_read_some(net::buffer(raw),
                                            [&](beast::error_code, std::size_t n) { got = n; });
    });
    ioc.run_for(10s); // the bound: a session that never ends leaves work behind
    auto const took = std::chrono::steady_clock::now() - close_started;

    ASSERT_GE(got, 4u);
    EXPECT_EQ(raw[0], 0x88);               // FIN, opcode 8 (close), RFC 6455 §5.2
    EXPECT_EQ(raw[2] << 8 | raw[3], 1001); // status code: going away
    auto const o2 = outcome_of(*h, weak, *st->reg, *st->admit);
    EXPECT_EQ(o2.opens, 1);
    EXPECT_EQ(o2.closes, 1);
    EXPECT_EQ(o2.last_close.code, ws::close_code::going_away);
    EXPECT_EQ(o2.last_close.origin, ws::close_origin::local);
    EXPECT_EQ(o2.last_close.reason, "shutdown");
    EXPECT_TRUE(o2.session_gone);
    EXPECT_EQ(o2.registered, 0u);
    EXPECT_EQ(o2.admitted, 0u);
    EXPECT_GE(took, o.close_timeout); // it waited for the peer's answer first
    auto const closed_line = std::find_if(log.begin(), log.end(), [](std::string const& l) {
        return l.rfind("websocket closed: ", 0) == 0 && l.find("shutdown") != std::string::npos;
    });
    EXPECT_NE(closed_line, log.end());
}

} // namespace
