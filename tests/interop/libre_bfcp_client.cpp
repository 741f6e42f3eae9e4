// libre_bfcp_client: a BFCP participant built on libre (Debian libre-dev, re/re_bfcp.h), an
// implementation nobody here wrote, for interoperability tests against the real `floorctl`.
//
//   libre_bfcp_client --transport udp|dtls [--bind ADDR] [--deadline-ms N] [--hold yes]
//
// Binds ADDR (default 127.0.0.1) port 0 and prints, one per line:
//   listening <port>
//   fingerprint SHA-256 <AB:CD:...>        (dtls: our self-signed certificate's, for the offer)
// then reads one command line on stdin (what the SDP answer said):
//   go <server address> <server port> <conference id> <user id> <floor id> <BFCP version>
//      [<the answer's SHA-256 fingerprint, AB:CD:...>]                (version 2 over DTLS)
// and, over libre's BFCP connection (its own transaction IDs, retransmissions and reply cache;
// over DTLS through interop::libre_dtls_carrier), prints each step:
//   dtls established / server fingerprint matches        (dtls)
//   HelloAck
//   FloorRequestStatus <status> response|notification id <floor request id>
//   ack <primitive>                                      (each server request it acknowledged)
//   released
//   goodbye                                              (the server's Goodbye, acknowledged)
// With --hold yes it keeps a granted floor until a second command line, `release`.
// Exit status: 0 after the floor was granted and released, or after the server's Goodbye;
// 2 timeout (nothing, or no answer to a request after libre's retransmissions: "no answer to
// <primitive>"); 3 DTLS failure or fingerprint mismatch; 4 an Error from the server; 5 usage
// or local failure. Everything is bounded by --deadline-ms (default 20000).

#include "libre_dtls_carrier.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include <unistd.h>

// libre's headers last: re_types.h defines macros that break C++ standard headers after it.
#include <re.h>

