#include "sip_service.hpp"

#include "log.hpp"
#include "support/udp_socket_buffers.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <future>
#include <thread>

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

// Issue 11: the [sip] buffer sizes reach the UDP socket sofia opens for the real service.
TEST(SipServiceTest, UdpListenerGetsTheConfiguredBuffers)
{
    auto cfg = default_config();
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
        cfg_ = parse_config("").cfg.value();
        cfg_.websocket.listen = {"127.0.0.1", 0};
        cfg_.io_threads = 1;
        cfg_.logging.level = log_level::off;
        conference_settings conf;
        conf.id = 1;
        conf.name = "board";
        conf.chair_uris = {moderator};
        conf.floors.push_back(floor_settings{});
        cfg_.conferences.push_back(conf);
    }

    void start()
    {
        logger::global().configure(log_level::off, log_format::text);
        app_ = std::make_unique<application>(cfg_, ioc_);
        app_->start();
        thread_ = std::thread([this] { ioc_.run(); });
        directory_ = std::make_unique<sip_directory>(*app_, cfg_.sip);
        controller_ = std::make_unique<floorctl::app::call_controller>(
            make_controller_config(cfg_, app_->port()), *directory_, sip_);
    }

    ~SipChairTest() override
    {
        controller_.reset();
        directory_.reset();
        if (app_) {
            std::promise<void> done;
            app_->shutdown(std::chrono::milliseconds{500}, [&] { done.set_value(); });
            done.get_future().wait_for(std::chrono::seconds{5});
        }
        work_.reset();
        ioc_.stop();
        if (thread_.joinable()) thread_.join();
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
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
        boost::asio::make_work_guard(ioc_);
    std::unique_ptr<application> app_;
    std::thread thread_;
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
