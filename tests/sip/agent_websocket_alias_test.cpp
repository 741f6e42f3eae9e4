// The SIP-over-WebSocket rewriting against the real sofia agent: the test plays the edge with a
// plain loopback TCP socket (one per "WebSocket connection"), passes what a JsSIP client would
// send through sip::from_websocket and what sofia answers through sip::stream_reader and
// sip::to_websocket. Proves the design of docs/sip-over-websocket.md with sofia itself: it
// accepts the rewritten messages, answers on the same connection, sends its BYE to the alias,
// and fails fast once the connection is gone.

#include <sip/agent.hpp>
#include <sip/stream_reader.hpp>
#include <sip/websocket_alias.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

std::string const answer_sdp = "v=0\r\no=floorctl 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                               "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                               "m=application 443 TCP/WSS/BFCP *\r\na=setup:passive\r\n"
                               "a=connection:new\r\n"
                               "a=websocket-uri:wss://floorctl.test/bfcp?token=abc\r\n"
                               "a=floorctrl:s-only\r\na=confid:1\r\na=userid:2\r\n";

std::string const offer_sdp = "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
                              "t=0 0\r\nm=application 9 TCP/WSS/BFCP *\r\na=setup:active\r\n"
                              "a=connection:new\r\na=floorctrl:c-only\r\n";

/// The value of the first header `name` (long form) in `message`, or "".
std::string header(std::string_view message, std::string_view name)
{
    auto const key = "\r\n" + std::string(name) + ": ";
    auto const at = message.find(key);
    if (at == std::string_view::npos) return {};
    auto const start = at + key.size();
    return std::string(message.substr(start, message.find("\r\n", start) - start));
}

/// One loopback TCP connection to sofia, playing the edge's side of one WebSocket client.
class loopback_flow {
public:
    explicit loopback_flow(std::uint16_t sofia_port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(sofia_port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
        sockaddr_in local{};
        socklen_t len = sizeof local;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
        peer.transport = sip::websocket_transport::wss;
        peer.address = "198.51.100.7";
        peer.port = 53124;
        peer.alias_host = "127.0.0.1";
        peer.alias_port = ntohs(local.sin_port);
        peer.connection = "7";
    }
    ~loopback_flow() { close(); }
    loopback_flow(loopback_flow const&) = delete;
    loopback_flow& operator=(loopback_flow const&) = delete;

    void close()
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    /// What the client sends: through from_websocket, then onto the stream.
    void client_sends(std::string const& ws_message)
    {
        auto const d = sip::from_websocket(ws_message, true, peer);
        auto const* f = std::get_if<sip::forward_to_sip>(&d);
        ASSERT_NE(f, nullptr) << "not forwarded: " << ws_message;
        ASSERT_EQ(::send(fd_, f->bytes.data(), f->bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(f->bytes.size()));
    }

    /// The next message for the client (bounded wait): read, frame, to_websocket.
    std::string client_receives()
    {
        auto const deadline = std::chrono::steady_clock::now() + 20s;
        for (;;) {
            auto item = reader_.next();
            if (item.what == sip::stream_item::kind::message) {
                auto const d = sip::to_websocket(item.message, peer);
                auto const* s = std::get_if<sip::send_to_client>(&d);
                EXPECT_NE(s, nullptr) << item.message;
                return s ? s->message : std::string{};
            }
            EXPECT_NE(item.what, sip::stream_item::kind::broken) << item.reason;
            if (item.what == sip::stream_item::kind::broken) return {};
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                ADD_FAILURE() << "nothing from sofia";
                return {};
            }
            char buf[4096];
            auto const n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                ADD_FAILURE() << "sofia closed the connection";
                return {};
            }
            reader_.append(std::string_view(buf, static_cast<std::size_t>(n)));
        }
    }

