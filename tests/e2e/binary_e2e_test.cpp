// The real `floorctl` binary: check-config on good and bad files, and SIGTERM with a client
// connected (Goodbye, close 1001, exit status 0). The binary is started with posix_spawn; every
// wait is bounded (poll() on its output, a bounded waitpid loop). Also the event stream of the
// provisioning API, read while WebSocket participants use a floor.

#include "binary_process.hpp"
#include "e2e_support.hpp"
#include "support/client_io.hpp"
#include "support/sipp_runner.hpp"

#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <boost/json/serialize.hpp>

using namespace e2e;

namespace {

/// A participant made through the provisioning API, and a WebSocket client connected with its
/// token.
struct api_participant {
    std::uint16_t user = 0;
    std::unique_ptr<client> connection;
};

/// The binary started with the configuration `text` (a temporary file named after `name`,
/// removed at the end), and the WebSocket port it printed at start (0 when it did not).
class running_binary : public configured_binary {
public:
    running_binary(std::string const& name, std::string const& text)
        : configured_binary(name, text), port_(port_in(std::regex(R"(\(port (\d+)\))")))
    {
    }

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

// The start banner names every bound UDP/BFCP and UDP/TLS/BFCP listener with its real port (the
// configuration says 0), IPv6 in brackets.
TEST(BinaryE2E, BannerListsTheDatagramListeners)
{
    running_binary srv("floorctl-banner-e2e", R"(
[websocket]
listen = "127.0.0.1:0"
require_tls = false
[bfcp]
udp = ["127.0.0.1:0", "[::1]:0"]
dtls = ["127.0.0.1:0"]
[[conference]]
id = 1
[[conference.floor]]
id = 1
)");
    auto& p = srv.proc();
    ASSERT_NE(srv.port(), 0) << p.drain(100);
    auto const port_of = [&](char const* pattern) {
        auto const m = p.wait_for_line(std::regex(pattern));
        EXPECT_TRUE(m) << pattern << "\n" << p.output();
        return m ? std::stoi((*m)[1].str()) : 0;
    };
    EXPECT_GT(port_of(R"(^  BFCP UDP: +127\.0\.0\.1:(\d+) \(UDP/BFCP\)$)"), 0);
    EXPECT_GT(port_of(R"(^  BFCP UDP: +\[::1\]:(\d+) \(UDP/BFCP\)$)"), 0);
    EXPECT_GT(port_of(R"(^  BFCP DTLS: +127\.0\.0\.1:(\d+) \(UDP/TLS/BFCP\)$)"), 0);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(10000), 0) << p.drain(500);
}

TEST(BinaryE2E, SipOfferCallCreatesAParticipantAndByeRemovesIt)
{
    ASSERT_TRUE(sip_test::have_sipp()) << "sipp is installed by scripts/install-deps.sh";
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

// --- the integrators' event stream ----------------------------------------------------------
// A reader of GET /api/conferences/1/events sees two WebSocket participants join, get the floor,
// queue and release it; it drops, misses events, resumes with Last-Event-ID and gets exactly
// those; a too old id gets `reset`; a bad key is 401, an unknown conference 404. Every read is
// bounded (test_support::await_op).

namespace {

constexpr std::string_view key = "events-e2e-key-0123456789";

/// One server-sent event.
struct sse_event {
    std::string id;
    std::string name;
    boost::json::object data;
};

/// A reader of a text/event-stream over HTTPS: decodes the chunked coding and the events.
class sse_reader {
public:
    sse_reader(std::uint16_t port, std::string const& target, std::string const& bearer,
               std::string const& last_event_id = {})
        : ctx_(ws::make_client_context()), s_(io_.context(), *ctx_)
    {
        using test_support::await_op;
        tcp::endpoint const to{net::ip::make_address("127.0.0.1"), port};
        if (await_op([&](auto h) { s_.next_layer().async_connect(to, h); }) ||
            await_op([&](auto h) { s_.async_handshake(net::ssl::stream_base::client, h); }))
            return;
        std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" +
                          "Accept: text/event-stream\r\nAuthorization: Bearer " + bearer + "\r\n";
        if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
        req += "\r\n";
        if (await_op([&](auto h) { net::async_write(s_, net::buffer(req), h); })) return;
        while (raw_.find("\r\n\r\n") == std::string::npos && fill()) {
        }
        auto const end = raw_.find("\r\n\r\n");
        head = raw_.substr(0, end == std::string::npos ? raw_.size() : end + 4);
        raw_.erase(0, head.size());
        status = head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
    }

    ~sse_reader() { io_.stop(); }
    sse_reader(sse_reader const&) = delete;
    sse_reader& operator=(sse_reader const&) = delete;

    /// The next event (comments skipped), or nullopt when the stream ended or stalled.
    std::optional<sse_event> next()
    {
        for (;;) {
            if (auto const end = body_.find("\n\n"); end != std::string::npos) {
                auto const block = body_.substr(0, end);
                body_.erase(0, end + 2);
                sse_event e;
                std::string data;
                std::size_t pos = 0;
                while (pos < block.size()) {
                    auto const nl = std::min(block.find('\n', pos), block.size());
                    auto const line = block.substr(pos, nl - pos);
                    pos = nl + 1;
                    if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
                    if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
                    if (line.rfind("data: ", 0) == 0) data += line.substr(6);
                }
                if (e.name.empty()) continue; // a comment (keep-alive) or the retry field
                e.data = boost::json::parse(data).as_object();
                return e;
            }
            if (!decode_chunk()) return std::nullopt;
        }
    }

    /// The response body so far (for error answers, which are not streamed).
    std::string rest()
    {
        while (fill()) {
        }
        return raw_;
    }

    std::string head;
    int status = 0;

private:
    /// Reads what arrived, waiting at most test_support::io_bound. After a failed or timed-out
    /// read the reader is finished: its io_context stops, so no late completion touches it.
    bool fill()
    {
        if (finished_) return false;
        std::size_t n = 0;
        auto const ec = test_support::await_op([&](auto h) {
            s_.async_read_some(net::buffer(buf_),
                               [&n, h](beast::error_code e, std::size_t k) mutable {
                                   n = k;
                                   h(e);
                               });
        });
        if (ec || n == 0) {
            finished_ = true;
            io_.stop();
            return false;
        }
        raw_.append(buf_.data(), n);
        return true;
    }

    /// Moves one chunk of the chunked coding from raw_ to body_.
    bool decode_chunk()
    {
        for (;;) {
            auto const eol = raw_.find("\r\n");
            if (eol != std::string::npos) {
                auto const size = std::stoul(raw_.substr(0, eol), nullptr, 16);
                if (size == 0) return false;
                if (raw_.size() >= eol + 2 + size + 2) {
                    body_ += raw_.substr(eol + 2, size);
                    raw_.erase(0, eol + 2 + size + 2);
                    return true;
                }
            }
            if (!fill()) return false;
        }
    }

    test_support::client_io io_; // first: it outlives the stream
    std::shared_ptr<net::ssl::context> ctx_;
    beast::ssl_stream<tcp::socket> s_;
    std::array<char, 4096> buf_{};
    bool finished_ = false;
    std::string raw_;
    std::string body_;
};

/// A participant made through the API: its user id and token.
std::pair<std::uint16_t, std::string> participant(std::uint16_t port, std::string const& name)
{
    auto const [status, body] =
        http_request(port, http::verb::post, "/api/conferences/1/participants",
                     R"({"display_name":")" + name + R"("})", true, std::string(key));
    EXPECT_EQ(status, 201u) << body;
    auto const j = boost::json::parse(body).as_object();
    return {static_cast<std::uint16_t>(j.at("userid").as_int64()),
            std::string(j.at("token").as_string())};
}

} // namespace

TEST(EventsE2E, ReaderSeesFloorChangesAndResumesWithExactlyTheMissedEvents)
{
    auto const path = write_temp("floorctl-events-e2e", "io_threads = 2\n[websocket]\n"
                                                        "listen = \"127.0.0.1:0\"\n[admin]\n"
                                                        "bearer_key = \"" +
                                                            std::string(key) +
                                                            "\"\n[[conference]]\nid = 1\n"
                                                            "[[conference.floor]]\nid = 1\n"
                                                            "label = \"slides\"\n");
    process p({"--config", path});
    auto const m = p.wait_for_line(std::regex(R"(\(port (\d+)\))"));
    ASSERT_TRUE(m) << p.drain(100);
    auto const port = static_cast<std::uint16_t>(std::stoi((*m)[1].str()));

    // Refusals: no stream without the key, none for a conference that does not exist.
    EXPECT_EQ(sse_reader(port, "/api/conferences/1/events", "wrong-key-wrong-key").status, 401);
    EXPECT_EQ(sse_reader(port, "/api/conferences/9/events", std::string(key)).status, 404);

    auto reader = std::make_unique<sse_reader>(port, "/api/conferences/1/events", std::string(key));
    ASSERT_EQ(reader->status, 200) << reader->head;
    EXPECT_NE(reader->head.find("Content-Type: text/event-stream"), std::string::npos);

    auto const [alice, alice_token] = participant(port, "Alice");
    auto const [bob, bob_token] = participant(port, "Bob");
    client a(port, alice_token);
    a.send(hello_msg(1, alice, 1));
    ASSERT_TRUE(a.read());
    client b(port, bob_token);
    b.send(hello_msg(1, bob, 1));
    ASSERT_TRUE(b.read());
    a.send(request_msg(1, alice, 2));
    ASSERT_TRUE(a.read_until(has_status(request_status::granted)));
    b.send(request_msg(1, bob, 2));
    ASSERT_TRUE(b.read_until(has_status(request_status::pending)));

    std::vector<sse_event> seen;
    for (int i = 0; i < 4; ++i) {
        auto e = reader->next();
        ASSERT_TRUE(e) << "event " << i;
        seen.push_back(std::move(*e));
    }
    EXPECT_EQ(seen[0].name, "participant_joined");
    EXPECT_EQ(seen[0].data.at("display_name").as_string(), "Alice");
    EXPECT_EQ(seen[1].name, "participant_joined");
    EXPECT_EQ(seen[1].data.at("user").as_int64(), bob);
    EXPECT_EQ(seen[2].name, "floor_granted");
    EXPECT_EQ(seen[2].data.at("floor").as_int64(), 1);
    EXPECT_EQ(seen[2].data.at("floor_label").as_string(), "slides");
    EXPECT_EQ(seen[2].data.at("user").as_int64(), alice);
    EXPECT_EQ(seen[2].data.at("request").as_int64(), 1);
    EXPECT_EQ(seen[3].name, "queue_changed");
    EXPECT_EQ(boost::json::serialize(seen[3].data.at("queue")),
              R"([{"request":2,"user":)" + std::to_string(bob) + R"(,"display_name":"Bob"}])");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].id, std::to_string(i + 1)); // numbered per conference
        EXPECT_EQ(seen[i].data.at("conference").as_int64(), 1);
        EXPECT_EQ(seen[i].data.at("type").as_string(), seen[i].name);
    }

    // The reader drops; Alice releases (Bob is granted from the queue) and Bob leaves.
    reader.reset();
    a.send(release_msg(1, alice, 3, floor_request_id{1}));
    ASSERT_TRUE(b.read_until(has_status(request_status::granted)));
    b.send(make(1, bob, 3, goodbye{}));
    EXPECT_EQ(b.wait_closed(), 1000);

    // Resumed after event 4: exactly the missed ones, in order, then the live ones.
    sse_reader resumed(port, "/api/conferences/1/events", std::string(key), seen.back().id);
    ASSERT_EQ(resumed.status, 200);
    std::vector<std::string> names;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto e = resumed.next();
        ASSERT_TRUE(e) << "missed event " << i;
        names.push_back(e->name);
        ids.push_back(e->id);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"floor_released", "floor_granted", "queue_changed",
                                               "participant_left", "floor_released"}));
    EXPECT_EQ(ids, (std::vector<std::string>{"5", "6", "7", "8", "9"}));
    a.send(make(1, alice, 4, goodbye{}));
    auto const live = resumed.next();
    ASSERT_TRUE(live);
    EXPECT_EQ(live->name, "participant_left");
    EXPECT_EQ(live->id, "10");
    EXPECT_EQ(live->data.at("display_name").as_string(), "Alice");

    // An id from before the window (or from before a restart) gets `reset` with the last id.
    sse_reader stale(port, "/api/conferences/1/events", std::string(key), "99");
    auto const reset = stale.next();
    ASSERT_TRUE(reset);
    EXPECT_EQ(reset->name, "reset");
    EXPECT_EQ(reset->id, "10");
    EXPECT_EQ(reset->data.at("last_id").as_int64(), 10);

    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(10000), 0) << p.drain(100);
    std::filesystem::remove(path);
}

