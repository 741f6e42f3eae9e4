// ws::listener over plain TCP on 127.0.0.1:0, with 1 and 4 io threads: every handshake
// rejection, RFC 8857 frame rules, registry send/close from another thread, limits, HTTP.
#include "harness.hpp"

#include <array>
#include <cstring>

namespace {

using namespace ws_test;

class Listener : public ::testing::TestWithParam<int> {
protected:
    std::unique_ptr<harness> start(ws::listener_options o = test_options())
    {
        return std::make_unique<harness>(std::move(o), GetParam());
    }
};

INSTANTIATE_TEST_SUITE_P(IoThreads, Listener, ::testing::Values(1, 4),
                         [](auto const& p) { return std::to_string(p.param) + "Threads"; });

std::vector<std::uint8_t> pattern(std::size_t n)
{
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return v;
}

// --- handshake ------------------------------------------------------------------------------

TEST_P(Listener, ValidHandshakeEchoesSubprotocolAndBindsTheConnection)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect("/bfcp?token=good-1", "BFCP"));
    EXPECT_EQ(c.res.result(), http::status::switching_protocols);
    EXPECT_EQ(c.res[http::field::sec_websocket_protocol], "BFCP");
    EXPECT_EQ(c.res.find(http::field::sec_websocket_extensions), c.res.end());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    auto const& o = h->app->opens[0];
    EXPECT_NE(floorctl::to_underlying(o.conn), 0u);
    EXPECT_EQ(o.bound.conference, floorctl::conference_id{7});
    EXPECT_EQ(o.bound.user, floorctl::user_id{42});
    EXPECT_EQ(o.bound.key, "good-1");
    EXPECT_EQ(o.transport, floorctl::transport_kind::ws);
    EXPECT_EQ(o.remote.rfind("127.0.0.1:", 0), 0u);
    EXPECT_EQ(h->listener->connections().count(), 1u);
}

TEST_P(Listener, LowerCaseSubprotocolIsEchoedLowerCase)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect("/bfcp?token=good", "bfcp"));
    EXPECT_EQ(c.res[http::field::sec_websocket_protocol], "bfcp");
}

TEST_P(Listener, PermessageDeflateOfferIsNotAccepted)
{
    auto h = start();
    client<false> c{*h};
    websocket::permessage_deflate pmd;
    pmd.client_enable = true;
    c.ws.set_option(pmd);
    ASSERT_FALSE(c.connect());
    EXPECT_EQ(c.res.find(http::field::sec_websocket_extensions), c.res.end());
}

struct rejection {
    std::string target;
    std::string protocol;
    http::status status;
    ws::upgrade_failure failure;
};

TEST_P(Listener, EveryHandshakeRejectionHasItsStatusAndABody)
{
    auto h = start();
    std::vector<rejection> const cases = {
        {"/bfcp?token=good", "", http::status::bad_request, ws::upgrade_failure::no_subprotocol},
        {"/bfcp?token=good", "chat", http::status::bad_request,
         ws::upgrade_failure::no_subprotocol},
        {"/elsewhere?token=good", "BFCP", http::status::not_found, ws::upgrade_failure::wrong_path},
        {"/bfcp", "BFCP", http::status::unauthorized, ws::upgrade_failure::no_token},
        {"/bfcp?token=bogus", "BFCP", http::status::unauthorized, ws::upgrade_failure::auth_denied},
        {"/bfcp?token=expired", "BFCP", http::status::forbidden, ws::upgrade_failure::auth_denied},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto const& k = cases[i];
        client<false> c{*h};
        auto const ec = c.connect(k.target, k.protocol);
        EXPECT_EQ(ec, websocket::error::upgrade_declined) << k.target << " " << k.protocol;
        EXPECT_EQ(c.res.result(), k.status) << k.target << " " << k.protocol;
        EXPECT_FALSE(c.res.body().empty());
        ASSERT_TRUE(h->app->wait([&] { return h->app->rejects.size() == i + 1; }));
        EXPECT_EQ(h->app->rejects[i].first, k.failure);
        EXPECT_EQ(h->app->rejects[i].second, k.status);
    }
    EXPECT_TRUE(h->logged("handshake rejected: 403 auth_denied: token expired"));
    EXPECT_TRUE(h->app->opens.empty());
}

