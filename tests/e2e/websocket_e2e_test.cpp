// BFCP over WebSocket end to end (RFC 8857 on RFC 8855): the real listener, core host and
// provisioning API on 127.0.0.1:0, a Beast client, at 1 and 4 io threads.

#include "e2e_support.hpp"
#include "http_json.hpp"

#include <floorctl/to_string.hpp>

using namespace e2e;

namespace {

class WebSocketE2E : public ::testing::TestWithParam<unsigned> {
protected:
    app::config config() const { return test_config(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(IoThreads, WebSocketE2E, ::testing::Values(1u, 4u),
                         [](auto const& p) { return std::to_string(p.param) + "Threads"; });

} // namespace

TEST_P(WebSocketE2E, ProvisioningTokenConnectsAndHelloIsAnswered)
{
    test_server srv(config());
    auto const [status, body] =
        http_request(srv.port(), http::verb::post, "/api/conferences/1/participants",
                     R"({"display_name":"Alice","uri":"sip:a@x"})");
    ASSERT_EQ(status, 201u) << body;
    auto const j = boost::json::parse(body).as_object();
    EXPECT_EQ(j.at("confid").as_int64(), 1);
    auto const user = static_cast<std::uint16_t>(j.at("userid").as_int64());
    EXPECT_GE(user, 1);
    ASSERT_EQ(j.at("floors").as_array().size(), 1u);
    EXPECT_EQ(j.at("floors").as_array()[0].as_int64(), 1);
    auto const token = std::string(j.at("token").as_string());
    EXPECT_GE(token.size(), 32u); // 128 bits as hex
    auto const uri = std::string(j.at("websocket_uri").as_string());
    EXPECT_EQ(uri, "wss://localhost:" + std::to_string(srv.port()) + "/bfcp?token=" + token);

    client c(srv.port(), token);
    EXPECT_EQ(c.handshake_response()[http::field::sec_websocket_protocol], "BFCP");
    c.send(hello_msg(1, user, 7));
    auto const reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(reply->payload));
    EXPECT_EQ(reply->header.transaction, transaction_id{7});
    EXPECT_EQ(reply->header.conference, conference_id{1});
    EXPECT_EQ(reply->header.user, user_id{user});
}

TEST_P(WebSocketE2E, TwoClientsQueueGrantAndRelease)
{
    test_server srv(config());
    auto const a = srv.participant();
    auto const b = srv.participant();
    auto const ua = to_underlying(a.user);
    auto const ub = to_underlying(b.user);
    client ca(srv.port(), a.token);
    client cb(srv.port(), b.token);

    ca.send(request_msg(1, ua, 1));
    auto const granted = ca.read_until(has_status(request_status::granted));
    ASSERT_TRUE(granted) << "A was not granted";
    EXPECT_EQ(granted->header.transaction, transaction_id{1});
    auto const a_request = request_id_of(*granted).value();

    cb.send(request_msg(1, ub, 2));
    auto const pending = cb.read_until(has_status(request_status::pending));
    ASSERT_TRUE(pending) << "B was not queued";
    EXPECT_EQ(pending->header.transaction, transaction_id{2});

    ca.send(release_msg(1, ua, 3, a_request));
    auto const released = ca.read_until(has_status(request_status::released));
    ASSERT_TRUE(released);
    EXPECT_EQ(released->header.transaction, transaction_id{3});

    auto const b_granted = cb.read_until(has_status(request_status::granted));
    ASSERT_TRUE(b_granted) << "B was not granted after A released";
    EXPECT_EQ(b_granted->header.transaction, transaction_id{0}); // server-initiated (RFC 8855)
}

TEST_P(WebSocketE2E, WrongConferenceGetsError1AndWrongUserError5)
{
    test_server srv(config());
    auto const a = srv.participant();
    auto const ua = to_underlying(a.user);
    client c(srv.port(), a.token);

    c.send(hello_msg(99, ua, 1));
    auto const e1 = c.read();
    ASSERT_TRUE(e1);
    EXPECT_EQ(error_of(*e1), error_code::conference_does_not_exist);

    c.send(hello_msg(1, static_cast<std::uint16_t>(ua + 100), 2));
    auto const e5 = c.read();
    ASSERT_TRUE(e5);
    EXPECT_EQ(error_of(*e5), error_code::unauthorized_operation);
}

TEST_P(WebSocketE2E, SecondConnectionWithSameTokenSupersedesTheFirstWith1008)
{
    test_server srv(config());
    auto const a = srv.participant();
    auto const ua = to_underlying(a.user);
    client first(srv.port(), a.token);
    first.send(hello_msg(1, ua, 1));
    ASSERT_TRUE(first.read()); // bound and answered

    client second(srv.port(), a.token);
    EXPECT_EQ(first.wait_closed(), 1008);
    second.send(hello_msg(1, ua, 2));
    auto const reply = second.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(reply->payload));
}

TEST_P(WebSocketE2E, RequireTlsAnswersPlainWebSocketWithError9)
{
    auto cfg = config();
    cfg.websocket.allow_plain = true;
    cfg.websocket.require_tls = true;
    test_server srv(cfg);
    auto const a = srv.participant();
    client c(srv.port(), a.token, /*tls=*/false);
    c.send(hello_msg(1, to_underlying(a.user), 1));
    auto const reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(error_of(*reply), error_code::use_tls);
}

TEST_P(WebSocketE2E, PlainWebSocketWorksWhenTlsIsNotRequired)
{
    auto cfg = config();
    cfg.websocket.allow_plain = true;
    cfg.websocket.require_tls = false;
    test_server srv(cfg);
    auto const a = srv.participant();
    client c(srv.port(), a.token, /*tls=*/false);
    c.send(hello_msg(1, to_underlying(a.user), 1));
    auto const reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(reply->payload));
}

