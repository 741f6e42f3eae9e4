// TURN over WebSocket through the real binary (docs/turn.md), with a real TURN server: Debian's
// coturn (`turnserver`, started here on loopback with a configuration of its own, stopped at
// the end) and its test client `turnutils_uclient`, which speaks TURN over TCP and reaches
// floorctl through a small TCP <-> WebSocket shim below. The client's data goes to a UDP echo
// peer (`turnutils_peer`) through the relay and comes back. Also: coturn down (1011), a text
// frame (1003), an oversize message (1009), a malformed one (1002), each while the server keeps
// serving other clients. Every wait is bounded.

#include "binary_process.hpp"
#include "e2e_support.hpp"

#include <turn/framing.hpp>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include <deque>
#include <regex>

using namespace e2e;

namespace {

constexpr char const* secret = "correct horse battery staple";

/// A port free on 127.0.0.1 for `Protocol` now (bound to 0, read, released).
template <class Protocol> std::uint16_t free_port()
{
    net::io_context ioc;
    typename Protocol::socket s(ioc,
                                typename Protocol::endpoint{net::ip::make_address("127.0.0.1"), 0});
    return s.local_endpoint().port();
}

/// coturn on 127.0.0.1, TCP and UDP on a free port, no TLS, no CLI, the shared-secret scheme
/// with `secret`, loopback peers allowed; killed at the end.
class coturn {
public:
    coturn()
        : port_(free_port<tcp>()),
          dir_(std::filesystem::temp_directory_path() /
               ("floorctl-coturn-" + std::to_string(::getpid()) + "-" + std::to_string(port_)))
    {
        std::filesystem::create_directories(dir_);
        auto const relay = free_port<net::ip::udp>();
        auto const conf = (dir_ / "turnserver.conf").string();
        std::ofstream(conf) << "listening-ip=127.0.0.1\nlistening-port=" << port_
                            << "\nrelay-ip=127.0.0.1\nmin-port=" << relay
                            << "\nmax-port=" << relay + 20
                            << "\nuse-auth-secret\nstatic-auth-secret=" << secret
                            << "\nrealm=floorctl.test\nno-tls\nno-dtls\nno-cli\n"
                               "allow-loopback-peers\nsimple-log\nlog-file="
                            << (dir_ / "turn.log").string()
                            << "\nuserdb=" << (dir_ / "turndb").string()
                            << "\npidfile=" << (dir_ / "turnserver.pid").string() << "\n";
        process_ = std::make_unique<test_support::child_process>(
            std::vector<std::string>{FLOORCTL_TURNSERVER, "-c", conf});
        // coturn prints no line when its TCP listener is up: try to connect, 10 s at most.
        for (int i = 0; i < 200 && !listening_ && !process_->wait_exit(0); ++i) {
            net::io_context ioc;
            tcp::socket s(ioc);
            boost::system::error_code ec;
            s.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
            listening_ = !ec;
            if (!listening_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~coturn()
    {
        process_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    coturn(coturn const&) = delete;
    coturn& operator=(coturn const&) = delete;

    [[nodiscard]] bool listening() const { return listening_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    void stop() { process_->signal(SIGKILL), (void)process_->wait_exit(); }
    /// What coturn logged (its log file: a pipe nobody reads could fill up and stop it).
    [[nodiscard]] std::string output() const
    {
        std::ifstream in(dir_ / "turn.log");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    std::uint16_t port_;
    std::filesystem::path dir_;
    std::unique_ptr<test_support::child_process> process_;
    bool listening_ = false;
};

/// floorctl with TURN over WebSocket towards 127.0.0.1:`turn_port`, conference 1 for the
/// provisioning API, and the WebSocket port it printed.
class floorctl_with_turn : public configured_binary {
public:
    explicit floorctl_with_turn(std::uint16_t turn_port, std::string const& extra = {})
        : configured_binary("floorctl-turn", R"([websocket]
listen = "127.0.0.1:0"
[[conference]]
id = 1
[[conference.floor]]
id = 1
[logging]
format = "json"
[turn]
enabled = true
server = "127.0.0.1:)" + std::to_string(turn_port) +
                                                 "\"\nsecret = \"" + secret + "\"\n" + extra),
          port_(port_in(std::regex(R"(\(port (\d+)\))")))
    {
    }
    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    std::uint16_t port_;
};

/// A WSS client of floorctl's TURN service: `protocol` at `path`.
class turn_client {
public:
    turn_client(std::uint16_t port, std::string const& path = "/turn",
                std::string const& protocol = "turn")
        : ws_(io_.context(), {net::ip::make_address("127.0.0.1"), port}, ws::make_client_context())
    {
        ec_ = ws_.connect(path, protocol);
    }
    ~turn_client() { io_.stop(); }

    [[nodiscard]] boost::system::error_code handshake() const { return ec_; }
    [[nodiscard]] test_support::ws_client<true>& ws() { return ws_; }

    /// An Allocate request without credentials; coturn answers 401 with its realm and nonce.
    void allocate()
    {
        std::vector<std::uint8_t> const m = {
            0x00, 0x03,                                        // Allocate request
            0x00, 0x08,                                        // length: 8 octets of attributes
            0x21, 0x12, 0xa4, 0x42,                            // magic cookie
            1,    2,    3,    4,    5, 6, 7, 8, 9, 10, 11, 12, // transaction ID
            0x00, 0x19, 0x00, 0x04,                            // REQUESTED-TRANSPORT, length 4
            0x11, 0x00, 0x00, 0x00,                            // UDP, RFFU
        };
        EXPECT_FALSE(ws_.send(m));
    }
    /// The STUN message type of the next message (0 when none came).
    std::uint16_t next_type()
    {
        if (ws_.read()) return 0;
        auto const s = ws_.last();
        if (s.size() < 20) return 0;
        return static_cast<std::uint16_t>((static_cast<unsigned char>(s[0]) << 8) |
                                          static_cast<unsigned char>(s[1]));
    }

private:
    test_support::client_io io_;
    test_support::ws_client<true> ws_;
    boost::system::error_code ec_;
};

/// STUN: Allocate error response (RFC 8656 §7.3, class 0b11): 401 with realm and nonce.
constexpr std::uint16_t allocate_error = 0x0113;

/// The TCP <-> WebSocket shim: a TCP client of a TURN server (turnutils_uclient) connects here;
/// each of its connections becomes one WSS connection to floorctl's TURN service. Towards the
/// WebSocket, one message per WebSocket message (ChannelData without its padding); towards TCP,
/// ChannelData padded to 4 octets (RFC 8656 §12.5). One thread runs everything.
class shim {
public:
    shim(std::uint16_t floorctl_port, std::string path)
        : floorctl_{net::ip::make_address("127.0.0.1"), floorctl_port}, path_(std::move(path)),
          acceptor_(io_.context(), {net::ip::make_address("127.0.0.1"), 0}),
          tls_(ws::make_client_context())
    {
        net::post(io_.context(), [this] { do_accept(); });
    }
    ~shim() { io_.stop(); }

    [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

private:
    struct link : std::enable_shared_from_this<link> {
        link(tcp::socket s, net::ssl::context& tls)
            : client(std::move(s)), server(client.get_executor(), tls)
        {
        }
        tcp::socket client;
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> server;
        std::array<std::byte, 16 * 1024> buf{};
        turn::stream_cutter cutter;
        std::deque<std::vector<std::byte>> to_server;
        std::deque<std::vector<std::byte>> to_client;
        beast::flat_buffer in;
        bool up = false;

        void start(tcp::endpoint to, std::string path)
        {
            auto self = shared_from_this();
            beast::get_lowest_layer(server).async_connect(to, [self, path](beast::error_code ec) {
                if (ec) return self->end();
                self->server.next_layer().async_handshake(
                    net::ssl::stream_base::client, [self, path](beast::error_code e) {
                        if (e) return self->end();
                        self->server.set_option(
                            websocket::stream_base::decorator([](websocket::request_type& req) {
                                req.set(http::field::sec_websocket_protocol, "turn");
                            }));
                        self->server.binary(true);
                        self->server.async_handshake("localhost", path,
                                                     [self](beast::error_code e2) {
                                                         if (e2) return self->end();
                                                         self->up = true;
                                                         self->read_client();
                                                         self->read_server();
                                                         self->flush_server();
                                                     });
                    });
            });
        }
        void read_client()
        {
            client.async_read_some(
                net::buffer(buf), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                    if (ec) return self->end();
                    self->cutter.append(std::span(self->buf.data(), n));
                    for (auto item = self->cutter.next();
                         item.what == turn::cut_item::kind::message; item = self->cutter.next())
                        self->to_server.emplace_back(item.message.begin(), item.message.end());
                    self->flush_server();
                    self->read_client();
                });
        }
        void flush_server()
        {
            if (!up || to_server.empty() || writing_server) return;
            writing_server = true;
            server.async_write(net::buffer(to_server.front()),
                               [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                   self->writing_server = false;
                                   if (ec) return self->end();
                                   self->to_server.pop_front();
                                   self->flush_server();
                               });
        }
        void read_server()
        {
            server.async_read(in, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->end();
                auto const* p = static_cast<std::byte const*>(self->in.cdata().data());
                std::vector<std::byte> m(p, p + self->in.size());
                self->in.clear();
                auto const c = turn::check_client_message(m);
                if (auto const* ok = std::get_if<turn::checked_message>(&c))
                    m.insert(m.end(), ok->padding, std::byte{0});
                self->to_client.push_back(std::move(m));
                if (self->to_client.size() == 1) self->flush_client();
                self->read_server();
            });
        }
        void flush_client()
        {
            net::async_write(client, net::buffer(to_client.front()),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) return self->end();
                                 self->to_client.pop_front();
                                 if (!self->to_client.empty()) self->flush_client();
                             });
        }
        void end()
        {
            beast::error_code ignored;
            client.close(ignored);
            beast::get_lowest_layer(server).socket().close(ignored);
        }
        bool writing_server = false;
    };

    void do_accept()
    {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
            if (ec) return;
            std::make_shared<link>(std::move(s), *tls_)->start(floorctl_, path_);
            do_accept();
        });
    }

    tcp::endpoint floorctl_;
    std::string path_;
    test_support::client_io io_;
    tcp::acceptor acceptor_;
    std::shared_ptr<net::ssl::context> tls_;
};

/// TURN credentials from the provisioning API: (username, credential).
std::pair<std::string, std::string> credentials(std::uint16_t port)
{
    auto const [status, body] =
        http_request(port, http::verb::post, "/api/conferences/1/participants", "{}");
    EXPECT_EQ(status, 201u) << body;
    auto const j = boost::json::parse(body).as_object();
    EXPECT_TRUE(j.contains("turn")) << body;
    if (!j.contains("turn")) return {};
    auto const& t = j.at("turn").as_object();
    EXPECT_EQ(t.at("websocket_uri").as_string(),
              "wss://localhost:" + std::to_string(port) + "/turn");
    return {std::string(t.at("username").as_string()), std::string(t.at("credential").as_string())};
}

/// turnutils_uclient over TCP through `via` with `flags`: `messages` UDP messages to the echo
/// peer at `peer`; returns its output once it exited (bounded).
std::string run_uclient(std::uint16_t via, std::uint16_t peer,
                        std::pair<std::string, std::string> const& login,
                        std::vector<std::string> flags, int messages)
{
    std::vector<std::string> args = {FLOORCTL_TURNUTILS_UCLIENT, "-t", "-v"};
    args.insert(args.end(), flags.begin(), flags.end());
    for (auto const& a : {"-e", "127.0.0.1", "-r"})
        args.emplace_back(a);
    args.push_back(std::to_string(peer));
    args.insert(args.end(), {"-u", login.first, "-w", login.second, "-n", std::to_string(messages),
                             "-p", std::to_string(via), "127.0.0.1"});
    test_support::child_process uclient(args);
    auto out = uclient.drain(30000);
    auto const status = uclient.wait_exit(5000);
    EXPECT_EQ(status, 0) << out;
    return out;
}

/// The messages uclient sent and got back: "tot_send_msgs=N, tot_recv_msgs=M".
std::pair<int, int> echoed(std::string const& out)
{
    std::smatch m;
    static std::regex const totals(R"(tot_send_msgs=(\d+), tot_recv_msgs=(\d+))");
    std::pair<int, int> last{-1, -1};
    for (auto it = std::sregex_iterator(out.begin(), out.end(), totals);
         it != std::sregex_iterator(); ++it)
        last = {std::stoi((*it)[1]), std::stoi((*it)[2])};
    return last;
}

class TurnE2E : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(turn_.listening()) << "turnserver did not start (coturn is installed by "
                                          "scripts/install-deps.sh):\n"
                                       << turn_.output();
        ASSERT_NE(server_.port(), 0) << server_.proc().output();
    }

