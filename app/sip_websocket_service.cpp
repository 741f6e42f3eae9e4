#include "sip_websocket_service.hpp"

#include "log.hpp"

#include <sip/fault_run.hpp>
#include <sip/stream_reader.hpp>
#include <sip/websocket_alias.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace floorctl::app {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// Largest message sofia may write to a flow before the flow counts as broken.
constexpr std::size_t max_from_sip = 256 * 1024;

/// "198.51.100.7:53124" or "[2001:db8::7]:53124" -> address without brackets and port.
std::pair<std::string, std::uint16_t> split_remote(std::string const& remote)
{
    auto const colon = remote.rfind(':');
    if (colon == std::string::npos) return {remote, 0};
    auto address = remote.substr(0, colon);
    if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    unsigned port = 0;
    for (char const c : remote.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535) return {address, 0};
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    return {address, port > 65535 ? std::uint16_t{0} : static_cast<std::uint16_t>(port)};
}

/// An unguessable name for a connection's aliases (docs/sip-over-websocket.md, §3).
std::string alias_name()
{
    static std::mutex mutex;
    static std::mt19937_64 engine{std::random_device{}()};
    std::lock_guard lock(mutex);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    auto v = engine();
    for (int i = 0; i < 16; ++i, v >>= 4)
        out += hex[v & 0xf];
    return out;
}

std::span<std::byte const> bytes_of(std::string const& s)
{
    return std::as_bytes(std::span{s.data(), s.size()});
}

/// The frame of a SIP message for the client: text when the pure module found it UTF-8
/// (docs/sip-over-websocket.md, §8.1).
ws::message_kind kind_of(bool text) noexcept
{
    return text ? ws::message_kind::text : ws::message_kind::binary;
}

} // namespace

/// One WebSocket client's TCP connection to sofia. Everything runs on its strand.
class sip_websocket_service::flow : public std::enable_shared_from_this<flow> {
public:
    flow(net::io_context& ioc, ws::registry& registry, std::shared_ptr<sip_websocket_peers> peers,
         floorctl::connection_id conn, sip::websocket_peer peer)
        : socket_(net::make_strand(ioc)), registry_(registry), peers_(std::move(peers)),
          conn_(conn), peer_(std::move(peer)), reader_(max_from_sip)
    {
    }

    void start(tcp::endpoint sip)
    {
        net::post(socket_.get_executor(), [self = shared_from_this(), sip] {
            self->socket_.async_connect(
                sip, [self](boost::system::error_code ec) { self->on_connect(ec); });
        });
    }

    /// A WebSocket message from the client (copied: the edge's buffer is only valid during
    /// on_frame).
    void from_client(std::string message)
    {
        net::post(socket_.get_executor(),
                  [self = shared_from_this(), m = std::move(message)]() mutable {
                      if (self->closed_) return;
                      if (!self->connected_) {
                          self->pending_.push_back(std::move(m));
                          return;
                      }
                      self->translate(m);
                  });
    }

    void close()
    {
        net::post(socket_.get_executor(), [self = shared_from_this()] {
            self->closed_ = true;
            boost::system::error_code ignored;
            self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
            self->socket_.close(ignored);
            // The client is gone: its calls end (docs/sip-over-websocket.md, §5). After the
            // flow is closed, so that floorctl's BYE for them cannot go down the flow and wait
            // for an answer that never comes: it fails at once (§5).
            if (self->connected_)
                self->peers_->closed(self->peer_.alias_host, self->peer_.alias_port);
        });
    }

private:
    void on_connect(boost::system::error_code ec)
    {
        if (closed_) return;
        if (ec) {
            log_warn("sip over websocket: cannot reach the SIP side",
                     {.conn = conn_, .extra = {{"error", ec.message()}}});
            registry_.close(conn_, ws::close_code::try_again_later, "SIP side unavailable");
            return;
        }
        boost::system::error_code e;
        auto const local = socket_.local_endpoint(e);
        peer_.alias_host = local.address().to_string();
        peer_.alias_port = local.port();
        peers_->opened(peer_.alias_host, peer_.alias_port,
                       {peer_.address, peer_.port,
                        peer_.transport == sip::websocket_transport::wss
                            ? sip::signalling_transport::wss
                            : sip::signalling_transport::ws});
        connected_ = true;
        do_read();
        for (auto const& m : pending_)
            translate(m);
        pending_.clear();
    }

    void translate(std::string const& message)
    {
        // Beast has already checked text frames for UTF-8 (RFC 6455 §8.1), so the frame type
        // no longer matters here.
        auto const d = sip::from_websocket(message, false, peer_);
        if (faults_.record(d, std::chrono::steady_clock::now())) {
            log_warn("sip over websocket: too many bad messages in a row; closing",
                     {.conn = conn_, .extra = {{"faults", std::to_string(faults_.count())}}});
            registry_.close(conn_, ws::close_code::policy_violation, "too many bad SIP messages");
            return;
        }
        if (auto const* f = std::get_if<sip::forward_to_sip>(&d)) {
            write(f->bytes);
        } else if (auto const* a = std::get_if<sip::answer_client>(&d)) {
            if (a->message != "\r\n") {
                log_info("sip over websocket: answered at the edge",
                         {.conn = conn_,
                          .extra = {{"status", a->message.substr(0, a->message.find('\r'))}}});
            }
            registry_.send(conn_, bytes_of(a->message), kind_of(a->text));
        } else if (auto const* c = std::get_if<sip::close_client>(&d)) {
            log_info("sip over websocket: closing",
                     {.conn = conn_, .extra = {{"reason", c->reason}}});
            registry_.close(conn_, static_cast<ws::close_code>(c->code), c->reason);
        } else if (auto const* m = std::get_if<sip::drop_message>(&d)) {
            log_debug("sip over websocket: dropped",
                      {.conn = conn_, .extra = {{"reason", m->reason}}});
        }
    }

