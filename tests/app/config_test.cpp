#include "config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

using namespace floorctl::app;
using namespace std::chrono_literals;

namespace {

/// Line numbers of every error, in order.
std::vector<std::size_t> lines_of(config_result const& r)
{
    std::vector<std::size_t> out;
    for (auto const& e : r.errors)
        out.push_back(e.line);
    return out;
}

bool has_error(config_result const& r, std::size_t line, std::string const& fragment)
{
    for (auto const& e : r.errors) {
        if (e.line == line && e.message.find(fragment) != std::string::npos) return true;
    }
    return false;
}

std::string dump(config_result const& r)
{
    std::string s;
    for (auto const& e : r.errors)
        s += format_error("t.conf", e) + "\n";
    return s;
}

constexpr char full_config[] = R"(io_threads = 3
token_lifetime = "2m"

[websocket]
listen = "0.0.0.0:9443"
allow_plain = true
require_tls = false
path = "/ws/bfcp"
public_host = "bfcp.example.com"
public_port = 443
public_tls = true
origins = ["https://app.example.com", "https://other.example.com"]
cookie_name = "bfcp_token"

[tls]
certificate = "/etc/floorctl/cert.pem"
private_key = "/etc/floorctl/key.pem"

[sip]
enabled = true
udp = ["127.0.0.1:5062"]
tcp = ["127.0.0.1:5062", "[::1]:5062"]
tls = ["127.0.0.1:5063"]
certificate_dir = "/etc/floorctl/sip-tls"
digest_auth = true
realm = "example.com"
load_limit = 500
udp_receive_buffer_bytes = 8388608
udp_send_buffer_bytes = 0
tcp_idle_timeout = "45s"

[[sip.user]]
name = "alice"
password = "wonderland"

[[sip.user]]
name = "chair"
password = "looking-glass"
identity = "sip:chair@example.com"

[sip.auto_create]
[[sip.auto_create.floor]]
id = 2
policy = "preempt"

[bfcp]
tcp = ["127.0.0.1:5070"]
tls = ["127.0.0.1:5071"]
udp = ["127.0.0.1:5062", "[::1]:5062"]
dtls = ["0.0.0.0:5063"]
datagram_size = 1400
datagram_idle_timeout = "90s"
datagram_send_queue_bytes = 1048576
datagram_send_queue_datagrams = 2048
transports = ["udp", "wss", "ws", "tls", "tcp", "dtls"]

[[conference]]
id = 42
name = "board"
sip_uris = ["sip:board@example.com"]
chair_uris = ["sip:chair@example.com"]
chair_users = [7, 8]
reconnect_grace = "15s"

[[conference.floor]]
id = 1
policy = "chair"
max_holders = 2
max_hold_time = "10m"
max_requests_per_user = 3
send_accepted = true
chair_timeout = "45s"
chair_fallback = "accept"
label = "slides"

[[conference.floor]]
id = 2
policy = "queue"

[limits]
max_connections = 500
max_connections_per_ip = 20
messages_per_second = 10
write_queue_bytes = 65536
header_bytes = 4096

[timeouts]
handshake = "5s"
idle = 60
ping = "250ms"

[logging]
level = "debug"
format = "json"

[admin]
enabled = true
bind = "0.0.0.0"
bearer_key = "0123456789abcdef0123"
)";

} // namespace