TEST_P(Listener, UnauthorizedAnswerCarriesABearerChallenge)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_EQ(c.connect("/bfcp", "BFCP"), websocket::error::upgrade_declined);
    EXPECT_EQ(c.res[http::field::www_authenticate], "Bearer realm=\"bfcp\"");
}

TEST_P(Listener, TokenFromCookieAndFromBearerHeader)
{
    auto h = start();
    client<false> a{*h};
    ASSERT_FALSE(a.connect("/bfcp", "BFCP", [](websocket::request_type& r) {
        r.set(http::field::cookie, "bfcp_token=good-cookie");
    }));
    client<false> b{*h};
    ASSERT_FALSE(b.connect("/bfcp", "BFCP", [](websocket::request_type& r) {
        r.set(http::field::authorization, "Bearer good-header");
    }));
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 2; }));
    std::vector<std::string> keys{h->app->opens[0].bound.key, h->app->opens[1].bound.key};
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"good-cookie", "good-header"}));
}

TEST_P(Listener, OriginOutsideTheAllowListIs403)
{
    auto o = test_options();
    o.upgrade.allowed_origins = {"https://app.example"};
    auto h = start(std::move(o));
    client<false> bad{*h};
    EXPECT_EQ(bad.connect("/bfcp?token=good", "BFCP",
                          [](websocket::request_type& r) {
                              r.set(http::field::origin, "https://evil.example");
                          }),
              websocket::error::upgrade_declined);
    EXPECT_EQ(bad.res.result(), http::status::forbidden);
    client<false> good{*h};
    EXPECT_FALSE(good.connect("/bfcp?token=good", "BFCP", [](websocket::request_type& r) {
        r.set(http::field::origin, "https://app.example");
    }));
}

TEST_P(Listener, OversizeHeaderIs431)
{
    auto o = test_options();
    o.max_header_bytes = 2048;
    auto h = start(std::move(o));
    client<false> c{*h};
    auto const ec = c.connect("/bfcp?token=good", "BFCP", [](websocket::request_type& r) {
        r.set("X-Padding", std::string(4096, 'p'));
    });
    EXPECT_EQ(ec, websocket::error::upgrade_declined);
    EXPECT_EQ(c.res.result(), http::status::request_header_fields_too_large);
    ASSERT_TRUE(h->app->wait([&] { return !h->app->rejects.empty(); }));
    EXPECT_EQ(h->app->rejects[0].first, ws::upgrade_failure::header_too_large);
}

TEST_P(Listener, SlowHandshakeIsClosedByTheHandshakeTimeout)
{
    auto o = test_options();
    o.handshake_timeout = 200ms;
    auto h = start(std::move(o));
    tcp::socket s{h->cioc};
    ASSERT_FALSE(await_op([&](auto done) { s.async_connect(h->endpoint(), done); }));
    std::string const partial = "GET /bfcp?token=good HTTP/1.1\r\nHost: localhost\r\n";
    ASSERT_FALSE(await_op([&](auto done) { net::async_write(s, net::buffer(partial), done); }));
    char byte = 0;
    // The server closes without answering: the read ends with EOF (or reset), never hangs.
    auto const ec = await_op([&](auto done) { s.async_read_some(net::buffer(&byte, 1), done); });
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    ASSERT_TRUE(h->app->wait([&] { return !h->app->rejects.empty(); }));
    EXPECT_EQ(h->app->rejects[0].first, ws::upgrade_failure::timeout);
}

TEST_P(Listener, SilentConnectionIsClosedByTheHandshakeTimeout)
{
    auto o = test_options();
    o.handshake_timeout = 200ms;
    auto h = start(std::move(o));
    tcp::socket s{h->cioc};
    ASSERT_FALSE(await_op([&](auto done) { s.async_connect(h->endpoint(), done); }));
    char byte = 0;
    auto const ec = await_op([&](auto done) { s.async_read_some(net::buffer(&byte, 1), done); });
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

// --- frames (RFC 8857 §5) -------------------------------------------------------------------

TEST_P(Listener, BinaryMessageIsDeliveredIntact)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    auto const small = pattern(12);
    auto const largest = pattern(floorctl::max_message_size);
    ASSERT_FALSE(c.send(small));
    ASSERT_FALSE(c.send(largest));
    ASSERT_TRUE(h->app->wait([&] { return h->app->frames.size() == 2; }));
    auto const as_bytes = [](std::vector<std::uint8_t> const& v) {
        std::vector<std::byte> out(v.size());
        std::memcpy(out.data(), v.data(), v.size());
        return out;
    };
    EXPECT_EQ(h->app->frames[0].second, as_bytes(small));
    EXPECT_EQ(h->app->frames[1].second, as_bytes(largest));
    EXPECT_EQ(h->app->frames[0].first, h->app->opens.at(0).conn);
}