    /// Whether sofia closed its end within `within`. What it sends meanwhile (a CRLF pong) is
    /// kept for client_receives().
    bool closed_by_sofia(std::chrono::milliseconds within)
    {
        auto const deadline = std::chrono::steady_clock::now() + within;
        for (;;) {
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
            char buf[4096];
            auto const n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return true;
            reader_.append(std::string_view(buf, static_cast<std::size_t>(n)));
        }
    }

    /// Writes bytes to sofia as they are, past the rewriting (the edge's own keep-alive).
    void edge_writes(std::string_view bytes)
    {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }

    /// The next final response or request (100 Trying skipped).
    std::string client_receives_final()
    {
        for (;;) {
            auto m = client_receives();
            if (!m.starts_with("SIP/2.0 100 ")) return m;
        }
    }

    sip::websocket_peer peer;

private:
    int fd_ = -1;
    sip::stream_reader reader_;
};

class AgentWebSocketAliasTest : public ::testing::Test {
protected:
    /// What a derived fixture changes in the agent's configuration.
    virtual void configure(sip::config&) {}

    void SetUp() override
    {
        sip::config cfg;
        cfg.url = "sip:127.0.0.1:0";
        configure(cfg);
        agent_ = std::make_unique<sip::agent>(std::move(cfg), [this](sip::event e) {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(e));
            cv_.notify_all();
        });
    }

    template <class T> T wait_for_event()
    {
        std::unique_lock lock(mutex_);
        T found{};
        bool const ok = cv_.wait_for(lock, 20s, [&] {
            for (auto it = events_.begin(); it != events_.end(); ++it) {
                if (auto const* e = std::get_if<T>(&*it)) {
                    found = *e;
                    events_.erase(it);
                    return true;
                }
            }
            return false;
        });
        EXPECT_TRUE(ok) << "no such event within 20 s";
        return found;
    }

    /// JsSIP's INVITE, then 200 with the answer, then JsSIP's ACK. Returns the call.
    sip::call_id establish(loopback_flow& flow)
    {
        flow.client_sends("INVITE sip:demo@floorctl.test SIP/2.0\r\n"
                          "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630\r\n"
                          "Max-Forwards: 69\r\n"
                          "To: <sip:demo@floorctl.test>\r\n"
                          "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro\r\n"
                          "Call-ID: 9n1ib0p0m7s0nglnn0ej\r\n"
                          "CSeq: 2741 INVITE\r\n"
                          "Contact: <sip:k4qbb3cm@3b9r1k2lc8m4.invalid;transport=ws;ob>\r\n"
                          "Content-Type: application/sdp\r\n"
                          "\r\n" +
                          offer_sdp); // no Content-Length, as RFC 7118 allows
        auto const inv = wait_for_event<sip::invite>();
        EXPECT_EQ(inv.request_user, "demo");
        EXPECT_EQ(inv.body, offer_sdp);
        // The agent names the flow the INVITE came over: the edge's end of it.
        EXPECT_EQ(inv.peer_address, "127.0.0.1");
        EXPECT_EQ(inv.peer_port, flow.peer.alias_port);
        agent_->respond(inv.call, 200, answer_sdp);

        auto const ok = flow.client_receives_final();
        EXPECT_TRUE(ok.starts_with("SIP/2.0 200 ")) << ok;
        // The client sees its own Via with its real address, and floorctl's Contact over wss.
        // sofia answers rport whether or not the client asked (its server-side rport); both carry
        // the real peer, never the loopback.
        EXPECT_EQ(header(ok, "Via"), "SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK8421630;"
                                     "received=198.51.100.7;rport=53124")
            << ok;
        auto const contact = header(ok, "Contact");
        EXPECT_NE(contact.find(";transport=wss>"), std::string::npos) << contact;
        EXPECT_TRUE(ok.ends_with(answer_sdp));
        target_ = contact.substr(1, contact.find('>') - 1);
        to_ = header(ok, "To");

        flow.client_sends("ACK " + target_ +
                          " SIP/2.0\r\n"
                          "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK5555\r\n"
                          "Max-Forwards: 69\r\n"
                          "To: " +
                          to_ +
                          "\r\n"
                          "From: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro\r\n"
                          "Call-ID: 9n1ib0p0m7s0nglnn0ej\r\n"
                          "CSeq: 2741 ACK\r\n"
                          "\r\n");
        auto const ack = wait_for_event<sip::ack>();
        EXPECT_EQ(ack.call, inv.call);
        return inv.call;
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<sip::event> events_; // guarded by mutex_
    std::string target_;             ///< floorctl's Contact URI as the client saw it
    std::string to_;                 ///< To of the 200, with floorctl's tag
    /// Last, so that it stops first: its shutdown still reports the calls it ends.
    std::unique_ptr<sip::agent> agent_;
};