TEST(ConfigTest, EveryKeyIsRead)
{
    auto const r = parse_config(full_config);
    ASSERT_TRUE(r.ok()) << dump(r);
    auto const& c = *r.cfg;
    EXPECT_EQ(c.io_threads, 3u);
    EXPECT_EQ(c.effective_io_threads(), 3u);
    EXPECT_EQ(c.token_lifetime, 120s);

    EXPECT_EQ(c.websocket.listen, (endpoint{"0.0.0.0", 9443}));
    EXPECT_TRUE(c.websocket.allow_plain);
    EXPECT_FALSE(c.websocket.require_tls);
    EXPECT_EQ(c.websocket.path, "/ws/bfcp");
    EXPECT_EQ(c.websocket.public_host, "bfcp.example.com");
    EXPECT_EQ(c.websocket.public_port, 443);
    EXPECT_TRUE(c.websocket.public_tls);
    EXPECT_EQ(c.websocket.origins,
              (std::vector<std::string>{"https://app.example.com", "https://other.example.com"}));
    EXPECT_EQ(c.websocket.cookie_name, "bfcp_token");

    EXPECT_EQ(c.tls.certificate, "/etc/floorctl/cert.pem");
    EXPECT_EQ(c.tls.private_key, "/etc/floorctl/key.pem");
    EXPECT_FALSE(c.tls.self_signed());

    EXPECT_TRUE(c.sip.enabled);
    EXPECT_EQ(c.sip.udp, (std::vector<endpoint>{{"127.0.0.1", 5062}}));
    EXPECT_EQ(c.sip.tcp, (std::vector<endpoint>{{"127.0.0.1", 5062}, {"::1", 5062}}));
    EXPECT_EQ(c.sip.tls, (std::vector<endpoint>{{"127.0.0.1", 5063}}));
    EXPECT_EQ(c.sip.certificate_dir, "/etc/floorctl/sip-tls");
    EXPECT_TRUE(c.sip.digest_auth);
    EXPECT_EQ(c.sip.realm, "example.com");
    EXPECT_EQ(c.sip.load_limit, 500u);
    EXPECT_EQ(c.sip.udp_receive_buffer_bytes, 8388608u);
    EXPECT_EQ(c.sip.udp_send_buffer_bytes, 0u);
    EXPECT_EQ(c.sip.tcp_idle_timeout, std::chrono::seconds{45});
    ASSERT_EQ(c.sip.users.size(), 2u);
    EXPECT_EQ(c.sip.users[0].name, "alice");
    EXPECT_EQ(c.sip.users[0].password, "wonderland");
    EXPECT_EQ(c.sip.users[0].identity, "");
    EXPECT_EQ(c.sip.users[1].identity, "sip:chair@example.com");
    EXPECT_TRUE(c.sip.auto_create.enabled);
    ASSERT_EQ(c.sip.auto_create.floors.size(), 1u);
    EXPECT_EQ(c.sip.auto_create.floors[0].id, 2);
    EXPECT_EQ(c.sip.auto_create.floors[0].policy, floorctl::policy::preempt);

    EXPECT_EQ(c.bfcp.tcp, (std::vector<endpoint>{{"127.0.0.1", 5070}}));
    EXPECT_EQ(c.bfcp.tls, (std::vector<endpoint>{{"127.0.0.1", 5071}}));
    EXPECT_EQ(c.bfcp.udp, (std::vector<endpoint>{{"127.0.0.1", 5062}, {"::1", 5062}}));
    EXPECT_EQ(c.bfcp.dtls, (std::vector<endpoint>{{"0.0.0.0", 5063}}));
    EXPECT_EQ(c.bfcp.datagram_size, 1400u);
    EXPECT_EQ(c.bfcp.datagram_idle_timeout, std::chrono::seconds{90});
    EXPECT_EQ(c.bfcp.datagram_send_queue_bytes, 1048576u);
    EXPECT_EQ(c.bfcp.datagram_send_queue_datagrams, 2048u);
    EXPECT_EQ(c.bfcp.transports,
              (std::vector<sdp::transport>{sdp::transport::udp, sdp::transport::wss,
                                           sdp::transport::ws, sdp::transport::tls,
                                           sdp::transport::tcp, sdp::transport::udp_tls}));

    ASSERT_EQ(c.conferences.size(), 1u);
    auto const& conf = c.conferences[0];
    EXPECT_EQ(conf.id, 42u);
    EXPECT_EQ(conf.name, "board");
    EXPECT_EQ(conf.sip_uris, std::vector<std::string>{"sip:board@example.com"});
    EXPECT_EQ(conf.chair_uris, std::vector<std::string>{"sip:chair@example.com"});
    EXPECT_EQ(conf.chair_users, (std::vector<std::uint16_t>{7, 8}));
    EXPECT_EQ(conf.reconnect_grace, 15s);
    ASSERT_EQ(conf.floors.size(), 2u);
    auto const& f = conf.floors[0];
    EXPECT_EQ(f.id, 1);
    EXPECT_EQ(f.policy, floorctl::policy::chair);
    EXPECT_EQ(f.max_holders, 2);
    EXPECT_EQ(f.max_hold_time, 600s);
    EXPECT_EQ(f.max_requests_per_user, 3);
    EXPECT_TRUE(f.send_accepted);
    EXPECT_EQ(f.chair_timeout, 45s);
    EXPECT_EQ(f.fallback, floorctl::chair_fallback::accept);
    EXPECT_EQ(f.label, "slides");
    EXPECT_EQ(conf.floors[1].policy, floorctl::policy::queue);
    EXPECT_EQ(conf.floors[1].max_holders, 1);                           // default
    EXPECT_EQ(conf.floors[1].fallback, floorctl::chair_fallback::deny); // default

    EXPECT_EQ(c.limits.max_connections, 500u);
    EXPECT_EQ(c.limits.max_connections_per_ip, 20u);
    EXPECT_EQ(c.limits.messages_per_second, 10u);
    EXPECT_EQ(c.limits.write_queue_bytes, 65536u);
    EXPECT_EQ(c.limits.header_bytes, 4096u);

    EXPECT_EQ(c.timeouts.handshake, 5s);
    EXPECT_EQ(c.timeouts.idle, 60s);
    EXPECT_EQ(c.timeouts.ping, 250ms);

    EXPECT_EQ(c.logging.level, log_level::debug);
    EXPECT_EQ(c.logging.format, log_format::json);

    EXPECT_TRUE(c.admin.enabled);
    EXPECT_EQ(c.admin.bind, "0.0.0.0");
    EXPECT_FALSE(c.admin.loopback_only());
    EXPECT_EQ(c.admin.bearer_key, "0123456789abcdef0123");
}

