#include "sip_service.hpp"

#include <gtest/gtest.h>

using namespace floorctl::app;

TEST(SipServiceTest, UriUserPart)
{
    EXPECT_EQ(uri_user("sip:demo@127.0.0.1:5060"), "demo");
    EXPECT_EQ(uri_user("sips:board@example.com"), "board");
    EXPECT_EQ(uri_user("sip:127.0.0.1"), "");
    EXPECT_EQ(uri_user("nonsense"), "");
}

TEST(SipServiceTest, ControllerConfigMapsConferenceUrisAndWebSocketEndpoint)
{
    auto cfg = default_config();
    cfg.sip.load_limit = 42;
    auto const c = make_controller_config(cfg, 9443);
    ASSERT_EQ(c.conference_aliases.count("demo"), 1u);
    EXPECT_EQ(c.conference_aliases.at("demo"), "demo");
    EXPECT_EQ(c.max_calls, 42u);
    EXPECT_EQ(c.sdp.address, "127.0.0.1");
    EXPECT_EQ(c.sdp.wss.host, "localhost");
    EXPECT_EQ(c.sdp.wss.port, 9443);
    EXPECT_EQ(c.sdp.wss.path, "/bfcp");
    ASSERT_EQ(c.sdp.transports.size(), 1u);
    EXPECT_EQ(c.sdp.transports[0], sdp::transport::wss);

    cfg.websocket.public_tls = false;
    cfg.websocket.public_host = "bfcp.example.com";
    cfg.websocket.public_port = 80;
    auto const plain = make_controller_config(cfg, 9443);
    EXPECT_EQ(plain.sdp.ws.host, "bfcp.example.com");
    EXPECT_EQ(plain.sdp.ws.port, 80);
    EXPECT_EQ(plain.sdp.transports[0], sdp::transport::ws);
}
