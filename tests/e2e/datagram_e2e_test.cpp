// BFCP over UDP and DTLS (RFC 8855 unreliable transports) through the application: a participant
// negotiated for its address (as the SIP side announces it) gets a floor over UDP with BFCP
// versions 1 and 2 and over DTLS; a stranger's datagrams are dropped and counted; and behind
// the loss shim (20 % loss both ways, duplicates, reordering, delays) every floor request still
// ends in exactly one decision.

#include "e2e_support.hpp"

#include <support/dtls_client.hpp>
#include <support/loss_shim.hpp>

#include <floorctl/codec.hpp>

#include <boost/asio/ip/udp.hpp>

#include <poll.h>

#include <future>
#include <set>

using namespace e2e;

namespace {

using udp = net::ip::udp;

class DatagramE2E : public ::testing::TestWithParam<unsigned> {
protected:
    app::config config() const
    {
        auto c = test_config(GetParam());
        c.websocket.require_tls = false; // UDP/BFCP is plain by definition
        c.bfcp.udp = {{"127.0.0.1", 0}};
        return c;
    }

    /// config() with a DTLS listener instead of the UDP one.
    app::config dtls_config() const
    {
        auto c = config();
        c.bfcp.udp.clear();
        c.bfcp.dtls = {{"127.0.0.1", 0}};
        return c;
    }
};

/// A participant of conference 1 negotiated (as the SIP side announces it) from 127.0.0.1.
app::participant_ticket negotiated(test_server& srv)
{
    auto const p = srv.participant();
    srv.app().expect_connection(conference_id{1}, p.user, "127.0.0.1");
    return p;
}

INSTANTIATE_TEST_SUITE_P(IoThreads, DatagramE2E, ::testing::Values(1u, 4u),
                         [](auto const& p) { return std::to_string(p.param) + "Threads"; });

/// A BFCP participant on a plain UDP socket: sends messages, receives them (bounded), and
/// acknowledges every server-initiated FloorRequestStatus / FloorStatus as RFC 8855 asks.
class udp_participant {
public:
    udp_participant(std::uint16_t port, std::uint8_t version) : socket_(ioc_), version_(version)
    {
        socket_.open(udp::v4());
        socket_.connect(udp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }

    void send(message m)
    {
        m.header.version = version_;
        auto const bytes = encode(m);
        socket_.send(net::buffer(bytes));
    }

    /// The next message that is not a retransmission of one already seen, acking server
    /// transactions on the way; nullopt after `timeout` of silence.
    std::optional<message> receive(std::chrono::milliseconds timeout = std::chrono::seconds{10})
    {
        for (;;) {
            pollfd p{socket_.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
            std::array<std::byte, 65'535> buf{};
            boost::system::error_code ec;
            auto const n = socket_.receive(net::buffer(buf), 0, ec);
            if (ec) return std::nullopt;
            std::span<std::byte const> d(buf.data(), n);
            auto const h = decode_header(d);
            if (!h) continue; // truncated on the way (loss shim): as if lost
            auto m = decode_message(*h, d);
            if (!m) continue;
            if (!h->responder) {
                ack(*m);
                if (!seen_.insert(to_underlying(h->transaction)).second) continue; // again
            }
            return *m;
        }
    }

private:
    void ack(message const& m)
    {
        message a;
        a.header = m.header;
        a.header.responder = true;
        if (std::holds_alternative<floor_request_status>(m.payload))
            a.payload = floor_request_status_ack{};
        else if (std::holds_alternative<floor_status>(m.payload))
            a.payload = floor_status_ack{};
        else if (std::holds_alternative<goodbye>(m.payload))
            a.payload = goodbye_ack{};
        else
            return;
        a.header.version = version_;
        auto const bytes = encode(a);
        socket_.send(net::buffer(bytes));
    }

    net::io_context ioc_;
    udp::socket socket_;
    std::uint8_t version_;
    std::set<std::uint16_t> seen_;
};

/// Stops `srv` while `answer()` runs again and again (the participants receiving, which acks
/// the server's Goodbye): the shutdown ends as soon as every datagram peer has acked, instead
/// of waiting out test_server::shutdown_limit for acks from participants already gone. Returns
/// how long the stop took.
template <class Answer>
std::chrono::steady_clock::duration stop_answering_goodbyes(test_server& srv, Answer answer)
{
    auto const start = std::chrono::steady_clock::now();
    auto stopped = std::async(std::launch::async, [&] { srv.stop(); });
    while (stopped.wait_for(std::chrono::milliseconds{0}) != std::future_status::ready)
        answer();
    stopped.get();
    return std::chrono::steady_clock::now() - start;
}

TEST_P(DatagramE2E, UdpParticipantsOfBothVersionsGetTheFloorInTurn)
{
    test_server srv(config());
    auto const port = srv.app().datagram_port(false);
    ASSERT_NE(port, 0);
    EXPECT_EQ(srv.app().datagram_port(true), 0);
    auto const a = negotiated(srv);
    auto const b = negotiated(srv);

    udp_participant pa(port, 2), pb(port, 1);
    pa.send(hello_msg(1, to_underlying(a.user), 5));
    auto const ack = pa.receive();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(ack->payload));
    EXPECT_EQ(ack->header.transaction, transaction_id{5});

    pa.send(request_msg(1, to_underlying(a.user), 6));
    auto const granted = pa.receive();
    ASSERT_TRUE(granted);
    EXPECT_EQ(status_of(*granted), request_status::granted);
    auto const id = request_id_of(*granted);
    ASSERT_TRUE(id);

    pb.send(request_msg(1, to_underlying(b.user), 7));
    auto const pending = pb.receive();
    ASSERT_TRUE(pending);
    EXPECT_EQ(status_of(*pending), request_status::pending);

    pa.send(release_msg(1, to_underlying(a.user), 8, *id));
    // b is told it holds the floor now (a server transaction, acked by the participant).
    std::optional<message> now_b;
    while (auto m = pb.receive()) {
        if (status_of(*m) == request_status::granted) {
            now_b = m;
            break;
        }
    }
    ASSERT_TRUE(now_b);
    EXPECT_NE(now_b->header.transaction, transaction_id{0});

    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_EQ(ms, 200u);
    EXPECT_NE(mb.find("floorctl_connections{transport=\"udp\"} 2\n"), std::string::npos) << mb;
    EXPECT_NE(mb.find("floorctl_connections_opened_total{transport=\"udp\"} 2\n"),
              std::string::npos)
        << mb;

    // Shutdown: each participant gets a Goodbye and acks it, so the stop does not wait out
    // its limit (it used to, with the participants gone before the server).
    bool goodbye_a = false, goodbye_b = false;
    auto const took = stop_answering_goodbyes(srv, [&] {
        for (auto [p, seen] : {std::pair{&pa, &goodbye_a}, std::pair{&pb, &goodbye_b}}) {
            if (auto m = p->receive(std::chrono::milliseconds{20}))
                *seen = *seen || std::holds_alternative<goodbye>(m->payload);
        }
    });
    EXPECT_TRUE(goodbye_a);
    EXPECT_TRUE(goodbye_b);
    EXPECT_LT(took, test_server::shutdown_limit);
}

TEST_P(DatagramE2E, AStrangersDatagramsAreDroppedWithoutAnswer)
{
    test_server srv(config());
    auto const a = srv.participant();
    srv.app().expect_connection(conference_id{1}, a.user, "192.0.2.1"); // not us
    udp_participant stranger(srv.app().datagram_port(false), 2);
    stranger.send(hello_msg(1, to_underlying(a.user), 5));
    EXPECT_FALSE(stranger.receive(std::chrono::milliseconds{300}));
    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_NE(mb.find("floorctl_bfcp_datagrams_dropped_total{reason=\"unknown_source\"} 1\n"),
              std::string::npos)
        << mb;
}

TEST_P(DatagramE2E, DtlsParticipantGetsTheFloor)
{
    test_server srv(dtls_config());
    auto const port = srv.app().datagram_port(true);
    ASSERT_NE(port, 0);
    auto const a = negotiated(srv);

    std::string client_fingerprint;
    auto ctx = test_support::client_context(true, &client_fingerprint);
    // What the SIP side stores from the offer's a=fingerprint (lower-case hex is as good).
    std::string offered = "sha-256 " + client_fingerprint;
    for (auto& ch : offered)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    srv.app().expect_fingerprints(conference_id{1}, a.user, {"SHA-1 00:11", offered});
    test_support::dtls_client c(ctx.get(), port);
    ASSERT_TRUE(c.handshake());
    // Our certificate is the one whose fingerprint SDP answers carry ("SHA-256 " + hex).
    EXPECT_EQ("SHA-256 " + c.server_fingerprint(), srv.app().tls_fingerprint());

    auto send = [&](message m) {
        m.header.version = 2;
        auto const b = encode(m);
        c.write(std::string_view(reinterpret_cast<char const*>(b.data()), b.size()));
    };
    auto receive = [&]() -> std::optional<message> {
        auto const r = c.read();
        if (!r) return std::nullopt;
        std::span<std::byte const> d(reinterpret_cast<std::byte const*>(r->data()), r->size());
        auto const h = decode_header(d);
        if (!h) return std::nullopt;
        auto m = decode_message(*h, d);
        if (!m) return std::nullopt;
        return *m;
    };
    send(hello_msg(1, to_underlying(a.user), 5));
    auto const ack = receive();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<hello_ack>(ack->payload));
    send(request_msg(1, to_underlying(a.user), 6));
    auto const granted = receive();
    ASSERT_TRUE(granted);
    EXPECT_EQ(status_of(*granted), request_status::granted);

    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_NE(mb.find("floorctl_connections{transport=\"dtls\"} 1\n"), std::string::npos) << mb;

