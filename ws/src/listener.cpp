#include <ws/connection_id.hpp>
#include <ws/listener.hpp>

#include "acceptor_loop.hpp"
#include "http_session.hpp"
#include "shared_state.hpp"
#include "websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include <stdexcept>

namespace ws {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using detail::conn_info;
using detail::conn_slot;
using detail::shared_state;

// First stage of every connection: tell a TLS ClientHello from plain HTTP on the same port
// (advanced_server_flex). Strand-confined.
class detect_session : public detail::stoppable,
                       public std::enable_shared_from_this<detect_session> {
public:
    /// `refusing`: the connection is over max_connections and is only answered 503.
    detect_session(tcp::socket&& socket, std::shared_ptr<shared_state> st, conn_info info,
                   conn_slot slot, bool refusing)
        : ex_(socket.get_executor()), stream_(std::move(socket)), st_(std::move(st)),
          info_(std::move(info)), slot_(std::move(slot)), refusing_(refusing)
    {
    }

    ~detect_session() override { st_->remove_pending(info_.id, this); }

    void run()
    {
        st_->add_pending(info_.id, this, weak_from_this());
        net::dispatch(ex_, [self = shared_from_this()] {
            if (self->st_->stopped.load()) return;
            self->stream_.expires_after(self->st_->opts.handshake_timeout);
            beast::async_detect_ssl(self->stream_, self->buffer_,
                                    beast::bind_front_handler(&detect_session::on_detect, self));
        });
    }

    void stop() override
    {
        net::post(ex_, [self = shared_from_this()] {
            if (!self->handed_over_) self->stream_.close();
        });
    }

private:
    void on_detect(beast::error_code ec, bool tls)
    {
        std::string const remote = info_.remote();
        if (ec) {
            if (ec == beast::error::timeout) {
                st_->log(log_level::warning, "handshake timeout: nothing received",
                         log_fields{info_.id, {}, {}, remote, {}});
                st_->app->on_handshake_rejected(upgrade_failure::timeout,
                                                http_status::request_timeout, info_.context(false));
            }
            return;
        }
        if (tls) {
            if (!st_->opts.tls) {
                st_->log(log_level::warning, "TLS offered but no certificate configured; closing",
                         log_fields{info_.id, {}, {}, remote, {}});
                return;
            }
            handed_over_ = true;
            std::make_shared<detail::http_session<beast::ssl_stream<beast::tcp_stream>>>(
                std::move(stream_), *st_->opts.tls, std::move(buffer_), st_, info_,
                std::move(slot_), refusing_)
                ->run();
            return;
        }
        if (!st_->opts.allow_plain) {
            st_->log(log_level::warning, "plain connection refused (TLS required); closing",
                     log_fields{info_.id, {}, {}, remote, {}});
            return;
        }
        handed_over_ = true;
        std::make_shared<detail::http_session<beast::tcp_stream>>(
            std::move(stream_), std::move(buffer_), st_, info_, std::move(slot_), refusing_)
            ->run();
    }

    net::any_io_executor ex_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<shared_state> st_;
    conn_info info_;
    conn_slot slot_;
    bool const refusing_;
    bool handed_over_ = false;
};

// A connection the acceptor handed over, on the acceptor's strand: admitted, answered 503 (over
// max_connections, while refusals in flight are few) or closed.
void on_socket(std::shared_ptr<shared_state> const& st, tcp::socket socket)
{
    if (st->stopped.load()) return;
    beast::error_code ep_ec;
    auto const ep = socket.remote_endpoint(ep_ec);
    conn_info info{allocate_connection_id(), ep_ec ? std::string{"?"} : ep.address().to_string(),
                   ep_ec ? std::uint16_t{0} : ep.port()};
    auto admitted = st->admit->admit(info.address);
    if (admitted.verdict == admission_verdict::admitted) {
        std::make_shared<detect_session>(std::move(socket), st, info, std::move(admitted.slot),
                                         false)
            ->run();
        return;
    }
    bool const total = admitted.verdict == admission_verdict::total_exceeded;
    st->app->on_handshake_rejected(upgrade_failure::limit_exceeded,
                                   http_status::service_unavailable, info.context(false));
    // Over the total: answered 503 while few such answers are in flight (they hold a socket
    // each); over the per-address limit, or beyond that: closed before any byte is read, since
    // answering would cost what the limit protects.
    if (auto refusal = total ? st->admit->refusal() : conn_slot{}) {
        st->log(log_level::warning, "connection limit reached (total); answering 503",
                log_fields{info.id, {}, {}, info.remote(), {}});
        std::make_shared<detect_session>(std::move(socket), st, info, std::move(refusal), true)
            ->run();
        return;
    }
    st->log(log_level::warning,
            total ? "connection limit reached (total); closing"
                  : "connection limit reached (per address); closing",
            log_fields{info.id, {}, {}, info.remote(), {}});
    beast::error_code ignored;
    socket.close(ignored);
}

} // namespace

