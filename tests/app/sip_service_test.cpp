#include "sip_service.hpp"

#include "log.hpp"
#include "support/app_fixture.hpp"
#include "support/udp_socket_buffers.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <ws/tls.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <unistd.h>

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
    bound_listeners bound;
    bound.ws = 9443;
    auto const c = make_controller_config(cfg, bound);
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
    auto const plain = make_controller_config(cfg, bound);
    EXPECT_EQ(plain.sdp.ws.host, "bfcp.example.com");
    EXPECT_EQ(plain.sdp.ws.port, 80);
    EXPECT_EQ(plain.sdp.transports[0], sdp::transport::ws);
}

// [bfcp] transports orders the SDP preference; a transport takes part only with a bound
// listener (UDP/TLS also with the certificate fingerprint), so an unbound one is refused in SIP
// answers (port 0) instead of being answered with a port nobody listens on.
TEST(SipServiceTest, ControllerConfigFollowsTheTransportPreference)
{
    auto cfg = default_config();
    cfg.bfcp.tcp = {{"0.0.0.0", 0}};
    cfg.bfcp.tls = {{"127.0.0.1", 0}};
    cfg.bfcp.udp = {{"127.0.0.1", 0}, {"::1", 0}};
    cfg.bfcp.dtls = {{"::1", 0}};
    bound_listeners bound{9443, 5070, 5071, {5072, 5074}, {5073}, "SHA-256 AA:BB"};
    auto const all = make_controller_config(cfg, bound);
    EXPECT_EQ(all.sdp.transports, (std::vector<sdp::transport>{
                                      sdp::transport::wss, sdp::transport::tls, sdp::transport::tcp,
                                      sdp::transport::udp, sdp::transport::udp_tls}));
    EXPECT_EQ(all.sdp.tcp.address, "127.0.0.1"); // a wildcard listener: our SDP address
    EXPECT_EQ(all.sdp.tcp.port, 5070);
    // Every datagram listener, in configuration order: the answer picks one of the offer's family.
    EXPECT_EQ(all.sdp.udp,
              (std::vector<sdp::listener_endpoint>{{"127.0.0.1", 5072}, {"::1", 5074}}));
    EXPECT_EQ(all.sdp.dtls, (std::vector<sdp::listener_endpoint>{{"::1", 5073}}));
    EXPECT_EQ(all.sdp.tls_fingerprint, "SHA-256 AA:BB");

    cfg.bfcp.transports = {sdp::transport::udp, sdp::transport::udp_tls, sdp::transport::wss};
    EXPECT_EQ(make_controller_config(cfg, bound).sdp.transports,
              (std::vector<sdp::transport>{sdp::transport::udp, sdp::transport::udp_tls,
                                           sdp::transport::wss}));

    bound.udp = {0, 0};     // no UDP listener bound
    bound.fingerprint = ""; // no certificate fingerprint: DTLS cannot be answered
    EXPECT_EQ(make_controller_config(cfg, bound).sdp.transports,
              (std::vector<sdp::transport>{sdp::transport::wss}));
}

// The application names its TLS certificate by the fingerprint OpenSSL's own tool computes;
// while no datagram listener exists, a configured [bfcp] udp is not offered in SDP.
TEST(SipServiceTest, FingerprintAndDatagramPortOfTheApplication)
{
    auto const pem = ws::make_self_signed();
    auto const dir = std::filesystem::temp_directory_path() /
                     ("floorctl-fingerprint-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "cert.pem") << pem.certificate_pem;
        std::ofstream(dir / "key.pem") << pem.private_key_pem;
    }
    auto cfg = default_config();
    cfg.websocket.listen = {"127.0.0.1", 0};
    cfg.tls.certificate = (dir / "cert.pem").string();
    cfg.tls.private_key = (dir / "key.pem").string();
    cfg.bfcp.udp = {{"127.0.0.1", 0}};
    cfg.io_threads = 1;
    logger::global().configure(log_level::off, log_format::text);
    boost::asio::io_context ioc;
    application app(cfg, ioc);

    std::string expected;
    {
        auto const cmd =
            "openssl x509 -noout -fingerprint -sha256 -in " + (dir / "cert.pem").string();
        std::unique_ptr<FILE, int (*)(FILE*)> out(::popen(cmd.c_str(), "r"), ::pclose);
        ASSERT_TRUE(out);
        char line[256] = {};
        ASSERT_NE(std::fgets(line, sizeof line, out.get()), nullptr);
        expected = line; // "sha256 Fingerprint=AB:CD:...\n" (the label's case varies)
    }
    std::filesystem::remove_all(dir);
    auto const eq = expected.find('=');
    ASSERT_NE(eq, std::string::npos) << expected;
    expected = "SHA-256 " + expected.substr(eq + 1, 95);
    EXPECT_EQ(app.tls_fingerprint(), expected);

    auto const c = make_controller_config(cfg, bound_listeners_of(app));
    EXPECT_EQ(c.sdp.tls_fingerprint, expected);
    bool const udp_offered = std::find(c.sdp.transports.begin(), c.sdp.transports.end(),
                                       sdp::transport::udp) != c.sdp.transports.end();
    EXPECT_EQ(udp_offered, app.datagram_port(false) != 0);
    if (udp_offered) {
        ASSERT_EQ(c.sdp.udp.size(), 1u);
        EXPECT_EQ(c.sdp.udp[0].port, app.datagram_port(false));
    }
}

