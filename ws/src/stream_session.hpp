#pragma once
// One TCP/BFCP or TCP/TLS/BFCP connection (ws::stream_listener) and the state it shares with
// its listener. A template on the stream so that tests can run it over beast::test::stream with
// a fail count (tests/ws/session_fault_test.cpp): tcp::socket, ssl::stream<tcp::socket>, or any
// stream with close().

#include "inbox.hpp"
#include "rate_limit.hpp"
#include "write_queue.hpp"

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

namespace ws::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

template <class T> inline constexpr bool is_ssl_stream_v = false;
template <class T> inline constexpr bool is_ssl_stream_v<net::ssl::stream<T>> = true;

/// Ends the transport at once: shutdown and close for a socket, the socket under TLS (no
/// close_notify: BFCP has its own Goodbye), close() for any other stream.
template <class Stream> void close_transport(Stream& s)
{
    if constexpr (is_ssl_stream_v<Stream>) {
        close_transport(s.next_layer());
    } else if constexpr (std::is_same_v<Stream, tcp::socket>) {
        error_code ignored;
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
    } else {
        s.close();
    }
}

/// Ends the sending side only (a FIN after the last message): the socket's shutdown_send, the
/// socket under TLS, close() for a stream without half-close (the peer then sees the end too).
template <class Stream> void end_sending(Stream& s)
{
    if constexpr (is_ssl_stream_v<Stream>) {
        end_sending(s.next_layer());
    } else if constexpr (std::is_same_v<Stream, tcp::socket>) {
        error_code ignored;
        s.shutdown(tcp::socket::shutdown_send, ignored);
    } else {
        s.close();
    }
}

/// State shared by a listener and its connections (they may outlive the listener object).
struct stream_shared {
    stream_listener_options opts;
    std::shared_ptr<stream_handler> app;
    std::shared_ptr<registry> reg;
    std::shared_ptr<admission> admit;
    log_sink log;
    floorctl::transport_kind kind = floorctl::transport_kind::tcp;
    std::atomic<std::size_t> connections{0};

    std::mutex mutex;
    bool stopped = false; // guarded by mutex
    // Connections not bound yet, for stop(); guarded by mutex.
    std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> unbound;

    void write_log(log_level level, std::string_view what, floorctl::connection_id conn,
                   std::string_view remote) const
    {
        ws::write_log(log, level, what, conn, remote);
    }
};

/// One TCP/BFCP or TCP/TLS/BFCP connection. Every member is touched only on the strand of the
/// socket's executor; kept alive by the shared_from_this() of its pending operations.
template <class Stream>
class stream_session final : public session_base,
                             public std::enable_shared_from_this<stream_session<Stream>> {
public:
    static constexpr bool is_tls = is_ssl_stream_v<Stream>;

    stream_session(std::shared_ptr<stream_shared> shared, Stream stream, stream_peer peer,
                   admission::ticket slot)
        : shared_(std::move(shared)), stream_(std::move(stream)), timer_(stream_.get_executor()),
          framer_(shared_->opts.max_message, shared_->opts.max_buffered), conn_(peer.conn),
          peer_(std::move(peer)),
          queue_(shared_->opts.max_write_queue_bytes, shared_->opts.max_write_queue_messages),
          slot_(std::move(slot)), rate_(shared_->opts.max_messages_per_second)
    {
        peer_.transport = shared_->kind;
        remote_ = peer_.remote_address + ":" + std::to_string(peer_.remote_port);
    }

    void start()
    {
        {
            std::lock_guard lock(shared_->mutex);
            shared_->unbound[static_cast<std::uint64_t>(conn_)] = this->weak_from_this();
        }
        timer_.expires_after(shared_->opts.bind_timeout);
        timer_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec && !self->bound_) self->refuse("no first message in time");
        });
        if constexpr (is_tls) {
            stream_.async_handshake(net::ssl::stream_base::server,
                                    [self = this->shared_from_this()](error_code ec) {
                                        if (ec) {
                                            self->failure_ = "TLS handshake: " + ec.message();
                                            return self->finish(ec);
                                        }
                                        self->do_read();
                                    });
        } else {
            do_read();
        }
    }

    // session_base: thread-safe; deliver() goes through the inbox (ws/src/inbox.hpp).
    // A stream has no frames: the message kind does not matter here.
    void deliver(outgoing_message message) override
    {
        inbox_.deliver(
            this, std::move(message), [this](outgoing_message m) { on_deliver(std::move(m)); },
            [this] {
                net::post(stream_.get_executor(),
                          [self = this->shared_from_this()] { self->drain(); });
            });
    }

    void close(close_code, std::string reason) override
    {
        net::post(stream_.get_executor(), [self = this->shared_from_this(), r = std::move(reason)] {
            self->local_reason_ = r.empty() ? "closed by the application" : r;
            self->begin_close();
        });
    }

