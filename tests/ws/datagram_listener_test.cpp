// ws::datagram_listener over plain UDP on loopback port 0, as an echo service: several peers,
// the peer table's limits (admission, rate, idle expiry), malformed and oversized datagrams,
// sends to closed peers, several io threads, and stopping with peers in flight.

#include "datagram_harness.hpp"

#include <support/udp_socket_buffers.hpp>

#include <atomic>
#include <set>

namespace {

using namespace datagram_test;
using ws::datagram_drop;

ws::datagram_listener_options plain_options()
{
    ws::datagram_listener_options o;
    o.address = "127.0.0.1";
    return o;
}

TEST(DatagramListener, EchoesForSeveralPeersOnSeveralThreads)
{
    server s(plain_options(), 4);
    ASSERT_NE(s.listener->port(), 0);
    std::vector<std::unique_ptr<client>> clients;
    for (int i = 0; i < 6; ++i)
        clients.push_back(std::make_unique<client>(s.listener->port()));
    for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            auto const text = "peer " + std::to_string(i) + " round " + std::to_string(round);
            clients[i]->send(text);
            auto const echoed = clients[i]->receive();
            ASSERT_TRUE(echoed);
            EXPECT_EQ(*echoed, bytes_of(text));
        }
    }
    auto const opens = s.handler->with_lock([&] { return s.handler->opens; });
    ASSERT_EQ(opens.size(), 6u); // one peer per source, opened by its first datagram
    std::set<std::uint64_t> ids;
    for (auto const& p : opens) {
        ids.insert(floorctl::to_underlying(p.conn));
        EXPECT_FALSE(p.dtls);
        EXPECT_TRUE(p.fingerprint.empty());
        EXPECT_EQ(p.source.address, "127.0.0.1");
    }
    EXPECT_EQ(ids.size(), 6u);
    EXPECT_EQ(s.listener->peer_count(), 6u);
    s.stop();
    // Every open peer was closed once, with going_away.
    auto const closes = s.handler->with_lock([&] { return s.handler->closes; });
    ASSERT_EQ(closes.size(), 6u);
    for (auto const& c : closes)
        EXPECT_EQ(c.info.code, ws::close_code::going_away);
    EXPECT_EQ(s.listener->peer_count(), 0u);
}

TEST(DatagramListener, OneIoThreadServesWithoutAStrand)
{
    auto o = plain_options();
    o.one_io_thread = true;
    server s(o, 1);
    client a(s.listener->port());
    client b(s.listener->port());
    for (int round = 0; round < 3; ++round) {
        for (auto* c : {&a, &b}) {
            auto const text = "round " + std::to_string(round);
            c->send(text);
            auto const echoed = c->receive();
            ASSERT_TRUE(echoed);
            EXPECT_EQ(*echoed, bytes_of(text));
        }
    }
    // A send from another thread than the io thread is queued, then sent by it.
    auto const opens = s.handler->with_lock([&] { return s.handler->opens; });
    ASSERT_EQ(opens.size(), 2u);
    EXPECT_TRUE(s.listener->send(opens[0].conn, bytes_of("from outside")));
    auto const got = a.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, bytes_of("from outside"));
    s.stop();
    EXPECT_EQ(s.handler->with_lock([&] { return s.handler->closes.size(); }), 2u);
    EXPECT_FALSE(s.listener->send(opens[0].conn, bytes_of("after stop")));
}

// The start record names our own bound address as `local`, never as `remote` (which every other
// record uses for the peer).
TEST(DatagramListener, BoundRecordNamesTheLocalAddress)
{
    struct record {
        std::string message, remote, local;
    };
    std::vector<record> records;
    net::io_context ioc;
    auto const listener = ws::datagram_listener::create(
        ioc, plain_options(), std::make_shared<recorder>(),
        [&](ws::log_level, std::string_view message, ws::log_fields const& f) {
            records.push_back({std::string(message), std::string(f.remote), std::string(f.local)});
        });
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].message, "BFCP UDP listener bound");
    EXPECT_EQ(records[0].local, "127.0.0.1:" + std::to_string(listener->port()));
    EXPECT_TRUE(records[0].remote.empty());
}

TEST(DatagramListener, BindsIpv6)
{
    auto o = plain_options();
    o.address = "::1";
    server s(o);
    client c(s.listener->port(), "::1");
    c.send("over IPv6");
    auto const echoed = c.receive();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(*echoed, bytes_of("over IPv6"));
    auto const opens = s.handler->with_lock([&] { return s.handler->opens; });
    ASSERT_EQ(opens.size(), 1u);
    EXPECT_EQ(opens[0].source.address, "::1");
    EXPECT_EQ(opens[0].source.remote(), "[::1]:" + std::to_string(c.local_port()));
}

TEST(DatagramListener, IPv4AndIPv6WildcardsShareAPort)
{
    auto o = plain_options();
    o.address = "0.0.0.0";
    server v4(o);
    o.address = "::";
    o.port = v4.listener->port();
    server v6(o); // IPv6 only: no clash with the IPv4 socket
    EXPECT_EQ(v6.listener->port(), v4.listener->port());
}

