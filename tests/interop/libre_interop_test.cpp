// Interoperability with an implementation nobody here wrote, through the real `floorctl`
// binary: sipp (tests/sipp/interop_*.xml) calls with a field-style UDP/BFCP or UDP/TLS/BFCP
// offer whose c= address and port (and, for DTLS, a=fingerprint) are those of
// libre_bfcp_client, a participant built on libre's BFCP (Debian libre-dev); the client then
// takes the answer's port, user and conference, says Hello, gets the floor (Granted) and
// releases it, with libre's own transaction IDs, retransmissions and acknowledgements; then
// sipp hangs up. A libre client at an address no offer named gets no answer at all.
// Every wait is bounded: the client's --deadline-ms, sipp's -timeout, bounded polls here.

#include "e2e_support.hpp"
#include "running_server.hpp"
#include "support/child_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

namespace {

using e2e::running_server;
using e2e::server_setup;
using test_support::child_process;

/// libre_bfcp_client with `transport` ("udp" or "dtls") bound to `address` port 0: its port
/// and (DTLS) certificate fingerprint as it printed them; the go command on its stdin.
class libre_client {
public:
    /// `hold`: it keeps a granted floor until send("release").
    libre_client(std::string const& transport, std::string const& address = "127.0.0.1",
                 int deadline_ms = 20000, bool hold = false)
        : process_({LIBRE_BFCP_CLIENT, "--transport", transport, "--bind", address, "--deadline-ms",
                    std::to_string(deadline_ms), "--hold", hold ? "yes" : "no"},
                   true)
    {
        if (auto const p = process_.capture(std::regex(R"(^listening (\d+)$)")))
            port_ = static_cast<std::uint16_t>(std::stoi(*p));
        if (transport == "dtls") {
            // RSA key generation first: allow it some time under the sanitizers.
            if (auto const f =
                    process_.capture(std::regex(R"(^fingerprint (SHA-256 [0-9A-F:]+)$)"), 30000))
                fingerprint_ = *f;
        }
    }

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string const& fingerprint() const { return fingerprint_; }

    /// Sends one command line (`go ...`, `release`).
    bool send(std::string const& command) { return process_.write_input(command + "\n"); }
    /// Waits (bounded) for an output line matching `pattern`.
    bool wait_for(std::string const& pattern)
    {
        return process_.wait_for_line(std::regex(pattern), 20000).has_value();
    }
    /// Its exit status (bounded), nullopt if still running after 30 s (it bounds itself well
    /// before); output() then holds everything it printed.
    std::optional<int> finish()
    {
        output_ = process_.drain(30000);
        return process_.wait_exit(1000);
    }
    /// send(`go`), then finish().
    std::optional<int> run(std::string const& go)
    {
        if (!send(go)) return std::nullopt;
        return finish();
    }
    /// Everything printed so far (all of it after finish()).
    [[nodiscard]] std::string const& printed() const { return process_.output(); }
    /// Everything it printed (after finish()).
    [[nodiscard]] std::string const& output() const { return output_; }

private:
    child_process process_;
    std::uint16_t port_ = 0;
    std::string fingerprint_;
    std::string output_;
};

/// The values sipp logged from floorctl's answer.
struct answer {
    std::string port, user, conference, version, fingerprint;
};

/// One sipp call in the background (tests/sipp/interop_*.xml): INVITE with the BFCP client's
/// port, the answer read from its log actions, the call kept up until hang_up() sends the
/// in-dialog INFO the scenario waits for; sipp then sends BYE and exits.
class sipp_call {
public:
    sipp_call(std::string const& scenario, std::uint16_t sip_port, std::uint16_t bfcp_port,
              std::string const& fingerprint = {})
        : dir_(std::filesystem::temp_directory_path() /
               ("floorctl-interop-" + std::to_string(::getpid()) + "-" +
                std::to_string(++counter_))),
          process_(command(scenario, sip_port, bfcp_port, fingerprint))
    {
    }
    ~sipp_call()
    {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    sipp_call(sipp_call const&) = delete;
    sipp_call& operator=(sipp_call const&) = delete;

    /// The answer sipp logged (bounded wait), nullopt when it did not (see log()).
    std::optional<answer> read_answer()
    {
        std::smatch m;
        auto const text = wait_for(std::regex(R"(answer port (\d+) user (\d+) conference (\d+) )"
                                              R"(version (\d) fingerprint (\S+))"),
                                   m);
        if (!text) return std::nullopt;
        answer a{m[1], m[2], m[3], m[4], m[5]};
        if (!wait_for(std::regex(R"(dialog call-id (\S+) sipp-port (\d+))"), m))
            return std::nullopt;
        call_id_ = m[1];
        sipp_port_ = static_cast<std::uint16_t>(std::stoi(m[2]));
        return a;
    }

    /// Sends the INFO that ends the call; sipp's exit status (0: every step as scripted).
    std::optional<int> hang_up()
    {
        int const fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in me{};
        me.sin_family = AF_INET;
        me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me);
        socklen_t len = sizeof me;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len);
        auto const sipp = "127.0.0.1:" + std::to_string(sipp_port_);
        std::string const info =
            "INFO sip:room@" + sipp +
            " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(ntohs(me.sin_port)) +
            ";branch=z9hG4bK-interop-info\r\nFrom: <sip:demo@127.0.0.1>;tag=interop\r\n"
            "To: <sip:room@127.0.0.1>\r\nCall-ID: " +
            call_id_ + "\r\nCSeq: 1 INFO\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(sipp_port_);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::sendto(fd, info.data(), info.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        auto const status = process_.wait_exit(30000);
        ::close(fd);
        return status;
    }

