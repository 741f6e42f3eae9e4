// sip::agent against real SIP traffic: the sofia agent on 127.0.0.1 port 0, driven by the sipp
// scenarios of tests/sipp/. The application side is a small scripted handler (no SDP logic): it
// proves the translation of nua events into sip::event values and of commands into responses.

#include <sip/agent.hpp>

#include "support/sipp_runner.hpp"
#include "support/udp_socket_buffers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

// A canned BFCP answer; the call controller tests cover real answers.
std::string canned_sdp(bool existing)
{
    return std::string("v=0\r\no=floorctl 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                       "t=0 0\r\nm=application 443 TCP/WSS/BFCP *\r\na=setup:passive\r\n"
                       "a=connection:") +
           (existing ? "existing" : "new") +
           "\r\na=websocket-uri:wss://floorctl.test/bfcp?token=abcDEF123_-\r\n"
           "a=floorctrl:s-only\r\na=confid:1\r\na=userid:2\r\na=floorid:1 mstrm:10\r\n";
}

/// Records events and plays a script: request user "slow" is never answered, "reject" gets 488
/// with a Warning, a non-SDP body gets 415, an ACK without the answer to our offer gets BYE.
class AgentTest : public ::testing::Test {
protected:
    void start(sip::config cfg = {})
    {
        cfg.url = "sip:127.0.0.1:0";
        agent_ = std::make_unique<sip::agent>(std::move(cfg),
                                              [this](sip::event e) { on_event(std::move(e)); });
        // The SIP thread runs before make_unique returns; it reaches the agent through this
        // atomic (a peer's request is what orders the two, and TSan cannot see through sipp).
        self_.store(agent_.get(), std::memory_order_release);
    }

    /// The agent as the SIP-thread handler may use it.
    sip::agent& sip_side() { return *self_.load(std::memory_order_acquire); }

    void on_event(sip::event e)
    {
        if (auto* inv = std::get_if<sip::invite>(&e)) {
            if (inv->request_user == "slow") {
            } else if (inv->content_type != "application/sdp" && !inv->body.empty()) {
                sip_side().respond(inv->call, 415);
            } else if (inv->request_user == "reject") {
                sip_side().respond(inv->call, 488, std::nullopt,
                                   sip::warning{304, "Media type not available"});
            } else {
                if (inv->body.empty()) offerless_.push_back(inv->call);
                sip_side().respond(inv->call, 200, canned_sdp(inv->is_reinvite));
            }
        } else if (auto* a = std::get_if<sip::ack>(&e)) {
            bool const needs_answer =
                std::find(offerless_.begin(), offerless_.end(), a->call) != offerless_.end();
            if (needs_answer && a->body.empty()) sip_side().bye(a->call);
        }
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(e));
        cv_.notify_all();
    }

    /// Waits (bounded) until `n` events were recorded; returns a copy of them.
    std::vector<sip::event> wait_events(std::size_t n)
    {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, 20s, [&] { return events_.size() >= n; });
        return events_;
    }

    /// Returns once every command posted before it ran on the SIP thread (su_msg is FIFO).
    void drain()
    {
        std::promise<void> done;
        auto f = done.get_future();
        ASSERT_TRUE(agent_->post([&] { done.set_value(); }));
        ASSERT_EQ(f.wait_for(20s), std::future_status::ready);
    }

    void SetUp() override
    {
        ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
    }

    std::unique_ptr<sip::agent> agent_;
    std::atomic<sip::agent*> self_{nullptr};
    std::vector<sip::call_id> offerless_; // SIP thread only
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<sip::event> events_; // guarded by mutex_
};

template <class T> T const& as(sip::event const& e)
{
    EXPECT_TRUE(std::holds_alternative<T>(e)) << "got " << sip::event_name(e);
    static T const empty{};
    auto const* p = std::get_if<T>(&e);
    return p != nullptr ? *p : empty;
}

TEST_F(AgentTest, PortZeroBindsAFreePortAndReportsItInTheContact)
{
    start();
    EXPECT_NE(agent_->port(), 0);
    EXPECT_NE(agent_->contact().find(":" + std::to_string(agent_->port())), std::string::npos)
        << agent_->contact();
}

TEST_F(AgentTest, TwoAgentsCanRunSideBySide)
{
    start();
    sip::config cfg;
    cfg.url = "sip:127.0.0.1:0";
    sip::agent second(cfg, [](sip::event) {});
    EXPECT_NE(second.port(), agent_->port());
}

TEST_F(AgentTest, BusyPortIsAStartupError)
{
    start();
    sip::config cfg;
    cfg.url = "sip:127.0.0.1:" + std::to_string(agent_->port());
    EXPECT_THROW(sip::agent(cfg, [](sip::event) {}), std::runtime_error);
}