TEST_P(Listener, TextFrameIsClosedWith1003)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    c.ws.text(true);
    std::string const text = "hello";
    ASSERT_FALSE(await_op([&](auto done) { c.ws.async_write(net::buffer(text), done); }));
    EXPECT_EQ(c.read_until_closed(), 1003);
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::unsupported_data);
    EXPECT_EQ(h->app->closes[0].second.origin, ws::close_origin::local);
    EXPECT_TRUE(h->app->frames.empty());
}

TEST_P(Listener, FragmentedMessageIsClosedWith1002)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    auto const part = pattern(8);
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_write_some(false, net::buffer(part), done); }));
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_write_some(true, net::buffer(part), done); }));
    EXPECT_EQ(c.read_until_closed(), 1002);
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::protocol_error);
    EXPECT_TRUE(h->app->frames.empty());
}

TEST_P(Listener, OversizeMessageIsClosedWith1009)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    // Only the header of a frame one octet longer than any BFCP message: the server must refuse
    // it from the length alone. (Writing the whole payload races the server's teardown, which
    // resets the connection under a client that is still writing.)
    std::uint64_t const len = floorctl::max_message_size + 1;
    std::vector<std::uint8_t> header{0x82, 0x80 | 127}; // FIN + binary; MASK + 64-bit length
    for (int i = 7; i >= 0; --i)
        header.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
    header.insert(header.end(), {1, 2, 3, 4}); // masking key
    auto& sock = beast::get_lowest_layer(c.ws).socket();
    ASSERT_FALSE(await_op([&](auto done) { net::async_write(sock, net::buffer(header), done); }));
    std::array<std::uint8_t, 4> close_frame{};
    ASSERT_FALSE(
        await_op([&](auto done) { net::async_read(sock, net::buffer(close_frame), done); }));
    // 0x88: FIN + close; 0x02: unmasked, 2 octets; 0x03F1 = 1009 (RFC 6455 §7.4.1)
    EXPECT_EQ(close_frame, (std::array<std::uint8_t, 4>{0x88, 0x02, 0x03, 0xF1}));
    sock.shutdown(tcp::socket::shutdown_send); // the server's teardown waits for our FIN
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::message_too_big);
    EXPECT_TRUE(h->app->frames.empty());
}

TEST_P(Listener, PeerCloseIsReportedOnceWithThePeersCode)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_close(websocket::close_code::normal, done); }));
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::normal);
    EXPECT_EQ(h->app->closes[0].second.origin, ws::close_origin::peer);
    EXPECT_TRUE(h->app->wait([&] { return h->listener->connections().count() == 0; }));
}

TEST_P(Listener, VanishedPeerIsReportedAsAbnormal)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    beast::get_lowest_layer(c.ws).socket().close();
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::abnormal);
    EXPECT_EQ(h->app->closes[0].second.origin, ws::close_origin::network);
}

// --- registry: send/close from another thread --------------------------------------------------

TEST_P(Listener, SendFromAnotherThreadArrivesAsOneBinaryMessage)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    auto const conn = h->app->opens[0].conn;
    std::vector<std::byte> frame(70000);
    for (std::size_t i = 0; i < frame.size(); ++i)
        frame[i] = static_cast<std::byte>(i % 251);
    auto const expected = frame;
    std::thread([&] {
        EXPECT_TRUE(h->listener->connections().send(conn, std::move(frame)));
    }).join();
    ASSERT_FALSE(c.read());
    EXPECT_TRUE(c.ws.got_binary());
    ASSERT_EQ(c.buffer.size(), expected.size());
    EXPECT_EQ(std::memcmp(c.buffer.cdata().data(), expected.data(), expected.size()), 0);
    EXPECT_FALSE(
        h->listener->connections().send(floorctl::connection_id{999999}, std::vector<std::byte>{}));
}