    /// sipp's output, error and log files (for failure messages).
    [[nodiscard]] std::string log() const
    {
        std::string all;
        for (char const* f : {"out.log", "errors.log", "actions.log"})
            all += std::string("---- ") + f + "\n" + read(dir_ / f);
        return all;
    }

private:
    std::vector<std::string> command(std::string const& scenario, std::uint16_t sip_port,
                                     std::uint16_t bfcp_port, std::string const& fingerprint)
    {
        std::filesystem::create_directories(dir_);
        std::ostringstream cmd;
        cmd << "cd " << dir_ << " && exec " << FLOORCTL_SIPP << " -sf " << FLOORCTL_SIPP_DIR << "/"
            << scenario << " -s demo -m 1 -l 1 -t u1 -i 127.0.0.1 -nostdin"
            << " -timeout 30s -timeout_error -trace_err -error_file errors.log -trace_logs"
            << " -log_file actions.log -key bfcp_port " << bfcp_port;
        if (!fingerprint.empty()) cmd << " -key fingerprint '" << fingerprint << "'";
        cmd << " 127.0.0.1:" << sip_port << " > out.log 2>&1";
        return {"/bin/sh", "-c", cmd.str()};
    }

    static std::string read(std::filesystem::path const& path)
    {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    /// Polls actions.log (at most 15 s) for a line matching `re`.
    std::optional<std::string> wait_for(std::regex const& re, std::smatch& m)
    {
        for (int waited = 0; waited < 15000; waited += 50) {
            log_text_ = read(dir_ / "actions.log");
            if (std::regex_search(log_text_, m, re)) return log_text_;
            if (process_.wait_exit(0)) return std::nullopt; // sipp gave up
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return std::nullopt;
    }

    static inline std::atomic<int> counter_{0};
    std::filesystem::path dir_;
    child_process process_;
    std::string log_text_;
    std::string call_id_;
    std::uint16_t sipp_port_ = 0;
};

/// floorctl with one `transport` ("udp" or "dtls") BFCP listener on 127.0.0.1 port 0 (plain
/// UDP/BFCP needs require_tls = false; DTLS uses the certificate the binary makes).
server_setup datagram_server(std::string const& transport)
{
    server_setup s;
    s.websocket = "require_tls = false\n";
    s.after_sip = "[bfcp]\n" + transport + " = [\"127.0.0.1:0\"]\n";
    return s;
}

void expect_floor_taken_and_released(std::string const& out)
{
    EXPECT_NE(out.find("HelloAck"), std::string::npos) << out;
    EXPECT_NE(out.find("FloorRequestStatus Granted"), std::string::npos) << out;
    EXPECT_NE(out.find("released"), std::string::npos) << out;
}

/// A libre client and the sipp call whose offer named it, on `server`; answer() is what
/// floorctl's answer said (nullopt if sipp logged none: see log()).
class negotiated_client {
public:
    negotiated_client(running_server const& server, std::string const& scenario,
                      std::string const& transport = "udp", bool hold = false)
        : client_(transport, "127.0.0.1", 20000, hold),
          call_(scenario, server.sip_port(), client_.port(), client_.fingerprint()),
          answer_(call_.read_answer())
    {
    }
    libre_client& client() { return client_; }
    sipp_call& call() { return call_; }
    [[nodiscard]] std::optional<answer> const& answer_values() const { return answer_; }
    /// The client's go command for the answer: floor 1, the answer's version, and over DTLS
    /// its fingerprint ("-" in sipp's log for UDP).
    [[nodiscard]] std::string go_command() const
    {
        if (!answer_) return {};
        auto const& a = *answer_;
        return "go 127.0.0.1 " + a.port + " " + a.conference + " " + a.user + " 1 " + a.version +
               (a.fingerprint == "-" ? "" : " " + a.fingerprint);
    }
    [[nodiscard]] std::string log() { return call_.log(); }

private:
    libre_client client_;
    sipp_call call_;
    std::optional<answer> answer_;
};

/// The field-style UDP/BFCP offers: Cisco's (bfcpver 2 1) and Poly's (bfcpver 1).
constexpr char const* field_offers[] = {"interop_udp_bfcp_cisco.xml", "interop_udp_bfcp_poly.xml"};

class LibreFieldOffer : public ::testing::TestWithParam<char const*> {};

// Cisco-style (bfcpver 2 1, UDP only) and Poly-style (UDP/BFCP with bfcpver 1 next to
// TCP/BFCP) offers: the libre client uses the version the answer chose.
TEST_P(LibreFieldOffer, LibreClientAtTheOfferedPortGetsAndReleasesTheFloor)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-udp", datagram_server("udp"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client room(server, GetParam());
    ASSERT_NE(room.client().port(), 0);
    ASSERT_TRUE(room.answer_values()) << room.log() << server.log();
    EXPECT_EQ(room.answer_values()->conference, "4321");
    EXPECT_EQ(room.answer_values()->version,
              std::string(GetParam()).find("poly") != std::string::npos ? "1" : "2");

    EXPECT_EQ(room.client().run(room.go_command()), 0) << room.client().output() << server.log();
    expect_floor_taken_and_released(room.client().output());
    EXPECT_EQ(room.call().hang_up(), 0) << room.log();
}

INSTANTIATE_TEST_SUITE_P(CiscoAndPoly, LibreFieldOffer, ::testing::ValuesIn(field_offers));

// UDP/TLS/BFCP: libre's DTLS client (its self-signed certificate named in the offer) checks
// that floorctl's certificate is the answer's a=fingerprint, then takes and releases the floor.
TEST(LibreDtlsInterop, LibreClientWithTheOfferedCertificateGetsAndReleasesTheFloor)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-dtls", datagram_server("dtls"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client room(server, "interop_udp_tls_bfcp.xml", "dtls");
    ASSERT_FALSE(room.client().fingerprint().empty());
    ASSERT_TRUE(room.answer_values()) << room.log() << server.log();

