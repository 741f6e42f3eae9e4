// Bare Boost.Beast WebSocket echo server, the baseline for the load benchmark. It mirrors the
// settings of ws::listener (one port, TLS detected per connection, RFC 9325 TLS policy,
// read_message_max, no permessage-deflate, no auto-fragmentation, keep-alive pings, and the same
// executor choice: a strand per connection, or with one thread the io_context's executor) but
// has no HTTP surface, no authentication, no registry and no core: the cost difference is what
// floorctl adds.
//
//   floorctl_echo_server [--address A] [--port P] [--threads N] [--strand] [--no-keepalive]
//   floorctl_echo_server --udp [--address A] [--port P]
// --udp: a bare UDP echo instead, the baseline for BFCP over UDP: one socket on one thread,
// like one datagram listener of floorctl (one receive buffer of 65,535 octets, SO_RCVBUF 4 MiB,
// each datagram sent back to its source at once from the receive handler, non-blocking).
// --strand: a strand per connection even with one thread (as Beast's example servers do; the
// baseline of the measurements before floorctl dropped the strand at one io thread).
// Keep-alive is Beast's own (timeout::idle_timeout 60 s with pings), which re-arms a timer on
// every read; floorctl's session counts messages and checks on one timer instead.
// --no-keepalive turns it off, for a baseline with no keep-alive cost at all.
// Prints "PORT <port>" on stdout once listening; runs until SIGINT/SIGTERM.

#include <ws/close.hpp>
#include <ws/tls.hpp>

#include <floorctl/message.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// --no-keepalive: no idle timeout and no pings (Beast re-arms that timer on every read).
bool keepalive = true;

template <class Stream>
class echo_session : public std::enable_shared_from_this<echo_session<Stream>> {
public:
    explicit echo_session(Stream&& s) : ws_(std::move(s)) {}

    void run(http::request<http::string_body> req)
    {
        beast::get_lowest_layer(ws_).expires_never();
        auto t = websocket::stream_base::timeout::suggested(beast::role_type::server);
        t.idle_timeout = keepalive ? std::chrono::steady_clock::duration{std::chrono::seconds(60)}
                                   : websocket::stream_base::none(); // ws::listener default
        t.keep_alive_pings = keepalive;
        ws_.set_option(t);
        std::string proto{req[http::field::sec_websocket_protocol]};
        ws_.set_option(websocket::stream_base::decorator([proto](websocket::response_type& res) {
            if (!proto.empty()) res.set(http::field::sec_websocket_protocol, proto);
        }));
        ws_.read_message_max(floorctl::max_message_size);
        ws_.auto_fragment(false);
        ws_.binary(true);
        ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->do_read();
        });
    }

private:
    void do_read()
    {
        buf_.clear();
        ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->ws_.async_write(self->buf_.cdata(), [self](beast::error_code e, std::size_t) {
                if (!e) self->do_read();
            });
        });
    }

    websocket::stream<Stream> ws_;
    beast::flat_buffer buf_;
};

template <class Stream> class http_stage : public std::enable_shared_from_this<http_stage<Stream>> {
public:
    template <class... Args>
    explicit http_stage(beast::flat_buffer&& b, Args&&... args)
        : stream_(std::forward<Args>(args)...), buf_(std::move(b))
    {
    }

    void run()
    {
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            // `used` has a default: Boost 1.81 checks the buffered-handshake handler against
            // void(error_code) although it calls it with (error_code, size_t).
            stream_.async_handshake(
                ssl::stream_base::server, buf_.data(),
                [self = this->shared_from_this()](beast::error_code ec, std::size_t used = 0) {
                    if (ec) return;
                    self->buf_.consume(used);
                    self->do_read();
                });
        } else {
            do_read();
        }
    }

private:
    void do_read()
    {
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        http::async_read(stream_, buf_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec || !websocket::is_upgrade(self->parser_->get())) return;
                             std::make_shared<echo_session<Stream>>(std::move(self->stream_))
                                 ->run(self->parser_->release());
                         });
    }

    Stream stream_;
    beast::flat_buffer buf_;
    std::optional<http::request_parser<http::string_body>> parser_;
};