// RFC 6455 §5.6: every message goes out with the kind it was sent with (SIP as text, BFCP as
// binary, RFC 7118 §5.2 / RFC 8857 §5), whether it is a reply written at once from inside
// on_frame or goes through the inbox from another thread; one shared frame can go as both.
TEST_P(Listener, EachMessageIsFramedAsTheKindItWasSentWith)
{
    auto h = start();
    auto& reg = h->listener->connections();
    auto const as_bytes = [](std::string_view s) { return std::as_bytes(std::span{s}); };
    h->app->frame_hook = [&](floorctl::connection_id conn, std::vector<std::byte> const&) {
        EXPECT_TRUE(reg.send(conn, as_bytes("inline text"), ws::message_kind::text));
        EXPECT_TRUE(reg.send(conn, as_bytes("inline binary")));
    };
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    auto const conn = h->app->opens[0].conn;
    auto const shared = ws::make_frame(as_bytes("shared"));
    std::thread([&] {
        EXPECT_TRUE(reg.send(conn, as_bytes("posted text"), ws::message_kind::text));
        EXPECT_TRUE(reg.send(conn, shared, ws::message_kind::binary));
        EXPECT_TRUE(reg.send(conn, shared, ws::message_kind::text));
        EXPECT_TRUE(reg.send(conn, as_bytes("posted binary")));
    }).join();
    ASSERT_FALSE(c.send(std::vector<std::uint8_t>{1}));

    std::vector<std::pair<std::string, bool>> got; // message, arrived as text
    for (int i = 0; i < 6; ++i) {
        ASSERT_FALSE(c.read());
        got.emplace_back(c.last(), c.ws.got_text());
    }
    std::vector<std::pair<std::string, bool>> const expected{
        {"posted text", true},    {"shared", false},     {"shared", true},
        {"posted binary", false}, {"inline text", true}, {"inline binary", false}};
    EXPECT_EQ(got, expected);
}

// Replies sent from inside on_frame are written at once on the reader's strand; frames sent from
// other threads go through the connection's inbox and a posted drain. A sender that uses both
// paths one after the other (the core's shard runs inline on a reader's thread or on another
// thread) must see its frames arrive in the order it sent them (ws/src/inbox.hpp).
TEST_P(Listener, FramesFromOneSenderKeepTheirOrderAcrossInlineAndPostedPaths)
{
    auto h = start();
    constexpr int messages = 80;
    std::mutex sender;     // serialises the one logical sender, like a core shard's strand
    std::uint16_t seq = 0; // guarded by sender
    auto send_next = [&](floorctl::connection_id conn) {
        auto const n = seq++;
        EXPECT_TRUE(h->listener->connections().send(
            conn, std::vector<std::byte>{static_cast<std::byte>(n >> 8),
                                         static_cast<std::byte>(n & 0xff)}));
    };
    std::mutex m;
    std::condition_variable cv;
    std::vector<floorctl::connection_id> jobs; // guarded by m
    bool stop = false;                         // guarded by m
    std::thread worker([&] {
        std::unique_lock l(m);
        for (;;) {
            cv.wait(l, [&] { return stop || !jobs.empty(); });
            if (jobs.empty()) return;
            auto const conn = jobs.front();
            jobs.erase(jobs.begin());
            l.unlock();
            {
                std::lock_guard s_lock(sender);
                send_next(conn);
                send_next(conn);
            }
            l.lock();
        }
    });
    h->app->frame_hook = [&](floorctl::connection_id conn, std::vector<std::byte> const&) {
        {
            std::lock_guard s_lock(sender);
            send_next(conn); // inline: on the reader's strand, inside the hand-over
        }
        std::lock_guard l(m);
        jobs.push_back(conn);
        cv.notify_all();
    };
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    for (int k = 0; k < messages; ++k)
        ASSERT_FALSE(c.send({static_cast<std::uint8_t>(k)}));
    for (int i = 0; i < 3 * messages; ++i) {
        ASSERT_FALSE(c.read()) << "after " << i << " messages";
        ASSERT_EQ(c.buffer.size(), 2u);
        auto const* b = static_cast<unsigned char const*>(c.buffer.cdata().data());
        ASSERT_EQ(b[0] << 8 | b[1], i) << "frame out of order";
    }
    {
        std::lock_guard l(m);
        stop = true;
        cv.notify_all();
    }
    worker.join();
    h->app->frame_hook = nullptr;
}

