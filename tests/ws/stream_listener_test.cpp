// ws::stream_listener (TCP/BFCP, TCP/TLS/BFCP) on 127.0.0.1 port 0 with the shared BFCP stream
// client: framing across reads, the first-message binding hook, the registry path, closes,
// limits.

#include <ws/stream_listener.hpp>
#include <ws/tls.hpp>

#include <floorctl/codec.hpp>

#include "support/bfcp_stream_client.hpp"
#include "support/client_io.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using test_support::bfcp_stream_client;
using namespace std::chrono_literals;

constexpr floorctl::conference_id negotiated_conference{4321};
constexpr floorctl::user_id negotiated_user{7};

std::vector<std::byte> hello(floorctl::conference_id c, floorctl::user_id u, std::uint16_t tid)
{
    floorctl::message m;
    m.header.conference = c;
    m.header.user = u;
    m.header.transaction = floorctl::transaction_id{tid};
    m.payload = floorctl::hello{};
    return floorctl::encode(m);
}

std::vector<std::byte> floor_request(std::uint16_t tid)
{
    floorctl::message m;
    m.header.conference = negotiated_conference;
    m.header.user = negotiated_user;
    m.header.transaction = floorctl::transaction_id{tid};
    floorctl::floor_request body;
    body.floors.push_back(floorctl::floor_id{1});
    m.payload = body;
    return floorctl::encode(m);
}

/// Accepts a connection whose first message carries the negotiated conference and user IDs
/// from 127.0.0.1; anything else gets Error 5 (Unauthorized Operation) and is closed. (The app
/// asks floorctl::stream_bindings; this stand-in decides the same way for one participant.)
struct recording_handler final : ws::stream_handler {
    floorctl::stream_verdict on_first_message(ws::stream_peer const& peer,
                                              std::span<std::byte const> message) override
    {
        std::lock_guard lock(mutex);
        first_peers.push_back(peer);
        auto const h = floorctl::decode_header(message);
        if (!h) return floorctl::stream_refused{{}, "no header"};
        if (peer.remote_address == "127.0.0.1" && h->conference == negotiated_conference &&
            h->user == negotiated_user)
            return floorctl::stream_accepted{h->conference, h->user};
        return floorctl::stream_refused{floorctl::encode(floorctl::error_reply_to(
                                            *h, floorctl::error_code::unauthorized_operation,
                                            "not the negotiated participant")),
                                        "ids do not match the negotiation"};
    }
    void on_open(floorctl::connection_id c, ws::binding const& b, floorctl::transport_kind t,
                 std::string const&) override
    {
        std::lock_guard lock(mutex);
        opened.push_back({c, b.conference, b.user, t});
        cv.notify_all();
    }
    void on_frame(floorctl::connection_id, std::span<std::byte const> f) override
    {
        std::lock_guard lock(mutex);
        frames.emplace_back(f.begin(), f.end());
        cv.notify_all();
    }
    void on_close(floorctl::connection_id, ws::close_info const& info) override
    {
        std::lock_guard lock(mutex);
        closes.push_back(info);
        cv.notify_all();
    }
    void on_rejected(ws::stream_peer const&, std::string const& reason) override
    {
        std::lock_guard lock(mutex);
        rejected.push_back(reason);
        cv.notify_all();
    }

    template <class Pred> bool wait(Pred p)
    {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, 10s, p);
    }

    struct open_record {
        floorctl::connection_id conn;
        floorctl::conference_id conference;
        floorctl::user_id user;
        floorctl::transport_kind transport;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<ws::stream_peer> first_peers;
    std::vector<open_record> opened;
    std::vector<std::vector<std::byte>> frames;
    std::vector<ws::close_info> closes;
    std::vector<std::string> rejected;
};

// The parameter is stream_listener_options::one_io_thread: the io_context's executor for every
// connection (what floorctl uses with one io thread) or a strand each. One thread runs ioc_.
class StreamListenerTest : public ::testing::TestWithParam<bool> {
protected:
    void start(ws::stream_listener_options opts = {})
    {
        opts.address = "127.0.0.1";
        opts.port = 0;
        opts.one_io_thread = GetParam();
        listener_ = ws::stream_listener::create(ioc_, opts, app_);
        listener_->run();
        thread_ = std::thread([this] { ioc_.run(); });
    }

    void TearDown() override
    {
        if (listener_) {
            listener_->stop();
            listener_->connections().close_all(ws::close_code::going_away);
        }
        work_.reset();
        if (thread_.joinable()) {
            // Every connection ends by itself (closed above, client sockets closed by the test);
            // stop() is only the bound on a stuck peer.
            ioc_.stop();
            thread_.join();
        }
    }

    /// A client connected to the listener (and through the TLS handshake when given `tls`).
    std::unique_ptr<bfcp_stream_client> connect(std::shared_ptr<net::ssl::context> tls = nullptr)
    {
        auto c = std::make_unique<bfcp_stream_client>(clients_.context(), std::move(tls));
        EXPECT_FALSE(c->connect({net::ip::make_address("127.0.0.1"), listener_->port()}));
        return c;
    }