TEST_P(WebSocketE2E, VanishedHolderFreesTheFloorForTheNextInLine)
{
    test_server srv(config());
    auto const a = srv.participant();
    auto const b = srv.participant();
    client ca(srv.port(), a.token);
    client cb(srv.port(), b.token);

    ca.send(request_msg(1, to_underlying(a.user), 1));
    ASSERT_TRUE(ca.read_until(has_status(request_status::granted)));
    cb.send(request_msg(1, to_underlying(b.user), 1));
    ASSERT_TRUE(cb.read_until(has_status(request_status::pending)));

    ca.vanish(); // no close handshake, no FloorRelease
    EXPECT_TRUE(cb.read_until(has_status(request_status::granted)))
        << "the floor was not handed on after the holder vanished";
}

// `reconnect_grace` of the configuration reaches the core: the holder's connection drops, and
// once the server has seen it gone (the API lists it as not connected) the holder connects
// again with its token and still holds its request, which it releases from the new connection.
TEST_P(WebSocketE2E, ReconnectGraceKeepsTheRequestsOfAHolderThatConnectsAgain)
{
    auto cfg = config();
    cfg.conferences[0].reconnect_grace = std::chrono::seconds{60};
    test_server srv(cfg);
    auto const a = srv.participant();
    auto const user = to_underlying(a.user);
    std::optional<floor_request_id> held;
    {
        client first(srv.port(), a.token);
        first.send(request_msg(1, user, 1));
        auto const granted = first.read_until(has_status(request_status::granted));
        ASSERT_TRUE(granted);
        held = request_id_of(*granted);
        first.vanish();
    }
    auto const connected = [&] {
        auto const [status, body] = http_request(srv.port(), http::verb::get, "/api/conferences/1");
        auto const state = boost::json::parse(body);
        for (auto const& p : state.as_object().at("participants").as_array()) {
            if (p.as_object().at("userid").as_int64() == user)
                return p.as_object().at("connected").as_bool();
        }
        return false;
    };
    bool gone = false;
    for (int i = 0; i < 500 && !gone; ++i) // bounded poll of the API: no event to wait on
        gone = !connected();
    ASSERT_TRUE(gone) << "the server never noticed the dropped connection";

    client again(srv.port(), a.token);
    again.send(release_msg(1, user, 2, *held));
    auto const answer = again.read_until(
        [](message const& m) { return status_of(m).has_value() || error_of(m).has_value(); });
    ASSERT_TRUE(answer);
    EXPECT_EQ(status_of(*answer), request_status::released)
        << "the request did not survive the reconnection: " << describe(*answer);
}

TEST_P(WebSocketE2E, UnknownTokenIs401AndRevokedTokenIs403)
{
    test_server srv(config());
    EXPECT_THROW(client(srv.port(), "00000000000000000000000000000000"),
                 boost::system::system_error);
    auto const a = srv.participant();
    std::promise<bool> removed;
    srv.app().revoke_participant(conference_id{1}, a.user, [&](bool ok) { removed.set_value(ok); });
    EXPECT_TRUE(removed.get_future().get());
    auto const check = srv.app().tokens().check(a.token, clock::now());
    EXPECT_EQ(check.status, app::token_status::revoked);
    try {
        client c(srv.port(), a.token);
        ADD_FAILURE() << "a revoked token was accepted";
    } catch (boost::system::system_error const& e) {
        EXPECT_EQ(e.code(), websocket::error::upgrade_declined);
    }
}