TEST(BinaryE2E, TokensKeptInTheStoreWorkAfterARestart)
{
    auto const store = std::filesystem::temp_directory_path() /
                       ("floorctl-tokens-e2e-" + std::to_string(::getpid()));
    std::filesystem::remove(store);
    auto const text = one_conference(1) + "[tokens]\nstore = \"" + store.string() + "\"\n";
    auto const post = [](std::uint16_t port, std::string const& target, std::string body) {
        auto const [status, answer] = http_request(port, http::verb::post, target, std::move(body));
        EXPECT_EQ(status, 201u) << answer;
        return boost::json::parse(answer).as_object();
    };
    auto const session = [](std::uint16_t port, std::string const& token) {
        return http_request(port, http::verb::get, "/api/session?token=" + token);
    };

    std::string used;    // connected before the restart
    std::string unused;  // never connected
    std::string removed; // its participant was deleted: revoked
    std::string orphan;  // of a conference made through the API: gone with the process
    std::uint16_t used_user = 0;
    {
        running_binary srv("floorctl-tokens-e2e", text);
        ASSERT_NE(srv.port(), 0) << srv.proc().drain(100);
        auto const a =
            post(srv.port(), "/api/conferences/1/participants", R"({"display_name":"Ann"})");
        used = std::string(a.at("token").as_string());
        used_user = static_cast<std::uint16_t>(a.at("userid").as_int64());
        {
            client c(srv.port(), used);
            c.send(hello_msg(1, used_user, 1));
            ASSERT_TRUE(c.read());
        }
        unused = std::string(
            post(srv.port(), "/api/conferences/1/participants", "{}").at("token").as_string());
        auto const r = post(srv.port(), "/api/conferences/1/participants", "{}");
        removed = std::string(r.at("token").as_string());
        auto const [deleted, body] = http_request(srv.port(), http::verb::delete_,
                                                  "/api/conferences/1/participants/" +
                                                      std::to_string(r.at("userid").as_int64()));
        EXPECT_EQ(deleted, 204u) << body;
        (void)post(srv.port(), "/api/conferences", R"({"id":9})");
        orphan = std::string(
            post(srv.port(), "/api/conferences/9/participants", "{}").at("token").as_string());
        srv.proc().signal(SIGTERM);
        EXPECT_EQ(srv.proc().wait_exit(10000), 0) << srv.proc().drain(100);
    }

    running_binary srv("floorctl-tokens-e2e", text);
    ASSERT_NE(srv.port(), 0) << srv.proc().drain(100);
    // The used token upgrades a WebSocket, and the participant is back in the core: HelloAck.
    {
        client c(srv.port(), used);
        c.send(hello_msg(1, used_user, 2));
        auto const ack = c.read();
        ASSERT_TRUE(ack);
        EXPECT_TRUE(std::holds_alternative<hello_ack>(ack->payload));
    }
    auto const [ok, body] = session(srv.port(), unused);
    EXPECT_EQ(ok, 200u) << body;
    EXPECT_NE(body.find("\"display_name\""), std::string::npos) << body;
    for (auto const& token : {removed, orphan}) {
        // Revoked (403 at the upgrade), not unknown: the page says the link expired.
        EXPECT_THROW(client(srv.port(), token), boost::system::system_error);
        auto const [status, answer] = session(srv.port(), token);
        EXPECT_EQ(status, 401u);
        EXPECT_NE(answer.find("token_expired"), std::string::npos) << answer;
    }
    // A new participant does not get the id of a kept one.
    auto const fresh = post(srv.port(), "/api/conferences/1/participants", "{}");
    EXPECT_NE(fresh.at("userid").as_int64(), used_user);
    srv.proc().signal(SIGTERM);
    EXPECT_EQ(srv.proc().wait_exit(10000), 0);
    std::filesystem::remove(store);
}

TEST(BinaryE2E, AnUnusableTokenStoreStopsTheStartNamingIt)
{
    auto const store = std::filesystem::temp_directory_path() / "floorctl-no-such-directory" /
                       ("tokens-" + std::to_string(::getpid()));
    auto const path = write_temp("floorctl-bad-store", one_conference(1) + "[tokens]\nstore = \"" +
                                                           store.string() + "\"\n");
    process p({"--config", path});
    auto const out = p.drain();
    EXPECT_EQ(p.wait_exit(), 1) << out;
    EXPECT_NE(out.find(store.string()), std::string::npos) << out;
    std::filesystem::remove(path);
}
