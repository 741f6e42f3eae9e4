#include "turn_websocket_service.hpp"

#include "log.hpp"

#include <turn/framing.hpp>

#include <string>

namespace floorctl::app {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// Bytes a flow may hold for the TURN server before it counts as not keeping up: a few of the
/// largest messages.
constexpr std::size_t max_queued_to_server = 8 * turn::largest_message;

void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept
{
    counter.fetch_add(n, std::memory_order_relaxed);
}

} // namespace

struct turn_websocket_service::tally {
    std::atomic<std::uint64_t> open{0};
    std::atomic<std::uint64_t> opened{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> unreachable{0};
    std::atomic<std::uint64_t> malformed{0};
    std::atomic<std::uint64_t> messages_in{0};
    std::atomic<std::uint64_t> messages_out{0};
    std::atomic<std::uint64_t> bytes_in{0};
    std::atomic<std::uint64_t> bytes_out{0};
};

/// One WebSocket client's TCP connection to the TURN server: the shared flow, with TURN's
/// framing towards the client.
class turn_websocket_service::flow final : public websocket_tcp_flow {
public:
    flow(net::io_context& ioc, ws::registry& registry, floorctl::connection_id conn,
         std::shared_ptr<tally> counts)
        : websocket_tcp_flow(ioc, registry, conn, max_queued_to_server), tally_(std::move(counts))
    {
    }

private:
    void on_connected(tcp::endpoint const&) override
    {
        log_debug("turn over websocket: connected to the TURN server", {.conn = conn_});
    }

    void on_unreachable(boost::system::error_code ec) override
    {
        add(tally_->unreachable);
        log_warn("turn over websocket: cannot reach the TURN server",
                 {.conn = conn_, .extra = {{"error", ec.message()}}});
        registry_.close(conn_, ws::close_code::internal_error, "TURN server unreachable");
    }

    void on_client_message(std::string& message) override
    {
        // Checked and padded on the client's strand (turn_websocket_service::on_frame).
        write(std::move(message));
    }

    bool on_server_bytes(std::span<char const> bytes) override
    {
        cutter_.append(std::as_bytes(bytes));
        for (;;) {
            auto const item = cutter_.next();
            if (item.what == turn::cut_item::kind::need_more) return true;
            if (item.what == turn::cut_item::kind::broken) {
                log_warn("turn over websocket: stream from the TURN server broken",
                         {.conn = conn_, .extra = {{"reason", std::string(item.reason)}}});
                registry_.close(conn_, ws::close_code::internal_error, "TURN server stream broken");
                return false;
            }
            add(tally_->messages_out);
            add(tally_->bytes_out, item.message.size());
            registry_.send(conn_, item.message);
        }
    }

    void on_ended(char const* op, boost::system::error_code ec) override
    {
        log_info("turn over websocket: connection to the TURN server ended",
                 {.conn = conn_, .extra = {{"op", op}, {"error", ec.message()}}});
        registry_.close(conn_, ws::close_code::internal_error, "TURN server closed");
    }

    std::shared_ptr<tally> tally_;
    turn::stream_cutter cutter_;
};

turn_websocket_service::turn_websocket_service(net::io_context& ioc, tcp::endpoint server,
                                               std::uint32_t max_connections)
    : ioc_(ioc), server_(server), max_connections_(max_connections),
      tally_(std::make_shared<tally>())
{
}

turn_websocket_service::~turn_websocket_service() = default;

void turn_websocket_service::set_registry(ws::registry& registry) noexcept
{
    registry_.store(&registry);
}

turn_relay_counters turn_websocket_service::counters() const noexcept
{
    auto const get = [](std::atomic<std::uint64_t> const& a) {
        return a.load(std::memory_order_relaxed);
    };
    auto const& t = *tally_;
    return {.connections = get(t.open),
            .connections_opened = get(t.opened),
            .refused = get(t.refused),
            .unreachable = get(t.unreachable),
            .malformed = get(t.malformed),
            .messages_in = get(t.messages_in),
            .messages_out = get(t.messages_out),
            .bytes_in = get(t.bytes_in),
            .bytes_out = get(t.bytes_out)};
}

ws::auth_result turn_websocket_service::authenticate(std::string const&, ws::http_request const&,
                                                     ws::request_context const& ctx)
{
    // The TURN server authenticates (long-term credentials, docs/turn.md "Credentials"); the
    // edge only bounds how many relayed connections it carries.
    if (registry_.load() == nullptr)
        return ws::auth_denial{ws::http_status::service_unavailable, "TURN relay not running"};
    if (tally_->open.load(std::memory_order_relaxed) >= max_connections_) {
        add(tally_->refused);
        log_warn(
            "turn over websocket: connection limit reached; refused",
            {.conn = ctx.conn, .extra = {{"max_connections", std::to_string(max_connections_)}}});
        return ws::auth_denial{ws::http_status::service_unavailable,
                               "TURN connections at their limit"};
    }
    return ws::binding{};
}

void turn_websocket_service::on_open(floorctl::connection_id conn, ws::binding const&,
                                     floorctl::transport_kind, std::string const& remote)
{
    auto* registry = registry_.load();
    if (registry == nullptr) return;
    add(tally_->open);
    add(tally_->opened);
    log_info("turn over websocket: client connected",
             {.conn = conn, .extra = {{"remote", remote}}});
    auto f = std::make_shared<flow>(ioc_, *registry, conn, tally_);
    flows_.add(conn, f);
    f->start(server_);
}

void turn_websocket_service::on_frame(floorctl::connection_id conn,
                                      std::span<std::byte const> frame)
{
    auto const f = flows_.find(conn);
    if (!f) return;
    auto const checked = turn::check_client_message(frame);
    if (auto const* bad = std::get_if<turn::malformed>(&checked)) {
        add(tally_->malformed);
        log_info("turn over websocket: not one TURN message; closing",
                 {.conn = conn,
                  .extra = {{"reason", turn::to_string(*bad)},
                            {"bytes", std::to_string(frame.size())}}});
        if (auto* registry = registry_.load())
            registry->close(conn, ws::close_code::protocol_error,
                            std::string("not one TURN message: ") + turn::to_string(*bad));
        return;
    }
    auto const padding = std::get<turn::checked_message>(checked).padding;
    add(tally_->messages_in);
    add(tally_->bytes_in, frame.size());
    std::string message(reinterpret_cast<char const*>(frame.data()), frame.size());
    message.append(padding, '\0');
    f->from_client(std::move(message));
}

void turn_websocket_service::on_close(floorctl::connection_id conn, ws::close_info const&)
{
    auto const f = flows_.take(conn);
    if (!f) return;
    tally_->open.fetch_sub(1, std::memory_order_relaxed);
    f->close();
}

} // namespace floorctl::app