namespace {

/// The whole client: libre objects, what the command said, where the flow is.
struct client {
    bfcp_conn* conn = nullptr;
    tls* context = nullptr;
    std::unique_ptr<interop::libre_dtls_carrier> carrier;
    bool dtls = false;
    tmr deadline{};
    tmr linger{};
    tmr start{}; ///< sends the Hello once libre has finished the DTLS handshake callback
    sa server{};
    std::uint32_t conference = 0;
    std::uint16_t user = 0;
    std::uint16_t floor = 0;
    std::uint16_t floor_request = 0;
    std::uint8_t version = BFCP_VER2; ///< of our requests (the answer's a=bfcpver)
    std::string expected_fingerprint;
    std::string step = "the go command";
    bool hold = false; ///< --hold: keep the floor until the release command
    bool granted = false;
    int exit_code = 5;
};

void line(std::string const& text)
{
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
}

void finish(client& c, int code, std::string const& why = {})
{
    if (!why.empty()) line(why);
    c.exit_code = code;
    re_cancel();
}

void on_deadline(void* arg)
{
    auto& c = *static_cast<client*>(arg);
    finish(c, 2, "timeout: " + c.step);
}

/// The request status and floor request ID of a FloorRequestStatus (0 when absent).
std::pair<int, std::uint16_t> request_status_of(bfcp_msg const* msg)
{
    auto const* info = bfcp_msg_attr(msg, BFCP_FLOOR_REQ_INFO);
    if (info == nullptr) return {0, 0};
    auto const* overall = bfcp_attr_subattr(info, BFCP_OVERALL_REQ_STATUS);
    auto const* status = overall ? bfcp_attr_subattr(overall, BFCP_REQUEST_STATUS) : nullptr;
    return {status ? static_cast<int>(status->v.reqstatus.status) : 0, info->v.u16};
}

void send_release(client& c);

/// A FloorRequestStatus, in a response or a notification.
void on_request_status(client& c, bfcp_msg const* msg, char const* how)
{
    auto const [status, id] = request_status_of(msg);
    line(std::string("FloorRequestStatus ") +
         bfcp_reqstatus_name(static_cast<bfcp_reqstat>(status)) + " " + how + " id " +
         std::to_string(id));
    if (id != 0) c.floor_request = id;
    if (status == BFCP_GRANTED && !c.granted) {
        c.granted = true;
        if (c.hold)
            c.step = "the release command";
        else
            send_release(c);
    }
}

/// A response's common checks: libre's error (ETIMEDOUT after its retransmissions) or an
/// Error message end the run. True when `msg` is a usable response.
bool response_ok(client& c, int err, bfcp_msg const* msg, char const* what)
{
    if (err != 0) {
        finish(c, 2, std::string("no answer to ") + what + ": " + std::strerror(err));
        return false;
    }
    if (msg->prim == BFCP_ERROR) {
        auto const* code = bfcp_msg_attr(msg, BFCP_ERROR_CODE);
        finish(c, 4,
               std::string("Error ") + (code ? std::to_string(code->v.errcode.code) : "?") +
                   " to " + what);
        return false;
    }
    return true;
}

void on_release_response(int err, bfcp_msg const* msg, void* arg)
{
    auto& c = *static_cast<client*>(arg);
    if (!response_ok(c, err, msg, "FloorRelease")) return;
    on_request_status(c, msg, "response");
    line("released");
    c.step = "nothing (lingering)";
    // Stay a moment to acknowledge what the server still sends (its Released notification).
    tmr_start(
        &c.linger, 500, [](void* a) { finish(*static_cast<client*>(a), 0); }, &c);
}

void send_release(client& c)
{
    c.step = "the FloorRelease response";
    int const err = bfcp_request(c.conn, &c.server, c.version, BFCP_FLOOR_RELEASE, c.conference,
                                 c.user, &on_release_response, &c, 1,
                                 BFCP_FLOOR_REQUEST_ID | BFCP_MANDATORY, 0u, &c.floor_request);
    if (err != 0) finish(c, 5, std::string("FloorRelease not sent: ") + std::strerror(err));
}

void on_floor_request_response(int err, bfcp_msg const* msg, void* arg)
{
    auto& c = *static_cast<client*>(arg);
    if (!response_ok(c, err, msg, "FloorRequest")) return;
    if (msg->prim != BFCP_FLOOR_REQUEST_STATUS) {
        finish(c, 5, std::string("unexpected response ") + bfcp_prim_name(msg->prim));
        return;
    }
    if (!c.granted) c.step = "Granted";
    on_request_status(c, msg, "response");
}

void on_hello_response(int err, bfcp_msg const* msg, void* arg)
{
    auto& c = *static_cast<client*>(arg);
    if (!response_ok(c, err, msg, "Hello")) return;
    line(bfcp_prim_name(msg->prim));
    c.step = "the FloorRequest response";
    int const e = bfcp_request(c.conn, &c.server, c.version, BFCP_FLOOR_REQUEST, c.conference,
                               c.user, &on_floor_request_response, &c, 1,
                               BFCP_FLOOR_ID | BFCP_MANDATORY, 0u, &c.floor);
    if (e != 0) finish(c, 5, std::string("FloorRequest not sent: ") + std::strerror(e));
}

void send_hello(client& c)
{
    c.step = "HelloAck";
    int const err = bfcp_request(c.conn, &c.server, c.version, BFCP_HELLO, c.conference, c.user,
                                 &on_hello_response, &c, 0);
    if (err != 0) finish(c, 5, std::string("Hello not sent: ") + std::strerror(err));
}

/// Requests from the server (libre hands them to the application, which must answer; libre
/// keeps the answer and repeats it for a retransmitted request).
void on_receive(bfcp_msg const* msg, void* arg)
{
    auto& c = *static_cast<client*>(arg);
    bfcp_prim ack{};
    switch (msg->prim) {
    case BFCP_FLOOR_REQUEST_STATUS:
        ack = BFCP_FLOOR_REQ_STATUS_ACK;
        break;
    case BFCP_FLOOR_STATUS:
        ack = BFCP_FLOOR_STATUS_ACK;
        break;
    case BFCP_GOODBYE:
        ack = BFCP_GOODBYE_ACK;
        break;
    default:
        line(std::string("ignored ") + bfcp_prim_name(msg->prim));
        return;
    }
    // The acknowledgement first, then what the notification leads to (a FloorRelease).
    if (bfcp_reply(c.conn, msg, ack, 0) == 0) line(std::string("ack ") + bfcp_prim_name(ack));
    if (msg->prim == BFCP_FLOOR_REQUEST_STATUS) on_request_status(c, msg, "notification");
    if (msg->prim == BFCP_GOODBYE) {
        // The server ends the association (the call was hung up): linger to acknowledge a
        // retransmitted Goodbye (libre repeats its last reply), then stop.
        line("goodbye");
        c.step = "nothing (lingering)";
        tmr_cancel(&c.start);
        tmr_start(
            &c.linger, 500, [](void* a) { finish(*static_cast<client*>(a), 0); }, &c);
    }
}

void on_established(bool ok, int err, void* arg)
{
    auto& c = *static_cast<client*>(arg);
    if (!ok) {
        finish(c, 3, std::string("dtls failed: ") + std::strerror(err));
        return;
    }
    line("dtls established");
    auto const theirs = c.carrier->peer_fingerprint();
    if (!c.expected_fingerprint.empty()) {
        if (strcasecmp(theirs.c_str(), c.expected_fingerprint.c_str()) != 0) {
            finish(c, 3,
                   "server fingerprint " + theirs + " is not the answer's " +
                       c.expected_fingerprint);
            return;
        }
        line("server fingerprint matches");
    }
    // libre marks the connection up only after this callback returns: Hello from a timer.
    tmr_start(
        &c.start, 0, [](void* a) { send_hello(*static_cast<client*>(a)); }, &c);
}

/// `go <address> <port> <conference> <user> <floor> <version> [<fingerprint>]`
void run_command(client& c, std::string const& command)
{
    std::istringstream in(command);
    std::string word, address;
    unsigned port = 0, user = 0, floor = 0, version = 0;
    std::uint32_t conference = 0;
    if (!(in >> word >> address >> port >> conference >> user >> floor >> version) ||
        word != "go" || (version != BFCP_VER1 && version != BFCP_VER2) ||
        (c.dtls && version != BFCP_VER2)) {
        // Over DTLS only version 2: a version 1 first octet (0x20..0x3F) is in the range of
        // DTLS records (RFC 7983), which the carrier would not encrypt.
        finish(c, 5, "bad command: " + command);
        return;
    }
    c.version = static_cast<std::uint8_t>(version);
    in >> c.expected_fingerprint;
    c.conference = conference;
    c.user = static_cast<std::uint16_t>(user);
    c.floor = static_cast<std::uint16_t>(floor);
    if (sa_set_str(&c.server, address.c_str(), static_cast<std::uint16_t>(port)) != 0) {
        finish(c, 5, "bad address: " + address);
        return;
    }
    if (!c.dtls) {
        send_hello(c);
        return;
    }
    c.step = "the DTLS handshake";
    if (int const err = c.carrier->connect(c.server, &on_established, &c); err != 0)
        finish(c, 3, std::string("dtls connect: ") + std::strerror(err));
}

void on_stdin(int flags, void* arg)
{
    (void)flags;
    auto& c = *static_cast<client*>(arg);
    static std::string pending;
    char buf[512];
    auto const n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        fd_close(STDIN_FILENO);
        if (c.step == "the go command" || c.step == "the release command")
            finish(c, 5, "stdin closed while waiting for " + c.step);
        return;
    }
    pending.append(buf, static_cast<std::size_t>(n));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        auto const command = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        if (c.step == "the go command")
            run_command(c, command);
        else if (command == "release" && c.step == "the release command")
            send_release(c);
        else
            finish(c, 5, "unexpected command while waiting for " + c.step + ": " + command);
    }
}