private:
    void do_read()
    {
        stream_.async_read_some(net::buffer(read_buf_),
                                [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                    self->on_read(ec, n);
                                });
    }

    void on_read(error_code ec, std::size_t n)
    {
        if (ec) return finish(ec);
        if (!refused_ && !closing_) {
            auto const appended = framer_.append(std::span<std::byte const>(read_buf_.data(), n));
            // Messages complete before a framing failure are still delivered (framer contract).
            for (auto m = framer_.next(); !m.empty() && !refused_ && !closing_; m = framer_.next())
                on_message(m);
            if (!appended && !refused_ && !closing_) {
                std::string why = "framing error: " + appended.error().message();
                if (bound_) {
                    local_reason_ = why;
                    begin_close();
                } else {
                    refuse(std::move(why));
                }
            }
        }
        // Keep reading even while closing: the read completing with an error is the one place
        // where a connection ends (finish), whoever closed it.
        do_read();
    }

    void on_message(std::span<std::byte const> m)
    {
        if (!rate_.take()) {
            std::string why = "message rate exceeded";
            if (!bound_) return refuse(std::move(why));
            shared_->write_log(log_level::warning, "BFCP stream connection: " + why, conn_,
                               remote_);
            local_code_ = close_code::policy_violation;
            local_reason_ = std::move(why);
            return begin_close();
        }
        if (bound_) {
            reader_scope const scope(this, conn_);
            shared_->app->on_frame(conn_, m);
            return;
        }
        auto verdict = shared_->app->on_first_message(peer_, m);
        if (auto* r = std::get_if<floorctl::stream_refused>(&verdict)) {
            if (!r->reply.empty()) enqueue({make_frame(r->reply)});
            return refuse(std::move(r->reason));
        }
        auto const accepted = std::get<floorctl::stream_accepted>(verdict);
        bound_ = true;
        timer_.cancel();
        {
            std::lock_guard lock(shared_->mutex);
            shared_->unbound.erase(static_cast<std::uint64_t>(conn_));
        }
        shared_->reg->attach(conn_, this->weak_from_this(), shared_->kind);
        shared_->write_log(log_level::info, "BFCP stream connection bound", conn_, remote_);
        shared_->app->on_open(conn_, binding{accepted.conference, accepted.user, {}}, shared_->kind,
                              remote_);
        reader_scope const scope(this, conn_);
        shared_->app->on_frame(conn_, m);
    }

    void refuse(std::string reason)
    {
        if (refused_ || bound_) return;
        refused_ = true;
        failure_ = reason;
        shared_->write_log(log_level::warning, "BFCP stream connection refused: " + reason, conn_,
                           remote_);
        begin_close();
    }

    // On the strand: moves every frame the inbox holds into the write queue, in order.
    void drain()
    {
        inbox_.drain([this](outgoing_message m) { on_deliver(std::move(m)); });
    }

    void on_deliver(outgoing_message m)
    {
        if (closing_ || done_) return;
        enqueue(std::move(m));
    }

    void enqueue(outgoing_message m)
    {
        if (!queue_.fits(*m.frame)) {
            // A peer that does not read must not make us buffer without bound.
            local_reason_ = "write queue overflow";
            shared_->write_log(log_level::warning, "BFCP stream write queue overflow", conn_,
                               remote_);
            return hard_close();
        }
        queue_.push(std::move(m));
        if (queue_.size() == 1) do_write();
    }

    void do_write()
    {
        net::async_write(
            stream_, net::buffer(queue_.front().data(), queue_.front().size()),
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(error_code ec)
    {
        if (ec) return hard_close();
        queue_.pop();
        if (!queue_.empty()) return do_write();
        if (closing_) end_output();
    }

    // Orderly: flush what is queued, then end_output().
    void begin_close()
    {
        closing_ = true;
        if (queue_.empty()) end_output();
    }

    // The orderly end of a TCP connection: a FIN after the last queued message, then the read
    // loop waits for the peer's own FIN (finish), so nothing the peer still sends draws a reset.
    // The app learns of the close now (nothing more is read or sent); a peer that keeps the
    // connection open is cut off after bind_timeout.
    void end_output()
    {
        if (output_ended_) return;
        output_ended_ = true;
        end_sending(stream_);
        report({});
        timer_.expires_after(shared_->opts.bind_timeout);
        timer_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec) self->hard_close();
        });
    }

    // Cut off at once (write failure, write queue overflow, a peer that does not end its side).
    // Neither path sends a TLS close_notify: BFCP has its own Goodbye, and a close_notify
    // exchange would need a second pending read on the TLS stream.
    void hard_close()
    {
        closing_ = true;
        close_transport(stream_);
        timer_.cancel();
    }

    void finish(error_code ec)
    {
        if (done_) return;
        done_ = true;
        timer_.cancel();
        close_transport(stream_);
        shared_->connections.fetch_sub(1, std::memory_order_relaxed);
        report(ec);
    }

    // Tells the registry and the app, once, that the connection ended (`ec`: how the transport
    // ended, when it did).
    void report(error_code ec)
    {
        if (reported_) return;
        reported_ = true;
        if (bound_) {
            shared_->reg->detach(conn_);
            close_info info;
            if (!local_reason_.empty()) {
                info.code = local_code_;
                info.origin = close_origin::local;
                info.reason = local_reason_;
            } else if (ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
                info.code = close_code::normal;
                info.origin = close_origin::peer;
                info.reason = "peer closed the connection";
            } else {
                info.reason = ec.message();
            }
            shared_->app->on_close(conn_, info);
            return;
        }
        {
            std::lock_guard lock(shared_->mutex);
            shared_->unbound.erase(static_cast<std::uint64_t>(conn_));
        }
        if (failure_.empty())
            failure_ =
                local_reason_.empty() ? "closed before binding: " + ec.message() : local_reason_;
        shared_->app->on_rejected(peer_, failure_);
    }

    std::shared_ptr<stream_shared> shared_;
    Stream stream_;
    net::steady_timer timer_;
    floorctl::stream_framer framer_;
    floorctl::connection_id const conn_;
    stream_peer peer_;
    std::string remote_;
    std::array<std::byte, 16 * 1024> read_buf_{};
    inbox inbox_;
    write_queue queue_;                          // bounded by max_write_queue_bytes / _messages
    admission::ticket slot_;                     // this connection's share of the limits
    message_rate rate_;                          // max_messages_per_second
    close_code local_code_ = close_code::normal; // reported with local_reason_
    bool bound_ = false;
    bool refused_ = false;
    bool closing_ = false;
    bool output_ended_ = false;
    bool reported_ = false;
    bool done_ = false;
    std::string failure_;      // why an unbound connection ended
    std::string local_reason_; // why we closed a bound connection
};

} // namespace ws::detail
