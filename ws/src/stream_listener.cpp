#include "acceptor_loop.hpp"
#include "stream_session.hpp"

#include <ws/connection_id.hpp>
#include <ws/stream_listener.hpp>

#include <floorctl/framer.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <type_traits>
#include <unordered_map>

namespace ws {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using detail::stream_session;
using detail::stream_shared;

struct stream_listener::impl {
    std::shared_ptr<stream_shared> shared;
    std::shared_ptr<detail::acceptor_loop> acceptor;
};

namespace {

// A connection the acceptor handed over, on the acceptor's strand: admitted (one step, shared
// with the other listeners when the admission is) or closed before any buffer is spent.
void on_socket(std::shared_ptr<stream_shared> const& s, tcp::socket socket)
{
    {
        std::lock_guard lock(s->mutex);
        if (s->stopped) return;
    }
    stream_peer peer;
    peer.conn = allocate_connection_id();
    peer.transport = s->kind;
    error_code ec;
    auto const ep = socket.remote_endpoint(ec);
    if (!ec) {
        peer.remote_address = ep.address().to_string();
        peer.remote_port = ep.port();
    }
    auto admitted = s->admit->admit(peer.remote_address);
    if (admitted.verdict != admission_verdict::admitted) {
        // BFCP has no answer before the first message: the connection is closed.
        s->write_log(log_level::warning,
                     admitted.verdict == admission_verdict::total_exceeded
                         ? "BFCP stream connection limit reached (total); closing"
                         : "BFCP stream connection limit reached (per address); closing",
                     peer.conn, peer.remote_address);
        s->app->on_rejected(peer, std::string{"connection limit: "} + to_string(admitted.verdict));
        error_code ignored;
        socket.close(ignored);
        return;
    }
    s->connections.fetch_add(1, std::memory_order_relaxed);
    if (s->opts.tls) {
        using tls_stream = net::ssl::stream<tcp::socket>;
        std::make_shared<stream_session<tls_stream>>(s, tls_stream(std::move(socket), *s->opts.tls),
                                                     std::move(peer), std::move(admitted.slot))
            ->start();
    } else {
        std::make_shared<stream_session<tcp::socket>>(s, std::move(socket), std::move(peer),
                                                      std::move(admitted.slot))
            ->start();
    }
}

} // namespace

std::shared_ptr<stream_listener> stream_listener::create(net::io_context& ioc,
                                                         stream_listener_options options,
                                                         std::shared_ptr<stream_handler> app,
                                                         log_sink log)
{
    tcp::endpoint const ep(net::ip::make_address(options.address), options.port);
    // A strand per connection, except with one io thread (stream_listener_options).
    auto acceptor = std::make_shared<detail::acceptor_loop>(ioc, ep, options.one_io_thread, log,
                                                            options.tls ? "BFCP TLS listener"
                                                                        : "BFCP TCP listener");
    auto shared = std::make_shared<stream_shared>();
    auto& s = *shared;
    s.kind = options.tls ? floorctl::transport_kind::tls : floorctl::transport_kind::tcp;
    s.reg = options.connections ? options.connections : std::make_shared<registry>();
    s.admit =
        options.admission
            ? options.admission
            : admission::create({options.max_connections, options.max_connections_per_address, 0});
    s.opts = std::move(options);
    s.app = std::move(app);
    s.log = std::move(log);
    return std::shared_ptr<stream_listener>(
        new stream_listener(std::make_unique<impl>(impl{std::move(shared), std::move(acceptor)})));
}

stream_listener::stream_listener(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

stream_listener::~stream_listener() = default;

void stream_listener::run()
{
    impl_->acceptor->start(
        [s = impl_->shared](tcp::socket socket) { on_socket(s, std::move(socket)); });
}

void stream_listener::stop()
{
    std::vector<std::shared_ptr<session_base>> pending;
    {
        auto& s = *impl_->shared;
        std::lock_guard lock(s.mutex);
        s.stopped = true;
        for (auto& [id, w] : s.unbound)
            if (auto p = w.lock()) pending.push_back(std::move(p));
    }
    impl_->acceptor->stop();
    for (auto& p : pending)
        p->close(close_code::going_away, "listener stopped");
}

std::uint16_t stream_listener::port() const noexcept
{
    return impl_->acceptor->local_endpoint().port();
}

registry& stream_listener::connections() noexcept
{
    return *impl_->shared->reg;
}

std::size_t stream_listener::connection_count() const noexcept
{
    return impl_->shared->connections.load(std::memory_order_relaxed);
}

} // namespace ws