int usage()
{
    std::fprintf(stderr, "usage: libre_bfcp_client --transport udp|dtls [--bind ADDR] "
                         "[--deadline-ms N] [--hold yes]\n");
    return 5;
}

} // namespace

int main(int argc, char** argv)
{
    std::string transport, bind_address = "127.0.0.1";
    unsigned long deadline_ms = 20000;
    bool hold = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const key = argv[i];
        if (key == "--transport")
            transport = argv[i + 1];
        else if (key == "--bind")
            bind_address = argv[i + 1];
        else if (key == "--deadline-ms")
            deadline_ms = std::strtoul(argv[i + 1], nullptr, 10);
        else if (key == "--hold")
            hold = std::string(argv[i + 1]) == "yes";
        else
            return usage();
    }
    if ((argc % 2) != 1 || (transport != "udp" && transport != "dtls") || deadline_ms == 0)
        return usage();

    if (libre_init() != 0) return 5;
    client c;
    c.dtls = transport == "dtls";
    c.hold = hold;
    sa local{};
    int err = sa_set_str(&local, bind_address.c_str(), 0);
    if (err == 0) err = bfcp_listen(&c.conn, BFCP_UDP, &local, nullptr, &on_receive, &c);
    if (err == 0 && c.dtls) {
        err = tls_alloc(&c.context, TLS_METHOD_DTLSV1_2, nullptr, nullptr);
        if (err == 0) err = tls_set_selfsigned_rsa(c.context, "libre-bfcp-client", 2048);
        if (err == 0)
            c.carrier = std::make_unique<interop::libre_dtls_carrier>(c.conn, c.context, err);
    }
    if (err == 0) err = fd_listen(STDIN_FILENO, FD_READ, &on_stdin, &c);
    if (err != 0) {
        std::fprintf(stderr, "setup failed: %s\n", std::strerror(err));
        return 5;
    }
    line("listening " + std::to_string(sa_port(&local)));
    if (c.dtls) {
        std::uint8_t md[32];
        if (tls_fingerprint(c.context, TLS_FINGERPRINT_SHA256, md, sizeof md) != 0) return 5;
        line("fingerprint SHA-256 " + interop::hex_fingerprint(md, sizeof md));
    }
    tmr_start(&c.deadline, deadline_ms, &on_deadline, &c);

    (void)re_main(nullptr);

    fd_close(STDIN_FILENO);
    tmr_cancel(&c.deadline);
    tmr_cancel(&c.linger);
    tmr_cancel(&c.start);
    c.carrier.reset();
    mem_deref(c.conn);
    mem_deref(c.context);
    libre_close();
    return c.exit_code;
}