    auto& out = room.client().output();
    EXPECT_EQ(room.client().run(room.go_command()), 0) << out << server.log();
    EXPECT_NE(out.find("server fingerprint matches"), std::string::npos) << out;
    expect_floor_taken_and_released(out);
    EXPECT_EQ(room.call().hang_up(), 0) << room.log();
}

// Over DTLS, before the negotiated client: a libre client at 127.0.0.2 (no offer named that
// address) gets no DTLS answer at all, and one at the negotiated address with a certificate the
// offer did not name completes the handshake but gets no BFCP answer (floorctl closes it with
// close_notify). The negotiated client with the offered certificate then gets the floor.
TEST(LibreDtlsInterop, LibreClientsWithoutTheNegotiatedAddressOrCertificateGetNoAnswer)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-dtls-strangers", datagram_server("dtls"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client room(server, "interop_udp_tls_bfcp.xml", "dtls");
    ASSERT_TRUE(room.answer_values()) << room.log() << server.log();

    libre_client stranger("dtls", "127.0.0.2", 3000);
    EXPECT_EQ(stranger.run(room.go_command()), 2) << stranger.output();
    EXPECT_NE(stranger.output().find("timeout: the DTLS handshake"), std::string::npos)
        << stranger.output();

    libre_client impostor("dtls", "127.0.0.1", 3000);
    ASSERT_NE(impostor.fingerprint(), room.client().fingerprint());
    EXPECT_EQ(impostor.run(room.go_command()), 2) << impostor.output();
    EXPECT_NE(impostor.output().find("dtls established"), std::string::npos) << impostor.output();
    EXPECT_EQ(impostor.output().find("\nHelloAck\n"), std::string::npos) << impostor.output();

    EXPECT_EQ(room.client().run(room.go_command()), 0) << room.client().output() << server.log();
    expect_floor_taken_and_released(room.client().output());
    EXPECT_EQ(room.call().hang_up(), 0) << room.log();
}

