// The real `floorctl` binary: check-config on good and bad files, and SIGTERM with a client
// connected (Goodbye, close 1001, exit status 0). The binary is started with posix_spawn; every
// wait is bounded (poll() on its output, a bounded waitpid loop).

#include "e2e_support.hpp"
#include "sip/sipp_runner.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <regex>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace e2e;

namespace {

/// A child process with its stdout and stderr on one pipe.
class process {
public:
    explicit process(std::vector<std::string> args)
    {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        std::vector<char*> argv;
        args.insert(args.begin(), FLOORCTL_BINARY);
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, FLOORCTL_BINARY, &fa, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("spawn");
        }
        posix_spawn_file_actions_destroy(&fa);
        ::close(fds[1]);
        out_ = fds[0];
    }

    ~process()
    {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
        if (out_ >= 0) ::close(out_);
    }

    /// Reads output until `pattern` matches a line (bounded); returns the match.
    std::optional<std::smatch> wait_for_line(std::regex const& pattern, int timeout_ms = 15000)
    {
        for (int waited = 0; waited < timeout_ms;) {
            auto const nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                line_ = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                all_ += line_ + "\n";
                std::smatch m;
                if (std::regex_search(line_, m, pattern)) return m;
                continue;
            }
            pollfd p{out_, POLLIN, 0};
            int const r = ::poll(&p, 1, 100);
            waited += 100;
            if (r > 0) {
                char buf[4096];
                auto const n = ::read(out_, buf, sizeof buf);
                if (n <= 0) return std::nullopt;
                buffer_.append(buf, static_cast<std::size_t>(n));
            }
        }
        return std::nullopt;
    }

    /// Everything read so far plus what is left until EOF (bounded).
    std::string drain(int timeout_ms = 10000)
    {
        for (int waited = 0; waited < timeout_ms; waited += 100) {
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buf[4096];
                auto const n = ::read(out_, buf, sizeof buf);
                if (n <= 0) break;
                buffer_.append(buf, static_cast<std::size_t>(n));
            }
        }
        return all_ + buffer_;
    }

    /// Exit status after at most `timeout_ms`; nullopt if still running.
    std::optional<int> wait_exit(int timeout_ms = 10000)
    {
        for (int waited = 0; waited <= timeout_ms; waited += 10) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            ::usleep(10'000); // polling a child's exit: no completion handle exists for waitpid
        }
        return std::nullopt;
    }

    void signal(int sig) { ::kill(pid_, sig); }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    bool exited_ = false;
    std::string buffer_;
    std::string line_;
    std::string all_;
};

std::string write_temp(std::string const& name, std::string const& text)
{
    auto const path = std::filesystem::temp_directory_path() /
                      (name + "-" + std::to_string(::getpid()) + ".conf");
    std::ofstream(path) << text;
    return path.string();
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
    auto const path = write_temp("floorctl-e2e", R"(io_threads = 2
[websocket]
listen = "127.0.0.1:0"
[[conference]]
id = 1
[[conference.floor]]
id = 1
[logging]
format = "json"
)");
    process p({"--config", path});
    auto const m = p.wait_for_line(std::regex(R"(\(port (\d+)\))"));
    ASSERT_TRUE(m) << p.drain(100);
    auto const port = static_cast<std::uint16_t>(std::stoi((*m)[1].str()));

    auto const [status, body] =
        http_request(port, http::verb::post, "/api/conferences/1/participants", "{}");
    ASSERT_EQ(status, 201u) << body;
    auto const j = boost::json::parse(body).as_object();
    auto const user = static_cast<std::uint16_t>(j.at("userid").as_int64());
    client c(port, std::string(j.at("token").as_string()));
    c.send(hello_msg(1, user, 1));
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
    std::filesystem::remove(path);
}

TEST(BinaryE2E, SipOfferCallCreatesAParticipantAndByeRemovesIt)
{
    if (!sip_test::have_sipp()) GTEST_SKIP() << "sipp not installed";
    auto const path = write_temp("floorctl-sip-e2e", R"(io_threads = 2
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
    process p({"--config", path});
    ASSERT_TRUE(p.wait_for_line(std::regex(R"(\(port (\d+)\))")));
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
    std::filesystem::remove(path);
}