TEST(ConfigTest, EmptyFileGivesDefaultsWithoutSipOrConferences)
{
    auto const r = parse_config("");
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.cfg->websocket.listen, (endpoint{"127.0.0.1", 8443}));
    EXPECT_TRUE(r.cfg->tls.self_signed());
    EXPECT_FALSE(r.cfg->sip.enabled);
    EXPECT_TRUE(r.cfg->conferences.empty());
    EXPECT_TRUE(r.cfg->admin.loopback_only());
    EXPECT_EQ(r.cfg->token_lifetime, 5min);
}

TEST(ConfigTest, EmbeddedDefaultHasDemoConferenceAndSip)
{
    auto const c = default_config();
    EXPECT_EQ(c.websocket.listen, (endpoint{"127.0.0.1", 8443}));
    EXPECT_TRUE(c.tls.self_signed());
    ASSERT_EQ(c.conferences.size(), 1u);
    EXPECT_EQ(c.conferences[0].id, 1u);
    ASSERT_EQ(c.conferences[0].floors.size(), 1u);
    EXPECT_EQ(c.conferences[0].floors[0].id, 1);
    EXPECT_EQ(c.conferences[0].floors[0].policy, floorctl::policy::queue);
    EXPECT_EQ(c.conferences[0].sip_uris, std::vector<std::string>{"sip:demo@127.0.0.1:5060"});
    EXPECT_TRUE(c.sip.enabled);
    EXPECT_EQ(c.sip.udp, (std::vector<endpoint>{{"127.0.0.1", 5060}}));
    EXPECT_EQ(c.sip.tcp, (std::vector<endpoint>{{"127.0.0.1", 5060}}));
    EXPECT_EQ(c.sip.udp_receive_buffer_bytes, 4u * 1024 * 1024);
    EXPECT_EQ(c.sip.udp_send_buffer_bytes, 4u * 1024 * 1024);
    EXPECT_EQ(c.sip.tcp_idle_timeout, std::chrono::minutes{30}); // nta's own default
    EXPECT_TRUE(c.admin.loopback_only());
    // UDP/BFCP for room systems, on loopback; plain UDP needs require_tls off (the WebSocket
    // port still takes TLS only: allow_plain is off).
    EXPECT_EQ(c.bfcp.udp, (std::vector<endpoint>{{"127.0.0.1", 5062}}));
    EXPECT_TRUE(c.bfcp.dtls.empty());
    EXPECT_EQ(c.bfcp.datagram_size, 1200u);
    // The datagram listener's own defaults (docs/datagram-transport.md, "Limits").
    EXPECT_EQ(c.bfcp.datagram_idle_timeout, std::chrono::minutes{5});
    EXPECT_EQ(c.bfcp.datagram_send_queue_bytes, 4u * 1024 * 1024);
    EXPECT_EQ(c.bfcp.datagram_send_queue_datagrams, 8192u);
    EXPECT_FALSE(c.websocket.require_tls);
    EXPECT_FALSE(c.websocket.allow_plain);
    EXPECT_EQ(c.bfcp.transports,
              (std::vector<sdp::transport>{sdp::transport::wss, sdp::transport::ws,
                                           sdp::transport::tls, sdp::transport::tcp,
                                           sdp::transport::udp, sdp::transport::udp_tls}));
}

TEST(ConfigTest, SyntaxErrorReportsItsLine)
{
    auto const r = parse_config("io_threads = 2\n\n[websocket\npath = \"/x\"\n");
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 3u);
}

TEST(ConfigTest, TurnSectionIsReadAndCheckedWithItsLines)
{
    auto const ok = parse_config(R"([turn]
enabled = true
server = "127.0.0.1:3479"
path = "/relay"
max_connections = 5
max_message = 1024
messages_per_second = 0
secret = "s3cret"
ttl = "1h"
)");
    ASSERT_TRUE(ok.cfg) << (ok.errors.empty() ? "" : ok.errors.front().message);
    auto const& t = ok.cfg->turn;
    EXPECT_TRUE(t.enabled);
    EXPECT_EQ(t.server, (endpoint{"127.0.0.1", 3479}));
    EXPECT_EQ(t.path, "/relay");
    EXPECT_EQ(t.max_connections, 5u);
    EXPECT_EQ(t.max_message, 1024u);
    EXPECT_EQ(t.messages_per_second, 0u);
    EXPECT_EQ(t.secret, "s3cret");
    EXPECT_EQ(t.ttl, std::chrono::hours{1});
    EXPECT_FALSE(parse_config("").cfg->turn.enabled);

    auto const bad = parse_config(R"([turn]
server = "nowhere"
path = "/bfcp"
max_message = 70000
ttl = "0s"
colour = 1
)");
    ASSERT_EQ(bad.errors.size(), 5u);
    EXPECT_EQ(bad.errors[0].line, 2u);
    EXPECT_EQ(bad.errors[1].line, 3u);
    EXPECT_NE(bad.errors[1].message.find("must differ from websocket.path"), std::string::npos);
    EXPECT_EQ(bad.errors[2].line, 4u);
    EXPECT_EQ(bad.errors[3].line, 5u);
    EXPECT_EQ(bad.errors[4].line, 6u);
}