TEST_F(AgentWebSocketAliasTest, JsSipCallIsAnsweredAndFloorctlsByeReachesTheClientsOwnUri)
{
    loopback_flow flow(agent_->port());
    auto const call = establish(flow);

    agent_->bye(call);
    auto const bye = flow.client_receives_final();
    // sofia sent the BYE to the alias, over this connection; the client sees its own URI.
    EXPECT_TRUE(
        bye.starts_with("BYE sip:k4qbb3cm@3b9r1k2lc8m4.invalid;transport=ws;ob SIP/2.0\r\n"))
        << bye;
    EXPECT_TRUE(header(bye, "Via").starts_with("SIP/2.0/WSS ")) << bye;

    flow.client_sends("SIP/2.0 200 OK\r\nVia: " + header(bye, "Via") +
                      "\r\nFrom: " + header(bye, "From") + "\r\nTo: " + header(bye, "To") +
                      "\r\nCall-ID: " + header(bye, "Call-ID") +
                      "\r\nCSeq: " + header(bye, "CSeq") + "\r\n\r\n");
    auto const end = wait_for_event<sip::terminated>();
    EXPECT_EQ(end.call, call);
    EXPECT_EQ(end.reason, sip::end_reason::local_bye);
    EXPECT_EQ(end.status, 200);
}

TEST_F(AgentWebSocketAliasTest, ClientByeOverTheFlowEndsTheCall)
{
    loopback_flow flow(agent_->port());
    auto const call = establish(flow);
    flow.client_sends("BYE " + target_ +
                      " SIP/2.0\r\n"
                      "Via: SIP/2.0/WSS 3b9r1k2lc8m4.invalid;branch=z9hG4bK6666\r\n"
                      "Max-Forwards: 69\r\nTo: " +
                      to_ +
                      "\r\nFrom: \"Alice\" <sip:alice@floorctl.test>;tag=u7bi8bg5ro\r\n"
                      "Call-ID: 9n1ib0p0m7s0nglnn0ej\r\nCSeq: 2742 BYE\r\n\r\n");
    auto const ok = flow.client_receives_final();
    EXPECT_TRUE(ok.starts_with("SIP/2.0 200 ")) << ok;
    EXPECT_EQ(header(ok, "CSeq"), "2742 BYE");
    auto const end = wait_for_event<sip::terminated>();
    EXPECT_EQ(end.call, call);
    EXPECT_EQ(end.reason, sip::end_reason::remote_bye);
}

TEST_F(AgentWebSocketAliasTest, ByeAfterTheWebSocketIsGoneFailsFast)
{
    loopback_flow flow(agent_->port());
    auto const call = establish(flow);
    flow.close(); // the WebSocket closed: the edge closes its loopback connection

    auto const started = std::chrono::steady_clock::now();
    agent_->bye(call);
    auto const end = wait_for_event<sip::terminated>();
    EXPECT_EQ(end.call, call);
    EXPECT_EQ(end.reason, sip::end_reason::local_bye);
    // sofia's connect to the alias (a port nobody listens on) is refused at once: nta ends the
    // BYE with its own 503, and the dialog is over.
    EXPECT_EQ(end.status, 503);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s); // no 32 s transaction timeout
}

