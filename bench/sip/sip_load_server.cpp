// SIP load server for bench/sip/run_load.sh: sip::agent + floorctl::app::call_controller with real
// sdp/ answers and an in-memory participant directory, conference "demo". The controller runs on an
// Asio strand (one io thread), as in the product: every event makes the SIP-thread -> Asio ->
// SIP-thread round trip. --inline runs it on the SIP thread instead (for comparison).
//
// Usage: sip_load_server [--port N] [--inline] [--max-calls N]
// Prints "listening <port>" when ready; SIGINT/SIGTERM stops it and prints the counters.

#include <sip/agent.hpp>

#include "call_controller.hpp"
#include "memory_directory.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

namespace net = boost::asio;

int main(int argc, char** argv)
{
    std::uint16_t port = 5070;
    bool inline_controller = false;
    std::size_t max_calls = 100000;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        if (a == "--port" && i + 1 < argc)
            port = static_cast<std::uint16_t>(std::atoi(argv[++i]));
        else if (a == "--inline")
            inline_controller = true;
        else if (a == "--max-calls" && i + 1 < argc)
            max_calls = static_cast<std::size_t>(std::atol(argv[++i]));
        else {
            std::fprintf(stderr, "usage: %s [--port N] [--inline] [--max-calls N]\n", argv[0]);
            return 2;
        }
    }

    // Signals are taken by sigwait() below, never by the SIP or io threads.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

    sip_test::memory_directory dir;
    dir.add_conference("demo", 4321);
    floorctl::app::call_controller_config cfg;
    cfg.max_calls = max_calls;
    cfg.sdp.address = "127.0.0.1";
    cfg.sdp.wss = {"floorctl.test", 8443, "/bfcp"};
    cfg.sdp.tcp = {"127.0.0.1", 5071};
    cfg.sdp.transports = {sdp::transport::wss, sdp::transport::tcp};

    net::io_context ioc;
    auto strand = net::make_strand(ioc);
    auto work = net::make_work_guard(ioc);
    std::optional<floorctl::app::call_controller> controller;
    std::optional<floorctl::app::agent_commands> commands;

    sip::config scfg;
    scfg.url = "sip:127.0.0.1:" + std::to_string(port);
    scfg.max_calls = max_calls;
    scfg.user_agent = "floorctl-sip-load";
    scfg.log = [](sip::log_level level, std::string_view text) {
        if (level <= sip::log_level::warning)
            std::fprintf(stderr, "sip: %.*s\n", static_cast<int>(text.size()), text.data());
    };
    std::optional<sip::agent> agent;
    agent.emplace(scfg, [&](sip::event e) {
        if (inline_controller) {
            controller->on_event(e);
            return;
        }
        net::post(strand, [&controller, ev = std::move(e)] { controller->on_event(ev); });
    });
    commands.emplace(*agent);
    controller.emplace(cfg, dir, *commands);
    std::thread io([&] { ioc.run(); });

    std::printf("listening %u (%s controller)\n", agent->port(),
                inline_controller ? "inline" : "asio strand");
    std::fflush(stdout);

    int sig = 0;
    sigwait(&sigs, &sig);
    agent->stop();
    work.reset();
    io.join();
    auto const s = agent->stats();
    auto const& c = controller->stats();
    std::printf("invites %llu acks %llu terminated %llu over_limit %llu late_commands %llu "
                "active %llu | answered %llu rejected %llu revoked %llu live_participants %zu\n",
                static_cast<unsigned long long>(s.invites), static_cast<unsigned long long>(s.acks),
                static_cast<unsigned long long>(s.terminated),
                static_cast<unsigned long long>(s.over_limit),
                static_cast<unsigned long long>(s.late_commands),
                static_cast<unsigned long long>(s.active_calls),
                static_cast<unsigned long long>(c.answered),
                static_cast<unsigned long long>(c.rejected),
                static_cast<unsigned long long>(c.revoked), dir.live());
    return 0;
}