TEST(ConfigTest, EveryErrorIsReportedWithItsLine)
{
    auto const r = parse_config(R"(io_threads = "many"
token_lifetime = "5 fortnights"
bogus = 1

[websocket]
listen = "nohostport"
allow_plain = "yes"
path = "relative"
public_port = 70000
origins = [1]
cookie_name = ""

[tls]
certificate = "/c.pem"

[sip]
udp = ["1.2.3.4"]
tcp = "127.0.0.1:5060"
digest_auth = true
load_limit = -1

[bfcp]
tcp = ["[::1]5070"]

[[conference]]
name = "nameless"
chair_users = [0]

[[conference.floor]]
id = 0
policy = "lottery"
max_holders = 0
max_hold_time = "soon"
max_requests_per_user = 300
send_accepted = 1
chair_timeout = -5
chair_fallback = "maybe"
colour = "red"

[[conference]]
id = 5

[limits]
max_connections = 0
write_queue_bytes = 10
header_bytes = 10

[timeouts]
handshake = 0
idle = "x"

[logging]
level = "loud"
format = "xml"

[admin]
bind = "0.0.0.0"
bearer_key = "short"
)");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, 1, "io_threads: expected an integer")) << dump(r);
    EXPECT_TRUE(has_error(r, 2, "token_lifetime: expected a duration")) << dump(r);
    EXPECT_TRUE(has_error(r, 3, "unknown key 'bogus'")) << dump(r);
    EXPECT_TRUE(has_error(r, 6, "websocket.listen")) << dump(r);
    EXPECT_TRUE(has_error(r, 7, "websocket.allow_plain: expected true or false")) << dump(r);
    EXPECT_TRUE(has_error(r, 8, "websocket.path: must start with '/'")) << dump(r);
    EXPECT_TRUE(has_error(r, 9, "websocket.public_port: 70000 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 10, "websocket.origins: expected a string")) << dump(r);
    EXPECT_TRUE(has_error(r, 11, "websocket.cookie_name: must not be empty")) << dump(r);
    EXPECT_TRUE(has_error(r, 13, "'certificate' and 'private_key' must be given together"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 16, "sip: digest_auth = true needs")) << dump(r);
    EXPECT_TRUE(has_error(r, 17, "sip.udp: expected \"address:port\"")) << dump(r);
    EXPECT_TRUE(has_error(r, 18, "sip.tcp: expected an array")) << dump(r);
    EXPECT_TRUE(has_error(r, 20, "sip.load_limit: -1 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 23, "bfcp.tcp: expected \"address:port\"")) << dump(r);
    EXPECT_TRUE(has_error(r, 25, "conference: missing key 'id'")) << dump(r);
    EXPECT_TRUE(has_error(r, 27, "conference.chair_users")) << dump(r);
    EXPECT_TRUE(has_error(r, 30, "conference.floor.id: 0 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 31,
                          "conference.floor.policy: expected one of \"queue\", "
                          "\"preempt\", \"chair\""))
        << dump(r);
    EXPECT_TRUE(has_error(r, 32, "conference.floor.max_holders: 0 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 33, "conference.floor.max_hold_time: expected a duration")) << dump(r);
    EXPECT_TRUE(has_error(r, 34, "conference.floor.max_requests_per_user: 300 is out of range"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 35, "conference.floor.send_accepted: expected true or false"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 36, "conference.floor.chair_timeout: duration out of range"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 37, "conference.floor.chair_fallback: expected one of")) << dump(r);
    EXPECT_TRUE(has_error(r, 38, "unknown key 'conference.floor.colour'")) << dump(r);
    EXPECT_TRUE(has_error(r, 40, "conference: needs at least one floor ([[conference.floor]])"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 44, "limits.max_connections: 0 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 45, "limits.write_queue_bytes: 10 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 46, "limits.header_bytes: 10 is out of range")) << dump(r);
    EXPECT_TRUE(has_error(r, 48, "timeouts.handshake: must be greater than 0")) << dump(r);
    EXPECT_TRUE(has_error(r, 50, "timeouts.idle: expected a duration")) << dump(r);
    EXPECT_TRUE(has_error(r, 53, "logging.level: expected one of")) << dump(r);
    EXPECT_TRUE(has_error(r, 54, "logging.format: expected one of \"text\", \"json\"")) << dump(r);
    EXPECT_TRUE(has_error(r, 56, "admin: a non-loopback 'bind' requires a 'bearer_key'") ||
                has_error(r, 58, "admin.bearer_key: must be at least 16 characters"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 58, "admin.bearer_key: must be at least 16 characters")) << dump(r);
    auto const lines = lines_of(r);
    EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
}

TEST(ConfigTest, DuplicateIdsAndUrisAreErrors)
{
    auto const r = parse_config(R"([[conference]]
id = 1
sip_uris = ["sip:a@x"]
[[conference.floor]]
id = 1
[[conference.floor]]
id = 1
[[conference]]
id = 1
sip_uris = ["sip:a@x"]
[[conference.floor]]
id = 3
)");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, 6, "duplicate floor id 1")) << dump(r);
    EXPECT_TRUE(has_error(r, 8, "duplicate id 1")) << dump(r);
    bool uri_dup = false;
    for (auto const& e : r.errors)
        uri_dup |= e.message.find("used by two conferences") != std::string::npos;
    EXPECT_TRUE(uri_dup) << dump(r);
}

TEST(ConfigTest, DurationsAcceptEveryUnit)
{
    auto const r = parse_config(
        "token_lifetime = 90\n[timeouts]\nhandshake = \"1500ms\"\nidle = \"2h\"\nping = \"3m\"\n");
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.cfg->token_lifetime, 90s);
    EXPECT_EQ(r.cfg->timeouts.handshake, 1500ms);
    EXPECT_EQ(r.cfg->timeouts.idle, 2h);
    EXPECT_EQ(r.cfg->timeouts.ping, 3min);
}

TEST(ConfigTest, SipTableWithoutListenersIsAnError)
{
    auto const r = parse_config("[sip]\nrealm = \"x\"\n");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, 1, "no udp, tcp or tls listener")) << dump(r);
    auto const off = parse_config("[sip]\nenabled = false\n");
    EXPECT_TRUE(off.ok()) << dump(off);
}

TEST(ConfigTest, SipTlsNeedsCertificateDir)
{
    auto const r = parse_config("[sip]\ntls = [\"127.0.0.1:5061\"]\n");
    EXPECT_TRUE(has_error(r, 1, "'tls' listeners need 'certificate_dir'")) << dump(r);
}

TEST(ConfigTest, ZeroConnectionsPerAddressMeansNoLimit)
{
    auto const r = parse_config("[limits]\nmax_connections_per_ip = 0\n");
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.cfg->limits.max_connections_per_ip, 0u);
    auto const bad = parse_config("[limits]\nmax_connections = 0\n");
    EXPECT_FALSE(bad.ok()); // a server that accepts nothing is refused
}