    void write(std::string bytes)
    {
        writes_.push_back(std::move(bytes));
        if (writes_.size() == 1) do_write();
    }

    void do_write()
    {
        net::async_write(socket_, net::buffer(writes_.front()),
                         [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             if (ec) return self->fail("write", ec);
                             self->writes_.pop_front();
                             if (!self->writes_.empty()) self->do_write();
                         });
    }

    void do_read()
    {
        socket_.async_read_some(
            net::buffer(buffer_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (ec) return self->fail("read", ec);
                self->reader_.append(std::string_view(self->buffer_.data(), n));
                for (;;) {
                    auto item = self->reader_.next();
                    if (item.what == sip::stream_item::kind::need_more) break;
                    if (item.what == sip::stream_item::kind::broken) {
                        log_warn("sip over websocket: stream from the SIP side broken",
                                 {.conn = self->conn_, .extra = {{"reason", item.reason}}});
                        self->registry_.close(self->conn_, ws::close_code::internal_error,
                                              "SIP side stream broken");
                        return;
                    }
                    self->to_client(item.message);
                }
                self->do_read();
            });
    }

    void to_client(std::string const& message)
    {
        auto const d = sip::to_websocket(message, peer_);
        if (auto const* s = std::get_if<sip::send_to_client>(&d)) {
            registry_.send(conn_, bytes_of(s->message), kind_of(s->text));
        } else if (auto const* a = std::get_if<sip::answer_sip>(&d)) {
            write(a->bytes);
        } else if (auto const* m = std::get_if<sip::drop_message>(&d)) {
            log_warn("sip over websocket: dropped a message from the SIP side",
                     {.conn = conn_, .extra = {{"reason", m->reason}}});
        }
    }

    void fail(char const* what, boost::system::error_code ec)
    {
        if (closed_) return;
        closed_ = true;
        log_info("sip over websocket: flow to the SIP side ended",
                 {.conn = conn_, .extra = {{"op", what}, {"error", ec.message()}}});
        registry_.close(conn_, ws::close_code::internal_error, "SIP side closed");
    }

    tcp::socket socket_;
    ws::registry& registry_;
    std::shared_ptr<sip_websocket_peers> peers_;
    floorctl::connection_id conn_;
    sip::websocket_peer peer_;
    sip::stream_reader reader_;
    sip::fault_run faults_;
    std::array<char, 16 * 1024> buffer_{};
    std::vector<std::string> pending_;
    std::deque<std::string> writes_;
    bool connected_ = false;
    bool closed_ = false;
};

sip_websocket_service::sip_websocket_service(net::io_context& ioc) : ioc_(ioc) {}

sip_websocket_service::~sip_websocket_service() = default;

void sip_websocket_service::set_registry(ws::registry& registry) noexcept
{
    registry_.store(&registry);
}

void sip_websocket_service::set_sip_endpoint(tcp::endpoint endpoint)
{
    std::lock_guard lock(mutex_);
    sip_ = endpoint;
}

ws::auth_result sip_websocket_service::authenticate(std::string const&, ws::http_request const&,
                                                    ws::request_context const&)
{
    // SIP authenticates callers itself (digest, sofia's auth module); the edge only needs the
    // SIP side to be there.
    std::lock_guard lock(mutex_);
    if (!sip_ || registry_.load() == nullptr)
        return ws::auth_denial{ws::http_status::service_unavailable, "SIP side not running"};
    return ws::binding{};
}

void sip_websocket_service::on_open(floorctl::connection_id conn, ws::binding const&,
                                    floorctl::transport_kind transport, std::string const& remote)
{
    auto* registry = registry_.load();
    std::optional<tcp::endpoint> sip;
    {
        std::lock_guard lock(mutex_);
        sip = sip_;
    }
    if (registry == nullptr || !sip) return;
    sip::websocket_peer peer;
    peer.transport = transport == floorctl::transport_kind::wss ? sip::websocket_transport::wss
                                                                : sip::websocket_transport::ws;
    std::tie(peer.address, peer.port) = split_remote(remote);
    peer.connection = alias_name();
    auto f = std::make_shared<flow>(ioc_, *registry, peers_, conn, std::move(peer));
    {
        std::lock_guard lock(mutex_);
        flows_[conn] = f;
    }
    f->start(*sip);
}

void sip_websocket_service::on_frame(floorctl::connection_id conn, std::span<std::byte const> frame)
{
    std::shared_ptr<flow> f;
    {
        std::lock_guard lock(mutex_);
        auto const it = flows_.find(conn);
        if (it == flows_.end()) return;
        f = it->second;
    }
    f->from_client(std::string(reinterpret_cast<char const*>(frame.data()), frame.size()));
}

void sip_websocket_service::on_close(floorctl::connection_id conn, ws::close_info const&)
{
    std::shared_ptr<flow> f;
    {
        std::lock_guard lock(mutex_);
        auto const it = flows_.find(conn);
        if (it == flows_.end()) return;
        f = std::move(it->second);
        flows_.erase(it);
    }
    // Closing the flow is what makes sofia's requests for this client's dialogs fail at once
    // (docs/sip-over-websocket.md, §5).
    f->close();
}

} // namespace floorctl::app
