// floorctl — the BFCP floor control server binary: command line, configuration, signals, threads.
// Shutdown order (docs/operations.md, "Shutdown"): signal → stop accepting → Goodbye and
// close 1001 → timers cancelled → io threads return by themselves; ioc.stop() only as fallback.

#include "application.hpp"
#include "config.hpp"
#include "log.hpp"
#include "sip_service.hpp"
#include "version.hpp"

#include <ws/log.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace floorctl::app;
namespace net = boost::asio;

constexpr char usage[] = R"(Usage:
  floorctl [--config FILE] [--log-format text|json] [--log-level LEVEL]
  floorctl check-config FILE
  floorctl --help | --version

BFCP floor control server (RFC 8855) over WebSocket (RFC 8857), with SIP/SDP (RFC 8856).

Options:
  -c, --config FILE       TOML configuration (see conf/floorctl.example.conf and
                          docs/configuration.md). Without it, the embedded default runs:
                          WSS on 127.0.0.1:8443 with a self-signed certificate, demo
                          conference 1 with floor 1 (queue policy), SIP on 127.0.0.1:5060,
                          provisioning API on the same port from loopback only.
      --log-format FMT    text (key=value, default) or json (one object per line);
                          overrides [logging] format.
      --log-level LEVEL   trace, debug, info (default), warn, error or off;
                          overrides [logging] level.
  -h, --help              this text
  -V, --version           print the version and exit

Commands:
  check-config FILE       validate FILE, print every error with its line, exit 1 if any,
                          0 when the file is valid.

Signals: SIGTERM or SIGINT stop accepting, send Goodbye and close 1001 to every client and
exit 0 within 2 seconds.

Exit status: 0 success, 1 invalid configuration or startup failure, 2 usage error.
)";

int check_config(char const* path)
{
    auto const r = load_config_file(path);
    for (auto const& e : r.errors)
        std::fprintf(stderr, "%s\n", format_error(path, e).c_str());
    for (auto const& w : r.warnings)
        std::fprintf(stderr, "%s\n", format_warning(path, w).c_str());
    if (!r.ok()) {
        std::fprintf(stderr, "%s: %zu error%s\n", path, r.errors.size(),
                     r.errors.size() == 1 ? "" : "s");
        return 1;
    }
    if (r.warnings.empty()) {
        std::printf("%s: OK\n", path);
    } else {
        std::printf("%s: OK, %zu warning%s\n", path, r.warnings.size(),
                    r.warnings.size() == 1 ? "" : "s");
    }
    return 0;
}

/// The embedded default configuration is the demo: two participants of its conference are made
/// at start, and their join links printed, so that trying it is opening two links. Their tokens
/// do not expire before their first use (token_store::issue, `until_used`): the links work
/// however long after the start they are opened, and afterwards for reconnects, until they are
/// revoked. With a token store file ([tokens] store) they outlive the process: a restart prints
/// the same links again rather than making new participants each time.
std::vector<std::string> make_demo_links(application& app, config const& cfg)
{
    std::vector<std::string> links;
    if (cfg.conferences.empty()) return links;
    auto const conf = floorctl::conference_id{cfg.conferences.front().id};
    constexpr std::array names{"Alice", "Bob"};
    for (auto const& token : app.tokens().lasting_tokens(conf)) {
        if (links.size() == names.size()) break;
        links.push_back(app.join_url(token));
    }
    for (auto i = links.size(); i < names.size(); ++i) {
        floorctl::participant_info info;
        info.display_name = names[i];
        auto const r = app.create_participant(conf, std::move(info), {}, {.until_used = true});
        if (r.ticket) links.push_back(r.ticket->join_url);
    }
    return links;
}