TEST(ConfigTest, WrongTypesForTablesAreErrors)
{
    auto const r = parse_config("websocket = 3\nconference = \"x\"\n[sip.user]\nname=\"a\"\n");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, 1, "websocket: expected a table")) << dump(r);
    EXPECT_TRUE(has_error(r, 2, "conference: expected an array of tables")) << dump(r);
    EXPECT_TRUE(has_error(r, 3, "sip.user: expected an array of tables")) << dump(r);
}

TEST(ConfigTest, PlainTcpBfcpWithRequireTlsIsAnError)
{
    // require_tls defaults to true: a TCP/BFCP listener would answer every message with Error 9.
    auto const r = parse_config("[bfcp]\ntls = [\"127.0.0.1:5071\"]\ntcp = [\"127.0.0.1:5070\"]\n");
    ASSERT_EQ(r.errors.size(), 1u) << dump(r);
    EXPECT_TRUE(has_error(r, 3, "bfcp.tcp: a plain TCP/BFCP listener cannot serve")) << dump(r);

    auto const ok =
        parse_config("[websocket]\nrequire_tls = false\n[bfcp]\ntcp = [\"127.0.0.1:5070\"]\n");
    EXPECT_TRUE(ok.ok()) << dump(ok);
}

TEST(ConfigTest, PlainUdpBfcpWithRequireTlsIsAnError)
{
    auto const r =
        parse_config("[bfcp]\ndtls = [\"127.0.0.1:5063\"]\nudp = [\"127.0.0.1:5062\"]\n");
    ASSERT_EQ(r.errors.size(), 1u) << dump(r);
    EXPECT_TRUE(has_error(r, 3,
                          "bfcp.udp: a plain UDP/BFCP listener cannot serve while "
                          "websocket.require_tls = true"))
        << dump(r);
    EXPECT_TRUE(has_error(r, 3, "use bfcp.dtls")) << dump(r);

    auto const ok = parse_config(
        "[websocket]\nrequire_tls = false\n[bfcp]\nudp = [\"127.0.0.1:0\", \"[::1]:0\"]\n");
    ASSERT_TRUE(ok.ok()) << dump(ok);
    EXPECT_EQ(ok.cfg->bfcp.udp, (std::vector<endpoint>{{"127.0.0.1", 0}, {"::1", 0}}));
}

TEST(ConfigTest, DatagramSizeIsBounded)
{
    for (auto const& [value, good] :
         {std::pair{"256", true}, std::pair{"65507", true}, std::pair{"255", false},
          std::pair{"65508", false}, std::pair{"0", false}, std::pair{"\"1200\"", false}}) {
        auto const r = parse_config(std::string("[bfcp]\ndatagram_size = ") + value + "\n");
        EXPECT_EQ(r.ok(), good) << value << dump(r);
        if (!good) {
            EXPECT_TRUE(has_error(r, 2, "bfcp.datagram_size")) << value << dump(r);
        }
    }
    auto const r = parse_config("[bfcp]\ndatagram_size = 255\n");
    EXPECT_TRUE(has_error(r, 2, "bfcp.datagram_size: 255 is out of range [256, 65507]")) << dump(r);
}