// A libre client at 127.0.0.2, an address no offer named, that knows everything the answer
// said: its Hello gets no answer at all (dropped), while the negotiated client still gets the
// floor.
TEST(LibreUdpInterop, LibreClientAtAnAddressNoOfferNamedGetsNoAnswer)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-stranger", datagram_server("udp"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client room(server, "interop_udp_bfcp_cisco.xml");
    ASSERT_TRUE(room.answer_values()) << room.log() << server.log();
    libre_client stranger("udp", "127.0.0.2", 3000);
    ASSERT_NE(stranger.port(), 0);

    EXPECT_EQ(stranger.run(room.go_command()), 2) << stranger.output();
    EXPECT_NE(stranger.output().find("timeout: HelloAck"), std::string::npos) << stranger.output();
    EXPECT_EQ(stranger.output().find("\nHelloAck\n"), std::string::npos) << stranger.output();

    EXPECT_EQ(room.client().run(room.go_command()), 0) << room.client().output() << server.log();
    expect_floor_taken_and_released(room.client().output());
    EXPECT_EQ(room.call().hang_up(), 0) << room.log();
}

/// One line of the binary's /metrics (e.g. `name{labels} value`), empty if absent.
std::string metric(running_server const& server, std::string const& name)
{
    auto const [status, body] =
        e2e::http_request(server.ws_port(), e2e::http::verb::get, "/metrics");
    if (status != 200) return "HTTP " + std::to_string(status);
    auto const at = body.find("\n" + name + " ");
    return at == std::string::npos ? std::string()
                                   : body.substr(at + 1, body.find('\n', at + 1) - at - 1);
}

class LibreQueue : public ::testing::TestWithParam<char const*> {};

