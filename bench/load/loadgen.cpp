// Load generator for BFCP over WebSocket (issue 4) and over UDP (issue 12), docs/performance.md.
// Opens N WS or WSS connections, or N UDP peers (--url udp://host:port), and runs round trips on
// each, one outstanding request per connection:
//   --mode echo : WS: sends a 16-octet FloorRequest and expects it back (floorctl_echo_server);
//                 UDP: a 12-octet Hello (BFCP version 2), expected back (floorctl_echo_server
//                 --udp)
//   --mode bfcp : Hello once, then FloorRequest -> FloorRequestStatus, FloorRelease ->
//                 FloorRequestStatus against a real floorctl server (each reply is one round trip)
//   --mode hello: UDP only: Hello -> HelloAck round trips against a real floorctl server
//   --mode sip  : SIP call set-ups (issue 14): full calls one after another on each connection,
//                 INVITE with a TCP/WSS/BFCP offer, 200, ACK, BYE, 200 (bench/load/sip_uac), over
//                 TCP to the SIP listener (--url tcp://host:port) or over WS/WSS with sub-protocol
//                 `sip` (RFC 7118: Via SIP/2.0/WSS <random>.invalid, Contact ;transport=ws); each
//                 completed call is one "round trip". Request-URI sip:<--sip-user><i>@host (one
//                 conference per connection with [sip.auto_create]).
//   --idle      : only opens the connections and holds them, for server memory per connection
// Reports round trips/s, p50/p99 latency (request written -> matching reply read) and, with
// --server-pid, the server's VmRSS before and after the connections were opened. --interval S
// also prints one line per S seconds of the measurement (rate, server RSS and CPU per round
// trip), to show a steady state.
//
// UDP peers against floorctl are negotiated over SIP first (--sip HOST:PORT, bench/load/sip_uac):
// one INVITE per peer to sip:<--sip-prefix><i>@HOST offering UDP/BFCP from the peer's own port,
// the answer gives the BFCP port, conference, user and floor; BYE on every call at the end. The
// peers speak RFC 8855's unreliable transport: they acknowledge the server's own requests and
// send a request again, with its transaction ID, when unanswered for a second (counted in
// "retransmissions").
//
// Tokens (bfcp mode needs one participant per connection: a second connection with the same
// token supersedes the first):
//   --tokens FILE        lines "token conference-id user-id floor-id"
//   --provision URL      POST URL (e.g. http://127.0.0.1:8443/api/conferences/1/participants)
//                        N times with {"user_id": B+i} (B: --user-base, default 100) and
//                        "Authorization: Bearer <--api-key>"; each JSON answer
//                        gives token, confid, userid, floors[0]
//   --token T --conference C --user U --floor F   one identity for all (echo mode)

#include "sip_uac.hpp"

#include <sip/stream_reader.hpp>
#include <ws/tls.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace ssl = net::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using clock_type = std::chrono::steady_clock;

namespace {

struct identity {
    std::string token;
    std::uint32_t conference = 1;
    std::uint16_t user = 1;
    std::uint16_t floor = 1;
};

struct url_parts {
    bool tls = false;
    bool udp = false;
    bool tcp = false; ///< tcp://: a plain TCP connection (--mode sip)
    std::string host;
    std::string port;
    std::string target; // path + optional query
};

std::optional<url_parts> parse_url(std::string const& u)
{
    url_parts p;
    std::string rest;
    if (u.rfind("wss://", 0) == 0 || u.rfind("https://", 0) == 0) {
        p.tls = true;
        rest = u.substr(u.find("://") + 3);
    } else if (u.rfind("ws://", 0) == 0 || u.rfind("http://", 0) == 0) {
        rest = u.substr(u.find("://") + 3);
    } else if (u.rfind("udp://", 0) == 0) {
        p.udp = true;
        rest = u.substr(6);
    } else if (u.rfind("tcp://", 0) == 0) {
        p.tcp = true;
        rest = u.substr(6);
    } else {
        return std::nullopt;
    }
    auto const slash = rest.find('/');
    std::string const hostport = rest.substr(0, slash);
    p.target = slash == std::string::npos ? "/" : rest.substr(slash);
    auto const colon = hostport.rfind(':');
    if (colon == std::string::npos) {
        p.host = hostport;
        p.port = p.tls ? "443" : "80";
    } else {
        p.host = hostport.substr(0, colon);
        p.port = hostport.substr(colon + 1);
    }
    return p;
}

// --- BFCP bytes (RFC 8855 §5.1, §5.2): version 1 for reliable transports, 2 for UDP -------------

void put16(std::vector<std::uint8_t>& v, unsigned x)
{
    v.push_back(static_cast<std::uint8_t>(x >> 8));
    v.push_back(static_cast<std::uint8_t>(x));
}

std::vector<std::uint8_t> bfcp_message(std::uint8_t primitive, identity const& id,
                                       std::uint16_t txid, std::vector<std::uint8_t> attrs,
                                       std::uint8_t version = 1)
{
    std::vector<std::uint8_t> m;
    m.push_back(static_cast<std::uint8_t>(version << 5)); // Ver, R=0, F=0
    m.push_back(primitive);
    put16(m, static_cast<unsigned>(attrs.size() / 4)); // payload length in 4-octet units
    put16(m, id.conference >> 16);
    put16(m, id.conference & 0xffff);
    put16(m, txid);
    put16(m, id.user);
    m.insert(m.end(), attrs.begin(), attrs.end());
    return m;
}

// A 16-bit attribute with M=1 (type << 1 | 1), length 4: FLOOR-ID (2), FLOOR-REQUEST-ID (3).
std::vector<std::uint8_t> attr16(std::uint8_t type, std::uint16_t value)
{
    std::vector<std::uint8_t> a{static_cast<std::uint8_t>(type << 1 | 1), 4};
    put16(a, value);
    return a;
}

struct reply {
    std::uint8_t primitive = 0;
    std::uint16_t txid = 0;
    std::optional<std::uint16_t> floor_request_id;
};

std::optional<reply> parse_reply(std::uint8_t const* p, std::size_t n)
{
    if (n < 12) return std::nullopt;
    reply r;
    r.primitive = p[1];
    r.txid = static_cast<std::uint16_t>(p[8] << 8 | p[9]);
    std::size_t off = 12;
    while (off + 2 <= n) {
        unsigned const type = p[off] >> 1;
        std::size_t const len = p[off + 1];
        if (len < 2 || off + len > n) break;
        if (type == 15 && len >= 4) // FLOOR-REQUEST-INFORMATION: floor request ID first
            r.floor_request_id = static_cast<std::uint16_t>(p[off + 2] << 8 | p[off + 3]);
        off += (len + 3) & ~std::size_t{3};
    }
    return r;
}

// --- shared run state --------------------------------------------------------------------------

struct run_state {
    std::string mode = "echo";
    bool idle = false;
    url_parts url;
    tcp::endpoint endpoint;
    std::shared_ptr<ssl::context> tls;
    std::atomic<std::size_t> connected{0};
    std::atomic<std::size_t> failed{0};
    std::atomic<std::size_t> errors{0};
    std::atomic<bool> measuring{false};
    std::atomic<bool> stopping{false};
    std::mutex m;
    std::vector<std::uint32_t> latencies_us; // guarded by m (merged per connection)
    std::atomic<std::uint64_t> round_trips{0};
    std::atomic<std::uint64_t> retransmissions{0}; // UDP requests sent again
    std::atomic<std::size_t> in_flight{0};         // UDP requests, SIP calls not finished yet
    std::string sip_user = "udp-load-";            // --sip-user: sip:<sip_user><i>@host
    std::string first_error;                       // guarded by m
};

/// One connection's round-trip latencies, merged into the run's when the connection ends.
class latency_log {
public:
    explicit latency_log(run_state& st) : st_(st) {}