// Issue 11: the [sip] buffer sizes reach the UDP socket sofia opens for the real service.
TEST(SipServiceTest, UdpListenerGetsTheConfiguredBuffers)
{
    auto cfg = default_config();
    test_support::use_free_ports(cfg); // the application binds its listeners
    cfg.sip.udp = {{"127.0.0.1", 0}};
    cfg.sip.tcp.clear();
    cfg.sip.udp_receive_buffer_bytes = 1024 * 1024;
    cfg.sip.udp_send_buffer_bytes = 512 * 1024;
    long const want_receive = test_support::expected_at_least(1024 * 1024, "net/core/rmem_max");
    long const want_send = test_support::expected_at_least(512 * 1024, "net/core/wmem_max");
    auto const defaults = test_support::default_udp_buffers();
    if (want_receive <= defaults.receive || want_send <= defaults.send) {
        GTEST_SKIP() << "net.core.rmem_max/wmem_max do not allow more than the default";
    }
    logger::global().configure(log_level::off, log_format::text);
    boost::asio::io_context ioc;
    application app(cfg, ioc);
    sip_service service(app, cfg);
    auto const got = test_support::udp_socket_buffers(service.port());
    service.stop();
    ASSERT_TRUE(got.has_value()) << "no UDP socket on port " << service.port();
    EXPECT_GE(got->receive, want_receive);
    EXPECT_GE(got->send, want_send);
}

// Chair rights over SIP (issue: anyone could become chair by writing a From header): the call
// controller, the SIP directory and the application together, fed the INVITE the sofia agent
// would report. The caller's From URI is a claim; only the identity of the [[sip.user]] it
// authenticated as proves a chair URI.
namespace {

/// The SIP answers the controller sends, recorded.
class recorded_sip final : public floorctl::app::sip_commands {
public:
    struct answer {
        int status = 0;
        std::string sdp;
    };
    void respond(sip::call_id, int status, std::optional<std::string> sdp, int,
                 std::string) override
    {
        answers.push_back({status, sdp.value_or("")});
    }
    void bye(sip::call_id) override {}
    std::vector<answer> answers;
};

constexpr char moderator[] = "sip:moderator@example.com";

class SipChairTest : public ::testing::Test {
protected:
    SipChairTest()
    {
        cfg_ = test_support::test_config(1, "board");
        cfg_.logging.level = log_level::off;
        cfg_.conferences[0].chair_uris = {moderator};
    }

    void start()
    {
        server_.emplace(cfg_);
        app_ = &server_->app();
        directory_ = std::make_unique<sip_directory>(*app_, cfg_.sip);
        controller_ = std::make_unique<floorctl::app::call_controller>(
            make_controller_config(cfg_, bound_listeners_of(*app_)), *directory_, sip_);
    }

    ~SipChairTest() override
    {
        controller_.reset();
        directory_.reset();
        app_ = nullptr;
        server_.reset();
    }

