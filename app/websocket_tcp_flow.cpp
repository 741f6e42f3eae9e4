#include "websocket_tcp_flow.hpp"

#include "log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

namespace floorctl::app {

namespace net = boost::asio;
using tcp = net::ip::tcp;

websocket_tcp_flow::websocket_tcp_flow(net::io_context& ioc, ws::registry& registry,
                                       floorctl::connection_id conn, std::size_t max_queued_bytes)
    : registry_(registry), conn_(conn), socket_(net::make_strand(ioc)),
      keep_alive_timer_(socket_.get_executor()), max_queued_(max_queued_bytes)
{
}

void websocket_tcp_flow::start(tcp::endpoint server)
{
    net::post(socket_.get_executor(), [self = shared_from_this(), server] {
        self->socket_.async_connect(server,
                                    [self](boost::system::error_code ec) { self->on_connect(ec); });
    });
}

void websocket_tcp_flow::from_client(std::string message)
{
    net::post(socket_.get_executor(),
              [self = shared_from_this(), m = std::move(message)]() mutable {
                  if (self->closed_) return;
                  if (!self->connected_) {
                      if (self->over_bound(m.size())) return;
                      self->queued_ += m.size();
                      self->pending_.push_back(std::move(m));
                      return;
                  }
                  self->on_client_message(m);
              });
}

void websocket_tcp_flow::keep_alive(std::chrono::milliseconds every, std::string ping)
{
    keep_alive_every_ = every;
    keep_alive_ping_ = std::move(ping);
}

void websocket_tcp_flow::close()
{
    net::post(socket_.get_executor(), [self = shared_from_this()] {
        self->closed_ = true;
        self->stop_keep_alive();
        boost::system::error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
        self->socket_.close(ignored);
        self->on_closed(self->connected_);
    });
}

void websocket_tcp_flow::on_closed(bool) {}

void websocket_tcp_flow::on_connect(boost::system::error_code ec)
{
    if (closed_) return;
    if (ec) {
        closed_ = true;
        return on_unreachable(ec);
    }
    boost::system::error_code e;
    // Each message is written as soon as it is complete, and a client often sends two in a row
    // (SIP's ACK then BYE): with Nagle the second waited for the server's delayed ACK, ≈ 40 ms
    // (docs/performance.md, "SIP over WebSocket against SIP over TCP").
    socket_.set_option(tcp::no_delay(true), e);
    auto const local = socket_.local_endpoint(e);
    on_connected(local);
    connected_ = true;
    do_read();
    if (keep_alive_every_.count() > 0) do_keep_alive();
    auto pending = std::move(pending_);
    pending_.clear();
    queued_ = 0;
    for (auto& m : pending) {
        if (closed_) break;
        on_client_message(m);
    }
}

bool websocket_tcp_flow::over_bound(std::size_t adding)
{
    if (queued_ + adding <= max_queued_) return false;
    closed_ = true;
    log_warn("websocket flow: the server does not keep up; closing",
             {.conn = conn_, .extra = {{"queued_bytes", std::to_string(queued_ + adding)}}});
    registry_.close(conn_, ws::close_code::try_again_later, "server behind floorctl too slow");
    return true;
}

void websocket_tcp_flow::write(std::string bytes)
{
    if (closed_ || over_bound(bytes.size())) return;
    queued_ += bytes.size();
    writes_.push_back(std::move(bytes));
    if (writes_.size() == 1) do_write();
}

void websocket_tcp_flow::do_write()
{
    net::async_write(socket_, net::buffer(writes_.front()),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                         if (ec) {
                             if (self->closed_) return;
                             self->closed_ = true;
                             self->stop_keep_alive();
                             return self->on_ended("write", ec);
                         }
                         self->queued_ -= self->writes_.front().size();
                         self->writes_.pop_front();
                         if (!self->writes_.empty()) self->do_write();
                     });
}

void websocket_tcp_flow::do_read()
{
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](
                                                      boost::system::error_code ec, std::size_t n) {
        if (self->closed_) return;
        if (ec) {
            self->closed_ = true;
            self->stop_keep_alive();
            return self->on_ended("read", ec);
        }
        if (self->on_server_bytes(std::span<char const>(self->buffer_.data(), n))) self->do_read();
    });
}

void websocket_tcp_flow::do_keep_alive()
{
    keep_alive_timer_.expires_after(keep_alive_every_);
    keep_alive_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->closed_) return;
        self->write(self->keep_alive_ping_);
        self->do_keep_alive();
    });
}

void websocket_tcp_flow::stop_keep_alive()
{
    keep_alive_timer_.cancel();
}

} // namespace floorctl::app