struct listener::impl {
    std::shared_ptr<shared_state> st;
    std::shared_ptr<detail::acceptor_loop> acceptor;
};

listener::listener(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
listener::~listener() = default;

std::shared_ptr<listener> listener::create(net::io_context& ioc, listener_options options,
                                           std::shared_ptr<handler> app, log_sink log)
{
    if (!app) throw std::invalid_argument("ws::listener: no handler");
    if (!options.tls && !options.allow_plain)
        throw std::invalid_argument("ws::listener: plain disabled and no TLS certificate");
    if (options.upgrade.path.empty() || options.upgrade.path.front() != '/')
        throw std::invalid_argument("ws::listener: WebSocket path must start with '/'");
    for (std::size_t i = 0; i < options.services.size(); ++i) {
        auto const& e = options.services[i];
        if (!e.handler || e.route.name.empty())
            throw std::invalid_argument("ws::listener: a service needs a handler and a name");
        if (e.route.path.empty() || e.route.path.front() != '/')
            throw std::invalid_argument("ws::listener: service path must start with '/'");
        auto const same = [&](subprotocol_route const& r) {
            return r.path == e.route.path && beast::iequals(r.name, e.route.name);
        };
        bool dup = same(bfcp_route(options.upgrade.path));
        for (std::size_t j = 0; j < i; ++j)
            dup = dup || same(options.services[j].route);
        if (dup)
            throw std::invalid_argument("ws::listener: two services named " + e.route.name +
                                        " at " + e.route.path);
    }
    tcp::endpoint const ep{net::ip::make_address(options.address), options.port};
    bool const one_io_thread = options.one_io_thread;
    auto st = std::make_shared<shared_state>(std::move(options), std::move(app), std::move(log));
    // Each connection gets its own strand: its handlers never run concurrently
    // (docs/architecture.md, "Threads and strands").
    // With one io thread they cannot anyway, and the io_context's executor is used directly.
    auto acceptor =
        std::make_shared<detail::acceptor_loop>(ioc, ep, one_io_thread, st->sink, "listener");
    auto const bound = acceptor->local_endpoint();
    st->log(log_level::info,
            "listening on " + bound.address().to_string() + ":" + std::to_string(bound.port()) +
                (st->opts.tls ? " (TLS" : " (no TLS") +
                (st->opts.allow_plain ? ", plain)" : ", plain refused)"),
            {});
    return std::shared_ptr<listener>(
        new listener(std::make_unique<impl>(impl{std::move(st), std::move(acceptor)})));
}

void listener::run()
{
    impl_->acceptor->start(
        [st = impl_->st](tcp::socket socket) { on_socket(st, std::move(socket)); });
}

void listener::stop()
{
    auto& st = impl_->st;
    if (st->stopped.exchange(true)) return;
    impl_->acceptor->stop();
    st->stop_pending();
    st->log(log_level::info, "listener stopped", {});
}

std::uint16_t listener::port() const noexcept
{
    return impl_->acceptor->local_endpoint().port();
}
tcp::endpoint listener::local_endpoint() const
{
    return impl_->acceptor->local_endpoint();
}
registry& listener::connections() noexcept
{
    return *impl_->st->reg;
}
std::shared_ptr<registry> listener::connections_ptr() const noexcept
{
    return impl_->st->reg;
}
std::size_t listener::tcp_connection_count() const noexcept
{
    return impl_->st->admit->count();
}

} // namespace ws