TEST_P(WebSocketE2E, RemovingAParticipantSendsGoodbyeAndCloses)
{
    test_server srv(config());
    auto const a = srv.participant();
    client c(srv.port(), a.token);
    c.send(hello_msg(1, to_underlying(a.user), 1));
    ASSERT_TRUE(c.read());
    auto const [status, body] =
        http_request(srv.port(), http::verb::delete_,
                     "/api/conferences/1/participants/" + std::to_string(to_underlying(a.user)));
    EXPECT_EQ(status, 204u) << body;
    auto const bye =
        c.read_until([](message const& m) { return std::holds_alternative<goodbye>(m.payload); });
    EXPECT_TRUE(bye) << "no Goodbye before the close";
    EXPECT_NE(c.wait_closed(), 0);
}

TEST_P(WebSocketE2E, ClientGoodbyeIsAcknowledgedThenClosedNormallyWith1000)
{
    test_server srv(config());
    auto const a = srv.participant();
    client c(srv.port(), a.token);
    c.send(make(1, to_underlying(a.user), 4, goodbye{}));
    auto const ack = c.read();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<goodbye_ack>(ack->payload));
    EXPECT_EQ(ack->header.transaction, transaction_id{4});
    EXPECT_EQ(c.wait_closed(), 1000); // an orderly Goodbye is not a protocol error (1002)
}

TEST_P(WebSocketE2E, ShutdownSendsGoodbyeAndCloses1001)
{
    auto srv = std::make_unique<test_server>(config());
    auto const a = srv->participant();
    client c(srv->port(), a.token);
    c.send(hello_msg(1, to_underlying(a.user), 1));
    ASSERT_TRUE(c.read());

    std::thread stopper([&] { srv.reset(); });
    auto const bye =
        c.read_until([](message const& m) { return std::holds_alternative<goodbye>(m.payload); });
    EXPECT_TRUE(bye);
    EXPECT_EQ(c.wait_closed(), 1001);
    stopper.join();
}

TEST_P(WebSocketE2E, HealthMetricsAndDemoPageAreServed)
{
    test_server srv(config());
    auto const a = srv.participant();
    {
        client c(srv.port(), a.token);
        c.send(hello_msg(1, to_underlying(a.user), 1));
        ASSERT_TRUE(c.read());
        c.close();
    }
    auto const [hs, hb] = http_request(srv.port(), http::verb::get, "/healthz");
    EXPECT_EQ(hs, 200u);
    EXPECT_EQ(hb, "ok\n");
    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_EQ(ms, 200u);
    EXPECT_NE(mb.find("floorctl_messages_total{primitive=\"Hello\",direction=\"in\"} 1"),
              std::string::npos)
        << mb;
    EXPECT_NE(mb.find("floorctl_messages_total{primitive=\"HelloAck\",direction=\"out\"} 1"),
              std::string::npos);
    EXPECT_NE(mb.find("floorctl_handshakes_total{outcome=\"accepted\"} 1"), std::string::npos);
    EXPECT_NE(mb.find("floorctl_request_latency_seconds_count 1"), std::string::npos);
    auto const [ps, pb] = http_request(srv.port(), http::verb::get, "/");
    EXPECT_EQ(ps, 200u);
    EXPECT_NE(pb.find("new WebSocket(u,\"BFCP\")"), std::string::npos);
}