TEST_F(AgentWebSocketAliasTest, CancelIsMatchedToTheRewrittenInviteAndAnswered487)
{
    // The CANCEL repeats the INVITE's Request-URI and top Via (RFC 3261 §9.1); both are rewritten
    // the same way, so sofia finds the INVITE transaction.
    loopback_flow flow(agent_->port());
    std::string const via = "Via: SIP/2.0/WSS j5n9o2gmq7sk.invalid;branch=z9hG4bK3715573\r\n";
    std::string const dialog = "To: <sip:demo@floorctl.test;transport=ws>\r\n"
                               "From: <sip:bob@example.org>;tag=aqs8tcbm6a\r\n"
                               "Call-ID: p1g9cbv6lk3ihdq5e6rk\r\nMax-Forwards: 70\r\n";
    std::string const uri = "sip:demo@floorctl.test;transport=ws";
    flow.client_sends("INVITE " + uri + " SIP/2.0\r\n" + via + dialog +
                      "CSeq: 1 INVITE\r\n"
                      "Contact: <sip:1rlqvt8b@j5n9o2gmq7sk.invalid;transport=ws>\r\n"
                      "Content-Type: application/sdp\r\n\r\n" +
                      offer_sdp);
    auto const inv = wait_for_event<sip::invite>(); // never answered by this test
    flow.client_sends("CANCEL " + uri + " SIP/2.0\r\n" + via + dialog + "CSeq: 1 CANCEL\r\n\r\n");

    auto const first = flow.client_receives_final();
    auto const second = flow.client_receives_final();
    auto const& cancel_ok = first.find("CSeq: 1 CANCEL") != std::string::npos ? first : second;
    auto const& terminated_invite = &cancel_ok == &first ? second : first;
    EXPECT_TRUE(cancel_ok.starts_with("SIP/2.0 200 ")) << cancel_ok;
    EXPECT_TRUE(terminated_invite.starts_with("SIP/2.0 487 ")) << terminated_invite;
    EXPECT_EQ(header(terminated_invite, "Via"),
              "SIP/2.0/WSS j5n9o2gmq7sk.invalid;branch=z9hG4bK3715573;received=198.51.100.7;"
              "rport=53124");
    EXPECT_EQ(wait_for_event<sip::cancelled>().call, inv.call);
    auto const end = wait_for_event<sip::terminated>();
    EXPECT_EQ(end.reason, sip::end_reason::cancelled);

    // The ACK of the 487 is hop-by-hop in the INVITE transaction (same branch): absorbed by sofia.
    flow.client_sends("ACK " + uri + " SIP/2.0\r\n" + via +
                      "To: " + header(terminated_invite, "To") +
                      "\r\nFrom: <sip:bob@example.org>;tag=aqs8tcbm6a\r\n"
                      "Call-ID: p1g9cbv6lk3ihdq5e6rk\r\nMax-Forwards: 70\r\nCSeq: 1 ACK\r\n\r\n");
}

TEST_F(AgentWebSocketAliasTest, OptionsIsAnsweredOverTheFlow)
{
    loopback_flow flow(agent_->port());
    flow.client_sends("OPTIONS sip:floorctl.test SIP/2.0\r\n"
                      "Via: SIP/2.0/WSS q1w2e3r4t5y6.invalid;branch=z9hG4bK111\r\n"
                      "To: <sip:floorctl.test>\r\nFrom: <sip:probe@example.org>;tag=p1\r\n"
                      "Call-ID: opt1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n");
    auto const ok = flow.client_receives_final();
    EXPECT_TRUE(ok.starts_with("SIP/2.0 200 ")) << ok;
    EXPECT_EQ(header(ok, "Allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
    EXPECT_TRUE(header(ok, "Via").starts_with("SIP/2.0/WSS q1w2e3r4t5y6.invalid;")) << ok;
    wait_for_event<sip::options>();
}

// ---- Digest authentication (docs/sip.md, "Digest authentication") ---------------------------

/// Lower-case hex MD5 of `text` (RFC 2617 §3.2.2's H()).
std::string md5_hex(std::string const& text)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EXPECT_EQ(EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr), 1);
    std::string out;
    char hex[3];
    for (unsigned i = 0; i < size; ++i) {
        std::snprintf(hex, sizeof hex, "%02x", digest[i]);
        out += hex;
    }
    return out;
}