class detector : public std::enable_shared_from_this<detector> {
public:
    detector(tcp::socket&& s, ssl::context& ctx) : stream_(std::move(s)), ctx_(ctx) {}

    void run()
    {
        stream_.expires_after(std::chrono::seconds(10));
        beast::async_detect_ssl(
            stream_, buf_, [self = shared_from_this()](beast::error_code ec, bool tls) {
                if (ec) return;
                if (tls)
                    std::make_shared<http_stage<beast::ssl_stream<beast::tcp_stream>>>(
                        std::move(self->buf_), std::move(self->stream_), self->ctx_)
                        ->run();
                else
                    std::make_shared<http_stage<beast::tcp_stream>>(std::move(self->buf_),
                                                                    std::move(self->stream_))
                        ->run();
            });
    }

private:
    beast::tcp_stream stream_;
    ssl::context& ctx_;
    beast::flat_buffer buf_;
};

void do_accept(net::io_context& ioc, tcp::acceptor& acc, ssl::context& ctx, bool strand)
{
    auto ex = strand ? net::any_io_executor(net::make_strand(ioc))
                     : net::any_io_executor(ioc.get_executor());
    acc.async_accept(std::move(ex), [&, strand](beast::error_code ec, tcp::socket s) {
        if (ec == net::error::operation_aborted) return;
        if (!ec) std::make_shared<detector>(std::move(s), ctx)->run();
        do_accept(ioc, acc, ctx, strand);
    });
}

/// The UDP echo: receive any datagram, send it back to its source.
class udp_echo {
public:
    udp_echo(net::io_context& ioc, net::ip::udp::endpoint const& ep) : socket_(ioc, ep)
    {
        socket_.non_blocking(true);
        // As ws::datagram_listener_options::receive_buffer_bytes (capped by net.core.rmem_max).
        socket_.set_option(net::socket_base::receive_buffer_size(4 * 1024 * 1024));
    }

    std::uint16_t port() const { return socket_.local_endpoint().port(); }

    void receive()
    {
        socket_.async_receive_from(
            net::buffer(buf_), from_, [this](beast::error_code ec, std::size_t n) {
                if (ec == net::error::operation_aborted) return;
                if (!ec) {
                    beast::error_code e; // a full buffer drops it
                    socket_.send_to(net::buffer(buf_.data(), n), from_, 0, e);
                }
                receive();
            });
    }

private:
    net::ip::udp::socket socket_;
    net::ip::udp::endpoint from_;
    std::array<char, 65'535> buf_{};
};

} // namespace

int main(int argc, char** argv)
{
    std::string address = "127.0.0.1";
    unsigned short port = 0;
    int threads = 1;
    bool force_strand = false;
    bool udp = false;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--address")
            address = next();
        else if (a == "--port")
            port = static_cast<unsigned short>(std::stoi(next()));
        else if (a == "--threads")
            threads = std::stoi(next());
        else if (a == "--strand")
            force_strand = true;
        else if (a == "--no-keepalive")
            keepalive = false;
        else if (a == "--udp")
            udp = true;
        else {
            std::cerr << "usage: floorctl_echo_server [--address A] [--port P] [--threads N] "
                         "[--strand] [--no-keepalive] [--udp]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    if (udp) {
        net::io_context ioc{1};
        udp_echo echo(ioc, {net::ip::make_address(address), port});
        std::cout << "PORT " << echo.port() << std::endl;
        net::signal_set signals{ioc, SIGINT, SIGTERM};
        signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
        echo.receive();
        ioc.run();
        return 0;
    }
    auto ctx = ws::make_server_context(ws::make_self_signed());
    net::io_context ioc{threads};
    tcp::acceptor acc{ioc};
    tcp::endpoint const ep{net::ip::make_address(address), port};
    acc.open(ep.protocol());
    acc.set_option(net::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(net::socket_base::max_listen_connections);
    std::cout << "PORT " << acc.local_endpoint().port() << std::endl;
    net::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    do_accept(ioc, acc, *ctx, force_strand || threads > 1);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
    return 0;
}
