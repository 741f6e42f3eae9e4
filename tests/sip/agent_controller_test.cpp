// The sofia agent and the call controller together, with the real sdp/ offer/answer and an
// in-memory directory: every sipp scenario of tests/sipp/ against real answers.
// The controller runs inline on the SIP thread (it only needs *one* thread, see
// call_controller.hpp); the commands go back through the agent's su_msg queue.

#include <sip/agent.hpp>

#include "call_controller.hpp"
#include "memory_directory.hpp"
#include "support/sipp_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

namespace {

using namespace std::chrono_literals;

class AgentControllerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
        dir_.add_conference("demo", 4321);
        floorctl::app::call_controller_config cfg;
        cfg.sdp.address = "127.0.0.1";
        cfg.sdp.wss = {"floorctl.test", 8443, "/bfcp"};
        cfg.sdp.tcp = {"127.0.0.1", 5070};
        cfg.sdp.transports = {sdp::transport::wss, sdp::transport::tcp};
        sip::config scfg;
        scfg.url = "sip:127.0.0.1:0";
        agent_ = std::make_unique<sip::agent>(scfg, [this](sip::event e) {
            // Published with release below; the SIP thread may run before SetUp finishes.
            if (auto* c = controller_ptr_.load(std::memory_order_acquire)) c->on_event(e);
            std::lock_guard lock(mutex_);
            cv_.notify_all();
        });
        commands_ = std::make_unique<floorctl::app::agent_commands>(*agent_);
        controller_ = std::make_unique<floorctl::app::call_controller>(cfg, dir_, *commands_);
        controller_ptr_.store(controller_.get(), std::memory_order_release);
    }

    void TearDown() override
    {
        if (agent_) agent_->stop(); // no event can reach the controller after this returns
    }

    /// Waits until the SIP thread processed everything queued so far, then reads the
    /// controller (owned by that thread) from there.
    template <class F> auto on_sip_thread(F f)
    {
        std::promise<decltype(f())> p;
        auto fut = p.get_future();
        EXPECT_TRUE(agent_->post([&] { p.set_value(f()); }));
        EXPECT_EQ(fut.wait_for(20s), std::future_status::ready);
        return fut.get();
    }

    /// Waits (bounded) until every call the agent reported has ended.
    void wait_idle()
    {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, 20s, [&] { return agent_->stats().active_calls == 0; });
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    sip_test::memory_directory dir_;
    std::unique_ptr<sip::agent> agent_;
    std::unique_ptr<floorctl::app::agent_commands> commands_;
    std::unique_ptr<floorctl::app::call_controller> controller_;
    std::atomic<floorctl::app::call_controller*> controller_ptr_{nullptr};
};

struct scenario_case {
    char const* file;
    char const* service;
    char const* transport;
    std::uint64_t created; // participants the directory must have created
};

class SippScenario : public AgentControllerTest,
                     public ::testing::WithParamInterface<scenario_case> {};

TEST_P(SippScenario, PassesAndLeavesNoParticipantBehind)
{
    auto const& c = GetParam();
    auto const r = sip_test::run_sipp(c.file, c.service, agent_->port(), c.transport);
    EXPECT_EQ(r.exit_code, 0) << r.log;
    // terminated may trail sipp's last message by a moment (ACK of a 4xx, BYE transaction).
    wait_idle();
    EXPECT_EQ(agent_->stats().active_calls, 0u);
    EXPECT_EQ(on_sip_thread([&] { return controller_->active_calls(); }), 0u);
    EXPECT_EQ(on_sip_thread([&] { return dir_.created(); }), c.created);
    EXPECT_EQ(on_sip_thread([&] { return dir_.live(); }), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, SippScenario,
    ::testing::Values(scenario_case{"uac_bfcp_offer.xml", "demo", "u1", 1},
                      scenario_case{"uac_bfcp_offer.xml", "demo", "t1", 1},
                      scenario_case{"uac_offerless.xml", "demo", "u1", 1},
                      scenario_case{"uac_offerless_no_answer.xml", "demo", "u1", 1},
                      scenario_case{"uac_reinvite.xml", "demo", "u1", 1},
                      scenario_case{"uac_tcp_bfcp.xml", "demo", "t1", 1},
                      scenario_case{"uac_malformed_sdp.xml", "demo", "u1", 0},
                      scenario_case{"uac_no_bfcp.xml", "demo", "u1", 0},
                      scenario_case{"uac_not_sdp.xml", "demo", "u1", 0},
                      scenario_case{"uac_unknown_conference.xml", "nosuchconf", "u1", 0},
                      scenario_case{"uac_options.xml", "demo", "u1", 0}),
    [](::testing::TestParamInfo<scenario_case> const& p) {
        std::string n = p.param.file;
        n = n.substr(4, n.size() - 8) + "_" + p.param.transport;
        for (auto& ch : n)
            if (ch == '_') ch = 'X';
        return n;
    });

TEST_F(AgentControllerTest, ManyCallsInARowAllSucceed)
{
    auto const r =
        sip_test::run_sipp("uac_bfcp_offer.xml", "demo", agent_->port(), "u1", 200, "-r 100");
    EXPECT_EQ(r.exit_code, 0) << r.log;
    wait_idle();
    EXPECT_EQ(on_sip_thread([&] { return dir_.created(); }), 200u);
    EXPECT_EQ(on_sip_thread([&] { return dir_.live(); }), 0u);
}

} // namespace
