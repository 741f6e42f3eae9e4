#include "log.hpp"
#include "metrics.hpp"

#include <gtest/gtest.h>

using namespace floorctl;
using namespace floorctl::app;
using namespace std::chrono_literals;

TEST(MetricsTest, PrometheusTextCarriesEveryFamily)
{
    metrics m;
    m.message(metrics::direction::in, 1); // FloorRequest
    m.message(metrics::direction::in, 1);
    m.message(metrics::direction::out, 4);  // FloorRequestStatus
    m.message(metrics::direction::in, 93);  // vendor
    m.message(metrics::direction::in, 200); // other
    m.error_sent(5);
    m.handshake(0);
    m.handshake(1 + 3); // no_subprotocol
    m.latency(80us);    // bucket le=0.0001
    m.latency(2s);      // +Inf
    m.connection_opened(transport_kind::tls);
    gauge_values g;
    g.connections[static_cast<std::size_t>(transport_kind::ws)] = 3;
    g.connections[static_cast<std::size_t>(transport_kind::tcp)] = 1;
    g.queued_requests = 2;
    g.grants = 1;
    g.tokens_unused = 4;
    g.tokens_used = 5;
    g.tokens_ended = 6;
    auto const text = m.format(g);
    EXPECT_NE(text.find("# TYPE floorctl_tokens gauge\nfloorctl_tokens{state=\"unused\"} 4\n"
                        "floorctl_tokens{state=\"used\"} 5\nfloorctl_tokens{state=\"ended\"} 6\n"),
              std::string::npos);

    // Connections are labelled by transport: a bound TCP/BFCP connection is not a WebSocket.
    EXPECT_NE(text.find("# TYPE floorctl_connections gauge\n"
                        "floorctl_connections{transport=\"ws\"} 3\n"
                        "floorctl_connections{transport=\"wss\"} 0\n"
                        "floorctl_connections{transport=\"tcp\"} 1\n"
                        "floorctl_connections{transport=\"tls\"} 0\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("floorctl_websocket_connections"), std::string::npos);
    EXPECT_NE(text.find("floorctl_connections_opened_total{transport=\"tls\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_connections_opened_total{transport=\"ws\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_queue_length 2\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_messages_total{primitive=\"FloorRequest\",direction=\"in\"} 2\n"),
              std::string::npos);
    EXPECT_NE(
        text.find(
            "floorctl_messages_total{primitive=\"FloorRequestStatus\",direction=\"out\"} 1\n"),
        std::string::npos);
    EXPECT_NE(text.find("floorctl_messages_total{primitive=\"Vendor\",direction=\"in\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_messages_total{primitive=\"Other\",direction=\"in\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_errors_total{code=\"5\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_errors_total{code=\"1\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_grants_total 1\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_handshakes_total{outcome=\"accepted\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_handshakes_total{outcome=\"no_subprotocol\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE floorctl_request_latency_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_bucket{le=\"5e-05\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_bucket{le=\"0.0001\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_bucket{le=\"0.5\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_bucket{le=\"+Inf\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_sum 2.000080000\n"), std::string::npos);
    EXPECT_NE(text.find("floorctl_request_latency_seconds_count 2\n"), std::string::npos);
    // Every non-comment line is "name{labels} value" or "name value".
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto const nl = text.find('\n', pos);
        ASSERT_NE(nl, std::string::npos);
        auto const line = text.substr(pos, nl - pos);
        if (line[0] != '#') {
            EXPECT_EQ(line.rfind("floorctl_", 0), 0u) << line;
            EXPECT_NE(line.find(' '), std::string::npos) << line;
        }
        pos = nl + 1;
    }
}

TEST(MetricsTest, SipInvitesAreLabelledBySignallingTransportAndOutcome)
{
    metrics m;
    m.sip_invite(sip::signalling_transport::wss, true);
    m.sip_invite(sip::signalling_transport::wss, true);
    m.sip_invite(sip::signalling_transport::ws, false); // e.g. 486, conference full
    m.sip_invite(sip::signalling_transport::udp, true);
    m.sip_invite(sip::signalling_transport::tls, false);
    auto const text = m.format({});
    EXPECT_NE(text.find("# TYPE floorctl_sip_invites_total counter\n"
                        "floorctl_sip_invites_total{transport=\"udp\",outcome=\"answered\"} 1\n"
                        "floorctl_sip_invites_total{transport=\"udp\",outcome=\"refused\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"tcp\",outcome=\"answered\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"tcp\",outcome=\"refused\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"tls\",outcome=\"answered\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"tls\",outcome=\"refused\"} 1\n"
                        "floorctl_sip_invites_total{transport=\"other\",outcome=\"answered\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"other\",outcome=\"refused\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"ws\",outcome=\"answered\"} 0\n"
                        "floorctl_sip_invites_total{transport=\"ws\",outcome=\"refused\"} 1\n"
                        "floorctl_sip_invites_total{transport=\"wss\",outcome=\"answered\"} 2\n"
                        "floorctl_sip_invites_total{transport=\"wss\",outcome=\"refused\"} 0\n"),
              std::string::npos)
        << text;
}

TEST(LoggerTest, TextLinesAreKeyValueWithIds)
{
    logger l(stderr);
    l.configure(log_level::info, log_format::text);
    auto const line = l.format(log_level::warn, "connection closed",
                               {.conn = connection_id{12},
                                .conference = conference_id{3},
                                .user = user_id{4},
                                .extra = {{"reason", "peer went away"}, {"code", "1001"}}});
    EXPECT_EQ(line.rfind("ts=", 0), 0u);
    EXPECT_NE(line.find(" level=warn msg=\"connection closed\" conn=12 conf=3 user=4 "
                        "reason=\"peer went away\" code=1001"),
              std::string::npos)
        << line;
}

TEST(LoggerTest, JsonLinesAreOneObjectWithNumericIds)
{
    logger l(stderr);
    l.configure(log_level::info, log_format::json);
    auto const line = l.format(log_level::info, "say \"hi\"\n",
                               {.conference = conference_id{3}, .extra = {{"remote", "::1"}}});
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    EXPECT_NE(line.find(R"("level":"info","msg":"say \"hi\"\n","conf":3,"remote":"::1"})"),
              std::string::npos)
        << line;
}

TEST(LoggerTest, LevelFilters)
{
    logger l(stderr);
    l.configure(log_level::warn, log_format::text);
    EXPECT_FALSE(l.enabled(log_level::info));
    EXPECT_TRUE(l.enabled(log_level::error));
    l.configure(log_level::off, log_format::text);
    EXPECT_FALSE(l.enabled(log_level::error));
}