    /// Counts one round trip whose request was sent at `sent_at`, while the run is measuring.
    void record(clock_type::time_point sent_at)
    {
        if (!st_.measuring.load()) return;
        auto const us =
            std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - sent_at);
        lat_.push_back(static_cast<std::uint32_t>(us.count()));
        st_.round_trips.fetch_add(1, std::memory_order_relaxed);
    }

    void flush()
    {
        std::lock_guard l(st_.m);
        st_.latencies_us.insert(st_.latencies_us.end(), lat_.begin(), lat_.end());
        lat_.clear();
    }

private:
    run_state& st_;
    std::vector<std::uint32_t> lat_;
};

/// The SIP side of a connection in --mode sip: full calls through bench::call_loop. A call counts
/// as one round trip, timed from its INVITE to the BYE's 200; a failed call is an error. Once the
/// run stops, the call under way is finished (ACK, BYE) but no new one starts.
class sip_calls {
public:
    sip_calls(run_state& st, latency_log& lat, bench::sip_caller caller, std::size_t index)
        : st_(st), lat_(lat),
          loop_(std::move(caller),
                "sip:" + st.sip_user + std::to_string(index) + "@" + st.url.host +
                    (st.url.tcp ? ":" + st.url.port : std::string()),
                std::to_string(index) + "-" + std::to_string(::getpid()))
    {
    }

    /// The first INVITE.
    std::string start()
    {
        started_ = clock_type::now();
        st_.in_flight.fetch_add(1);
        return loop_.start_call();
    }

    /// What to write after `message` (a response read from the connection).
    std::vector<std::string> on_message(std::string_view message)
    {
        auto step = loop_.on_message(message);
        if (!step.call_ended) return std::move(step.send);
        if (step.failed) {
            st_.errors.fetch_add(1);
            std::lock_guard l(st_.m);
            if (st_.first_error.empty()) st_.first_error = step.failure;
        } else {
            lat_.record(started_);
        }
        started_ = clock_type::now();
        if (st_.stopping.load()) { // the last element is the next call's INVITE
            step.send.pop_back();
            st_.in_flight.fetch_sub(1);
        }
        return std::move(step.send);
    }

private:
    run_state& st_;
    latency_log& lat_;
    bench::call_loop loop_;
    clock_type::time_point started_;
};

/// Messages waiting to be written on one connection, one write at a time (--mode sip).
class message_queue {
public:
    /// Queues `messages`; true when the queue was idle and now has one: start writing.
    bool push(std::vector<std::string> messages)
    {
        bool const idle = queue_.empty();
        for (auto& m : messages)
            queue_.push_back(std::move(m));
        return idle && !queue_.empty();
    }

    [[nodiscard]] std::string const& front() const { return queue_.front(); }

    /// Drops the message just written; true when another waits.
    bool pop()
    {
        queue_.pop_front();
        return !queue_.empty();
    }

private:
    std::deque<std::string> queue_;
};

/// "<16 hex digits>.invalid": the host an RFC 7118 client puts in its Via and Contact.
std::string invalid_host()
{
    static std::atomic<std::uint64_t> counter{0};
    auto v =
        (static_cast<std::uint64_t>(::getpid()) << 32) ^ counter.fetch_add(1) * 0x9e3779b97f4a7c15u;
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i, v >>= 4)
        out += hex[v & 0xf];
    return out + ".invalid";
}