// sofia's idle timeout for SIP TCP/TLS connections: a duration greater than 0 (0 would make
// sofia close every connection at once).
TEST(ConfigTest, SipTcpIdleTimeoutIsAPositiveDuration)
{
    auto const sip = [](std::string const& value) {
        return parse_config("[sip]\ntcp = [\"127.0.0.1:5060\"]\ntcp_idle_timeout = " + value +
                            "\n");
    };
    auto const ms = sip("\"1500ms\"");
    ASSERT_TRUE(ms.ok()) << dump(ms);
    EXPECT_EQ(ms.cfg->sip.tcp_idle_timeout, std::chrono::milliseconds{1500});
    auto const seconds = sip("600");
    ASSERT_TRUE(seconds.ok()) << dump(seconds);
    EXPECT_EQ(seconds.cfg->sip.tcp_idle_timeout, std::chrono::minutes{10});
    for (auto const* value : {"0", "\"0s\""}) {
        EXPECT_TRUE(has_error(sip(value), 3, "sip.tcp_idle_timeout: must be greater than 0"))
            << value << dump(sip(value));
    }
    EXPECT_TRUE(has_error(sip("\"later\""), 3, "sip.tcp_idle_timeout: expected a duration"));
}

// The datagram listeners' idle timeout and send queue bounds: each refused value names its key
// and line, and the queue must hold at least one datagram of datagram_size.
TEST(ConfigTest, DatagramListenerLimitsAreChecked)
{
    struct limit_case {
        char const* lines;
        char const* error; // nullptr: valid
    };
    limit_case const cases[] = {
        {"datagram_idle_timeout = \"30s\"\n", nullptr},
        {"datagram_idle_timeout = 1\n", nullptr},
        {"datagram_idle_timeout = 0\n", "bfcp.datagram_idle_timeout: must be greater than 0"},
        {"datagram_idle_timeout = \"0ms\"\n", "bfcp.datagram_idle_timeout: must be greater than 0"},
        {"datagram_idle_timeout = \"soon\"\n", "bfcp.datagram_idle_timeout: expected a duration"},
        {"datagram_idle_timeout = -5\n", "bfcp.datagram_idle_timeout: duration out of range"},
        {"datagram_send_queue_bytes = 65536\n", nullptr},
        {"datagram_send_queue_bytes = 1200\n", nullptr}, // exactly one default datagram
        {"datagram_send_queue_bytes = 1199\n",
         "bfcp.datagram_send_queue_bytes: 1199 is smaller than bfcp.datagram_size (1200)"},
        {"datagram_size = 9000\ndatagram_send_queue_bytes = 4096\n",
         "bfcp.datagram_send_queue_bytes: 4096 is smaller than bfcp.datagram_size (9000)"},
        {"datagram_send_queue_bytes = 100\n",
         "bfcp.datagram_send_queue_bytes: 100 is out of range [256, 1073741824]"},
        {"datagram_send_queue_bytes = \"4MiB\"\n",
         "bfcp.datagram_send_queue_bytes: expected an integer"},
        {"datagram_send_queue_datagrams = 1\n", nullptr},
        {"datagram_send_queue_datagrams = 0\n",
         "bfcp.datagram_send_queue_datagrams: 0 is out of range [1, 1048576]"},
        {"datagram_send_queue_datagrams = 2000000\n",
         "bfcp.datagram_send_queue_datagrams: 2000000 is out of range [1, 1048576]"},
    };
    for (auto const& c : cases) {
        auto const r = parse_config(std::string("[bfcp]\n") + c.lines);
        if (c.error == nullptr) {
            EXPECT_TRUE(r.ok()) << c.lines << dump(r);
            continue;
        }
        ASSERT_EQ(r.errors.size(), 1u) << c.lines << dump(r);
        std::size_t line = 1; // the [bfcp] header; the refused key is the case's last line
        for (char const ch : std::string_view(c.lines))
            line += ch == '\n' ? 1u : 0u;
        EXPECT_TRUE(has_error(r, line, c.error)) << c.lines << dump(r);
    }
}

TEST(ConfigTest, TransportPreferenceNamesAreChecked)
{
    auto const r = parse_config(R"([bfcp]
transports = ["wss", "sctp", 7, "wss"]
[sip]
udp = ["127.0.0.1:5060"]
[admin]
enabled = true
)");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, 2,
                          "bfcp.transports: expected one of \"wss\", \"ws\", \"tls\", "
                          "\"tcp\", \"udp\", \"dtls\""))
        << dump(r);
    EXPECT_TRUE(has_error(r, 2, "bfcp.transports: \"wss\" is listed twice")) << dump(r);
    EXPECT_EQ(r.errors.size(), 3u) << dump(r); // sctp, 7, the second wss

    auto const empty = parse_config("[bfcp]\ntransports = []\n");
    EXPECT_TRUE(has_error(empty, 2, "bfcp.transports: expected a non-empty array")) << dump(empty);
    auto const not_array = parse_config("[bfcp]\ntransports = \"wss\"\n");
    EXPECT_TRUE(has_error(not_array, 2, "bfcp.transports: expected a non-empty array"))
        << dump(not_array);

    // Every listed transport lacks a listener: no SIP call could ever be answered.
    auto const none = parse_config("[bfcp]\ntransports = [\"udp\", \"ws\"]\n");
    EXPECT_TRUE(has_error(none, 2, "bfcp.transports: none of these transports has a listener"))
        << dump(none);

    for (auto const t : {sdp::transport::wss, sdp::transport::ws, sdp::transport::tls,
                         sdp::transport::tcp, sdp::transport::udp, sdp::transport::udp_tls})
        EXPECT_EQ(parse_transport(to_string(t)), t);
    EXPECT_STREQ(to_string(sdp::transport::udp_tls), "dtls");
    EXPECT_FALSE(parse_transport("UDP"));
}