// Two libre participants: the second one's request waits behind the first one's grant; when
// the first releases, floorctl sends the second a FloorRequestStatus Granted of its own (a
// server transaction, retransmitted until acknowledged), which libre's application answers
// with FloorRequestStatusAck through bfcp_reply (in the version of the request: 2 after the
// Cisco offer, 1 after the Poly one). The second then releases. floorctl matched every ack
// libre sent and gave up on nothing.
TEST_P(LibreQueue, QueuedLibreClientGetsTheGrantNotificationAndAcknowledgesIt)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-queue", datagram_server("udp"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client first(server, GetParam(), "udp", true);
    ASSERT_TRUE(first.answer_values()) << first.log() << server.log();
    negotiated_client second(server, GetParam());
    ASSERT_TRUE(second.answer_values()) << second.log() << server.log();
    ASSERT_NE(first.answer_values()->user, second.answer_values()->user);

    ASSERT_TRUE(first.client().send(first.go_command()));
    ASSERT_TRUE(first.client().wait_for("^FloorRequestStatus Granted")) << first.client().printed();
    ASSERT_TRUE(second.client().send(second.go_command()));
    ASSERT_TRUE(second.client().wait_for("^FloorRequestStatus [Pp]ending response"))
        << second.client().printed();
    ASSERT_TRUE(first.client().send("release"));
    EXPECT_EQ(first.client().finish(), 0) << first.client().output();

    auto& out = second.client().output();
    EXPECT_EQ(second.client().finish(), 0) << out << server.log();
    EXPECT_NE(out.find("FloorRequestStatus Granted notification"), std::string::npos) << out;
    EXPECT_NE(out.find("ack FloorRequestStatusAck"), std::string::npos) << out;
    EXPECT_NE(out.find("released"), std::string::npos) << out;
    EXPECT_EQ(metric(server, "floorctl_bfcp_datagrams_dropped_total{reason=\"unmatched_ack\"}"),
              "floorctl_bfcp_datagrams_dropped_total{reason=\"unmatched_ack\"} 0");
    EXPECT_EQ(metric(server, "floorctl_bfcp_datagrams_dropped_total{reason=\"malformed\"}"),
              "floorctl_bfcp_datagrams_dropped_total{reason=\"malformed\"} 0");
    EXPECT_EQ(metric(server, "floorctl_bfcp_transactions_given_up_total"),
              "floorctl_bfcp_transactions_given_up_total 0");
    EXPECT_EQ(first.call().hang_up(), 0) << first.log();
    EXPECT_EQ(second.call().hang_up(), 0) << second.log();
}

INSTANTIATE_TEST_SUITE_P(CiscoAndPoly, LibreQueue, ::testing::ValuesIn(field_offers));

// BYE while the libre client holds the floor: floorctl says Goodbye (a server transaction),
// libre's application acknowledges it with GoodbyeAck through bfcp_reply, and floorctl forgets
// the peer without waiting for its retransmissions to give up.
TEST(LibreUdpInterop, ByeWhileHoldingTheFloorBringsAGoodbyeThatLibreAcknowledges)
{
    ASSERT_TRUE(std::filesystem::exists(FLOORCTL_SIPP)) << "sipp: scripts/install-deps.sh";
    running_server server("floorctl-interop-bye", datagram_server("udp"));
    ASSERT_TRUE(server.ready()) << server.log();
    negotiated_client room(server, "interop_udp_bfcp_cisco.xml", "udp", true);
    ASSERT_TRUE(room.answer_values()) << room.log() << server.log();

    ASSERT_TRUE(room.client().send(room.go_command()));
    ASSERT_TRUE(room.client().wait_for("^FloorRequestStatus Granted")) << room.client().printed();
    EXPECT_EQ(room.call().hang_up(), 0) << room.log();

    auto& out = room.client().output();
    EXPECT_EQ(room.client().finish(), 0) << out << server.log();
    EXPECT_NE(out.find("ack GoodbyeAck"), std::string::npos) << out;
    EXPECT_NE(out.find("goodbye"), std::string::npos) << out;
    // floorctl took libre's GoodbyeAck as the end of its transaction: the peer is forgotten
    // when the core closes it ("removed", the ack came first) or on the ack ("closed after the
    // last acknowledgement"), well before the retransmissions would give up (7.5 s).
    EXPECT_TRUE(server.wait_for_log(
        "UDP peer closed: (removed|closed after the last acknowledgement)", 5000))
        << server.log();
    EXPECT_EQ(server.log().find("stopped acknowledging"), std::string::npos) << server.log();
}

} // namespace