template <bool TLS> class connection : public std::enable_shared_from_this<connection<TLS>> {
    using next_layer =
        std::conditional_t<TLS, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

public:
    /// `index`: the connection's number (--mode sip: its Request-URI).
    connection(net::io_context& ioc, run_state& st, identity id, std::size_t index,
               std::function<void(bool)> done)
        : ws_(make(ioc, st)), st_(st), id_(std::move(id)), index_(index), done_(std::move(done))
    {
    }

    void start()
    {
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
        beast::get_lowest_layer(ws_).async_connect(
            st_.endpoint, [self = this->shared_from_this()](beast::error_code ec) {
                if (ec) return self->fail("connect", ec);
                if constexpr (TLS) {
                    SSL_set_tlsext_host_name(self->ws_.next_layer().native_handle(),
                                             self->st_.url.host.c_str());
                    self->ws_.next_layer().async_handshake(ssl::stream_base::client,
                                                           [self](beast::error_code e) {
                                                               if (e) return self->fail("tls", e);
                                                               self->upgrade();
                                                           });
                } else {
                    self->upgrade();
                }
            });
    }

    void stop()
    {
        net::post(ws_.get_executor(), [self = this->shared_from_this()] {
            beast::get_lowest_layer(self->ws_).close();
        });
    }

private:
    static websocket::stream<next_layer> make(net::io_context& ioc, run_state& st)
    {
        if constexpr (TLS)
            return websocket::stream<next_layer>(net::make_strand(ioc), *st.tls);
        else
            return websocket::stream<next_layer>(net::make_strand(ioc));
    }

    void upgrade()
    {
        beast::get_lowest_layer(ws_).expires_never();
        bool const sip = st_.mode == "sip";
        if (sip) // both SIP clients write ACK and BYE back to back: no Nagle delay on the BYE
            beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
        ws_.set_option(websocket::stream_base::decorator([sip](websocket::request_type& req) {
            req.set(http::field::sec_websocket_protocol, sip ? "sip" : "BFCP");
        }));
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(30);
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        ws_.set_option(t);
        ws_.binary(!sip); // SIP in text frames, as browsers send it (RFC 7118 §5.1)
        ws_.auto_fragment(false);
        std::string target = st_.url.target;
        if (!sip) // SIP authenticates in SIP (digest), not with a token
            target += (target.find('?') == std::string::npos ? "?token=" : "&token=") + id_.token;
        ws_.async_handshake(st_.url.host + ":" + st_.url.port, target,
                            [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->fail("websocket handshake", ec);
                                self->on_open();
                            });
    }

    void on_open()
    {
        st_.connected.fetch_add(1);
        state_ = state::idle; // no longer connecting: a later failure is not a connect failure
        done_(true);
        if (st_.idle) return do_idle_read();
        if (st_.mode == "sip") {
            auto const host = invalid_host();
            bench::sip_caller caller{TLS ? "WSS" : "WS", host,
                                     "sip:room@" + host + ";transport=ws"};
            sip_.emplace(st_, lat_, std::move(caller), index_);
            sip_write({sip_->start()});
            return do_sip_read();
        }
        if (st_.mode == "bfcp") {
            send(bfcp_message(11, id_, next_txid(), {})); // Hello
            state_ = state::hello;
        } else {
            send_request();
        }
    }

    // Idle connections still read so that keep-alive pings are answered.
    void do_idle_read()
    {
        ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->buf_.clear();
            self->do_idle_read();
        });
    }

    std::uint16_t next_txid()
    {
        if (++txid_ == 0) ++txid_;
        return txid_;
    }

    // --mode sip: one read always outstanding, writes queued (Beast allows one of each at once).
    void do_sip_read()
    {
        ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->fail("read", ec);
            auto const data = self->buf_.cdata();
            self->sip_write(self->sip_->on_message(
                std::string_view(static_cast<char const*>(data.data()), data.size())));
            self->buf_.clear();
            self->do_sip_read();
        });
    }

    void sip_write(std::vector<std::string> messages)
    {
        if (sip_out_.push(std::move(messages))) sip_write_next();
    }

    void sip_write_next()
    {
        ws_.async_write(net::buffer(sip_out_.front()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->fail("write", ec);
                            if (self->sip_out_.pop()) self->sip_write_next();
                        });
    }

    void send_request()
    {
        if (st_.stopping.load()) return lat_.flush();
        if (st_.mode == "bfcp" && state_ == state::granted && frid_) {
            state_ = state::releasing;
            send(bfcp_message(2, id_, next_txid(), attr16(3, *frid_))); // FloorRelease
        } else {
            state_ = state::requesting;
            send(bfcp_message(1, id_, next_txid(), attr16(2, id_.floor))); // FloorRequest
        }
    }

    void send(std::vector<std::uint8_t> msg)
    {
        out_ = std::move(msg);
        sent_at_ = clock_type::now();
        ws_.async_write(net::buffer(out_),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->fail("write", ec);
                            self->do_read();
                        });
    }

    void do_read()
    {
        buf_.clear();
        ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->fail("read", ec);
            self->on_message();
        });
    }

    void on_message()
    {
        auto const* p = static_cast<std::uint8_t const*>(buf_.cdata().data());
        auto const n = buf_.size();
        if (st_.mode != "bfcp") {
            if (n != out_.size()) st_.errors.fetch_add(1);
            lat_.record(sent_at_);
            return send_request();
        }
        auto const r = parse_reply(p, n);
        if (!r || r->txid != txid_) // a notification (transaction ID 0) or junk: keep reading
            return do_read();
        if (r->primitive == 13) // Error
            st_.errors.fetch_add(1);
        switch (state_) {
        case state::hello:
            return send_request();
        case state::requesting:
            lat_.record(sent_at_);
            frid_ = r->floor_request_id;
            state_ = r->primitive == 4 && frid_ ? state::granted : state::idle;
            return send_request();
        default:
            lat_.record(sent_at_);
            state_ = state::idle;
            frid_.reset();
            return send_request();
        }
    }

    void fail(char const* what, beast::error_code ec)
    {
        if (st_.stopping.load()) return lat_.flush();
        {
            std::lock_guard l(st_.m);
            if (st_.first_error.empty()) st_.first_error = std::string{what} + ": " + ec.message();
        }
        if (state_ == state::connecting) {
            st_.failed.fetch_add(1);
            done_(false);
        } else {
            st_.errors.fetch_add(1);
        }
        lat_.flush();
    }

    enum class state { connecting, hello, requesting, granted, releasing, idle };

    websocket::stream<next_layer> ws_;
    run_state& st_;
    identity id_;
    std::size_t index_;
    std::function<void(bool)> done_;
    beast::flat_buffer buf_;
    std::vector<std::uint8_t> out_;
    clock_type::time_point sent_at_;
    std::uint16_t txid_ = 0;
    std::optional<std::uint16_t> frid_;
    state state_ = state::connecting;
    latency_log lat_{st_};
    std::optional<sip_calls> sip_; // --mode sip
    message_queue sip_out_;        // --mode sip
};

