// The real `floorctl` binary: check-config on good and bad files, and SIGTERM with a client
// connected (Goodbye, close 1001, exit status 0). The binary is started with posix_spawn; every
// wait is bounded (poll() on its output, a bounded waitpid loop).

#include "e2e_support.hpp"
#include "sip/sipp_runner.hpp"
#include "support/child_process.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace e2e;

namespace {

/// The floorctl binary run with `args`.
class process : public test_support::child_process {
public:
    explicit process(std::vector<std::string> args) : child_process(with_binary(std::move(args))) {}

private:
    static std::vector<std::string> with_binary(std::vector<std::string> args)
    {
        args.insert(args.begin(), FLOORCTL_BINARY);
        return args;
    }
};

std::string write_temp(std::string const& name, std::string const& text)
{
    auto const path = std::filesystem::temp_directory_path() /
                      (name + "-" + std::to_string(::getpid()) + ".conf");
    std::ofstream(path) << text;
    return path.string();
}

/// A participant made through the provisioning API, and a WebSocket client connected with its
/// token.
struct api_participant {
    std::uint16_t user = 0;
    std::unique_ptr<client> connection;
};

/// The binary started with the configuration `text` (a temporary file named after `name`,
/// removed at the end), and the WebSocket port it printed at start (0 when it did not).
class running_binary {
public:
    running_binary(std::string const& name, std::string const& text)
        : path_(write_temp(name, text)), process_({"--config", path_})
    {
        if (auto const m = process_.wait_for_line(std::regex(R"(\(port (\d+)\))")))
            port_ = static_cast<std::uint16_t>(std::stoi((*m)[1].str()));
    }
    ~running_binary() { std::filesystem::remove(path_); }
    running_binary(running_binary const&) = delete;
    running_binary& operator=(running_binary const&) = delete;

    process& proc() { return process_; }

    /// A participant of conference 1 made through the binary's provisioning API, connected;
    /// none when the binary did not start or the API refused.
    api_participant connect_participant()
    {
        if (port_ == 0) return {};
        auto const [status, body] =
            http_request(port_, http::verb::post, "/api/conferences/1/participants", "{}");
        EXPECT_EQ(status, 201u) << body;
        if (status != 201u) return {};
        auto const j = boost::json::parse(body).as_object();
        return {static_cast<std::uint16_t>(j.at("userid").as_int64()),
                std::make_unique<client>(port_, std::string(j.at("token").as_string()))};
    }

    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    std::string path_;
    process process_;
    std::uint16_t port_ = 0;
};

/// Conference 1 with floor 1 on the WebSocket port (127.0.0.1, port 0), JSON logs.
std::string one_conference(int io_threads)
{
    return "io_threads = " + std::to_string(io_threads) + R"(
[websocket]
listen = "127.0.0.1:0"
[[conference]]
id = 1
[[conference.floor]]
id = 1
[logging]
format = "json"
)";
}

} // namespace

TEST(BinaryE2E, CheckConfigAcceptsTheExampleFile)
{
    process p({"check-config", std::string(FLOORCTL_SOURCE_DIR) + "/conf/floorctl.example.conf"});
    auto const out = p.drain();
    EXPECT_EQ(p.wait_exit(), 0) << out;
    EXPECT_NE(out.find(": OK"), std::string::npos) << out;
}

TEST(BinaryE2E, CheckConfigReportsEveryErrorWithItsLine)
{
    auto const path =
        write_temp("floorctl-bad", "io_threads = \"x\"\n[websocket]\npath = \"nope\"\n"
                                   "colour = 1\n");
    process p({"check-config", path});
    auto const out = p.drain();
    EXPECT_EQ(p.wait_exit(), 1) << out;
    EXPECT_NE(out.find(path + ":1:"), std::string::npos) << out;
    EXPECT_NE(out.find(path + ":3:"), std::string::npos) << out;
    EXPECT_NE(out.find(path + ":4:"), std::string::npos) << out;
    EXPECT_NE(out.find("3 errors"), std::string::npos) << out;
    std::filesystem::remove(path);
}