/// The value of auth-param `name` in a challenge, quotes removed.
std::string auth_param(std::string const& challenge, std::string const& name)
{
    auto at = challenge.find(" " + name + "=");
    if (at == std::string::npos) at = challenge.find("," + name + "=");
    if (at == std::string::npos) return {};
    auto start = at + name.size() + 2;
    if (start < challenge.size() && challenge[start] == '"') {
        ++start;
        return challenge.substr(start, challenge.find('"', start) - start);
    }
    return challenge.substr(start, challenge.find_first_of(", ", start) - start);
}

class AgentWebSocketDigestTest : public AgentWebSocketAliasTest {
protected:
    void configure(sip::config& cfg) override
    {
        std::ofstream(passwd_) << "alice:secret:\n";
        cfg.auth_realm = "floorctl.test";
        cfg.auth_passwd_file = passwd_.string();
    }
    void TearDown() override { std::filesystem::remove(passwd_); }

    /// A JsSIP-style INVITE whose Request-URI says transport=ws, with `authorization` if given.
    static std::string invite(int cseq, std::string const& authorization)
    {
        return "INVITE " + request_uri +
               " SIP/2.0\r\n"
               "Via: SIP/2.0/WSS 5hq0ne7c2l9a.invalid;branch=z9hG4bK-auth-" +
               std::to_string(cseq) +
               "\r\nMax-Forwards: 69\r\nTo: <sip:demo@floorctl.test>\r\n"
               "From: <sip:alice@floorctl.test>;tag=a1ic3\r\nCall-ID: digest-over-ws\r\n"
               "CSeq: " +
               std::to_string(cseq) +
               " INVITE\r\n"
               "Contact: <sip:q8l2m6@5hq0ne7c2l9a.invalid;transport=ws;ob>\r\n" +
               authorization + "Content-Type: application/sdp\r\n\r\n" + offer_sdp;
    }

    /// The ACK for a failure response to invite(cseq) (same branch, RFC 3261 §17.1.1.3).
    static std::string ack_of(int cseq, std::string const& to)
    {
        return "ACK " + request_uri +
               " SIP/2.0\r\n"
               "Via: SIP/2.0/WSS 5hq0ne7c2l9a.invalid;branch=z9hG4bK-auth-" +
               std::to_string(cseq) + "\r\nMax-Forwards: 69\r\nTo: " + to +
               "\r\nFrom: <sip:alice@floorctl.test>;tag=a1ic3\r\nCall-ID: digest-over-ws\r\n"
               "CSeq: " +
               std::to_string(cseq) + " ACK\r\n\r\n";
    }

    /// The client's Authorization for `challenge` (a WWW-Authenticate value), computed over the
    /// client's own spelling of the Request-URI, as JsSIP and SIP.js do (RFC 2617 §3.2.2).
    static std::string authorization(std::string const& challenge, std::string const& password)
    {
        auto const realm = auth_param(challenge, "realm");
        auto const nonce = auth_param(challenge, "nonce");
        auto const opaque = auth_param(challenge, "opaque");
        std::string const cnonce = "0a4f113b", nc = "00000001";
        auto const ha1 = md5_hex("alice:" + realm + ":" + password);
        auto const ha2 = md5_hex("INVITE:" + request_uri);
        auto const response = md5_hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Authorization: Digest algorithm=MD5, username=\"alice\", realm=\"" + realm +
               "\", nonce=\"" + nonce + "\", uri=\"" + request_uri + "\", response=\"" + response +
               "\"" + (opaque.empty() ? "" : ", opaque=\"" + opaque + "\"") +
               ", qop=auth, cnonce=\"" + cnonce + "\", nc=" + nc + "\r\n";
    }