TEST_P(Listener, CloseFlushesQueuedMessagesFirst)
{
    auto h = start();
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    auto const conn = h->app->opens[0].conn;
    auto& reg = h->listener->connections();
    std::thread([&] {
        for (int i = 0; i < 3; ++i)
            reg.send(conn, std::vector<std::byte>(16, static_cast<std::byte>(i)));
        reg.close(conn, ws::close_code::policy_violation, "superseded");
    }).join();
    for (int i = 0; i < 3; ++i) {
        ASSERT_FALSE(c.read());
        EXPECT_EQ(c.buffer.size(), 16u);
        EXPECT_EQ(static_cast<unsigned char const*>(c.buffer.cdata().data())[0], i);
    }
    EXPECT_EQ(c.read_until_closed(), 1008);
    EXPECT_EQ(c.ws.reason().reason, "superseded");
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::policy_violation);
    EXPECT_EQ(h->app->closes[0].second.origin, ws::close_origin::local);
    EXPECT_FALSE(reg.send(conn, std::vector<std::byte>(1)));
}

TEST_P(Listener, CloseAllSendsGoingAwayToEveryone)
{
    auto h = start();
    client<false> a{*h};
    client<false> b{*h};
    ASSERT_FALSE(a.connect());
    ASSERT_FALSE(b.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 2; }));
    h->listener->connections().close_all(ws::close_code::going_away, "shutting down");
    EXPECT_EQ(a.read_until_closed(), 1001);
    EXPECT_EQ(b.read_until_closed(), 1001);
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 2; }));
    EXPECT_TRUE(h->app->wait([&] { return h->listener->connections().count() == 0; }));
}

TEST_P(Listener, SlowReaderIsClosedWhenTheQueueBoundIsExceeded)
{
    auto o = test_options();
    o.max_write_queue_bytes = 256 * 1024;
    auto h = start(std::move(o));
    client<false> c{*h}; // never reads again after the handshake
    ASSERT_FALSE(c.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    auto const conn = h->app->opens[0].conn;
    auto const frame = std::make_shared<ws::frame_bytes const>(64 * 1024);
    // Kernel socket buffers absorb a few MB first; 4096 x 64 KiB (shared) is far beyond them.
    for (int i = 0; i < 4096 && h->listener->connections().send(conn, frame); ++i) {
    }
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::policy_violation);
    EXPECT_EQ(h->app->closes[0].second.reason, "write queue overflow");
    EXPECT_TRUE(h->logged("write queue overflow"));
}

// The client reads, which answers the server's pings (Beast's client replies with pongs), and
// sends nothing else: it is pinged and stays open for five keep-alive timeouts.
TEST_P(Listener, ServerSendsKeepAlivePingsAndAnsweredOnesKeepTheConnection)
{
    auto o = test_options();
    o.keepalive_timeout = 200ms;
    auto h = start(std::move(o));
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    std::promise<void> pinged;
    bool once = false;
    c.ws.control_callback([&](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::ping && !once) {
            once = true;
            pinged.set_value();
        }
    });
    std::promise<beast::error_code> read_done;
    c.ws.async_read(c.buffer, [&](beast::error_code ec, std::size_t) { read_done.set_value(ec); });
    auto ping_seen = pinged.get_future();
    EXPECT_EQ(ping_seen.wait_for(io_bound), std::future_status::ready);
    // A measured window of five keep-alive timeouts, then: still open.
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(h->app->holds([&] { return h->app->closes.empty(); }));
    net::post(c.ws.get_executor(), [&] { beast::get_lowest_layer(c.ws).socket().close(); });
    auto read_ended = read_done.get_future();
    ASSERT_EQ(read_ended.wait_for(io_bound), std::future_status::ready);
    EXPECT_TRUE(read_ended.get()); // ends with the socket we closed
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_NE(h->app->closes[0].second.reason, "keep-alive timeout");
}