void print_banner(application const& app, config const& cfg, std::uint16_t sip_port,
                  std::vector<std::string> const& join_links)
{
    auto const base = app.local_base_url();
    auto const key =
        cfg.admin.bearer_key.empty() ? std::string() : " -H 'Authorization: Bearer <key>'";
    std::string conf_id = "1";
    if (!cfg.conferences.empty()) conf_id = std::to_string(cfg.conferences.front().id);
    std::printf("floorctl %s listening on %s (port %u)\n", version(), base.c_str(),
                static_cast<unsigned>(app.port()));
    for (auto const& link : join_links)
        std::printf("  join:        %s\n", link.c_str());
    if (!join_links.empty())
        std::printf("               (open each in a browser tab; accept the certificate)\n");
    std::printf("  debugger:    %s/debug\n", base.c_str());
    std::printf("  websocket:   %s\n", app.websocket_uri("<token>").c_str());
    std::printf("  health:      %s/healthz   metrics: %s/metrics\n", base.c_str(), base.c_str());
    if (cfg.admin.enabled) {
        std::printf("  get a participant token:\n    curl -sk%s -X POST %s/api/conferences/%s/"
                    "participants -d '{\"display_name\":\"me\"}'\n",
                    key.c_str(), base.c_str(), conf_id.c_str());
    }
    // Room systems reach the datagram listeners at the ports SIP answers name: each bound one.
    for (bool const dtls : {false, true}) {
        auto const& configured = dtls ? cfg.bfcp.dtls : cfg.bfcp.udp;
        auto const ports = app.datagram_ports(dtls);
        for (std::size_t i = 0; i < configured.size() && i < ports.size(); ++i) {
            std::printf("  %s %s (%s)\n", dtls ? "BFCP DTLS:  " : "BFCP UDP:   ",
                        ws::remote_text(configured[i].address, ports[i]).c_str(),
                        dtls ? "UDP/TLS/BFCP" : "UDP/BFCP");
        }
    }
    if (sip_port != 0) {
        std::printf("  SIP:         port %u (UDP and TCP)\n", static_cast<unsigned>(sip_port));
        for (auto const& c : cfg.conferences) {
            for (auto const& u : c.sip_uris)
                std::printf("  SIP conference: %s\n", u.c_str());
        }
    }
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string_view> args(argv + 1, argv + argc);
    std::optional<std::string> config_path;
    std::optional<log_format> format_override;
    std::optional<log_level> level_override;

    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const a = args[i];
        auto const value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "floorctl: %.*s needs a value\n%s", static_cast<int>(a.size()),
                             a.data(), usage);
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "-V" || a == "--version") {
            std::printf("floorctl %s\n", version());
            return 0;
        }
        if (a == "check-config") {
            if (i + 1 >= args.size() || i + 2 != args.size()) {
                std::fprintf(stderr, "floorctl: check-config needs exactly one FILE\n%s", usage);
                return 2;
            }
            return check_config(argv[i + 2]);
        }
        if (a == "-c" || a == "--config") {
            auto v = value();
            if (!v) return 2;
            config_path = std::string(*v);
        } else if (a == "--log-format") {
            auto v = value();
            if (!v) return 2;
            format_override = parse_log_format(*v);
            if (!format_override) {
                std::fprintf(stderr, "floorctl: --log-format must be text or json\n");
                return 2;
            }
        } else if (a == "--log-level") {
            auto v = value();
            if (!v) return 2;
            level_override = parse_log_level(*v);
            if (!level_override) {
                std::fprintf(
                    stderr,
                    "floorctl: --log-level must be trace, debug, info, warn, error or off\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "floorctl: unknown argument '%.*s'\n%s",
                         static_cast<int>(a.size()), a.data(), usage);
            return 2;
        }
    }

    config cfg;
    std::vector<config_error> config_warnings;
    if (config_path) {
        auto r = load_config_file(*config_path);
        if (!r.ok()) {
            for (auto const& e : r.errors) {
                std::fprintf(stderr, "%s\n", format_error(*config_path, e).c_str());
            }
            return 1;
        }
        cfg = std::move(*r.cfg);
        config_warnings = std::move(r.warnings);
    } else {
        cfg = default_config();
        // Here rather than in default_config(), which tests use: it names the user's files.
        cfg.tokens = default_token_settings();
    }
    if (format_override) cfg.logging.format = *format_override;
    if (level_override) cfg.logging.level = *level_override;
    logger::global().configure(cfg.logging.level, cfg.logging.format);
    for (auto const& w : config_warnings)
        log_warn("configuration", {.extra = {{"warning", format_warning(*config_path, w)}}});

    try {
        net::io_context ioc{static_cast<int>(cfg.effective_io_threads())};
        // Before anything is bound or printed: a SIGTERM that follows the banner at once must
        // find the handler installed (it waits in the set until async_wait below), not end the
        // process by the default action.
        net::signal_set signals(ioc, SIGINT, SIGTERM);
        application app(cfg, ioc);
        app.start();
        std::unique_ptr<sip_service> sip;
        if (cfg.sip.enabled) sip = std::make_unique<sip_service>(app, cfg);
        if (sip) app.sip_started(sip->port());
        auto const join_links =
            config_path ? std::vector<std::string>{} : make_demo_links(app, cfg);
        print_banner(app, cfg, sip ? sip->port() : 0, join_links);

        std::thread sip_stopper;
        net::steady_timer fallback(ioc);
        signals.async_wait([&](boost::system::error_code ec, int sig) {
            if (ec) return;
            log_info("signal received",
                     {.extra = {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}}});
            // Hard stop if the orderly path has not finished well inside the 2 s promise.
            fallback.expires_after(std::chrono::milliseconds{1800});
            fallback.async_wait([&](boost::system::error_code e) {
                if (!e) {
                    log_warn("shutdown fallback: stopping the io_context");
                    ioc.stop();
                }
            });
            if (sip) {
                // agent::stop() blocks until sofia has sent BYE on live calls; it runs beside
                // the io threads, which must keep serving the revocations it triggers.
                sip_stopper = std::thread([&sip] { sip->stop(); });
            }
            app.shutdown(std::chrono::milliseconds{1500}, [&] {
                log_info("shutdown complete");
                fallback.cancel();
                ioc.stop(); // the listener/registry may still hold idle work; we are done
            });
        });

        std::vector<std::thread> threads;
        auto const n = cfg.effective_io_threads();
        for (unsigned i = 1; i < n; ++i)
            threads.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
        for (auto& t : threads)
            t.join();
        if (sip_stopper.joinable()) sip_stopper.join();
        sip.reset();
    } catch (std::exception const& e) {
        log_error("startup failed", {.extra = {{"error", e.what()}}});
        std::fprintf(stderr, "floorctl: %s\n", e.what());
        return 1;
    }
    return 0;
}