/// --mode sip over TCP (--url tcp://HOST:PORT): one connection to the SIP listener, messages framed
/// by Content-Length (sip::stream_reader, the framing floorctl's WebSocket edge uses on its flows).
class sip_tcp_connection : public std::enable_shared_from_this<sip_tcp_connection> {
public:
    sip_tcp_connection(net::io_context& ioc, run_state& st, std::size_t index,
                       std::function<void(bool)> done)
        : socket_(net::make_strand(ioc)), st_(st), index_(index), done_(std::move(done))
    {
    }

    void start()
    {
        socket_.async_connect(st_.endpoint, [self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->fail("connect", ec);
            self->on_open();
        });
    }

    void stop()
    {
        net::post(socket_.get_executor(), [self = shared_from_this()] {
            beast::error_code ignored;
            self->socket_.close(ignored);
        });
    }

private:
    void on_open()
    {
        beast::error_code ec;
        socket_.set_option(tcp::no_delay(true), ec);
        auto const local = socket_.local_endpoint(ec);
        if (ec) return fail("local address", ec);
        auto const sent_by = local.address().to_string() + ":" + std::to_string(local.port());
        opened_ = true;
        st_.connected.fetch_add(1);
        done_(true);
        sip_.emplace(st_, lat_,
                     bench::sip_caller{"TCP", sent_by, "sip:room@" + sent_by + ";transport=tcp"},
                     index_);
        write({sip_->start()});
        do_read();
    }

    void do_read()
    {
        socket_.async_read_some(
            net::buffer(in_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                if (ec) return self->fail("read", ec);
                self->reader_.append(std::string_view(self->in_.data(), n));
                for (;;) {
                    auto item = self->reader_.next();
                    if (item.what == sip::stream_item::kind::need_more) break;
                    if (item.what == sip::stream_item::kind::broken)
                        return self->fail("framing", net::error::invalid_argument);
                    self->write(self->sip_->on_message(item.message));
                }
                self->do_read();
            });
    }

    void write(std::vector<std::string> messages)
    {
        if (out_.push(std::move(messages))) write_next();
    }

    void write_next()
    {
        net::async_write(socket_, net::buffer(out_.front()),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->fail("write", ec);
                             if (self->out_.pop()) self->write_next();
                         });
    }

    void fail(char const* what, beast::error_code ec)
    {
        lat_.flush();
        if (st_.stopping.load()) return;
        {
            std::lock_guard l(st_.m);
            if (st_.first_error.empty()) st_.first_error = std::string{what} + ": " + ec.message();
        }
        if (!opened_) {
            st_.failed.fetch_add(1);
            done_(false);
        } else {
            st_.errors.fetch_add(1);
        }
    }

    tcp::socket socket_;
    run_state& st_;
    std::size_t index_;
    std::function<void(bool)> done_;
    latency_log lat_{st_};
    std::optional<sip_calls> sip_;
    sip::stream_reader reader_;
    std::array<char, 16 * 1024> in_{};
    message_queue out_;
    bool opened_ = false;
};