void expect_offer_call(AgentTest* self, std::vector<sip::event> const& ev,
                       sip::signalling_transport transport)
{
    (void)self;
    ASSERT_EQ(ev.size(), 3u);
    auto const& inv = as<sip::invite>(ev[0]);
    EXPECT_FALSE(inv.is_reinvite);
    EXPECT_NE(static_cast<std::uint64_t>(inv.call), 0u);
    EXPECT_EQ(inv.request_user, "demo");
    EXPECT_EQ(inv.request_uri.rfind("sip:demo@127.0.0.1:", 0), 0u) << inv.request_uri;
    EXPECT_EQ(inv.from_display, "Room 1");
    EXPECT_EQ(inv.from_uri.rfind("sip:room1@127.0.0.1:", 0), 0u) << inv.from_uri;
    EXPECT_EQ(inv.content_type, "application/sdp");
    EXPECT_NE(inv.body.find("m=application 9 TCP/WSS/BFCP *"), std::string::npos);
    EXPECT_EQ(inv.transport, transport);
    EXPECT_EQ(inv.peer_address, "127.0.0.1");
    EXPECT_FALSE(inv.sip_call_id.empty());
    EXPECT_FALSE(inv.authenticated_user.has_value());
    EXPECT_EQ(as<sip::ack>(ev[1]).call, inv.call);
    EXPECT_TRUE(as<sip::ack>(ev[1]).body.empty());
    auto const& end = as<sip::terminated>(ev[2]);
    EXPECT_EQ(end.call, inv.call);
    EXPECT_EQ(end.reason, sip::end_reason::remote_bye);
}

TEST_F(AgentTest, OfferCallOverUdpIsAnsweredThenEndedByBye)
{
    start();
    auto const r = sip_test::run_sipp("uac_bfcp_offer.xml", "demo", agent_->port(), "u1");
    EXPECT_EQ(r.exit_code, 0) << r.log;
    expect_offer_call(this, wait_events(3), sip::signalling_transport::udp);
    auto const s = agent_->stats();
    EXPECT_EQ(s.invites, 1u);
    EXPECT_EQ(s.acks, 1u);
    EXPECT_EQ(s.terminated, 1u);
    EXPECT_EQ(s.active_calls, 0u);
}

TEST_F(AgentTest, OfferCallOverTcpIsAnsweredThenEndedByBye)
{
    start();
    auto const r = sip_test::run_sipp("uac_bfcp_offer.xml", "demo", agent_->port(), "t1");
    EXPECT_EQ(r.exit_code, 0) << r.log;
    expect_offer_call(this, wait_events(3), sip::signalling_transport::tcp);
}