// Sends `n` small messages `every` apart, then checks that all arrived and nothing was closed.
void keep_talking(harness& h, client<false>& c, int n, std::chrono::milliseconds every)
{
    for (int i = 0; i < n; ++i) {
        ASSERT_FALSE(c.send({1, 2, 3}));
        std::this_thread::sleep_for(every);
    }
    ASSERT_TRUE(h.app->wait([&] { return h.app->frames.size() == static_cast<std::size_t>(n); }));
    EXPECT_TRUE(h.app->holds([&] { return h.app->closes.empty(); }));
}

// A client that never reads never answers a ping: messages alone keep it open, and once they
// stop it is dropped (1006, "keep-alive timeout").
TEST_P(Listener, UnansweredPingsEndTheConnectionOnceMessagesStop)
{
    auto o = test_options();
    o.keepalive_timeout = 300ms;
    auto h = start(std::move(o));
    client<false> c{*h}; // never reads, so never answers a ping
    ASSERT_FALSE(c.connect());
    // Four keep-alive timeouts, one message every quarter of one: always a sign of life.
    keep_talking(*h, c, 16, 75ms);
    // Then silence, pings unanswered: dropped within 1.5 timeouts (plus scheduling).
    auto const silent_from = std::chrono::steady_clock::now();
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_LT(std::chrono::steady_clock::now() - silent_from, 2s);
    EXPECT_EQ(h->app->closes[0].second.code, ws::close_code::abnormal);
    EXPECT_EQ(h->app->closes[0].second.reason, "keep-alive timeout");
}

TEST_P(Listener, MessageIdleTimeoutClosesWith1000)
{
    auto o = test_options();
    o.message_idle_timeout = 200ms;
    auto h = start(std::move(o));
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    EXPECT_EQ(c.read_until_closed(), 1000);
    EXPECT_EQ(c.ws.reason().reason, "idle timeout");
}

TEST_P(Listener, MessagesKeepTheIdleTimerAlive)
{
    auto o = test_options();
    o.message_idle_timeout = 600ms;
    auto h = start(std::move(o));
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    // Three times the timeout in all, one message every quarter of it: never idle that long.
    keep_talking(*h, c, 12, 150ms);
    // Then silence: the timer, armed once, closes the connection.
    EXPECT_EQ(c.read_until_closed(), 1000);
    EXPECT_EQ(c.ws.reason().reason, "idle timeout");
}

// --- limits ---------------------------------------------------------------------------------

TEST_P(Listener, ConnectionsPerAddressAreLimited)
{
    auto o = test_options();
    o.max_connections_per_address = 2;
    auto h = start(std::move(o));
    client<false> a{*h};
    client<false> b{*h};
    client<false> c{*h};
    ASSERT_FALSE(a.connect());
    ASSERT_FALSE(b.connect());
    EXPECT_TRUE(c.connect()); // refused at accept: the handshake cannot complete
    ASSERT_TRUE(h->app->wait([&] { return !h->app->rejects.empty(); }));
    EXPECT_EQ(h->app->rejects[0].first, ws::upgrade_failure::limit_exceeded);
    EXPECT_TRUE(h->logged("connection limit reached (per address)"));
    // A slot is free again once a connection is gone.
    ASSERT_FALSE(
        await_op([&](auto done) { a.ws.async_close(websocket::close_code::normal, done); }));
    ASSERT_TRUE(h->app->wait([&] { return h->listener->tcp_connection_count() == 1; }));
    client<false> d{*h};
    EXPECT_FALSE(d.connect());
}

TEST_P(Listener, TotalConnectionsAreLimited)
{
    auto o = test_options();
    o.max_connections = 1;
    auto h = start(std::move(o));
    client<false> a{*h};
    client<false> b{*h};
    ASSERT_FALSE(a.connect());
    EXPECT_TRUE(b.connect());
    EXPECT_TRUE(h->logged("connection limit reached (total)"));
}

TEST_P(Listener, MessageRateIsLimitedWith1008)
{
    auto o = test_options();
    o.max_messages_per_second = 2;
    auto h = start(std::move(o));
    client<false> c{*h};
    ASSERT_FALSE(c.connect());
    auto const msg = pattern(12);
    for (int i = 0; i < 200; ++i) {
        if (c.send(msg)) break;
    }
    EXPECT_EQ(c.read_until_closed(), 1008);
    EXPECT_EQ(c.ws.reason().reason, "message rate exceeded");
    ASSERT_TRUE(h->app->wait([&] { return h->app->closes.size() == 1; }));
    EXPECT_LE(h->app->frames.size(), 3u); // the burst allowance, no more
}

