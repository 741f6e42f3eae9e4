#include "sip_websocket_peers.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using floorctl::app::sip_websocket_peers;
using floorctl::app::websocket_client;
using sip::signalling_transport;

sip::invite invite_from(std::string address, std::uint16_t port, signalling_transport t)
{
    sip::invite inv;
    inv.call = sip::call_id{1};
    inv.peer_address = std::move(address);
    inv.peer_port = port;
    inv.transport = t;
    return inv;
}

TEST(SipWebSocketPeersTest, AnInviteOverAFlowIsTheWebSocketClients)
{
    sip_websocket_peers peers;
    peers.opened("127.0.0.1", 51838, {"198.51.100.7", 53124, signalling_transport::wss});
    peers.opened("127.0.0.1", 51839, {"2001:db8::7", 40000, signalling_transport::ws});

    auto inv = invite_from("127.0.0.1", 51838, signalling_transport::tcp);
    EXPECT_TRUE(peers.resolve(inv));
    EXPECT_EQ(inv.peer_address, "198.51.100.7");
    EXPECT_EQ(inv.peer_port, 53124);
    EXPECT_EQ(inv.transport, signalling_transport::wss);
    EXPECT_STREQ(sip::to_string(inv.transport), "wss");

    auto v6 = invite_from("127.0.0.1", 51839, signalling_transport::tcp);
    EXPECT_TRUE(peers.resolve(v6));
    EXPECT_EQ(v6.peer_address, "2001:db8::7");
    EXPECT_EQ(v6.transport, signalling_transport::ws);
}

TEST(SipWebSocketPeersTest, OtherCallersAreLeftAlone)
{
    sip_websocket_peers peers;
    peers.opened("127.0.0.1", 51838, {"198.51.100.7", 53124, signalling_transport::wss});
    for (auto inv : {invite_from("127.0.0.1", 51838, signalling_transport::udp), // not a flow
                     invite_from("127.0.0.1", 51838, signalling_transport::tls),
                     invite_from("127.0.0.1", 51840, signalling_transport::tcp), // another port
                     invite_from("::1", 51838, signalling_transport::tcp),
                     invite_from("203.0.113.5", 51838, signalling_transport::tcp)}) {
        auto const before = inv;
        EXPECT_FALSE(peers.resolve(inv)) << before.peer_address << ' ' << before.peer_port;
        EXPECT_EQ(inv.peer_address, before.peer_address);
        EXPECT_EQ(inv.peer_port, before.peer_port);
        EXPECT_EQ(inv.transport, before.transport);
    }
}

TEST(SipWebSocketPeersTest, ClosingAFlowForgetsItAndReportsItsClientOnce)
{
    sip_websocket_peers peers;
    std::vector<websocket_client> gone;
    peers.set_closed_callback([&](websocket_client const& c) { gone.push_back(c); });
    peers.opened("127.0.0.1", 51838, {"198.51.100.7", 53124, signalling_transport::wss});
    peers.opened("127.0.0.1", 51839, {"198.51.100.8", 1, signalling_transport::ws});

    peers.closed("127.0.0.1", 51838);
    peers.closed("127.0.0.1", 51838); // twice: the flow and the WebSocket both end
    peers.closed("127.0.0.1", 9);     // never opened
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].address, "198.51.100.7");
    EXPECT_EQ(gone[0].port, 53124);
    EXPECT_EQ(gone[0].transport, signalling_transport::wss);
    EXPECT_EQ(peers.size(), 1u);
    EXPECT_FALSE(peers.find("127.0.0.1", 51838));

    // A later flow on the same port (the kernel reuses it) is a new client.
    peers.opened("127.0.0.1", 51838, {"203.0.113.9", 2, signalling_transport::wss});
    auto inv = invite_from("127.0.0.1", 51838, signalling_transport::tcp);
    EXPECT_TRUE(peers.resolve(inv));
    EXPECT_EQ(inv.peer_address, "203.0.113.9");

    peers.set_closed_callback({}); // nobody listens any more: closing still forgets
    peers.closed("127.0.0.1", 51839);
    EXPECT_EQ(gone.size(), 1u);
    EXPECT_EQ(peers.size(), 1u);
}

} // namespace