    /// Sends the INVITE, gets the 401 and ACKs it; returns the challenge.
    std::string challenge(loopback_flow& flow)
    {
        flow.client_sends(invite(1, ""));
        auto const unauthorized = flow.client_receives_final();
        EXPECT_TRUE(unauthorized.starts_with("SIP/2.0 401 ")) << unauthorized;
        flow.client_sends(ack_of(1, header(unauthorized, "To")));
        auto const c = header(unauthorized, "WWW-Authenticate");
        EXPECT_TRUE(c.starts_with("Digest ")) << unauthorized;
        return c;
    }

    static inline std::string const request_uri = "sip:demo@floorctl.test;transport=ws";
    std::filesystem::path passwd_ = std::filesystem::temp_directory_path() /
                                    ("floorctl-ws-passwd-" + std::to_string(::getpid()));
};

TEST_F(AgentWebSocketDigestTest, ResponseOverTheClientsTransportWsUriIsAccepted)
{
    // The edge rewrites the Request-URI to transport=tcp but leaves Authorization as the client
    // wrote it: sofia's check computes the response over the uri= of the header (RFC 2617
    // §3.2.2.2) and does not compare it with the Request-URI, so the client's spelling verifies.
    loopback_flow flow(agent_->port());
    auto const c = challenge(flow);
    flow.client_sends(invite(2, authorization(c, "secret")));
    auto const inv = wait_for_event<sip::invite>();
    EXPECT_EQ(inv.request_user, "demo");
    EXPECT_EQ(inv.authenticated_user, "alice");
    agent_->respond(inv.call, 200, answer_sdp);
    auto const ok = flow.client_receives_final();
    EXPECT_TRUE(ok.starts_with("SIP/2.0 200 ")) << ok;
    EXPECT_EQ(header(ok, "CSeq"), "2 INVITE");
    EXPECT_EQ(agent_->stats().auth_challenges, 1u);
}

TEST_F(AgentWebSocketDigestTest, WrongPasswordIsChallengedAgainAndNeverReported)
{
    loopback_flow flow(agent_->port());
    auto const c = challenge(flow);
    flow.client_sends(invite(2, authorization(c, "not-the-secret")));
    auto const again = flow.client_receives_final();
    EXPECT_TRUE(again.starts_with("SIP/2.0 401 ")) << again;
    EXPECT_EQ(header(again, "CSeq"), "2 INVITE");
    flow.client_sends(ack_of(2, header(again, "To")));
    EXPECT_EQ(agent_->stats().auth_challenges, 2u);
    EXPECT_EQ(agent_->stats().invites, 0u);
    std::lock_guard lock(mutex_);
    EXPECT_TRUE(events_.empty());
}

// ---- A preloaded Route (JsSIP and SIP.js with an outbound proxy) ----------------------------