    // Shutdown: the server's Goodbye is acked, so the stop ends without waiting out its limit.
    bool said_goodbye = false;
    auto const took = stop_answering_goodbyes(srv, [&] {
        auto const m = receive();
        if (!m || !std::holds_alternative<goodbye>(m->payload)) return;
        said_goodbye = true;
        message reply;
        reply.header = m->header;
        reply.header.responder = true;
        reply.payload = goodbye_ack{};
        send(reply);
    });
    EXPECT_TRUE(said_goodbye);
    EXPECT_LT(took, test_server::shutdown_limit);
}

TEST_P(DatagramE2E, ADtlsPeerWhoseCertificateTheOfferDidNotNameIsNotBound)
{
    test_server srv(dtls_config());
    auto const a = negotiated(srv);
    srv.app().expect_fingerprints(conference_id{1}, a.user, {"SHA-256 00:11:22"});
    auto ctx = test_support::client_context(true);
    test_support::dtls_client c(ctx.get(), srv.app().datagram_port(true));
    ASSERT_TRUE(c.handshake()); // DTLS itself accepts any certificate...
    auto const hello = encode(hello_msg(1, to_underlying(a.user), 5));
    c.write(std::string_view(reinterpret_cast<char const*>(hello.data()), hello.size()));
    EXPECT_FALSE(c.read()); // ...but the binding refuses it: close_notify, no answer
    auto const [ms, mb] = http_request(srv.port(), http::verb::get, "/metrics");
    EXPECT_NE(mb.find("floorctl_connections{transport=\"dtls\"} 0\n"), std::string::npos) << mb;
}

TEST_P(DatagramE2E, CleartextAtTheDtlsPortFromANegotiatedAddressGetsUseDtls)
{
    test_server srv(dtls_config());
    auto const a = negotiated(srv);
    udp_participant p(srv.app().datagram_port(true), 2);
    p.send(hello_msg(1, to_underlying(a.user), 5));
    auto const e = p.receive();
    ASSERT_TRUE(e);
    EXPECT_EQ(error_of(*e), error_code::use_dtls);
    EXPECT_EQ(e->header.transaction, transaction_id{5});
}

// RFC 8855 over a bad network: 20 % loss both ways plus duplicates, reordering and delays
// (tests/support/loss_shim.hpp, seeded). Each participant retransmits its request until it
// gets the answer (the client side of RFC 8855's T1 rule); every request ends in exactly one
// decision and the floor is never held by two at once.
TEST_P(DatagramE2E, UnderLossEveryRequestEndsInExactlyOneDecision)
{
    test_server srv(config());
    auto const a = negotiated(srv);
    auto const b = negotiated(srv);
    test_support::loss_shim::options so;
    so.server_port = srv.app().datagram_port(false);
    so.to_server.drop = 0.2;
    so.to_server.duplicate = 0.05;
    so.to_server.reorder = 0.05;
    so.to_server.delay = 0.05;
    so.to_client = so.to_server;
    so.seed = 20 + GetParam();
    test_support::loss_shim shim(so);

    udp_participant pa(shim.port(), 2), pb(shim.port(), 2);
    // Sends `m` until an answer with its transaction arrives (retransmission, T1 = 100 ms);
    // other messages met on the way are handed to `other`.
    auto transact = [](udp_participant& p, message const& m, auto&& other) {
        for (int attempt = 0; attempt < 40; ++attempt) {
            p.send(m);
            while (auto r = p.receive(std::chrono::milliseconds{100})) {
                if (r->header.transaction == m.header.transaction) return std::optional(*r);
                other(*r);
            }
        }
        return std::optional<message>{};
    };
    std::vector<request_status> seen_b;
    auto note_b = [&](message const& m) {
        if (auto st = status_of(m)) seen_b.push_back(*st);
    };
    auto ignore = [](message const&) {};

    std::uint16_t tx = 10;
    for (int round = 0; round < 3; ++round) {
        auto const ga = transact(pa, request_msg(1, to_underlying(a.user), ++tx), ignore);
        ASSERT_TRUE(ga) << "round " << round;
        ASSERT_EQ(status_of(*ga), request_status::granted);
        auto const pend = transact(pb, request_msg(1, to_underlying(b.user), ++tx), note_b);
        ASSERT_TRUE(pend);
        ASSERT_EQ(status_of(*pend), request_status::pending); // never granted twice
        auto const rel =
            transact(pa, release_msg(1, to_underlying(a.user), ++tx, *request_id_of(*ga)), ignore);
        ASSERT_TRUE(rel);
        // b's grant is a server transaction: retransmitted until b's ack gets through.
        seen_b.clear();
        for (int i = 0; i < 100 && std::find(seen_b.begin(), seen_b.end(),
                                             request_status::granted) == seen_b.end();
             ++i) {
            if (auto m = pb.receive(std::chrono::milliseconds{100})) note_b(*m);
        }
        ASSERT_EQ(std::count(seen_b.begin(), seen_b.end(), request_status::granted), 1)
            << "round " << round; // retransmissions of one notification are seen once
        auto const relb = transact(
            pb, release_msg(1, to_underlying(b.user), ++tx, *request_id_of(*pend)), note_b);
        ASSERT_TRUE(relb);
    }
    EXPECT_GT(shim.count(test_support::direction::to_server, test_support::fate::drop), 0u);
    // The Goodbyes cross the lossy channel too: retransmitted until acked (no time bound here:
    // a lost ack costs a retransmission interval).
    (void)stop_answering_goodbyes(srv, [&] {
        (void)pa.receive(std::chrono::milliseconds{20});
        (void)pb.receive(std::chrono::milliseconds{20});
    });
}

} // namespace