TEST(BinaryE2E, CheckConfigWarnsAboutChairUrisNoSipCallerCanProve)
{
    auto const path = write_temp("floorctl-chair", "[sip]\nudp = [\"127.0.0.1:5060\"]\n"
                                                   "[[conference]]\nid = 1\n"
                                                   "chair_uris = [\"sip:moderator@example.com\"]\n"
                                                   "[[conference.floor]]\nid = 1\n");
    process p({"check-config", path});
    auto const out = p.drain();
    EXPECT_EQ(p.wait_exit(), 0) << out; // a warning, not an error
    EXPECT_NE(out.find(path + ":5:14: warning: conference.chair_uris: no SIP caller can prove "
                              "'sip:moderator@example.com' (sip.digest_auth is off)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(path + ": OK, 1 warning"), std::string::npos) << out;
    std::filesystem::remove(path);
}

TEST(BinaryE2E, HelpAndVersion)
{
    process h({"--help"});
    auto const help = h.drain();
    EXPECT_EQ(h.wait_exit(), 0);
    EXPECT_NE(help.find("check-config FILE"), std::string::npos);
    EXPECT_NE(help.find("--log-format"), std::string::npos);
    process v({"--version"});
    auto const version = v.drain();
    EXPECT_EQ(v.wait_exit(), 0);
    EXPECT_NE(version.find("floorctl " FLOORCTL_VERSION), std::string::npos) << version;
    process bad({"--no-such-flag"});
    (void)bad.drain();
    EXPECT_EQ(bad.wait_exit(), 2);
}

TEST(BinaryE2E, SigtermSendsGoodbyeClosesWith1001AndExitsZero)
{
    running_binary srv("floorctl-e2e", one_conference(2));
    auto& p = srv.proc();
    auto const a = srv.connect_participant();
    ASSERT_TRUE(a.connection) << p.drain(100);
    auto& c = *a.connection;
    c.send(hello_msg(1, a.user, 1));
    ASSERT_TRUE(c.read());

    auto const start = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    auto const bye = c.read_until(
        [](message const& msg) { return std::holds_alternative<goodbye>(msg.payload); });
    EXPECT_TRUE(bye) << "no Goodbye on SIGTERM";
    EXPECT_EQ(c.wait_closed(), 1001);
    auto const code = p.wait_exit(10000);
    auto const elapsed = std::chrono::steady_clock::now() - start;
    ::testing::Test::RecordProperty(
        "shutdown_ms",
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    EXPECT_EQ(code, 0) << p.drain(100);
    auto const log = p.drain(500);
    // JSON logs: one object per line, carrying conference and user on participant lines.
    EXPECT_NE(log.find("\"msg\":\"participant created\",\"conf\":1,\"user\":"), std::string::npos)
        << log;
}

TEST(BinaryE2E, ClientGoodbyeEndsWith1000AndAnInfoLine)
{
    running_binary srv("floorctl-goodbye-e2e", one_conference(1));
    auto& p = srv.proc();
    auto const a = srv.connect_participant();
    ASSERT_TRUE(a.connection) << p.drain(100);
    auto& c = *a.connection;
    c.send(make(1, a.user, 2, goodbye{}));
    auto const ack = c.read();
    ASSERT_TRUE(ack);
    EXPECT_TRUE(std::holds_alternative<goodbye_ack>(ack->payload));
    EXPECT_EQ(c.wait_closed(), 1000);
    EXPECT_TRUE(p.wait_for_line(std::regex(R"("level":"info","msg":"connection closed".*)"
                                           R"("code":"1000".*"reason":"client goodbye")")))
        << p.drain(100);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(10000), 0) << p.drain(100);
}

TEST(BinaryE2E, SipOfferCallCreatesAParticipantAndByeRemovesIt)
{
    if (!sip_test::have_sipp()) GTEST_SKIP() << "sipp not installed";
    running_binary srv("floorctl-sip-e2e", R"(io_threads = 2
[websocket]
listen = "127.0.0.1:0"
[sip]
udp = ["127.0.0.1:0"]
[[conference]]
id = 1
name = "board"
sip_uris = ["sip:demo@127.0.0.1"]
[[conference.floor]]
id = 1
[logging]
format = "json"
)");
    auto& p = srv.proc();
    ASSERT_NE(srv.port(), 0) << p.drain(100);
    auto const m = p.wait_for_line(std::regex(R"(SIP: +port (\d+))"));
    ASSERT_TRUE(m) << p.drain(100);
    auto const sip_port = static_cast<std::uint16_t>(std::stoi((*m)[1].str()));

    // The Request-URI user "demo" maps to conference 1 through its sip_uris.
    auto const r = sip_test::run_sipp("uac_bfcp_offer.xml", "demo", sip_port, "u1");
    EXPECT_EQ(r.exit_code, 0) << r.log;
    EXPECT_TRUE(p.wait_for_line(std::regex(R"("msg":"participant removed","conf":1,"user":1)")))
        << "BYE did not remove the participant";
    p.signal(SIGTERM);
    auto const code = p.wait_exit(10000);
    EXPECT_EQ(code, 0) << p.drain(500);
}
