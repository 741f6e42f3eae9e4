#include "sip_websocket_service.hpp"

#include "log.hpp"

#include <sip/fault_run.hpp>
#include <sip/stream_reader.hpp>
#include <sip/websocket_alias.hpp>

#include <chrono>
#include <random>
#include <string>

namespace floorctl::app {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// Largest message sofia may write to a flow before the flow counts as broken.
constexpr std::size_t max_from_sip = 256 * 1024;
/// Bytes a flow may hold for sofia before the client counts as flooding it.
constexpr std::size_t max_queued_to_sip = 4 * 1024 * 1024;

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

/// One WebSocket client's TCP connection to sofia: the shared flow, with SIP's rewriting.
class sip_websocket_service::flow final : public websocket_tcp_flow {
public:
    flow(net::io_context& ioc, ws::registry& registry, std::shared_ptr<sip_websocket_peers> peers,
         floorctl::connection_id conn, sip::websocket_peer peer,
         std::chrono::milliseconds keep_alive_every)
        : websocket_tcp_flow(ioc, registry, conn, max_queued_to_sip), peers_(std::move(peers)),
          peer_(std::move(peer)), reader_(max_from_sip)
    {
        // sofia closes a connection that carries nothing for its idle timeout, dialog or not,
        // and the client's own keep-alives stop at the edge: without this a quiet call would
        // lose its flow, then its WebSocket and its dialogs (docs/sip-over-websocket.md,
        // "Long-lived flows").
        keep_alive(keep_alive_every, std::string(sip::flow_keep_alive));
    }

private:
    void on_closed(bool was_connected) override
    {
        // The client is gone: its calls end (docs/sip-over-websocket.md, §5). After the flow is
        // closed, so that floorctl's BYE for them cannot go down the flow and wait for an
        // answer that never comes: it fails at once (§5).
        if (was_connected) peers_->closed(peer_.alias_host, peer_.alias_port);
    }

    void on_unreachable(boost::system::error_code ec) override
    {
        log_warn("sip over websocket: cannot reach the SIP side",
                 {.conn = conn_, .extra = {{"error", ec.message()}}});
        registry_.close(conn_, ws::close_code::try_again_later, "SIP side unavailable");
    }

    void on_connected(tcp::endpoint const& local) override
    {
        peer_.alias_host = local.address().to_string();
        peer_.alias_port = local.port();
        peers_->opened(peer_.alias_host, peer_.alias_port,
                       {peer_.address, peer_.port,
                        peer_.transport == sip::websocket_transport::wss
                            ? sip::signalling_transport::wss
                            : sip::signalling_transport::ws});
    }

    void on_client_message(std::string& message) override
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

    bool on_server_bytes(std::span<char const> bytes) override
    {
        reader_.append(std::string_view(bytes.data(), bytes.size()));
        for (;;) {
            auto item = reader_.next();
            if (item.what == sip::stream_item::kind::need_more) return true;
            if (item.what == sip::stream_item::kind::broken) {
                log_warn("sip over websocket: stream from the SIP side broken",
                         {.conn = conn_, .extra = {{"reason", item.reason}}});
                registry_.close(conn_, ws::close_code::internal_error, "SIP side stream broken");
                return false;
            }
            to_client(item.message);
        }
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

    void on_ended(char const* op, boost::system::error_code ec) override
    {
        log_info("sip over websocket: flow to the SIP side ended",
                 {.conn = conn_, .extra = {{"op", op}, {"error", ec.message()}}});
        registry_.close(conn_, ws::close_code::internal_error, "SIP side closed");
    }

    std::shared_ptr<sip_websocket_peers> peers_;
    sip::websocket_peer peer_;
    sip::stream_reader reader_;
    sip::fault_run faults_;
};

sip_websocket_service::sip_websocket_service(net::io_context& ioc) : ioc_(ioc) {}

sip_websocket_service::~sip_websocket_service() = default;

void sip_websocket_service::set_registry(ws::registry& registry) noexcept
{
    registry_.store(&registry);
}

void sip_websocket_service::set_sip_endpoint(tcp::endpoint endpoint,
                                             std::chrono::milliseconds keep_alive_every)
{
    std::lock_guard lock(mutex_);
    sip_ = endpoint;
    keep_alive_every_ = keep_alive_every;
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
    std::chrono::milliseconds keep_alive_every{0};
    {
        std::lock_guard lock(mutex_);
        sip = sip_;
        keep_alive_every = keep_alive_every_;
    }
    if (registry == nullptr || !sip) return;
    sip::websocket_peer peer;
    peer.transport = transport == floorctl::transport_kind::wss ? sip::websocket_transport::wss
                                                                : sip::websocket_transport::ws;
    std::tie(peer.address, peer.port) = split_remote(remote);
    peer.connection = alias_name();
    auto f =
        std::make_shared<flow>(ioc_, *registry, peers_, conn, std::move(peer), keep_alive_every);
    flows_.add(conn, f);
    f->start(*sip);
}

void sip_websocket_service::on_frame(floorctl::connection_id conn, std::span<std::byte const> frame)
{
    auto const f = flows_.find(conn);
    if (!f) return;
    f->from_client(std::string(reinterpret_cast<char const*>(frame.data()), frame.size()));
}

void sip_websocket_service::on_close(floorctl::connection_id conn, ws::close_info const&)
{
    auto const f = flows_.take(conn);
    if (!f) return;
    // Closing the flow is what makes sofia's requests for this client's dialogs fail at once
    // (docs/sip-over-websocket.md, §5).
    f->close();
}

} // namespace floorctl::app