TEST_P(WebSocketE2E, ConferenceLifecycleThroughTheApi)
{
    test_server srv(config());
    auto [cs, cb] =
        http_request(srv.port(), http::verb::post, "/api/conferences",
                     R"({"id":7,"name":"board","floors":[{"id":3,"policy":"preempt"}]})");
    ASSERT_EQ(cs, 201u) << cb;
    auto [dup, dupb] =
        http_request(srv.port(), http::verb::post, "/api/conferences", R"({"id":7})");
    EXPECT_EQ(dup, 409u) << dupb;
    auto [ls, lb] = http_request(srv.port(), http::verb::get, "/api/conferences");
    EXPECT_EQ(ls, 200u);
    EXPECT_NE(lb.find("\"board\""), std::string::npos) << lb;

    auto [ps, pb] =
        http_request(srv.port(), http::verb::post, "/api/conferences/7/participants", "");
    ASSERT_EQ(ps, 201u) << pb;
    auto const j = boost::json::parse(pb).as_object();
    auto const token = std::string(j.at("token").as_string());
    auto const user = static_cast<std::uint16_t>(j.at("userid").as_int64());
    client c(srv.port(), token);
    c.send(request_msg(7, user, 1, 3));
    ASSERT_TRUE(c.read_until(has_status(request_status::granted)));

    auto [fs, fb] = http_request(srv.port(), http::verb::get, "/api/conferences/7/floors");
    EXPECT_EQ(fs, 200u);
    auto const floors = boost::json::parse(fb).as_object().at("floors").as_array();
    ASSERT_EQ(floors.size(), 1u);
    EXPECT_EQ(floors[0].as_object().at("id").as_int64(), 3);
    EXPECT_EQ(floors[0].as_object().at("holders").as_array().size(), 1u) << fb;

    auto [gs, gb] = http_request(srv.port(), http::verb::get, "/api/conferences/7");
    EXPECT_EQ(gs, 200u);
    EXPECT_NE(gb.find("\"participants\""), std::string::npos);

    auto [ds, db] = http_request(srv.port(), http::verb::delete_, "/api/conferences/7");
    EXPECT_EQ(ds, 204u) << db;
    EXPECT_NE(c.wait_closed(), 0); // Goodbye + close when the conference ends
    auto [gone, goneb] = http_request(srv.port(), http::verb::get, "/api/conferences/7");
    EXPECT_EQ(gone, 404u);
    auto [nf, nfb] =
        http_request(srv.port(), http::verb::post, "/api/conferences/7/participants", "");
    EXPECT_EQ(nf, 404u);
}

TEST_P(WebSocketE2E, AdminBearerKeyIsEnforced)
{
    auto cfg = config();
    cfg.admin.bearer_key = "0123456789abcdef-secret";
    test_server srv(cfg);
    auto [no, nob] = http_request(srv.port(), http::verb::get, "/api/conferences");
    EXPECT_EQ(no, 401u);
    auto [bad, badb] = http_request(srv.port(), http::verb::get, "/api/conferences", "", true,
                                    "0123456789abcdef-wrong!");
    EXPECT_EQ(bad, 401u);
    auto [ok, okb] = http_request(srv.port(), http::verb::get, "/api/conferences", "", true,
                                  "0123456789abcdef-secret");
    EXPECT_EQ(ok, 200u) << okb;
    auto [health, hb] = http_request(srv.port(), http::verb::get, "/healthz");
    EXPECT_EQ(health, 200u); // health and metrics need no key
}

namespace {

/// A blocking TCP/BFCP or TCP/TLS/BFCP client (RFC 8855 §6.2 framing: 12-octet header, then
/// 4 × Payload Length).
class stream_client {
public:
    explicit stream_client(std::uint16_t port, bool tls = false)
        : ctx_(ws::make_client_context()), tls_(ioc_, *ctx_), use_tls_(tls)
    {
        auto& sock = tls_.next_layer();
        sock.connect({net::ip::make_address("127.0.0.1"), port});
        bound_reads(sock);
        if (use_tls_) tls_.handshake(net::ssl::stream_base::client);
    }
    void send(message const& m)
    {
        auto const bytes = encode(m);
        if (use_tls_)
            net::write(tls_, net::buffer(bytes));
        else
            net::write(tls_.next_layer(), net::buffer(bytes));
    }
    std::optional<message> read()
    {
        std::vector<std::byte> frame(12);
        boost::system::error_code ec;
        read_exactly(net::buffer(frame), ec);
        if (ec) return std::nullopt;
        auto const words =
            std::to_integer<std::size_t>(frame[2]) << 8 | std::to_integer<std::size_t>(frame[3]);
        frame.resize(12 + 4 * words);
        read_exactly(net::buffer(frame.data() + 12, 4 * words), ec);
        if (ec) return std::nullopt;
        auto const h = decode_header(frame);
        if (!h) return std::nullopt;
        auto m = decode_message(*h, frame);
        if (!m) return std::nullopt;
        return *m;
    }
    bool closed_by_peer()
    {
        auto const ec = end_of_stream();
        return ec == net::error::eof || ec == net::error::connection_reset;
    }
    /// Reads one more octet: how the stream ended (eof for an orderly close). Bounded by the
    /// socket's receive timeout.
    boost::system::error_code end_of_stream()
    {
        std::byte b{};
        boost::system::error_code ec;
        read_exactly(net::buffer(&b, 1), ec);
        return ec;
    }

private:
    void read_exactly(net::mutable_buffer buf, boost::system::error_code& ec)
    {
        if (use_tls_)
            net::read(tls_, buf, ec);
        else
            net::read(tls_.next_layer(), buf, ec);
    }

