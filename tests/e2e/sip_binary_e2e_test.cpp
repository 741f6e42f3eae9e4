// The real `floorctl` binary end to end over SIP: a room system calls sip:demo@ with a
// TCP/WSS/BFCP offer (a tiny UDP UAC in this file), takes the token from the websocket-uri of
// the 200, opens WSS with it and gets the floor; its BYE revokes the participant (Goodbye and
// close on the WSS connection) and frees the floor, which goes to the next in the queue.
// Every wait is bounded (socket receive timeouts, poll on the binary's output).

#include "e2e_support.hpp"
#include "running_server.hpp"
#include "support/sipp_runner.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace e2e;

/// A minimal SIP UAC over UDP: just enough for INVITE / ACK / BYE of one dialog.
class uac {
public:
    /// `from`: the From URI (default: sip:room@ this UAC's address).
    explicit uac(std::uint16_t server_port, std::string from = {})
        : server_port_(server_port), from_(std::move(from))
    {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        timeval tv{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        call_id_ = "e2e-" + std::to_string(::getpid()) + "@127.0.0.1";
        if (from_.empty()) from_ = "sip:room@127.0.0.1:" + std::to_string(port_);
    }
    ~uac() { ::close(fd_); }

    /// Sends INVITE with `sdp`; returns the final response (skips 1xx), empty on timeout.
    std::string invite(std::string const& sdp)
    {
        send(request("INVITE sip:demo@127.0.0.1:" + std::to_string(server_port_), "1 INVITE",
                     "z9hG4bK-e2e-1", "", "application/sdp", sdp));
        auto const final = final_response();
        std::smatch m;
        if (std::regex_search(final, m, std::regex(R"(\r\nTo: ([^\r]*))"))) to_ = m[1].str();
        if (std::regex_search(final, m, std::regex(R"(\r\nContact: <([^>]*)>)")))
            remote_target_ = m[1].str();
        return final;
    }
    void ack() { send(request("ACK " + remote_target_, "1 ACK", "z9hG4bK-e2e-2", to_, "", "")); }
    std::string bye()
    {
        send(request("BYE " + remote_target_, "2 BYE", "z9hG4bK-e2e-3", to_, "", ""));
        return final_response();
    }

private:
    std::string request(std::string const& line, std::string const& cseq, std::string const& branch,
                        std::string const& to, std::string const& type, std::string const& body)
    {
        auto const me = "127.0.0.1:" + std::to_string(port_);
        std::string r =
            line + " SIP/2.0\r\nVia: SIP/2.0/UDP " + me + ";branch=" + branch +
            "\r\nFrom: \"E2E Room\" <" + from_ + ">;tag=e2e1\r\nTo: " +
            (to.empty() ? "<sip:demo@127.0.0.1:" + std::to_string(server_port_) + ">" : to) +
            "\r\nCall-ID: " + call_id_ + "\r\nCSeq: " + cseq + "\r\nContact: <sip:room@" + me +
            ">\r\nMax-Forwards: 70\r\n";
        if (!type.empty()) r += "Content-Type: " + type + "\r\n";
        r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        return r;
    }
    void send(std::string const& msg)
    {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(server_port_);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::sendto(fd_, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    std::string final_response()
    {
        for (int i = 0; i < 10; ++i) {
            char buf[8192];
            auto const n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return {};
            std::string msg(buf, static_cast<std::size_t>(n));
            if (msg.rfind("SIP/2.0 1", 0) == 0) continue;
            return msg;
        }
        return {};
    }

    int fd_ = -1;
    std::uint16_t server_port_ = 0, port_ = 0;
    std::string from_, call_id_, to_, remote_target_;
};

/// The setup of the BFCP transport tests: a [bfcp] table with a listener on 127.0.0.1 port 0 for
/// each of `listeners` ("tcp", "udp", "dtls"), the answer preference `transports` when given, and
/// require_tls off (else the core answers every message on plain TCP/BFCP or UDP/BFCP with
/// Error 9, Use TLS).
server_setup bfcp_setup(std::vector<std::string> const& listeners,
                        std::vector<std::string> const& transports = {})
{
    server_setup setup;
    setup.websocket = "require_tls = false\n";
    setup.after_sip = "[bfcp]\n";
    for (auto const& l : listeners)
        setup.after_sip += l + " = [\"127.0.0.1:0\"]\n";
    if (!transports.empty()) {
        setup.after_sip += "transports = [";
        for (std::size_t i = 0; i < transports.size(); ++i)
            setup.after_sip += (i == 0 ? "\"" : ", \"") + transports[i] + "\"";
        setup.after_sip += "]\n";
    }
    return setup;
}

/// The room system's offer: BFCP over WSS, as the active side (RFC 8856, RFC 8124).
constexpr char const* wss_offer = "v=0\r\no=room 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                                  "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                                  "m=application 9 TCP/WSS/BFCP *\r\na=setup:active\r\n"
                                  "a=connection:new\r\na=floorctrl:c-only\r\n";

std::string attr(std::string const& sdp, std::string const& re)
{
    std::smatch m;
    return std::regex_search(sdp, m, std::regex(re)) ? m[1].str() : std::string();
}

TEST(SipBinaryE2E, WssClientGetsTheFloorAfterTheCallAndByeFreesIt)
{
    running_server server("floorctl-sip-e2e", {});
    ASSERT_TRUE(server.ready()) << server.log();

    uac phone(server.sip_port());
    auto const ok = phone.invite(wss_offer);
    ASSERT_EQ(ok.rfind("SIP/2.0 200", 0), 0u) << ok << server.log();
    EXPECT_NE(ok.find("a=setup:passive"), std::string::npos) << ok;
    EXPECT_NE(ok.find("a=floorctrl:s-only"), std::string::npos) << ok;
    auto const token =
        attr(ok, R"(a=websocket-uri:wss://localhost:\d+/bfcp\?token=([A-Za-z0-9._~-]+))");
    auto const conf = attr(ok, R"(a=confid:(\d+))");
    auto const user = attr(ok, R"(a=userid:(\d+))");
    ASSERT_FALSE(token.empty()) << ok;
    ASSERT_EQ(conf, "4321");
    ASSERT_FALSE(user.empty());
    phone.ack();

    auto const wsp = server.ws_port();
    auto const uid = static_cast<std::uint16_t>(std::stoi(user));
    client room(wsp, token);
    room.send(request_msg(4321, uid, 1));
    ASSERT_TRUE(room.read_until(has_status(request_status::granted))) << server.log();

    // A second participant (provisioning API) queues behind the SIP caller.
    auto const [status, body] =
        http_request(wsp, http::verb::post, "/api/conferences/4321/participants", "{}");
    ASSERT_EQ(status, 201u) << body;
    auto const j = boost::json::parse(body).as_object();
    auto const other = static_cast<std::uint16_t>(j.at("userid").as_int64());
    client next(wsp, std::string(j.at("token").as_string()));
    next.send(request_msg(4321, other, 1));
    ASSERT_TRUE(next.read_until(has_status(request_status::pending))) << server.log();

    auto const bye_ok = phone.bye();
    EXPECT_EQ(bye_ok.rfind("SIP/2.0 200", 0), 0u) << bye_ok;
    EXPECT_TRUE(room.read_until([](message const& m) {
        return std::holds_alternative<goodbye>(m.payload);
    })) << "no Goodbye after BYE"
        << server.log();
    EXPECT_NE(room.wait_closed(), 0) << "the WSS connection stayed open after BYE";
    EXPECT_TRUE(next.read_until(has_status(request_status::granted)))
        << "the floor was not freed by BYE\n"
        << server.log();

    // The call is counted by the transport its INVITE came over.
    auto const [ms, mb] = http_request(wsp, http::verb::get, "/metrics");
    ASSERT_EQ(ms, 200u);
    EXPECT_NE(mb.find("floorctl_sip_invites_total{transport=\"udp\",outcome=\"answered\"} 1\n"),
              std::string::npos)
        << mb;
    EXPECT_NE(mb.find("floorctl_sip_invites_total{transport=\"tcp\",outcome=\"answered\"} 0\n"),
              std::string::npos);
}

// Issue: anyone could become chair by writing a From header. With chair_uris set and digest
// authentication off, the caller proves no identity: it joins as an ordinary participant (not
// the chair's reserved user ID 65535, not listed as chair), and the binary warns at start.
TEST(SipBinaryE2E, SpoofedChairFromHeaderJoinsAsAnOrdinaryParticipant)
{
    server_setup setup;
    setup.io_threads = 1;
    setup.conference = "chair_uris = [\"sip:moderator@example.com\"]\n";
    setup.floor = "policy = \"chair\"\n";
    running_server server("floorctl-sip-chair-e2e", setup);
    ASSERT_TRUE(server.ready()) << server.log();
    // Logged before the listeners' lines, so already read.
    EXPECT_NE(server.log().find("no SIP caller can prove"), std::string::npos) << server.log();

    uac impostor(server.sip_port(), "sip:moderator@example.com");
    auto const ok = impostor.invite(wss_offer);
    ASSERT_EQ(ok.rfind("SIP/2.0 200", 0), 0u) << ok << server.log();
    impostor.ack();
    auto const user = attr(ok, R"(a=userid:(\d+))");
    ASSERT_FALSE(user.empty()) << ok;
    EXPECT_NE(user, "65535") << "the From header alone got the chair's reserved user ID";

    auto const [status, body] =
        http_request(server.ws_port(), http::verb::get, "/api/conferences/4321");
    ASSERT_EQ(status, 200u) << body;
    auto const people = boost::json::parse(body).as_object().at("participants").as_array();
    ASSERT_EQ(people.size(), 1u) << body;
    EXPECT_EQ(std::to_string(people[0].as_object().at("userid").as_int64()), user) << body;
    EXPECT_FALSE(people[0].as_object().at("chair").as_bool()) << body;
    EXPECT_EQ(impostor.bye().rfind("SIP/2.0 200", 0), 0u);
}

// The safe way to name a SIP chair: digest authentication on and a [[sip.user]] whose identity
// is the chair URI. sipp authenticates as that user (its From header names somebody else) and
// requires a=userid:65535, the chair's reserved user ID, in the answer.
TEST(SipBinaryE2E, DigestUserProvingTheChairUriIsTheChair)
{
    ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
    server_setup setup;
    setup.io_threads = 1;
    setup.after_sip = "digest_auth = true\n[[sip.user]]\nname = \"moderator\"\n"
                      "password = \"secret\"\nidentity = \"sip:moderator@example.com\"\n";
    setup.conference = "chair_uris = [\"sip:moderator@example.com\"]\n";
    setup.floor = "policy = \"chair\"\n";
    running_server server("floorctl-sip-chair-auth-e2e", setup);
    ASSERT_TRUE(server.ready()) << server.log();
    auto const port = server.sip_port();

    auto const chair =
        sip_test::run_sipp("uac_auth_chair.xml", "demo", port, "u1", 1, "-au moderator -ap secret");
    EXPECT_EQ(chair.exit_code, 0) << chair.log << server.log();
}

/// The session part of the offers below: a room system on loopback.
std::string const loopback_offer_head =
    "v=0\r\no=room 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

TEST(SipBinaryE2E, TcpBfcpCallGetsTheFloorOverTcpAndOnlyFromTheNegotiatedParticipant)
{
    running_server server("floorctl-sip-tcp-e2e", bfcp_setup({"tcp"}));
    ASSERT_TRUE(server.ready()) << server.log();

    // A room system offering RFC 8856 TCP/BFCP as the active side (field offer: floorctrl:c-s).
    uac phone(server.sip_port());
    auto const ok =
        phone.invite(loopback_offer_head + "m=application 50000 TCP/BFCP *\r\na=setup:actpass\r\n"
                                           "a=connection:new\r\na=floorctrl:c-s\r\n");
    ASSERT_EQ(ok.rfind("SIP/2.0 200", 0), 0u) << ok << server.log();
    EXPECT_NE(ok.find("a=setup:passive"), std::string::npos) << ok;
    EXPECT_NE(ok.find("a=floorctrl:s-only"), std::string::npos) << ok;
    auto const port = attr(ok, R"(m=application (\d+) TCP/BFCP \*)");
    auto const user = attr(ok, R"(a=userid:(\d+))");
    ASSERT_FALSE(port.empty()) << ok;
    ASSERT_NE(port, "0") << ok;
    ASSERT_EQ(attr(ok, R"(a=confid:(\d+))"), "4321");
    ASSERT_FALSE(user.empty());
    phone.ack();
    auto const uid = static_cast<std::uint16_t>(std::stoi(user));
    auto const bfcp_port = static_cast<std::uint16_t>(std::stoi(port));

    // Somebody else's user ID: Error, then the connection is closed (binding rule).
    {
        stream_client impostor(bfcp_port);
        ASSERT_FALSE(impostor.send(request_msg(4321, static_cast<std::uint16_t>(uid + 1), 1)));
        auto const err = impostor.read();
        ASSERT_TRUE(err) << server.log();
        EXPECT_TRUE(error_of(*err).has_value());
        EXPECT_FALSE(impostor.read()) << "the impostor's connection stayed open";
    }

    stream_client room(bfcp_port);
    ASSERT_FALSE(room.send(request_msg(4321, uid, 1)));
    std::optional<message> granted;
    for (int i = 0; i < 8 && !granted; ++i) {
        auto m = room.read();
        if (!m) break;
        if (status_of(*m) == request_status::granted) granted = m;
    }
    ASSERT_TRUE(granted) << "no Granted over TCP/BFCP\n" << server.log();

    auto const bye_ok = phone.bye();
    EXPECT_EQ(bye_ok.rfind("SIP/2.0 200", 0), 0u) << bye_ok;
    bool goodbye_seen = false;
    for (int i = 0; i < 8; ++i) {
        auto m = room.read();
        if (!m) break;
        goodbye_seen = goodbye_seen || std::holds_alternative<goodbye>(m->payload);
    }
    EXPECT_TRUE(goodbye_seen) << server.log();
}

// An offer with both TCP/BFCP and UDP/BFCP: [bfcp] transports decides which one is answered,
// the other gets port 0. TCP first here, so this holds with or without a UDP listener.
TEST(SipBinaryE2E, OfferWithTcpAndUdpBfcpFollowsTheTransportPreference)
{
    running_server server("floorctl-sip-pref-e2e",
                          bfcp_setup({"tcp", "udp"}, {"tcp", "udp", "wss"}));
    ASSERT_TRUE(server.ready()) << server.log();
    auto const sip_port = server.sip_port();
    uac phone(sip_port);
    auto const ok =
        phone.invite(loopback_offer_head + "m=application 40010 UDP/BFCP *\r\na=floorctrl:c-s\r\n"
                                           "m=application 40012 TCP/BFCP *\r\na=setup:actpass\r\n"
                                           "a=connection:new\r\na=floorctrl:c-s\r\n");
    ASSERT_EQ(ok.rfind("SIP/2.0 200", 0), 0u) << ok << server.log();
    EXPECT_NE(ok.find("m=application 0 UDP/BFCP *\r\n"), std::string::npos) << ok;
    auto const tcp_port = attr(ok, R"(m=application (\d+) TCP/BFCP \*)");
    ASSERT_FALSE(tcp_port.empty()) << ok;
    EXPECT_NE(tcp_port, "0") << ok;
    phone.ack();
    EXPECT_EQ(phone.bye().rfind("SIP/2.0 200", 0), 0u);
}

// Field offers of UDP/BFCP (tests/sipp: Cisco's UDP-only offer with bfcpver:2 1 and
// setup:actpass; Poly's UDP + TCP two-line offer with UDP preferred) are answered with the UDP
// listener's port.
TEST(SipBinaryE2E, UdpBfcpFieldOffersGetTheUdpListener)
{
    ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
    running_server server("floorctl-sip-udp-e2e",
                          bfcp_setup({"tcp", "udp"}, {"udp", "wss", "tcp"}));
    ASSERT_TRUE(server.ready()) << server.log();
    auto const sip_port = server.sip_port();
    for (char const* scenario : {"uac_udp_bfcp_cisco.xml", "uac_udp_bfcp_poly.xml"}) {
        auto const r = sip_test::run_sipp(scenario, "demo", sip_port);
        EXPECT_EQ(r.exit_code, 0) << scenario << "\n" << r.log << server.log();
    }
}

// BFCP over DTLS (tests/sipp/uac_udp_tls_bfcp.xml): answered with the DTLS listener's port,
// setup:passive and the SHA-256 fingerprint of the certificate.
TEST(SipBinaryE2E, UdpTlsBfcpOfferGetsTheDtlsListenerAndFingerprint)
{
    ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
    running_server server("floorctl-sip-dtls-e2e", bfcp_setup({"dtls"}));
    ASSERT_TRUE(server.ready()) << server.log();
    auto const sip_port = server.sip_port();
    auto const r = sip_test::run_sipp("uac_udp_tls_bfcp.xml", "demo", sip_port);
    EXPECT_EQ(r.exit_code, 0) << r.log << server.log();
}

} // namespace