    /// An initial INVITE to sip:board@ from `from` (authenticated as `digest_user` if set);
    /// returns the a=userid of the 200, or 0 when the call was not answered 200.
    unsigned invite(std::string from, std::optional<std::string> digest_user = std::nullopt)
    {
        if (!app_) start();
        sip::invite inv;
        inv.call = sip::call_id{++calls_};
        inv.request_uri = "sip:board@127.0.0.1";
        inv.request_user = "board";
        inv.from_uri = std::move(from);
        inv.content_type = "application/sdp";
        inv.body = "v=0\r\no=room 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   "m=application 9 TCP/WSS/BFCP *\r\na=setup:active\r\na=connection:new\r\n"
                   "a=floorctrl:c-only\r\n";
        inv.peer_address = "127.0.0.1";
        inv.authenticated_user = std::move(digest_user);
        auto const before = sip_.answers.size();
        controller_->on_event(inv);
        if (sip_.answers.size() != before + 1 || sip_.answers.back().status != 200) return 0;
        auto const& sdp = sip_.answers.back().sdp;
        auto const at = sdp.find("a=userid:");
        if (at == std::string::npos) return 0;
        return static_cast<unsigned>(std::stoul(sdp.substr(at + 9)));
    }

    /// "chair" of `user` in GET /api/conferences/1; nullopt when the user is not listed.
    std::optional<bool> listed_as_chair(unsigned user)
    {
        ws::http_request req{boost::beast::http::verb::get, "/api/conferences/1", 11};
        ws::request_context ctx;
        ctx.conn = floorctl::connection_id{1};
        ctx.remote_address = "127.0.0.1";
        auto p = std::make_shared<std::promise<ws::http_response>>();
        auto f = p->get_future();
        app_->handle_http(std::move(req), ctx,
                          [p](ws::http_response r) { p->set_value(std::move(r)); });
        if (f.wait_for(std::chrono::seconds{10}) != std::future_status::ready) return std::nullopt;
        auto const body = boost::json::parse(f.get().body()).as_object();
        for (auto const& pv : body.at("participants").as_array()) {
            auto const& po = pv.as_object();
            if (po.at("userid").as_int64() == user) return po.at("chair").as_bool();
        }
        return std::nullopt;
    }

    void digest_users(std::vector<sip_user> users)
    {
        cfg_.sip.digest_auth = true;
        cfg_.sip.users = std::move(users);
    }

    config cfg_;
    std::optional<test_support::test_server> server_;
    application* app_ = nullptr; ///< server_'s, once started
    std::unique_ptr<sip_directory> directory_;
    recorded_sip sip_;
    std::unique_ptr<floorctl::app::call_controller> controller_;
    std::uint64_t calls_ = 0;
};

} // namespace

TEST_F(SipChairTest, SpoofedChairFromWithoutDigestIsAnOrdinaryParticipant)
{
    auto const user = invite(moderator);
    ASSERT_NE(user, 0u) << "the call was not answered 200";
    EXPECT_NE(user, 65535u) << "an unauthenticated From header got the chair's reserved user ID";
    EXPECT_EQ(listed_as_chair(user), std::optional<bool>(false));
}

TEST_F(SipChairTest, DigestUserWhoseIdentityIsTheChairUriIsTheChair)
{
    digest_users({{"mod", "secret", moderator}, {"alice", "secret", "sip:alice@example.com"}});
    // The proof is the digest user, not the From header (which may say anything).
    auto const user = invite("sip:room-7@example.com", "mod");
    EXPECT_EQ(user, 65535u);
    EXPECT_EQ(listed_as_chair(user), std::optional<bool>(true));
}

TEST_F(SipChairTest, DigestUserClaimingTheChairUriInFromIsNotTheChair)
{
    digest_users({{"mod", "secret", moderator},
                  {"alice", "secret", "sip:alice@example.com"},
                  {"bob", "secret", ""}});
    auto const alice = invite(moderator, "alice"); // proves alice, claims the moderator
    ASSERT_NE(alice, 0u);
    EXPECT_NE(alice, 65535u);
    EXPECT_EQ(listed_as_chair(alice), std::optional<bool>(false));
    auto const bob = invite(moderator, "bob"); // proves no identity at all
    ASSERT_NE(bob, 0u);
    EXPECT_NE(bob, 65535u);
    EXPECT_EQ(listed_as_chair(bob), std::optional<bool>(false));
}