// A listener whose transport is not in the preference is never named in an SDP answer, so no
// participant could ever reach it: a warning, with the listener's line.
TEST(ConfigTest, ListenerLeftOutOfTheTransportsIsAWarning)
{
    auto const r = parse_config(R"([websocket]
require_tls = false
[bfcp]
udp = ["127.0.0.1:5062"]
tcp = ["127.0.0.1:5070"]
transports = ["wss", "tcp"]
)");
    ASSERT_TRUE(r.ok()) << dump(r);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].line, 4u);
    EXPECT_EQ(r.warnings[0].message, "bfcp.udp: \"udp\" is not in bfcp.transports, so no SIP "
                                     "answer offers these listeners");
}

TEST(ConfigTest, PlainWebSocketUriWithRequireTlsIsAnError)
{
    auto const r = parse_config("[websocket]\nallow_plain = true\npublic_tls = false\n");
    ASSERT_EQ(r.errors.size(), 1u) << dump(r);
    EXPECT_TRUE(has_error(r, 3, "websocket.public_tls = false hands out ws:// URIs")) << dump(r);

    auto const ok =
        parse_config("[websocket]\nallow_plain = true\npublic_tls = false\nrequire_tls = false\n");
    EXPECT_TRUE(ok.ok()) << dump(ok);
}

TEST(ConfigTest, MissingFileIsOneErrorWithoutLine)
{
    auto const r = load_config_file("/nonexistent/floorctl.conf");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 0u);
    EXPECT_EQ(format_error("/nonexistent/floorctl.conf", r.errors[0]),
              "/nonexistent/floorctl.conf: cannot read file");
}

TEST(ConfigTest, ErrorFormatCarriesLineAndColumn)
{
    EXPECT_EQ(format_error("f.conf", config_error{12, 3, "bad"}), "f.conf:12:3: bad");
}

TEST(ConfigTest, ExampleConfigurationIsValid)
{
    auto const r =
        load_config_file(std::string(FLOORCTL_SOURCE_DIR) + "/conf/floorctl.example.conf");
    EXPECT_TRUE(r.ok()) << dump(r);
    EXPECT_TRUE(r.warnings.empty()) << format_warning("example", r.warnings.front());
}

// A SIP caller is a chair only when it proves the chair URI (digest user whose identity is the
// URI); a chair URI nothing proves is a warning with the line of its chair_uris.
TEST(ConfigTest, ChairUrisNoSipCallerCanProveAreWarnings)
{
    constexpr char head[] = R"([sip]
udp = ["127.0.0.1:5060"]
digest_auth = DIGEST
[[sip.user]]
name = "mod"
password = "pw"
identity = "sip:moderator@example.com"
[[conference]]
id = 1
chair_uris = ["sip:moderator@example.com", "sip:other@example.com"]
[[conference.floor]]
id = 1
)";
    auto with_digest = [&](std::string d) {
        std::string text = head;
        text.replace(text.find("DIGEST"), 6, d);
        return parse_config(text);
    };
    auto const off = with_digest("false");
    ASSERT_TRUE(off.ok()) << dump(off);
    ASSERT_EQ(off.warnings.size(), 2u);
    EXPECT_EQ(off.warnings[0].line, 10u);
    EXPECT_NE(off.warnings[0].message.find("'sip:moderator@example.com'"), std::string::npos);
    EXPECT_NE(off.warnings[0].message.find("digest_auth is off"), std::string::npos)
        << off.warnings[0].message;
    EXPECT_NE(off.warnings[1].message.find("'sip:other@example.com'"), std::string::npos);

    auto const on = with_digest("true");
    ASSERT_TRUE(on.ok()) << dump(on);
    ASSERT_EQ(on.warnings.size(), 1u); // the moderator is proven by "mod"; "other" by nobody
    EXPECT_NE(on.warnings[0].message.find("no [[sip.user]] has identity = "
                                          "\"sip:other@example.com\""),
              std::string::npos)
        << on.warnings[0].message;
    EXPECT_EQ(format_warning("f.conf", on.warnings[0]).rfind("f.conf:10:", 0), 0u);
    EXPECT_NE(format_warning("f.conf", on.warnings[0]).find(": warning: "), std::string::npos);

    // Without SIP no caller can claim anything: the URIs serve the provisioning API only.
    auto const no_sip = parse_config(
        "[[conference]]\nid = 1\nchair_uris = [\"sip:a@b\"]\n[[conference.floor]]\nid = 1\n");
    ASSERT_TRUE(no_sip.ok()) << dump(no_sip);
    EXPECT_TRUE(no_sip.warnings.empty());
}