TEST_F(AgentTest, OfferlessCallGetsOfferAndTheAckCarriesTheAnswer)
{
    start();
    auto const r = sip_test::run_sipp("uac_offerless.xml", "demo", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(3);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_TRUE(as<sip::invite>(ev[0]).body.empty());
    EXPECT_TRUE(as<sip::invite>(ev[0]).content_type.empty());
    EXPECT_EQ(as<sip::invite>(ev[0]).from_display, "Alice Example");
    EXPECT_EQ(as<sip::ack>(ev[1]).content_type, "application/sdp");
    EXPECT_NE(as<sip::ack>(ev[1]).body.find("a=setup:active"), std::string::npos);
    EXPECT_EQ(as<sip::terminated>(ev[2]).reason, sip::end_reason::remote_bye);
}

TEST_F(AgentTest, ByeFromTheApplicationEndsTheCall)
{
    start();
    auto const r = sip_test::run_sipp("uac_offerless_no_answer.xml", "demo", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(3);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_TRUE(as<sip::ack>(ev[1]).body.empty());
    EXPECT_EQ(as<sip::terminated>(ev[2]).reason, sip::end_reason::local_bye);
}

TEST_F(AgentTest, ReinviteKeepsTheCallId)
{
    start();
    auto const r = sip_test::run_sipp("uac_reinvite.xml", "demo", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(5);
    ASSERT_EQ(ev.size(), 5u);
    auto const& first = as<sip::invite>(ev[0]);
    auto const& again = as<sip::invite>(ev[2]);
    EXPECT_FALSE(first.is_reinvite);
    EXPECT_TRUE(again.is_reinvite);
    EXPECT_EQ(again.call, first.call);
    EXPECT_NE(again.body.find("a=connection:existing"), std::string::npos);
    EXPECT_EQ(as<sip::ack>(ev[3]).call, first.call);
    EXPECT_EQ(as<sip::terminated>(ev[4]).reason, sip::end_reason::remote_bye);
    EXPECT_EQ(agent_->stats().reinvites, 1u);
}

TEST_F(AgentTest, CancelEndsTheCallAndALateAnswerIsDropped)
{
    start();
    auto const r = sip_test::run_sipp("uac_cancel.xml", "slow", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(3);
    ASSERT_EQ(ev.size(), 3u);
    auto const id = as<sip::invite>(ev[0]).call;
    EXPECT_EQ(as<sip::cancelled>(ev[1]).call, id);
    EXPECT_EQ(as<sip::terminated>(ev[2]).reason, sip::end_reason::cancelled);
    EXPECT_EQ(as<sip::terminated>(ev[2]).status, 487);

    agent_->respond(id, 200, canned_sdp(false));
    agent_->bye(id);
    drain();
    EXPECT_EQ(agent_->stats().late_commands, 2u);
}

TEST_F(AgentTest, OptionsIsAnsweredWithAnHonestAllow)
{
    start();
    auto const r = sip_test::run_sipp("uac_options.xml", "demo", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(1);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(as<sip::options>(ev[0]).from_uri.rfind("sip:alice@", 0), 0u);
}

TEST_F(AgentTest, RejectionCarriesTheWarning)
{
    start();
    auto const r = sip_test::run_sipp("uac_no_bfcp.xml", "reject", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(2);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(as<sip::terminated>(ev[1]).reason, sip::end_reason::rejected);
    EXPECT_EQ(as<sip::terminated>(ev[1]).status, 488);
}

TEST_F(AgentTest, UnsupportedMediaTypeListsAccept)
{
    start();
    auto const r = sip_test::run_sipp("uac_not_sdp.xml", "demo", agent_->port());
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(2);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(as<sip::invite>(ev[0]).content_type, "text/plain");
    EXPECT_EQ(as<sip::invite>(ev[0]).body, "hello\r\n");
    EXPECT_EQ(as<sip::terminated>(ev[1]).status, 415);
}

TEST_F(AgentTest, CallsBeyondTheLimitGet503WithoutAnEvent)
{
    sip::config cfg;
    cfg.max_calls = 1;
    start(cfg);
    // The first call goes to "slow": it is held unanswered and occupies the only slot until the
    // test answers it below (the offer scenario waits for that 200).
    auto held = std::async(std::launch::async, [&] {
        return sip_test::run_sipp("uac_bfcp_offer.xml", "slow", agent_->port());
    });
    auto const ev = wait_events(1);
    ASSERT_EQ(ev.size(), 1u);
    auto const id = as<sip::invite>(ev[0]).call;

    auto const busy = sip_test::run_sipp("uac_busy.xml", "demo", agent_->port());
    EXPECT_EQ(busy.exit_code, 0) << busy.log;
    EXPECT_EQ(agent_->stats().over_limit, 1u);

    agent_->respond(id, 200, canned_sdp(false));
    auto const r = held.get();
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const all = wait_events(3);
    ASSERT_EQ(all.size(), 3u); // the 503 call produced no event
    EXPECT_EQ(as<sip::terminated>(all[2]).call, id);
    EXPECT_EQ(agent_->stats().active_calls, 0u);
}

TEST_F(AgentTest, DigestAuthenticationChallengesThenAcceptsTheRetry)
{
    auto const passwd = std::filesystem::temp_directory_path() /
                        ("floorctl-sip-passwd-" + std::to_string(::getpid()));
    std::ofstream(passwd) << "alice:secret:\n";
    sip::config cfg;
    cfg.auth_realm = "floorctl.test";
    cfg.auth_passwd_file = passwd.string();
    start(cfg);
    auto const r =
        sip_test::run_sipp("uac_auth.xml", "demo", agent_->port(), "u1", 1, "-au alice -ap secret");
    EXPECT_EQ(r.exit_code, 0) << r.log;
    auto const ev = wait_events(3);
    ASSERT_EQ(ev.size(), 3u); // the challenged INVITE produced no event
    EXPECT_EQ(as<sip::invite>(ev[0]).authenticated_user, std::optional<std::string>("alice"));
    EXPECT_EQ(as<sip::terminated>(ev[2]).reason, sip::end_reason::remote_bye);
    EXPECT_EQ(agent_->stats().auth_challenges, 1u);

    // Wrong password: challenged again, never reported; sipp's call fails.
    auto const bad = sip_test::run_sipp("uac_auth.xml", "demo", agent_->port(), "u1", 1,
                                        "-au alice -ap wrong -timeout 3s");
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_EQ(agent_->stats().invites, 1u);
    std::filesystem::remove(passwd);
}

TEST_F(AgentTest, StopIsIdempotentAndLaterCommandsAreDropped)
{
    start();
    agent_->stop();
    agent_->stop();
    EXPECT_FALSE(agent_->post([] {}));
    agent_->respond(sip::call_id{1}, 200);
    EXPECT_EQ(agent_->stats().late_commands, 1u);
}

} // namespace

namespace {

// Regression: sofia's default NTATAG_MAXSIZE let one TCP peer make the agent buffer a single
// message until the OOM killer came (21 GB under a sipp overload that broke TCP framing).
// config::max_message_bytes bounds it: the body of a message announcing more is not kept.
std::size_t rss_kib()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

std::size_t stream_oversized_invite(std::uint16_t port, std::size_t bytes)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int const small = 64 * 1024; // send() blocks until the agent has read most of the stream
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return 0;
    }
    // Bounds the wait once the agent stops reading (the expected outcome).
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::string const head = "INVITE sip:demo@127.0.0.1 SIP/2.0\r\n"
                             "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-big\r\n"
                             "From: <sip:big@127.0.0.1>;tag=1\r\nTo: <sip:demo@127.0.0.1>\r\n"
                             "Call-ID: big@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                             "Content-Type: application/sdp\r\nContent-Length: 1000000000\r\n\r\n";
    std::size_t sent = 0;
    if (::send(fd, head.data(), head.size(), MSG_NOSIGNAL) > 0) {
        std::string const chunk(64 * 1024, 'x');
        while (sent < bytes) {
            auto const n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
    }
    ::close(fd);
    return sent;
}

TEST(AgentLimits, OversizedTcpMessageIsNotBuffered)
{
    std::atomic<int> events{0};
    sip::config cfg;
    cfg.url = "sip:127.0.0.1:0";
    // FLOORCTL_TEST_UNBOUNDED=1 shows the failure without the limit (48 MiB read and kept).
    cfg.max_message_bytes = std::getenv("FLOORCTL_TEST_UNBOUNDED") ? 2000000000u : 16 * 1024;
    sip::agent agent(cfg, [&](sip::event) { ++events; });
    auto const before = rss_kib();
    auto const sent = stream_oversized_invite(agent.port(), 48u * 1024 * 1024);
    auto const after = rss_kib();
    std::printf("sent %zu bytes, RSS %zu -> %zu KiB\n", sent, before, after);
    // The agent stops reading a message beyond the limit; buffering the 48 MiB would also show
    // in RSS. Socket buffers and allocator noise stay far below both bounds.
    EXPECT_LT(sent, 8u * 1024 * 1024);
    EXPECT_LT(after, before + 16 * 1024);
    EXPECT_EQ(events.load(), 0);
}

// Issue 11: at 1,500 calls/s the default 208 KiB receive buffer overflowed whenever the SIP
// thread lost its CPU for a few tens of milliseconds (UDP RcvbufErrors, retransmissions, calls
// failed by 408 ACK timeouts). The configured sizes must reach the UDP socket sofia opens.
TEST(AgentSockets, UdpSocketGetsTheConfiguredBuffers)
{
    long const requested = 1024 * 1024;
    auto const defaults = test_support::default_udp_buffers();
    long const want_receive = test_support::expected_at_least(requested, "net/core/rmem_max");
    long const want_send = test_support::expected_at_least(requested, "net/core/wmem_max");
    if (want_receive <= defaults.receive || want_send <= defaults.send) {
        GTEST_SKIP() << "net.core.rmem_max/wmem_max do not allow more than the default";
    }
    sip::config cfg;
    cfg.url = "sip:127.0.0.1:0";
    cfg.udp_receive_buffer_bytes = requested;
    cfg.udp_send_buffer_bytes = requested;
    sip::agent agent(cfg, [](sip::event) {});
    auto const got = test_support::udp_socket_buffers(agent.port());
    ASSERT_TRUE(got.has_value()) << "no UDP socket on port " << agent.port();
    EXPECT_GE(got->receive, want_receive);
    EXPECT_GE(got->send, want_send);
}

TEST(AgentSockets, ZeroKeepsTheSystemDefaults)
{
    sip::config cfg;
    cfg.url = "sip:127.0.0.1:0";
    cfg.udp_receive_buffer_bytes = 0;
    cfg.udp_send_buffer_bytes = 0;
    sip::agent agent(cfg, [](sip::event) {});
    auto const got = test_support::udp_socket_buffers(agent.port());
    ASSERT_TRUE(got.has_value()) << "no UDP socket on port " << agent.port();
    auto const defaults = test_support::default_udp_buffers();
    EXPECT_EQ(got->receive, defaults.receive);
    EXPECT_EQ(got->send, defaults.send);
}

} // namespace