TEST(DatagramListener, IdlePeerExpiresAndASourceComesBackAsANewPeer)
{
    auto o = plain_options();
    o.idle_timeout = 150ms;
    server s(o);
    client c(s.listener->port());
    c.send("one");
    ASSERT_TRUE(c.receive());
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->closes.size() == 1; }));
    auto const first = s.handler->with_lock([&] { return s.handler->closes[0]; });
    EXPECT_EQ(first.info.reason, "idle timeout");
    EXPECT_EQ(first.info.origin, ws::close_origin::local);
    EXPECT_EQ(s.listener->peer_count(), 0u);
    EXPECT_FALSE(s.listener->send(first.conn, bytes_of("late"))); // gone

    c.send("two");
    ASSERT_TRUE(c.receive());
    auto const opens = s.handler->with_lock([&] { return s.handler->opens; });
    ASSERT_EQ(opens.size(), 2u);
    EXPECT_NE(opens[1].conn, opens[0].conn);
}

TEST(DatagramListener, TotalPeerLimitDropsNewSourcesUntilOneCloses)
{
    auto o = plain_options();
    o.max_peers = 2;
    server s(o);
    client a(s.listener->port()), b(s.listener->port()), c(s.listener->port());
    a.send("a");
    ASSERT_TRUE(a.receive());
    b.send("b");
    ASSERT_TRUE(b.receive());
    c.send("c");
    EXPECT_FALSE(c.receive(200ms)); // dropped: no answer to a source over the limit
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->drops == 1; }));
    EXPECT_EQ(s.dropped(datagram_drop::over_limit), 1u);
    EXPECT_EQ(s.listener->peer_count(), 2u);

    auto const first = s.handler->with_lock([&] { return s.handler->opens[0].conn; });
    EXPECT_TRUE(s.listener->close(first, "done"));
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->closes.size() == 1; }));
    c.send("c again");
    auto const echoed = c.receive();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(*echoed, bytes_of("c again"));
}

TEST(DatagramListener, PerAddressLimitAppliesToTheSourceAddress)
{
    auto o = plain_options();
    o.max_peers = 10;
    o.max_peers_per_address = 1;
    server s(o);
    client a(s.listener->port()), b(s.listener->port());
    a.send("a");
    ASSERT_TRUE(a.receive());
    b.send("b"); // same address, another port
    EXPECT_FALSE(b.receive(200ms));
    EXPECT_EQ(s.dropped(datagram_drop::over_limit), 1u);
}

TEST(DatagramListener, SharedAdmissionCountsWithTheOtherListeners)
{
    auto o = plain_options();
    o.admission = ws::admission::create({1, 0, 0});
    auto held = o.admission->admit("192.0.2.1"); // a TCP connection elsewhere holds the slot
    ASSERT_EQ(held.verdict, ws::admission_verdict::admitted);
    server s(o);
    client a(s.listener->port());
    a.send("a");
    EXPECT_FALSE(a.receive(200ms));
    EXPECT_EQ(s.dropped(datagram_drop::over_limit), 1u);
    held.slot = {};
    a.send("a");
    EXPECT_TRUE(a.receive());
    EXPECT_EQ(o.admission->count(), 1u);
}

TEST(DatagramListener, RefusedSourceIsDroppedWithoutState)
{
    auto o = plain_options();
    server s(o);
    client stranger(s.listener->port());
    s.handler->refuse_port = stranger.local_port();
    stranger.send("who am I");
    EXPECT_FALSE(stranger.receive(200ms));
    EXPECT_EQ(s.dropped(datagram_drop::unknown_source), 1u);
    EXPECT_EQ(s.listener->peer_count(), 0u);
    EXPECT_TRUE(s.handler->with_lock([&] { return s.handler->opens.empty(); }));
}

TEST(DatagramListener, EmptyAndOversizedDatagramsAreDropped)
{
    auto o = plain_options();
    o.max_datagram = 100;
    server s(o);
    client c(s.listener->port());
    c.send(std::vector<std::byte>(101, std::byte{0x40}));
    c.send(std::span<std::byte const>{});
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->drops == 2; }));
    EXPECT_EQ(s.dropped(datagram_drop::oversized), 1u);
    EXPECT_EQ(s.dropped(datagram_drop::malformed), 1u);
    EXPECT_EQ(s.listener->peer_count(), 0u);
    auto const max = std::vector<std::byte>(100, std::byte{0x41});
    c.send(max); // exactly the limit: carried
    auto const echoed = c.receive();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(*echoed, max);
}

