#pragma once
// The in-process floorctl of the app and end-to-end tests: app::application with every listener
// on loopback port 0 (the tests ask it for the ports it bound), its io_context run by its own
// threads, shut down in order at the end. Only for test targets that link floorctl_app.

#include "application.hpp"
#include "config.hpp"
#include "log.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

/// A configuration for tests: the WebSocket listener on 127.0.0.1:0, `threads` io threads,
/// conference 1 named `name` with floor 1 (queue), no SIP, warnings logged.
inline floorctl::app::config test_config(unsigned threads, std::string name = "e2e")
{
    namespace app = floorctl::app;
    auto c = app::parse_config("").cfg.value();
    c.io_threads = threads;
    c.websocket.listen = {"127.0.0.1", 0};
    app::conference_settings conf;
    conf.id = 1;
    conf.name = std::move(name);
    conf.floors.push_back(app::floor_settings{});
    c.conferences.push_back(conf);
    c.logging.level = app::log_level::warn;
    return c;
}

/// Every listener `cfg` names (WebSocket, SIP, BFCP) moved to port 0 on its own address, so that
/// tests run in parallel and never collide with a running floorctl (the embedded default binds
/// 8443, 5060 and 5062).
inline void use_free_ports(floorctl::app::config& cfg)
{
    cfg.websocket.listen.port = 0;
    for (auto* list : {&cfg.sip.udp, &cfg.sip.tcp, &cfg.bfcp.tcp, &cfg.bfcp.tls, &cfg.bfcp.udp,
                       &cfg.bfcp.dtls}) {
        for (auto& e : *list)
            e.port = 0;
    }
}

/// floorctl in this process: app::application made from `cfg` with use_free_ports(), started,
/// its io_context run by cfg.effective_io_threads() threads; the logger configured from
/// cfg.logging. The destructor shuts the application down (bounded) and joins the threads.
class test_server {
public:
    explicit test_server(floorctl::app::config cfg)
        : ioc_(static_cast<int>(cfg.effective_io_threads()))
    {
        use_free_ports(cfg);
        floorctl::app::logger::global().configure(cfg.logging.level, cfg.logging.format);
        auto const n = cfg.effective_io_threads();
        app_ = std::make_unique<floorctl::app::application>(std::move(cfg), ioc_);
        app_->start();
        for (unsigned i = 0; i < n; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    ~test_server()
    {
        stop();
        app_.reset();
    }

    /// Shuts the application down as SIGTERM does (Goodbye to every participant; it waits for
    /// the datagram peers' GoodbyeAcks at most `shutdown_limit`) and joins the io threads.
    /// Idempotent; the destructor calls it.
    void stop()
    {
        if (threads_.empty()) return;
        std::promise<void> done;
        app_->shutdown(shutdown_limit, [&] { done.set_value(); });
        done.get_future().wait_for(std::chrono::seconds{5});
        work_.reset();
        ioc_.stop();
        for (auto& t : threads_)
            t.join();
        threads_.clear();
    }

    /// The bound stop() gives the Goodbyes.
    static constexpr std::chrono::milliseconds shutdown_limit{1500};

    test_server(test_server const&) = delete;
    test_server& operator=(test_server const&) = delete;

    floorctl::app::application& app() { return *app_; }
    /// The WebSocket/HTTP listener's bound port (the others: app().stream_port(),
    /// app().datagram_port()).
    std::uint16_t port() const { return app_->port(); }

    /// A participant of `conf` and its token, straight from the participant service.
    floorctl::app::participant_ticket participant(std::uint32_t conf = 1, std::uint16_t user = 0)
    {
        floorctl::participant_info info;
        info.id = floorctl::user_id{user};
        auto r = app_->create_participant(floorctl::conference_id{conf}, info);
        EXPECT_TRUE(r.ticket.has_value());
        return r.ticket.value_or(floorctl::app::participant_ticket{});
    }

private:
    boost::asio::io_context ioc_;
    std::unique_ptr<floorctl::app::application> app_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
        boost::asio::make_work_guard(ioc_);
    std::vector<std::thread> threads_;
};

} // namespace test_support