TEST_F(AgentWebSocketAliasTest, PreloadedRouteToFloorctlOverWsIsAnsweredNotForwarded)
{
    // JsSIP (use_preloaded_route) and SIP.js (transportOptions with a route) put the server's
    // WebSocket URI in a Route header. sofia, a user agent and no proxy, answers the request
    // itself; the Route crosses the edge untouched.
    loopback_flow flow(agent_->port());
    std::string const route = "Route: <sip:floorctl.test:443;transport=ws;lr>\r\n";
    std::string const dialog = "To: <sip:demo@floorctl.test>\r\n"
                               "From: <sip:carol@example.org>;tag=c4r0l\r\n"
                               "Call-ID: preloaded-route\r\nMax-Forwards: 70\r\n";
    flow.client_sends("INVITE sip:demo@floorctl.test SIP/2.0\r\n"
                      "Via: SIP/2.0/WSS 9rt2xq4v.invalid;branch=z9hG4bK-route-1\r\n" +
                      route + dialog +
                      "CSeq: 1 INVITE\r\n"
                      "Contact: <sip:c4r0l@9rt2xq4v.invalid;transport=ws;ob>\r\n"
                      "Content-Type: application/sdp\r\n\r\n" +
                      offer_sdp);
    auto const inv = wait_for_event<sip::invite>();
    EXPECT_EQ(inv.request_user, "demo");
    agent_->respond(inv.call, 200, answer_sdp);
    auto const ok = flow.client_receives_final();
    ASSERT_TRUE(ok.starts_with("SIP/2.0 200 ")) << ok;
    EXPECT_TRUE(ok.ends_with(answer_sdp));
    auto const contact = header(ok, "Contact");
    auto const target = contact.substr(1, contact.find('>') - 1);
    auto const to = header(ok, "To");

    // In-dialog requests with the same preloaded Route (some clients keep it) reach the dialog.
    std::string const in_dialog = "To: " + to +
                                  "\r\nFrom: <sip:carol@example.org>;tag=c4r0l\r\n"
                                  "Call-ID: preloaded-route\r\nMax-Forwards: 70\r\n";
    flow.client_sends("ACK " + target +
                      " SIP/2.0\r\nVia: SIP/2.0/WSS 9rt2xq4v.invalid;branch=z9hG4bK-route-2\r\n" +
                      route + in_dialog + "CSeq: 1 ACK\r\n\r\n");
    EXPECT_EQ(wait_for_event<sip::ack>().call, inv.call);
    flow.client_sends("BYE " + target +
                      " SIP/2.0\r\nVia: SIP/2.0/WSS 9rt2xq4v.invalid;branch=z9hG4bK-route-3\r\n" +
                      route + in_dialog + "CSeq: 2 BYE\r\n\r\n");
    auto const bye_ok = flow.client_receives_final();
    EXPECT_TRUE(bye_ok.starts_with("SIP/2.0 200 ")) << bye_ok;
    auto const end = wait_for_event<sip::terminated>();
    EXPECT_EQ(end.call, inv.call);
    EXPECT_EQ(end.reason, sip::end_reason::remote_bye);
}

// ---- Long-lived flows: sofia's idle timeout (docs/sip-over-websocket.md) --------------------

class AgentWebSocketIdleTest : public AgentWebSocketAliasTest {
protected:
    void configure(sip::config& cfg) override { cfg.tcp_idle_timeout = idle; }
    static constexpr std::chrono::milliseconds idle{1000};
};

TEST_F(AgentWebSocketIdleTest, AQuietFlowIsClosedBySofiaEvenWithACallOnIt)
{
    // Why the edge keeps its flows alive: a dialog holds no reference to its connection, so
    // sofia closes a flow that carries nothing for its idle timeout, call or not.
    loopback_flow flow(agent_->port());
    establish(flow);
    EXPECT_TRUE(flow.closed_by_sofia(idle * 5));
}

TEST_F(AgentWebSocketIdleTest, TheEdgesKeepAliveKeepsTheFlowAndTheCall)
{
    loopback_flow flow(agent_->port());
    auto const call = establish(flow);
    auto const every = sip::flow_keep_alive_interval(idle);
    for (auto waited = std::chrono::milliseconds{0}; waited < idle * 3; waited += every) {
        ASSERT_FALSE(flow.closed_by_sofia(every));
        flow.edge_writes(sip::flow_keep_alive);
    }
    // Three idle timeouts later, floorctl's BYE still reaches the client over its flow.
    agent_->bye(call);
    auto const bye = flow.client_receives_final();
    EXPECT_TRUE(bye.starts_with("BYE sip:k4qbb3cm@3b9r1k2lc8m4.invalid;transport=ws;ob ")) << bye;
    flow.client_sends("SIP/2.0 200 OK\r\nVia: " + header(bye, "Via") +
                      "\r\nFrom: " + header(bye, "From") + "\r\nTo: " + header(bye, "To") +
                      "\r\nCall-ID: " + header(bye, "Call-ID") +
                      "\r\nCSeq: " + header(bye, "CSeq") + "\r\n\r\n");
    EXPECT_EQ(wait_for_event<sip::terminated>().status, 200);
}

} // namespace