    coturn turn_;
    floorctl_with_turn server_{turn_.port(), "max_message = 4096\n"};
};

} // namespace

TEST_F(TurnE2E, UclientRelaysThroughFloorctlOverChannels)
{
    // The echo peer: UDP on a free port.
    auto const peer_port = free_port<net::ip::udp>();
    test_support::child_process peer(std::vector<std::string>{
        FLOORCTL_TURNUTILS_PEER, "-L", "127.0.0.1", "-p", std::to_string(peer_port)});
    shim via(server_.port(), "/turn");
    // Allocate (401, then with the credentials floorctl handed out), CreatePermission,
    // ChannelBind, ChannelData both ways, Refresh at the end.
    auto const out = run_uclient(via.port(), peer_port, credentials(server_.port()), {"-c"}, 20);
    auto const [sent, received] = echoed(out);
    EXPECT_EQ(sent, 20) << out;
    EXPECT_EQ(received, 20) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex("cb response received: \\s*\\n.*success: 0x")))
        << out;
    EXPECT_TRUE(std::regex_search(out, std::regex("refresh response received: \\s*\\n.*success")))
        << out;
    auto const [status, metrics] = http_request(server_.port(), http::verb::get, "/metrics");
    EXPECT_EQ(metrics.find("floorctl_turn_messages_total{direction=\"in\"} 0"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("floorctl_turn_closed_total{reason=\"malformed\"} 0"), std::string::npos)
        << metrics;
}

