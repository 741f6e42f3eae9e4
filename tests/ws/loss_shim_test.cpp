// tests/support/loss_shim.hpp, between a UDP client and the datagram listener's echo service:
// each fate on its own does what it says, and the same seed gives the same fates.

#include "datagram_harness.hpp"

#include <support/loss_shim.hpp>

namespace {

using namespace datagram_test;
using test_support::direction;
using test_support::fate;
using test_support::loss_profile;
using test_support::loss_shim;

ws::datagram_listener_options echo_options()
{
    ws::datagram_listener_options o;
    o.max_messages_per_second = 0;
    return o;
}

/// A profile with `fate` for every datagram.
loss_profile always(double loss_profile::*fate_probability)
{
    loss_profile p;
    p.*fate_probability = 1;
    return p;
}

/// The shim in front of `port`, treating datagrams to the server by `up`.
loss_shim::options through(std::uint16_t port, loss_profile up = {}, std::uint64_t seed = 1)
{
    loss_shim::options o;
    o.server_port = port;
    o.to_server = up;
    o.seed = seed;
    return o;
}

std::vector<std::byte> numbered(int i)
{
    return bytes_of("datagram " + std::to_string(i));
}

TEST(LossShim, WithoutLossEverythingPassesInOrder)
{
    server s(echo_options());
    loss_shim shim(through(s.listener->port()));
    client c(shim.port());
    for (int i = 0; i < 50; ++i) {
        c.send(numbered(i));
        auto const got = c.receive();
        ASSERT_TRUE(got);
        EXPECT_EQ(*got, numbered(i));
    }
    EXPECT_EQ(shim.count(direction::to_server, fate::pass), 50u);
    EXPECT_EQ(shim.count(direction::to_client, fate::pass), 50u);
}

TEST(LossShim, EachClientSourceIsItsOwnSourceAtTheServer)
{
    server s(echo_options());
    loss_shim shim(through(s.listener->port()));
    client a(shim.port()), b(shim.port());
    a.send("a");
    b.send("b");
    EXPECT_TRUE(a.receive());
    EXPECT_TRUE(b.receive());
    EXPECT_EQ(s.listener->peer_count(), 2u);
}

TEST(LossShim, DropDuplicateTruncate)
{
    server s(echo_options());
    s.handler->echo = false;
    {
        loss_shim shim(through(s.listener->port(), always(&loss_profile::drop)));
        client c(shim.port());
        for (int i = 0; i < 10; ++i)
            c.send(numbered(i));
        EXPECT_TRUE(eventually([&] { return shim.count(direction::to_server, fate::drop) == 10; }));
    }
    EXPECT_TRUE(s.handler->with_lock([&] { return s.handler->datagrams.empty(); }));
    {
        loss_shim shim(through(s.listener->port(), always(&loss_profile::duplicate)));
        client c(shim.port());
        c.send(numbered(1));
        ASSERT_TRUE(s.handler->wait([&] { return s.handler->datagrams.size() == 2; }));
    }
    {
        loss_shim shim(through(s.listener->port(), always(&loss_profile::truncate)));
        client c(shim.port());
        c.send(numbered(12345));
        ASSERT_TRUE(
            s.handler->wait([&] { return s.handler->datagrams.size() + s.handler->drops == 3; }));
        auto const got = s.handler->with_lock([&] { return s.handler->datagrams; });
        if (got.size() == 3) {
            EXPECT_LT(got[2].second.size(), numbered(12345).size());
        } else {
            EXPECT_EQ(s.dropped(ws::datagram_drop::malformed), 1u); // cut to 0 octets
        }
    }
}

TEST(LossShim, ReorderSwapsNeighboursAndDelayStillDelivers)
{
    server s(echo_options());
    s.handler->echo = false;
    {
        loss_shim shim(through(s.listener->port(), always(&loss_profile::reorder)));
        client c(shim.port());
        for (int i = 0; i < 4; ++i) {
            c.send(numbered(i));
            ASSERT_TRUE(eventually([&] {
                return shim.count(direction::to_server, fate::reorder) == unsigned(i + 1);
            }));
        }
        ASSERT_TRUE(s.handler->wait([&] { return s.handler->datagrams.size() == 4; }));
        auto const got = s.handler->with_lock([&] { return s.handler->datagrams; });
        EXPECT_EQ(got[0].second, numbered(1));
        EXPECT_EQ(got[1].second, numbered(0));
        EXPECT_EQ(got[2].second, numbered(3));
        EXPECT_EQ(got[3].second, numbered(2));
    }
    {
        loss_shim shim(through(s.listener->port(), always(&loss_profile::delay)));
        client c(shim.port());
        for (int i = 0; i < 10; ++i)
            c.send(numbered(i));
        ASSERT_TRUE(s.handler->wait([&] { return s.handler->datagrams.size() == 14; }));
    }
}

TEST(LossShim, TheSameSeedGivesTheSameFates)
{
    server s(echo_options());
    s.handler->echo = false;
    auto run = [&](std::uint64_t seed) {
        loss_shim shim(through(s.listener->port(), loss_profile::uniform(0.2, 0.05), seed));
        client c(shim.port());
        for (int i = 0; i < 200; ++i)
            c.send(numbered(i));
        std::array<std::uint64_t, test_support::fate_count> tally{};
        EXPECT_TRUE(eventually([&] {
            std::uint64_t n = 0;
            for (std::size_t f = 0; f < tally.size(); ++f)
                n += shim.count(direction::to_server, fate(f));
            return n == 200;
        }));
        for (std::size_t f = 0; f < tally.size(); ++f)
            tally[f] = shim.count(direction::to_server, fate(f));
        return tally;
    };
    auto const a = run(7), b = run(7), c = run(8);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_GT(a[std::size_t(fate::drop)], 20u); // about 40 of 200
    EXPECT_LT(a[std::size_t(fate::drop)], 70u);
}

} // namespace