// --- HTTP -----------------------------------------------------------------------------------

TEST_P(Listener, HttpRequestsGoToTheAppWithKeepAlive)
{
    auto h = start();
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/healthz", res));
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), "ok\n");
    EXPECT_TRUE(res.keep_alive());
    ASSERT_FALSE(http_get(s, "/api/nothing", res, false)); // same connection
    EXPECT_EQ(res.result(), http::status::not_found);
    EXPECT_FALSE(res.keep_alive());
    ASSERT_TRUE(h->app->wait([&] { return h->app->http_targets.size() == 2; }));
    EXPECT_EQ(h->app->http_targets[0], "/healthz");
    EXPECT_EQ(h->app->http_targets[1], "/api/nothing");
    EXPECT_FALSE(h->app->http_secure[0]);
}

TEST_P(Listener, DroppedResponderIsAnswered500AndTheConnectionStaysUsable)
{
    auto h = start();
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/drop", res));
    EXPECT_EQ(res.result(), http::status::internal_server_error);
    ASSERT_FALSE(http_get(s, "/healthz", res)); // keep-alive survives the 500
    EXPECT_EQ(res.result(), http::status::ok);
}

TEST_P(Listener, ConnectionOverTheTotalLimitIsAnswered503WithRetryAfter)
{
    auto o = test_options();
    o.max_connections = 1;
    auto h = start(std::move(o));
    client<false> a{*h}; // holds the one connection until the end
    ASSERT_FALSE(a.connect());
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/healthz", res));
    EXPECT_EQ(res.result(), http::status::service_unavailable);
    EXPECT_FALSE(res[http::field::retry_after].empty());
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(h->app->http_targets.empty()); // the app never saw it
    ASSERT_TRUE(h->app->wait([&] { return !h->app->rejects.empty(); }));
    EXPECT_EQ(h->app->rejects[0].first, ws::upgrade_failure::limit_exceeded);
    EXPECT_EQ(h->app->rejects[0].second, http::status::service_unavailable);
    // The refused connection never counted: the admitted one is the only one.
    EXPECT_EQ(h->listener->tcp_connection_count(), 1u);
}

TEST_P(Listener, PlainGetOnTheWebSocketPathIs426)
{
    auto h = start();
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/bfcp?token=good", res));
    EXPECT_EQ(res.result(), http::status::upgrade_required);
    EXPECT_EQ(res[http::field::sec_websocket_version], "13");
    EXPECT_TRUE(h->app->http_targets.empty());
}

TEST_P(Listener, OversizeBodyIs413)
{
    auto o = test_options();
    o.max_body_bytes = 100;
    auto h = start(std::move(o));
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::request<http::string_body> req{http::verb::post, "/api/conferences", 11};
    req.set(http::field::host, "localhost");
    req.body() = std::string(1000, 'x');
    req.prepare_payload();
    ASSERT_FALSE(await_op([&](auto done) { http::async_write(s, req, done); }));
    beast::flat_buffer b;
    http::response<http::string_body> res;
    ASSERT_FALSE(await_op([&](auto done) { http::async_read(s, b, res, done); }));
    EXPECT_EQ(res.result(), http::status::payload_too_large);
}

TEST_P(Listener, GarbageRequestIs400)
{
    auto h = start();
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    std::string const junk = "HELLO THERE\r\n\r\n";
    ASSERT_FALSE(await_op([&](auto done) { net::async_write(s, net::buffer(junk), done); }));
    beast::flat_buffer b;
    http::response<http::string_body> res;
    ASSERT_FALSE(await_op([&](auto done) { http::async_read(s, b, res, done); }));
    EXPECT_EQ(res.result(), http::status::bad_request);
}

TEST_P(Listener, StopClosesPendingHttpConnections)
{
    auto h = start();
    beast::tcp_stream s{h->cioc};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/healthz", res)); // now idle in keep-alive
    h->listener->stop();
    char byte = 0;
    auto const ec =
        await_op([&](auto done) { s.socket().async_read_some(net::buffer(&byte, 1), done); });
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

} // namespace