    /// A client bound as the negotiated participant: its Hello reached the handler.
    std::unique_ptr<bfcp_stream_client> connect_bound()
    {
        auto c = connect();
        EXPECT_FALSE(c->send(hello(negotiated_conference, negotiated_user, 1)));
        EXPECT_TRUE(app_->wait([&] { return app_->opened.size() == 1; }));
        return c;
    }

    /// Connects and expects the listener to end the connection at once, without a byte (eof;
    /// a reset when the close overtakes the client's handshake).
    void expect_cut_off()
    {
        auto c = connect();
        auto const ec = c->end_of_stream();
        EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    }

    /// Starts with `o`, whose limits leave room for one connection: one client is bound, the
    /// next one cut off. Returns the bound one.
    std::unique_ptr<bfcp_stream_client> start_full(ws::stream_listener_options o)
    {
        start(o);
        auto first = connect_bound();
        expect_cut_off();
        return first;
    }

    net::io_context ioc_;
    net::executor_work_guard<net::io_context::executor_type> work_{ioc_.get_executor()};
    test_support::client_io clients_;
    std::shared_ptr<recording_handler> app_ = std::make_shared<recording_handler>();
    std::shared_ptr<ws::stream_listener> listener_;
    std::thread thread_;
};

TEST_P(StreamListenerTest, MessagesSplitByteByByteArriveIntact)
{
    start();
    auto c = connect();
    auto const first = hello(negotiated_conference, negotiated_user, 1);
    auto const second = floor_request(2);
    std::vector<std::byte> both(first);
    both.insert(both.end(), second.begin(), second.end());
    for (auto const& b : both)
        ASSERT_FALSE(c->send({&b, 1}));

    ASSERT_TRUE(app_->wait([&] { return app_->frames.size() == 2; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->frames[0], first);
    EXPECT_EQ(app_->frames[1], second);
    ASSERT_EQ(app_->opened.size(), 1u);
    EXPECT_EQ(app_->opened[0].conference, negotiated_conference);
    EXPECT_EQ(app_->opened[0].user, negotiated_user);
    EXPECT_EQ(app_->opened[0].transport, floorctl::transport_kind::tcp);
    ASSERT_EQ(app_->first_peers.size(), 1u);
    EXPECT_EQ(app_->first_peers[0].remote_address, "127.0.0.1");
    EXPECT_NE(app_->first_peers[0].remote_port, 0);
}

TEST_P(StreamListenerTest, SeveralMessagesInOneReadAreCutApart)
{
    start();
    auto c = connect();
    std::vector<std::vector<std::byte>> sent{hello(negotiated_conference, negotiated_user, 1),
                                             floor_request(2), floor_request(3),
                                             hello(negotiated_conference, negotiated_user, 4)};
    std::vector<std::byte> all;
    for (auto const& m : sent)
        all.insert(all.end(), m.begin(), m.end());
    ASSERT_FALSE(c->send(all));

    ASSERT_TRUE(app_->wait([&] { return app_->frames.size() == sent.size(); }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->frames, sent);
    EXPECT_EQ(app_->opened.size(), 1u);
}

TEST_P(StreamListenerTest, FirstMessageWithWrongIdsGetsErrorThenClose)
{
    start();
    auto c = connect();
    ASSERT_FALSE(c->send(hello(floorctl::conference_id{99}, negotiated_user, 5)));

    // The hook's decision: Error 5 (RFC 8855 §5.3.13) echoing the header, then the close.
    auto const m = c->read();
    ASSERT_TRUE(m) << c->error().message();
    EXPECT_EQ(m->header.conference, floorctl::conference_id{99});
    EXPECT_EQ(m->header.transaction, floorctl::transaction_id{5});
    auto const* err = std::get_if<floorctl::error_reply>(&m->payload);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->code, floorctl::error_code::unauthorized_operation);

    EXPECT_EQ(c->end_of_stream(), net::error::eof);
    ASSERT_TRUE(app_->wait([&] { return app_->rejected.size() == 1; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_TRUE(app_->opened.empty());
    EXPECT_TRUE(app_->frames.empty());
    EXPECT_EQ(app_->rejected[0], "ids do not match the negotiation");
}

TEST_P(StreamListenerTest, RegistrySendsAndClosesBoundConnections)
{
    start();
    auto c = connect_bound();
    auto const conn = app_->opened[0].conn;

    auto const status = floor_request(9); // any BFCP bytes: the listener does not interpret them
    EXPECT_TRUE(listener_->connections().send(conn, status));
    auto const got = c->read_frame();
    ASSERT_TRUE(got) << c->error().message();
    EXPECT_EQ(*got, status);

    EXPECT_TRUE(listener_->connections().close(conn, ws::close_code::normal, "bye"));
    EXPECT_EQ(c->end_of_stream(), net::error::eof);
    ASSERT_TRUE(app_->wait([&] { return app_->closes.size() == 1; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->closes[0].origin, ws::close_origin::local);
    EXPECT_EQ(app_->closes[0].reason, "bye");
    EXPECT_FALSE(listener_->connections().send(conn, status));
}

TEST_P(StreamListenerTest, PeerCloseIsReportedOnce)
{
    start();
    (void)connect_bound(); // and gone at once
    ASSERT_TRUE(app_->wait([&] { return app_->closes.size() == 1; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->closes[0].origin, ws::close_origin::peer);
}

TEST_P(StreamListenerTest, FramingErrorAfterBindingClosesTheConnection)
{
    start();
    auto c = connect();
    auto bad = hello(negotiated_conference, negotiated_user, 2);
    bad[0] = std::byte{0x60}; // version 3: nothing after it can be trusted to be aligned
    auto const good = hello(negotiated_conference, negotiated_user, 1);
    std::vector<std::byte> both(good);
    both.insert(both.end(), bad.begin(), bad.end());
    ASSERT_FALSE(c->send(both));
    ASSERT_TRUE(app_->wait([&] { return app_->closes.size() == 1; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->frames.size(), 1u); // the good message before the bad one is delivered
    EXPECT_NE(app_->closes[0].reason.find("framing error"), std::string::npos);
}

TEST_P(StreamListenerTest, SilentClientIsCutOffAtTheBindTimeout)
{
    ws::stream_listener_options o;
    o.bind_timeout = 50ms;
    start(o);
    EXPECT_EQ(connect()->end_of_stream(), net::error::eof);
    ASSERT_TRUE(app_->wait([&] { return app_->rejected.size() == 1; }));
    EXPECT_EQ(app_->rejected[0], "no first message in time");
}

TEST_P(StreamListenerTest, ConnectionsBeyondTheLimitAreClosedAtOnce)
{
    ws::stream_listener_options o;
    o.max_connections = 1;
    auto const first = start_full(o);
    EXPECT_EQ(listener_->connection_count(), 1u);
}

TEST_P(StreamListenerTest, ConnectionsPerAddressAreLimited)
{
    ws::stream_listener_options o;
    o.max_connections_per_address = 1;
    auto const first = start_full(o);
    ASSERT_TRUE(app_->wait([&] { return app_->rejected.size() == 1; }));
    EXPECT_EQ(app_->rejected[0], "connection limit: address_exceeded");
    EXPECT_EQ(listener_->connection_count(), 1u);
}

TEST_P(StreamListenerTest, LimitsSharedWithAnotherListenerApplyToTheSum)
{
    auto shared = ws::admission::create(
        {.max_connections = 1, .max_connections_per_address = 0, .max_refusals_in_flight = 0});
    // The one allowed connection is held by another listener sharing the admission.
    auto held = shared->admit("192.0.2.1");
    ASSERT_EQ(held.verdict, ws::admission_verdict::admitted);
    ws::stream_listener_options o;
    o.admission = shared;
    start(o);
    expect_cut_off();
    ASSERT_TRUE(app_->wait([&] { return app_->rejected.size() == 1; }));
    EXPECT_EQ(app_->rejected[0], "connection limit: total_exceeded");
    EXPECT_EQ(shared->count(), 1u);
}

TEST_P(StreamListenerTest, MessageRateIsLimited)
{
    ws::stream_listener_options o;
    o.max_messages_per_second = 2;
    start(o);
    auto c = connect();
    std::vector<std::byte> all = hello(negotiated_conference, negotiated_user, 1);
    for (std::uint16_t t = 2; t < 12; ++t) {
        auto const m = floor_request(t);
        all.insert(all.end(), m.begin(), m.end());
    }
    ASSERT_FALSE(c->send(all));
    ASSERT_TRUE(app_->wait([&] { return app_->closes.size() == 1; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->frames.size(), 2u); // the burst allowance, no more
    EXPECT_EQ(app_->closes[0].reason, "message rate exceeded");
    EXPECT_EQ(app_->closes[0].code, ws::close_code::policy_violation);
    EXPECT_EQ(app_->closes[0].origin, ws::close_origin::local);
}

TEST_P(StreamListenerTest, TlsConnectionIsBoundAndFramed)
{
    auto const pem = ws::make_self_signed();
    ws::stream_listener_options o;
    o.tls = ws::make_server_context(pem);
    start(o);
    auto c = connect(ws::make_client_context(pem.certificate_pem));
    auto const first = hello(negotiated_conference, negotiated_user, 1);
    auto const second = floor_request(2);
    ASSERT_FALSE(c->send(first));
    ASSERT_FALSE(c->send(second));
    ASSERT_TRUE(app_->wait([&] { return app_->frames.size() == 2; }));
    std::lock_guard lock(app_->mutex);
    EXPECT_EQ(app_->opened[0].transport, floorctl::transport_kind::tls);
    EXPECT_EQ(app_->frames[1], second);
}

INSTANTIATE_TEST_SUITE_P(Executor, StreamListenerTest, ::testing::Values(true, false),
                         [](::testing::TestParamInfo<bool> const& p) {
                             return p.param ? std::string{"OneIoThread"} : std::string{"Strand"};
                         });

} // namespace