TEST(DatagramListener, LargestUdpDatagramFitsTheOneReceiveBuffer)
{
    server s(plain_options());
    client c(s.listener->port());
    std::vector<std::byte> big(65'507, std::byte{0x5a}); // IPv4's largest UDP payload
    big.front() = std::byte{0x01};
    big.back() = std::byte{0x02};
    c.send(big);
    auto const echoed = c.receive();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(*echoed, big);
}

// Every peer's datagrams wait in the socket's one kernel buffer while the strand works. The
// system default (208 KiB) held a few hundred small datagrams, fewer than one outstanding request
// from each of 1,000 peers: the load benchmark lost datagrams at 1,000 peers and the peers waited
// out retransmission timers (docs/performance.md, "BFCP over UDP").
TEST(DatagramListener, SocketGetsTheConfiguredReceiveBuffer)
{
    long const requested = 1024 * 1024;
    auto const defaults = test_support::default_udp_buffers();
    long const want = test_support::expected_at_least(requested, "net/core/rmem_max");
    if (want <= defaults.receive)
        GTEST_SKIP() << "net.core.rmem_max allows no more than the default";
    auto o = plain_options();
    o.receive_buffer_bytes = requested;
    server s(o);
    auto const got = test_support::udp_socket_buffers(s.listener->port());
    ASSERT_TRUE(got.has_value());
    EXPECT_GE(got->receive, want);
}

TEST(DatagramListener, ZeroReceiveBufferKeepsTheSystemDefault)
{
    auto o = plain_options();
    o.receive_buffer_bytes = 0;
    server s(o);
    auto const got = test_support::udp_socket_buffers(s.listener->port());
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->receive, test_support::default_udp_buffers().receive);
}

TEST(DatagramListener, RateLimitDropsTheExcessAndKeepsThePeer)
{
    auto o = plain_options();
    o.max_messages_per_second = 5;
    server s(o);
    s.handler->echo = false;
    client c(s.listener->port());
    for (int i = 0; i < 40; ++i)
        c.send("burst");
    ASSERT_TRUE(
        s.handler->wait([&] { return s.handler->datagrams.size() + s.handler->drops == 40; }));
    auto const delivered = s.handler->with_lock([&] { return s.handler->datagrams.size(); });
    EXPECT_GE(delivered, 5u);
    EXPECT_LT(delivered, 20u);
    EXPECT_EQ(s.dropped(datagram_drop::rate), 40u - delivered);
    EXPECT_EQ(s.listener->peer_count(), 1u);
}

TEST(DatagramListener, SendAndCloseOnAClosedOrUnknownPeerReturnFalse)
{
    server s(plain_options());
    client c(s.listener->port());
    c.send("hi");
    ASSERT_TRUE(c.receive());
    auto const conn = s.handler->with_lock([&] { return s.handler->opens[0].conn; });
    EXPECT_TRUE(s.listener->send(conn, bytes_of("from the app")));
    auto const pushed = c.receive();
    ASSERT_TRUE(pushed);
    EXPECT_EQ(*pushed, bytes_of("from the app"));

    EXPECT_TRUE(s.listener->close(conn, "bye"));
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->closes.size() == 1; }));
    auto const closed = s.handler->with_lock([&] { return s.handler->closes[0]; });
    EXPECT_EQ(closed.info.reason, "bye");
    EXPECT_FALSE(s.listener->send(conn, bytes_of("too late")));
    EXPECT_FALSE(s.listener->close(conn));
    EXPECT_FALSE(s.listener->send(floorctl::connection_id{999'999'999}, bytes_of("x")));
    EXPECT_FALSE(c.receive(100ms));
}

TEST(DatagramListener, SendQueueBoundDropsWhatDoesNotFit)
{
    auto o = plain_options();
    o.max_send_queue_bytes = 10;
    server s(o);
    client c(s.listener->port());
    c.send("hi");
    ASSERT_TRUE(c.receive()); // the echo is sent on the strand, not queued
    auto const conn = s.handler->with_lock([&] { return s.handler->opens[0].conn; });
    EXPECT_FALSE(s.listener->send(conn, bytes_of("eleven octs"))); // 11 > 10
    EXPECT_EQ(s.dropped(datagram_drop::send_queue), 1u);
    EXPECT_TRUE(s.listener->send(conn, bytes_of("ten octets")));
    auto const got = c.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, bytes_of("ten octets"));
}

TEST(DatagramListener, StopWithPeersInFlightClosesEachOpenPeerOnce)
{
    server s(plain_options(), 4);
    std::atomic<bool> go{true};
    std::vector<std::thread> senders;
    for (int i = 0; i < 8; ++i) {
        senders.emplace_back([&, port = s.listener->port()] {
            client c(port);
            for (int n = 0; n < 200 && go; ++n) {
                c.send("flood " + std::to_string(n));
                (void)c.receive(1ms);
            }
        });
    }
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->opens.size() >= 4; }));
    s.stop(); // while datagrams still arrive and echoes are being sent
    go = false;
    for (auto& t : senders)
        t.join();
    auto const [opens, closes] = s.handler->with_lock([&] {
        return std::pair{s.handler->opens.size(), s.handler->closes.size()};
    });
    EXPECT_EQ(opens, closes);
    EXPECT_EQ(s.listener->peer_count(), 0u);
    EXPECT_FALSE(s.listener->send(floorctl::connection_id{1}, bytes_of("after stop")));
}

} // namespace