TEST(ConfigTest, SipUserIdentityMustBeASipUri)
{
    auto const r = parse_config(R"([sip]
udp = ["127.0.0.1:5060"]
[[sip.user]]
name = "mod"
password = "pw"
identity = "moderator"
)");
    EXPECT_TRUE(has_error(r, 6, "sip.user.identity: expected a SIP URI")) << dump(r);
}

// One settings model: the file's floor settings are the core's vocabulary with the core's
// defaults (the chair fallback used to default to deny here and to accept in the core).
TEST(ConfigTest, FloorDefaultsAreTheCoresDefaults)
{
    floorctl::floor_config const core;
    floor_settings const file;
    EXPECT_EQ(file.policy, core.kind);
    EXPECT_EQ(file.fallback, core.fallback);
    EXPECT_EQ(core.fallback, floorctl::chair_fallback::deny); // docs/configuration.md
    EXPECT_EQ(parse_policy("preempt"), floorctl::policy::preempt);
    EXPECT_EQ(parse_policy("fifo"), std::nullopt);
    EXPECT_EQ(parse_chair_fallback("accept"), floorctl::chair_fallback::accept);
    EXPECT_EQ(parse_chair_fallback("maybe"), std::nullopt);
}

TEST(ConfigTest, ReconnectGraceIsADuration)
{
    auto const r = parse_config("[[conference]]\nid = 1\nreconnect_grace = \"x\"\n"
                                "[[conference.floor]]\nid = 1\n");
    EXPECT_TRUE(has_error(r, 3, "conference.reconnect_grace: expected a duration")) << dump(r);
    auto const none = parse_config("[[conference]]\nid = 1\n[[conference.floor]]\nid = 1\n");
    ASSERT_TRUE(none.ok()) << dump(none);
    EXPECT_EQ(none.cfg->conferences[0].reconnect_grace, 0ms);
}

TEST(ConfigTest, LogLevelAndFormatNames)
{
    EXPECT_EQ(parse_log_level("warn"), log_level::warn);
    EXPECT_EQ(parse_log_level("nope"), std::nullopt);
    EXPECT_EQ(parse_log_format("json"), log_format::json);
    EXPECT_EQ(parse_log_format("yaml"), std::nullopt);
    EXPECT_STREQ(to_string(floorctl::policy::preempt), "preempt");
    EXPECT_STREQ(to_string(floorctl::chair_fallback::accept), "accept");
}

TEST(ConfigTest, TokensStoreIsReadAndEmptyByDefault)
{
    auto const r = parse_config("[tokens]\nstore = \"/var/lib/floorctl/tokens\"\n");
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.cfg->tokens.store, "/var/lib/floorctl/tokens");
    EXPECT_FALSE(r.cfg->tokens.best_effort) << "a configured store must work or stop the start";
    EXPECT_TRUE(parse_config("").cfg->tokens.store.empty());
    EXPECT_TRUE(default_config().tokens.store.empty()) << "tests use it: no user files";
    EXPECT_FALSE(parse_config("[tokens]\nstore = 1\n").ok());
    EXPECT_FALSE(parse_config("[tokens]\npath = \"x\"\n").ok());
}

TEST(ConfigTest, TheEmbeddedDefaultKeepsTokensInTheStateDirectory)
{
    // Restores the variables it changes.
    struct saved_env {
        std::string name;
        std::optional<std::string> value;
        explicit saved_env(std::string n) : name(std::move(n))
        {
            if (auto const* v = std::getenv(name.c_str())) value = v;
        }
        ~saved_env()
        {
            if (value) {
                ::setenv(name.c_str(), value->c_str(), 1);
            } else {
                ::unsetenv(name.c_str());
            }
        }
    };
    saved_env const a("STATE_DIRECTORY"), b("XDG_STATE_HOME"), c("HOME");
    ::setenv("STATE_DIRECTORY", "/var/lib/floorctl:/var/lib/other", 1);
    ::setenv("XDG_STATE_HOME", "/home/u/.state", 1);
    ::setenv("HOME", "/home/u", 1);
    EXPECT_EQ(default_token_settings().store, "/var/lib/floorctl/tokens");
    EXPECT_TRUE(default_token_settings().best_effort);
    ::unsetenv("STATE_DIRECTORY");
    EXPECT_EQ(default_token_settings().store, "/home/u/.state/floorctl/tokens");
    ::unsetenv("XDG_STATE_HOME");
    EXPECT_EQ(default_token_settings().store, "/home/u/.local/state/floorctl/tokens");
    ::unsetenv("HOME");
    EXPECT_TRUE(default_token_settings().store.empty());
}