    net::io_context ioc_;
    std::shared_ptr<net::ssl::context> ctx_;
    net::ssl::stream<tcp::socket> tls_;
    bool use_tls_;
};

} // namespace

TEST_P(WebSocketE2E, TcpBfcpParticipantNegotiatedForItsAddressIsServed)
{
    auto cfg = config();
    cfg.bfcp.tcp = {{"127.0.0.1", 0}};
    cfg.websocket.require_tls = false; // TCP/BFCP is plain by definition
    test_server srv(cfg);
    auto const port = srv.app().stream_port(false);
    ASSERT_NE(port, 0);
    auto const a = srv.participant();
    srv.app().expect_connection(conference_id{1}, a.user, "127.0.0.1");

    stream_client c(port);
    c.send(hello_msg(1, to_underlying(a.user), 5));
    auto const reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(reply->payload));
    EXPECT_EQ(reply->header.transaction, transaction_id{5});
    c.send(request_msg(1, to_underlying(a.user), 6));
    auto const granted = c.read();
    ASSERT_TRUE(granted);
    EXPECT_EQ(status_of(*granted), request_status::granted);

    // The bound TCP/BFCP connection is counted as tcp, not as a WebSocket.
    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_EQ(ms, 200u);
    EXPECT_NE(mb.find("floorctl_connections{transport=\"tcp\"} 1\n"), std::string::npos) << mb;
    EXPECT_NE(mb.find("floorctl_connections{transport=\"ws\"} 0\n"), std::string::npos) << mb;
    EXPECT_NE(mb.find("floorctl_connections{transport=\"wss\"} 0\n"), std::string::npos) << mb;
    EXPECT_NE(mb.find("floorctl_connections_opened_total{transport=\"tcp\"} 1\n"),
              std::string::npos)
        << mb;
}

TEST_P(WebSocketE2E, TcpBfcpClientGoodbyeIsAcknowledgedThenTheServerClosesInOrder)
{
    auto cfg = config();
    cfg.bfcp.tcp = {{"127.0.0.1", 0}};
    cfg.websocket.require_tls = false;
    test_server srv(cfg);
    auto const a = srv.participant();
    srv.app().expect_connection(conference_id{1}, a.user, "127.0.0.1");
    stream_client c(srv.app().stream_port(false));
    c.send(make(1, to_underlying(a.user), 4, goodbye{}));
    auto const ack = c.read();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<goodbye_ack>(ack->payload));
    EXPECT_EQ(ack->header.transaction, transaction_id{4});
    EXPECT_EQ(c.end_of_stream(), net::error::eof); // a FIN, not a reset
}

TEST_P(WebSocketE2E, TlsBfcpClientGoodbyeIsAcknowledgedThenTheServerClosesInOrder)
{
    auto cfg = config();
    cfg.bfcp.tls = {{"127.0.0.1", 0}};
    test_server srv(cfg);
    auto const a = srv.participant();
    srv.app().expect_connection(conference_id{1}, a.user, "127.0.0.1");
    stream_client c(srv.app().stream_port(true), /*tls=*/true);
    c.send(make(1, to_underlying(a.user), 4, goodbye{}));
    auto const ack = c.read();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<goodbye_ack>(ack->payload));
    auto const end = c.end_of_stream();
    // The server ends TLS with close_notify (eof) or, at least, a FIN (stream_truncated).
    EXPECT_TRUE(end == net::error::eof || end == net::ssl::error::stream_truncated)
        << end.message();
}

TEST_P(WebSocketE2E, TcpBfcpConnectionOfAnUnnegotiatedUserGetsErrorAndIsClosed)
{
    auto cfg = config();
    cfg.bfcp.tcp = {{"127.0.0.1", 0}};
    test_server srv(cfg);
    auto const a = srv.participant(); // provisioned for WebSocket only
    stream_client c(srv.app().stream_port(false));
    c.send(hello_msg(1, to_underlying(a.user), 1));
    auto const reply = c.read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(error_of(*reply), error_code::user_does_not_exist);
    EXPECT_TRUE(c.closed_by_peer());
}