/// One UDP/BFCP peer (RFC 8855 unreliable transport, version 2): one socket connected to the
/// server, one outstanding request. It acknowledges the server's own requests (FloorRequestStatus,
/// FloorStatus, Goodbye) and sends a request again, same transaction ID, when it was unanswered
/// for a second (`resend_overdue`). All peers run on one thread (the io_context of one thread).
class udp_peer : public std::enable_shared_from_this<udp_peer> {
public:
    udp_peer(net::io_context& ioc, run_state& st, std::function<void(bool)> done)
        : socket_(ioc), st_(st), done_(std::move(done))
    {
        socket_.open(udp::v4());
        socket_.bind(udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        socket_.non_blocking(true);
    }

    std::uint16_t local_port() const { return socket_.local_endpoint().port(); }

    /// Sends the first Hello to `server` as `id`; the peer counts as connected when it is answered.
    void start(identity id, udp::endpoint const& server)
    {
        id_ = std::move(id);
        boost::system::error_code ec;
        socket_.connect(server, ec);
        if (ec) return fail("connect", ec);
        do_read();
        send(bfcp_message(11, id_, next_txid(), {}, 2)); // Hello
    }

    void stop()
    {
        net::post(socket_.get_executor(), [self = shared_from_this()] {
            boost::system::error_code ec;
            self->socket_.close(ec);
            self->lat_.flush();
        });
    }

    /// Called every 200 ms on the peers' thread: a request unanswered for a second goes again.
    void resend_overdue(clock_type::time_point now)
    {
        if (!waiting_ || now - last_sent_ < std::chrono::seconds(1)) return;
        st_.retransmissions.fetch_add(1, std::memory_order_relaxed);
        transmit();
    }

private:
    std::uint16_t next_txid()
    {
        if (++txid_ == 0) ++txid_;
        return txid_;
    }

    void send(std::vector<std::uint8_t> msg)
    {
        out_ = std::move(msg);
        sent_at_ = clock_type::now();
        if (!waiting_) st_.in_flight.fetch_add(1);
        waiting_ = true;
        transmit();
    }

    void transmit()
    {
        last_sent_ = clock_type::now();
        boost::system::error_code ec; // a full send buffer loses it: resent after a second
        socket_.send(net::buffer(out_), 0, ec);
    }

    void send_request()
    {
        if (st_.stopping.load()) return; // still reading: Goodbyes after the BYEs are acked
        if (st_.mode == "hello") {
            send(bfcp_message(11, id_, next_txid(), {}, 2));
        } else if (st_.mode == "echo") {
            send(bfcp_message(11, id_, next_txid(), {}, 2)); // the same 12 octets as "hello"
        } else if (frid_) {
            send(bfcp_message(2, id_, next_txid(), attr16(3, *frid_), 2)); // FloorRelease
            frid_.reset();
            releasing_ = true;
        } else {
            send(bfcp_message(1, id_, next_txid(), attr16(2, id_.floor), 2)); // FloorRequest
            releasing_ = false;
        }
    }

    void do_read()
    {
        socket_.async_receive(net::buffer(in_), [self = shared_from_this()](
                                                    boost::system::error_code ec, std::size_t n) {
            if (ec == net::error::operation_aborted || !self->socket_.is_open()) return;
            if (!ec) self->on_datagram(n); // ICMP errors (connection_refused) just read on
            self->do_read();
        });
    }

    void on_datagram(std::size_t n)
    {
        if (n < 12) return;
        bool const responder = (in_[0] & 0x10) != 0;
        auto const txid = static_cast<std::uint16_t>(in_[8] << 8 | in_[9]);
        if (st_.mode != "echo" && !responder) return acknowledge(n);
        if (!waiting_ || txid != txid_) return; // a late copy of an answered request
        waiting_ = false;
        st_.in_flight.fetch_sub(1);
        auto const r = parse_reply(in_.data(), n);
        if (st_.mode != "echo" && r && r->primitive == 13) { // Error: ERROR-CODE first
            st_.errors.fetch_add(1);
            std::lock_guard l(st_.m);
            if (st_.first_error.empty() && n >= 15)
                st_.first_error = "BFCP Error " + std::to_string(in_[14]) + " to primitive " +
                                  std::to_string(out_[1]) + (opened_ ? "" : " (first message)");
        }
        if (!opened_) {
            opened_ = true;
            st_.connected.fetch_add(1);
            done_(true);
            if (st_.idle) return;
            return send_request();
        }
        lat_.record(sent_at_);
        if (st_.mode == "bfcp" && !releasing_ && r && r->primitive == 4)
            frid_ = r->floor_request_id; // FloorRequestStatus: release it next
        send_request();
    }

    /// RFC 8855 §8.3.1: the server's requests are acknowledged, same transaction ID, R set.
    void acknowledge(std::size_t n)
    {
        std::uint8_t ack = 0;
        switch (in_[1]) {
        case 4: // FloorRequestStatus
            ack = 14;
            break;
        case 9: // FloorStatus
            ack = 15;
            break;
        case 16: // Goodbye
            ack = 17;
            break;
        default:
            return;
        }
        std::array<std::uint8_t, 12> a{};
        std::copy_n(in_.data(), std::min<std::size_t>(n, 12), a.data());
        a[0] = static_cast<std::uint8_t>((a[0] & 0xe0) | 0x10); // same version, R=1, F=0
        a[1] = ack;
        a[2] = a[3] = 0; // no attributes
        boost::system::error_code ec;
        socket_.send(net::buffer(a), 0, ec);
    }

    void fail(char const* what, boost::system::error_code ec)
    {
        {
            std::lock_guard l(st_.m);
            if (st_.first_error.empty()) st_.first_error = std::string{what} + ": " + ec.message();
        }
        st_.failed.fetch_add(1);
        done_(false);
    }

    udp::socket socket_;
    run_state& st_;
    std::function<void(bool)> done_;
    identity id_;
    std::array<std::uint8_t, 65'535> in_{};
    std::vector<std::uint8_t> out_;
    clock_type::time_point sent_at_, last_sent_;
    std::uint16_t txid_ = 0;
    std::optional<std::uint16_t> frid_;
    bool waiting_ = false;
    bool opened_ = false;
    bool releasing_ = false;
    latency_log lat_{st_};
};

long rss_kb(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

identity identity_from_ticket(json::object const& v)
{
    identity id;
    id.token = json::value_to<std::string>(v.at("token"));
    id.conference = static_cast<std::uint32_t>(v.at("confid").to_number<std::int64_t>());
    id.user = static_cast<std::uint16_t>(v.at("userid").to_number<std::int64_t>());
    if (auto const* f = v.if_contains("floors"); f && f->is_array() && !f->as_array().empty())
        id.floor = static_cast<std::uint16_t>(f->as_array()[0].to_number<std::int64_t>());
    return id;
}

// Provisioning over the app's JSON API. With `own_conferences`, `url` is the conferences
// collection and every identity gets a conference of its own (one floor, one participant), so
// round trips measure request handling rather than the FloorStatus fan-out of one shared floor.
std::vector<identity> provision(std::string const& url, std::string const& key, std::size_t n,
                                std::size_t user_base, bool own_conferences,
                                std::shared_ptr<ssl::context> const& tls)
{
    auto const u = parse_url(url);
    if (!u) throw std::runtime_error("bad --provision URL");
    net::io_context ioc;
    tcp::resolver r{ioc};
    auto const eps = r.resolve(u->host, u->port);
    std::vector<identity> out;
    auto run = [&](auto& stream) {
        auto post = [&](std::string const& target, std::string const& body) -> json::object {
            http::request<http::string_body> req{http::verb::post, target, 11};
            req.set(http::field::host, u->host);
            if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
            req.set(http::field::content_type, "application/json");
            req.body() = body;
            req.prepare_payload();
            http::write(stream, req);
            beast::flat_buffer b;
            http::response<http::string_body> res;
            http::read(stream, b, res);
            if (res.result_int() / 100 != 2)
                throw std::runtime_error(target + " answered " + std::to_string(res.result_int()) +
                                         ": " + res.body());
            return json::parse(res.body()).as_object();
        };
        for (std::size_t i = 0; i < n; ++i) {
            std::string target = u->target;
            std::size_t user = user_base + i;
            if (own_conferences) {
                auto const conf = 1000 + i;
                post(u->target, "{\"id\":" + std::to_string(conf) + ",\"name\":\"load-" +
                                    std::to_string(i) + "\",\"floors\":[{\"id\":1}]}");
                target = u->target + "/" + std::to_string(conf) + "/participants";
                user = user_base;
            }
            auto const v =
                post(target, "{\"user_id\":" + std::to_string(user) + ",\"display_name\":\"load-" +
                                 std::to_string(i) + "\"}");
            identity id = identity_from_ticket(v);
            out.push_back(std::move(id));
        }
    };
    if (u->tls) {
        beast::ssl_stream<beast::tcp_stream> s{ioc, *tls};
        beast::get_lowest_layer(s).connect(eps);
        SSL_set_tlsext_host_name(s.native_handle(), u->host.c_str());
        s.handshake(ssl::stream_base::client);
        run(s);
    } else {
        beast::tcp_stream s{ioc};
        s.connect(eps);
        run(s);
    }
    return out;
}

/// A process's user and system CPU seconds (/proc/<pid>/stat utime and stime).
struct cpu_times {
    double user = 0;
    double system = 0;
};

cpu_times cpu_of(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    auto const paren = stat.rfind(')');
    if (paren == std::string::npos) return {};
    std::istringstream rest(stat.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) { // fields 14, 15 (1-based)
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    auto const hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return {static_cast<double>(utime) / hz, static_cast<double>(stime) / hz};
}

/// --interval: one JSON line per `interval` seconds of the measurement: the rate in that
/// interval, the server's RSS at its end and its CPU microseconds per round trip in it.
void print_intervals(run_state& st, std::string const& label, clock_type::time_point t0,
                     double duration, double interval, int server_pid)
{
    auto last_t = t0;
    auto last_n = st.round_trips.load();
    auto const total = [](cpu_times c) { return c.user + c.system; };
    double last_cpu = server_pid ? total(cpu_of(server_pid)) : 0;
    for (;;) {
        double const elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
        if (elapsed >= duration - 1e-3) break;
        std::this_thread::sleep_for(
            std::chrono::duration<double>(std::min(interval, duration - elapsed)));
        auto const t = clock_type::now();
        auto const trips = st.round_trips.load();
        double const secs = std::chrono::duration<double>(t - last_t).count();
        json::object line;
        line["label"] = label;
        line["at_seconds"] = std::chrono::duration<double>(t - t0).count();
        line["round_trips_per_second"] = static_cast<double>(trips - last_n) / secs;
        if (server_pid) {
            double const cpu = total(cpu_of(server_pid));
            line["server_rss_kb"] = rss_kb(server_pid);
            if (trips > last_n)
                line["server_cpu_us_per_round_trip"] =
                    (cpu - last_cpu) * 1e6 / static_cast<double>(trips - last_n);
            last_cpu = cpu;
        }
        std::cout << json::serialize(line) << std::endl;
        last_t = t;
        last_n = trips;
    }
}

std::uint32_t percentile(std::vector<std::uint32_t>& v, double p)
{
    if (v.empty()) return 0;
    auto const k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

int usage(int code)
{
    std::cerr
        << "usage: floorctl_loadgen --url ws[s]://host:port/path|udp://host:port|tcp://host:port\n"
           "         [--connections N]\n"
           "         [--duration SECONDS] [--warmup SECONDS] [--mode echo|bfcp|hello|sip] "
           "[--idle]\n"
           "         [--server-pid PID] [--threads N] [--connect-concurrency N] [--label TEXT]\n"
           "         [--interval SECONDS]\n"
           "         [--sip HOST:PORT [--sip-user PREFIX | --sip-user NAME --sip-one-conference]]\n"
           "         [--user-base B] [--dump-tokens FILE (write the identities and exit)]\n"
           "         [--conference-per-connection (--provision URL is /api/conferences)]\n"
           "         [--tokens FILE | --provision URL --api-key KEY |\n"
           "          --token T --conference C --user U --floor F]\n";
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    run_state st;
    std::size_t n = 1;
    double duration = 5;
    double warmup = 1;
    int threads = 1;
    int server_pid = 0;
    std::size_t concurrency = 200;
    std::size_t user_base = 100;
    std::string dump_tokens;
    bool own_conferences = false;
    double interval = 0;
    std::string sip;                 // UDP: negotiate every peer over SIP at HOST:PORT
    bool sip_one_conference = false; // sip:<sip_user>@HOST for every peer
    std::string url, tokens_file, provision_url, api_key, label;
    identity single{"load", 1, 1, 1};
    try {
        for (int i = 1; i < argc; ++i) {
            std::string const a = argv[i];
            auto next = [&]() -> std::string {
                if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
                return argv[++i];
            };
            if (a == "--url")
                url = next();
            else if (a == "--connections")
                n = std::stoul(next());
            else if (a == "--duration")
                duration = std::stod(next());
            else if (a == "--warmup")
                warmup = std::stod(next());
            else if (a == "--mode")
                st.mode = next();
            else if (a == "--idle")
                st.idle = true;
            else if (a == "--server-pid")
                server_pid = std::stoi(next());
            else if (a == "--threads")
                threads = std::stoi(next());
            else if (a == "--connect-concurrency")
                concurrency = std::stoul(next());
            else if (a == "--tokens")
                tokens_file = next();
            else if (a == "--provision")
                provision_url = next();
            else if (a == "--api-key")
                api_key = next();
            else if (a == "--label")
                label = next();
            else if (a == "--user-base")
                user_base = std::stoul(next());
            else if (a == "--dump-tokens")
                dump_tokens = next();
            else if (a == "--conference-per-connection")
                own_conferences = true;
            else if (a == "--interval")
                interval = std::stod(next());
            else if (a == "--sip")
                sip = next();
            else if (a == "--sip-user")
                st.sip_user = next();
            else if (a == "--sip-one-conference")
                sip_one_conference = true;
            else if (a == "--token")
                single.token = next();
            else if (a == "--conference")
                single.conference = static_cast<std::uint32_t>(std::stoul(next()));
            else if (a == "--user")
                single.user = static_cast<std::uint16_t>(std::stoul(next()));
            else if (a == "--floor")
                single.floor = static_cast<std::uint16_t>(std::stoul(next()));
            else if (a == "--help")
                return usage(0);
            else
                return usage(2);
        }
        auto const u = parse_url(url);
        if (!u ||
            (st.mode != "echo" && st.mode != "bfcp" && st.mode != "hello" && st.mode != "sip") ||
            (st.mode == "hello" && !u->udp) || (u->udp && threads != 1) ||
            (u->tcp && st.mode != "sip") || (st.mode == "sip" && (u->udp || st.idle)))
            return usage(2); // the UDP peers share one thread; tcp:// is for SIP only

        st.url = *u;
        st.tls = ws::make_client_context();
        {
            net::io_context rioc;
            tcp::resolver r{rioc};
            st.endpoint = *r.resolve(u->host, u->port).begin();
        }
        std::vector<identity> ids;
        if (!tokens_file.empty()) {
            std::ifstream in(tokens_file);
            std::string line;
            while (std::getline(in, line)) {
                std::istringstream ls(line);
                identity id;
                unsigned long c = 0, us = 0, f = 0;
                if (ls >> id.token >> c >> us >> f) {
                    id.conference = static_cast<std::uint32_t>(c);
                    id.user = static_cast<std::uint16_t>(us);
                    id.floor = static_cast<std::uint16_t>(f);
                    ids.push_back(id);
                }
            }
        } else if (!provision_url.empty()) {
            ids = provision(provision_url, api_key, n, user_base, own_conferences, st.tls);
        }
        if (ids.empty()) ids.push_back(single);
        if (!dump_tokens.empty()) { // provision once, reuse the file for every run
            std::ofstream out(dump_tokens);
            for (auto const& id : ids)
                out << id.token << ' ' << id.conference << ' ' << id.user << ' ' << id.floor
                    << '\n';
            return out ? 0 : 1;
        }

        net::io_context ioc{threads};
        auto guard = net::make_work_guard(ioc);
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i)
            pool.emplace_back([&] { ioc.run(); });

        long const rss_before = server_pid ? rss_kb(server_pid) : -1;
        long rss_negotiated = -1;
        double sip_seconds = 0;
        std::vector<std::shared_ptr<void>> conns;
        std::vector<std::function<void()>> stoppers;
        std::function<void()> before_stop; // UDP with SIP: the BYEs
        std::atomic<bool> sweeping{false};
        std::mutex launch_m;
        std::size_t launched = 0;
        std::atomic<std::size_t> finished{0};
        std::function<void()> launch_next;
        auto on_done = [&](bool) {
            finished.fetch_add(1);
            launch_next();
        };
        launch_next = [&] {
            std::lock_guard l(launch_m);
            if (launched >= n) return;
            auto const& id = ids[launched % ids.size()];
            auto const index = launched++;
            if (st.url.tcp) {
                auto c = std::make_shared<sip_tcp_connection>(ioc, st, index, on_done);
                stoppers.emplace_back([c] { c->stop(); });
                conns.push_back(c);
                c->start();
            } else if (st.url.tls) {
                auto c = std::make_shared<connection<true>>(ioc, st, id, index, on_done);
                stoppers.emplace_back([c] { c->stop(); });
                conns.push_back(c);
                c->start();
            } else {
                auto c = std::make_shared<connection<false>>(ioc, st, id, index, on_done);
                stoppers.emplace_back([c] { c->stop(); });
                conns.push_back(c);
                c->start();
            }
        };
        auto const t_connect = clock_type::now();
        std::vector<bench::sip_call> calls;
        if (st.url.udp) {
            std::vector<std::shared_ptr<udp_peer>> peers;
            std::vector<std::uint16_t> ports;
            for (std::size_t i = 0; i < n; ++i) {
                peers.push_back(
                    std::make_shared<udp_peer>(ioc, st, [&](bool) { finished.fetch_add(1); }));
                ports.push_back(peers.back()->local_port());
                stoppers.emplace_back([p = peers.back()] { p->stop(); });
            }
            udp::endpoint const server(st.endpoint.address(), st.endpoint.port());
            std::vector<std::pair<identity, udp::endpoint>> targets(n, {single, server});
            if (!sip.empty()) {
                auto const colon = sip.rfind(':');
                auto const sip_host = sip.substr(0, colon);
                auto const sip_port = static_cast<std::uint16_t>(std::stoul(sip.substr(colon + 1)));
                calls = bench::invite_all(sip_host, sip_port, st.sip_user, !sip_one_conference,
                                          ports, concurrency, std::chrono::seconds(60));
                sip_seconds = std::chrono::duration<double>(clock_type::now() - t_connect).count();
                rss_negotiated = server_pid ? rss_kb(server_pid) : -1;
                for (std::size_t i = 0; i < n; ++i) {
                    auto const& c = calls[i];
                    targets[i] = {identity{"", c.conference, c.user, c.floor},
                                  udp::endpoint(server.address(), c.bfcp_port)};
                }
                before_stop = [&, sip_host, sip_port] {
                    // The last requests are answered first: a BYE ends the participant, and a
                    // request still queued at the server would get Error 2 (no such user).
                    auto const until = clock_type::now() + std::chrono::seconds(3);
                    while (st.in_flight.load() > 0 && clock_type::now() < until)
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    // The peers read on: the Goodbye each BYE brings is acknowledged.
                    bench::bye_all(sip_host, sip_port, calls, concurrency,
                                   std::chrono::seconds(20));
                    std::this_thread::sleep_for(std::chrono::milliseconds(200));
                };
            }
            for (std::size_t i = 0; i < n; ++i) {
                if (!calls.empty() && !calls[i].established) {
                    st.failed.fetch_add(1);
                    finished.fetch_add(1);
                    continue;
                }
                net::post(ioc, [p = peers[i], t = targets[i]] { p->start(t.first, t.second); });
            }
            sweeping = true;
            auto sweep = std::make_shared<net::steady_timer>(ioc);
            auto tick = std::make_shared<std::function<void(boost::system::error_code)>>();
            *tick = [&, sweep, tick, peers](boost::system::error_code) {
                if (!sweeping.load()) return;
                auto const now = clock_type::now();
                for (auto const& p : peers)
                    p->resend_overdue(now);
                sweep->expires_after(std::chrono::milliseconds(200));
                sweep->async_wait(*tick);
            };
            net::post(ioc, [tick] { (*tick)({}); });
            stoppers.emplace_back([&sweeping, tick] {
                sweeping = false;
                *tick = [](boost::system::error_code) {}; // drops the cycle of shared pointers
            });
        } else {
            if (st.mode == "sip") {
                before_stop = [&] { // the calls under way end with their BYE
                    auto const until = clock_type::now() + std::chrono::seconds(5);
                    while (st.in_flight.load() > 0 && clock_type::now() < until)
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                };
            }
            for (std::size_t i = 0; i < std::min(concurrency, n); ++i)
                launch_next();
        }
        while (finished.load() < n && clock_type::now() - t_connect < std::chrono::seconds(120))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        double const connect_s =
            std::chrono::duration<double>(clock_type::now() - t_connect).count();
        auto const shut_down = [&] {
            st.stopping = true;
            if (before_stop) before_stop();
            for (auto& s : stoppers)
                s();
            guard.reset();
            for (auto& t : pool)
                t.join();
            pool.clear();
        };

        json::object result;
        result["label"] = label;
        result["mode"] = st.idle ? "idle" : st.mode;
        result["transport"] = st.url.udp ? "udp" : st.url.tcp ? "tcp" : st.url.tls ? "wss" : "ws";
        result["connections"] = n;
        result["connected"] = st.connected.load();
        result["failed"] = st.failed.load();
        result["connect_seconds"] = connect_s;
        if (!calls.empty()) result["sip_seconds"] = sip_seconds;

        if (st.idle) {
            std::this_thread::sleep_for(std::chrono::duration<double>(duration));
            if (server_pid) {
                long const rss_after = rss_kb(server_pid);
                result["server_rss_before_kb"] = rss_before;
                result["server_rss_after_kb"] = rss_after;
                if (st.connected.load() > 0)
                    result["server_bytes_per_connection"] =
                        static_cast<double>(rss_after - rss_before) * 1024.0 /
                        static_cast<double>(st.connected.load());
                if (rss_negotiated >= 0 && st.connected.load() > 0) {
                    // Negotiated participants without peers, then the peers alone.
                    result["server_rss_negotiated_kb"] = rss_negotiated;
                    result["server_bytes_per_peer"] =
                        static_cast<double>(rss_after - rss_negotiated) * 1024.0 /
                        static_cast<double>(st.connected.load());
                }
            }
        } else {
            std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
            auto const cpu0 = server_pid ? cpu_of(server_pid) : cpu_times{};
            auto const own0 = cpu_of(static_cast<int>(::getpid()));
            st.measuring = true;
            auto const t0 = clock_type::now();
            if (interval > 0) {
                print_intervals(st, label, t0, duration, interval, server_pid);
            } else {
                std::this_thread::sleep_for(std::chrono::duration<double>(duration));
            }
            st.measuring = false;
            double const secs = std::chrono::duration<double>(clock_type::now() - t0).count();
            if (st.round_trips.load() > 0) {
                // The load generator's own CPU: on a machine it shares with the server, a client
                // that costs more per round trip leaves the server less.
                auto const own1 = cpu_of(static_cast<int>(::getpid()));
                result["client_us_per_round_trip"] =
                    (own1.user + own1.system - own0.user - own0.system) * 1e6 /
                    static_cast<double>(st.round_trips.load());
            }
            if (server_pid && st.round_trips.load() > 0) {
                // The server's CPU over the measured window only (not the set-up).
                auto const cpu1 = cpu_of(server_pid);
                auto const trips = static_cast<double>(st.round_trips.load());
                result["server_rss_kb"] = rss_kb(server_pid);
                result["server_user_us_per_round_trip"] = (cpu1.user - cpu0.user) * 1e6 / trips;
                result["server_system_us_per_round_trip"] =
                    (cpu1.system - cpu0.system) * 1e6 / trips;
            }
            shut_down();
            std::lock_guard l(st.m);
            auto& lat = st.latencies_us;
            result["round_trips"] = st.round_trips.load();
            result["seconds"] = secs;
            result["round_trips_per_second"] = static_cast<double>(st.round_trips.load()) / secs;
            result["p50_us"] = percentile(lat, 0.50);
            result["p99_us"] = percentile(lat, 0.99);
            result["errors"] = st.errors.load();
            if (st.url.udp) result["retransmissions"] = st.retransmissions.load();
            if (st.mode == "sip") result["calls_unfinished"] = st.in_flight.load();
        }
        if (!pool.empty()) shut_down();
        {
            std::lock_guard l(st.m);
            if (!st.first_error.empty()) result["first_error"] = st.first_error;
        }
        std::cout << json::serialize(result) << std::endl;
        return st.connected.load() == n ? 0 : 1;
    } catch (std::exception const& e) {
        std::cerr << "floorctl_loadgen: " << e.what() << "\n";
        return 2;
    }
}