TEST_F(TurnE2E, UclientRelaysThroughFloorctlWithSendAndDataIndications)
{
    auto const peer_port = free_port<net::ip::udp>();
    test_support::child_process peer(std::vector<std::string>{
        FLOORCTL_TURNUTILS_PEER, "-L", "127.0.0.1", "-p", std::to_string(peer_port)});
    shim via(server_.port(), "/turn");
    // -s: Send indications out, Data indications back (RFC 8656 §11), after CreatePermission.
    auto const out =
        run_uclient(via.port(), peer_port, credentials(server_.port()), {"-c", "-s"}, 20);
    auto const [sent, received] = echoed(out);
    EXPECT_EQ(sent, 20) << out;
    EXPECT_EQ(received, 20) << out;
}

TEST_F(TurnE2E, NoSubprotocolIsServedAtTheTurnPathOnly)
{
    turn_client plain(server_.port(), "/turn", "");
    ASSERT_FALSE(plain.handshake()) << plain.handshake().message();
    EXPECT_EQ(plain.ws().res[http::field::sec_websocket_protocol], "");
    plain.allocate();
    EXPECT_EQ(plain.next_type(), allocate_error);
    // The sub-protocol works at the BFCP path too; no sub-protocol there is 400.
    turn_client named(server_.port(), "/bfcp", "turn");
    ASSERT_FALSE(named.handshake());
    named.allocate();
    EXPECT_EQ(named.next_type(), allocate_error);
    turn_client none(server_.port(), "/bfcp", "");
    EXPECT_TRUE(none.handshake());
    EXPECT_EQ(none.ws().res.result_int(), 400u);
}

TEST_F(TurnE2E, BadMessagesCloseTheirConnectionOnlyWithTheRightCode)
{
    turn_client bystander(server_.port());
    ASSERT_FALSE(bystander.handshake());

    turn_client text(server_.port());
    ASSERT_FALSE(text.handshake());
    text.ws().ws.text(true);
    (void)text.ws().send(std::string("hello"));
    EXPECT_EQ(text.ws().read_until_closed(), 1003);

    turn_client big(server_.port()); // [turn] max_message = 4096
    ASSERT_FALSE(big.handshake());
    std::vector<std::uint8_t> channel(4 + 5000);
    channel[0] = 0x40;
    channel[2] = 5000 >> 8;
    channel[3] = 5000 & 0xff;
    (void)big.ws().send(channel);
    // The edge fails the connection as soon as the frame header announces too much (RFC 6455
    // §7.4.1, 1009) and closes it with the rest of the payload unread: the kernel may then reset
    // the connection and the client lose the close frame with it (0), and the server's account
    // may say 1006 (the rest arrived after its TLS close_notify). Draining before closing would
    // fix both, in ws/ for every sub-protocol (docs/sip-over-websocket.md §8).
    auto const code = big.ws().read_until_closed();
    EXPECT_TRUE(code == 1009 || code == 0) << code;
    EXPECT_TRUE(
        server_.proc().wait_for_line(std::regex("websocket closed: 10(09|06) ")).has_value())
        << server_.proc().output();

    for (auto const& bad : std::vector<std::vector<std::uint8_t>>{
             {0x80, 0x00, 0x00, 0x00},                          // reserved first bits
             {0x40, 0x01, 0x00, 0x09, 1, 2, 3},                 // ChannelData cut short
             {0x00, 0x01, 0x00, 0x00, 0, 0,  0,  0, 1, 2, 3, 4, // Binding without magic cookie
              5,    6,    7,    8,    9, 10, 11, 12}}) {
        turn_client malformed(server_.port());
        ASSERT_FALSE(malformed.handshake());
        (void)malformed.ws().send(bad);
        EXPECT_EQ(malformed.ws().read_until_closed(), 1002);
    }
    EXPECT_TRUE(server_.proc()
                    .wait_for_line(std::regex("not one TURN message.*bad_magic_cookie"))
                    .has_value());

    // The one that did nothing wrong still reaches the TURN server, and so does a new one.
    bystander.allocate();
    EXPECT_EQ(bystander.next_type(), allocate_error);
    turn_client fresh(server_.port());
    ASSERT_FALSE(fresh.handshake());
    fresh.allocate();
    EXPECT_EQ(fresh.next_type(), allocate_error);
}

TEST_F(TurnE2E, TurnServerGoingAwayClosesItsClients)
{
    turn_client c(server_.port());
    ASSERT_FALSE(c.handshake());
    c.allocate();
    EXPECT_EQ(c.next_type(), allocate_error);
    turn_.stop();
    EXPECT_EQ(c.ws().read_until_closed(), 1011);
}

TEST(TurnE2EWithoutServer, UnreachableTurnServerClosesWith1011AndSaysSo)
{
    floorctl_with_turn server(free_port<tcp>()); // nothing listens there
    ASSERT_NE(server.port(), 0) << server.proc().output();
    turn_client c(server.port());
    ASSERT_FALSE(c.handshake());
    c.allocate();
    EXPECT_EQ(c.ws().read_until_closed(), 1011);
    EXPECT_TRUE(server.proc().wait_for_line(std::regex("cannot reach the TURN server")).has_value())
        << server.proc().output();
    // The next client is answered the same way: the server itself is fine.
    turn_client again(server.port());
    ASSERT_FALSE(again.handshake());
    EXPECT_EQ(again.ws().read_until_closed(), 1011);
}
