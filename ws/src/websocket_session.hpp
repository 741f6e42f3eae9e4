#pragma once
// One WebSocket connection of any registered service (BFCP over WebSocket, RFC 8857, first),
// plain or TLS: the service's message rules are checked here, its handler gets the messages. Every
// member is touched only on the connection's strand (the executor of its socket); close() hops onto
// it, deliver() goes through the inbox (ws/src/inbox.hpp) or writes at once from the session's own
// hand-over. Kept alive by the shared_from_this() captured in each pending operation; the registry
// holds a weak reference only.

#include "frame_sniffer.hpp"
#include "inbox.hpp"
#include "rate_limit.hpp"
#include "shared_state.hpp"
#include "write_queue.hpp"

#include <floorctl/message.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <type_traits>

namespace ws::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

template <class Stream> inline constexpr bool is_tls_stream = false;
template <class Next> inline constexpr bool is_tls_stream<beast::ssl_stream<Next>> = true;

/// Ends the transport under a session at once: shutdown and close for a tcp_stream, close() for
/// any other lowest layer (beast::test::stream in the fault tests).
template <class Lowest> void close_lowest(Lowest& l)
{
    if constexpr (std::is_same_v<Lowest, beast::tcp_stream>) {
        beast::error_code ignored;
        l.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    }
    l.close();
}

/// Removes a tcp_stream's deadline (the session times its own phases); nothing for streams
/// without one.
template <class Lowest> void clear_deadline(Lowest& l)
{
    if constexpr (requires { l.expires_never(); }) l.expires_never();
}

template <class Stream>
class websocket_session : public session_base,
                          public std::enable_shared_from_this<websocket_session<Stream>> {
public:
    websocket_session(Stream&& stream, std::shared_ptr<shared_state> st, conn_info info,
                      conn_slot slot)
        : ex_(stream.get_executor()), ws_(std::move(stream)), st_(std::move(st)),
          info_(std::move(info)), slot_(std::move(slot)),
          queue_(st_->opts.max_write_queue_bytes, st_->opts.max_write_queue_messages),
          close_timer_(ex_), idle_timer_(ex_), keepalive_timer_(ex_),
          rate_(st_->opts.max_messages_per_second)
    {
    }

    /// Completes the handshake for `req` (already checked and authenticated by `svc`, whose
    /// sub-protocol the client spelled `subprotocol`). On the strand.
    void run(http_request req, std::string subprotocol, binding bound, service_entry const& svc)
    {
        bound_ = std::move(bound);
        service_ = svc.handler;
        rules_ = svc.rules;
        if (rules_.messages_per_second) rate_ = message_rate(*rules_.messages_per_second);
        route_ = &svc.route; // owned by shared_state, which this session co-owns
        auto const& o = st_->opts;
        // The websocket stream times the opening handshake (the close: on_accept); the TCP
        // layer's timeout would otherwise cut long-lived sessions. Keep-alive is ours
        // (arm_keepalive): Beast's idle timeout re-arms a timer on every read (its cost:
        // docs/performance.md).
        clear_deadline(beast::get_lowest_layer(ws_));
        websocket::stream_base::timeout t{};
        t.handshake_timeout = o.handshake_timeout;
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        ws_.set_option(t);
        // Pings, pongs and close frames from the peer count as signs of life too.
        ws_.control_callback([this](websocket::frame_type, beast::string_view) { ++received_; });
        ws_.set_option(websocket::stream_base::decorator(
            [sp = std::move(subprotocol)](websocket::response_type& res) {
                res.set(beast::http::field::server, "floorctl");
                if (!sp.empty()) res.set(beast::http::field::sec_websocket_protocol, sp);
            }));
        // RFC 8857 §5: no extension is negotiated; each BFCP message is one unfragmented frame.
        websocket::permessage_deflate pmd;
        pmd.server_enable = false;
        pmd.client_enable = false;
        ws_.set_option(pmd);
        ws_.read_message_max(rules_.max_message);
        ws_.auto_fragment(false);
        ws_.binary(true);
        ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                        this->shared_from_this()));
    }

    void deliver(outgoing_message message) override
    {
        inbox_.deliver(
            this, std::move(message), [this](outgoing_message m) { on_deliver(std::move(m)); },
            [this] {
                net::post(ex_, beast::bind_front_handler(&websocket_session::drain,
                                                         this->shared_from_this()));
            });
    }

    void close(close_code code, std::string reason) override
    {
        net::post(ex_, [self = this->shared_from_this(), code, r = std::move(reason)]() mutable {
            self->request_close(code, std::move(r));
        });
    }

private:
    log_fields fields() const
    {
        return log_fields{info_.id, bound_.conference, bound_.user, remote_, {}};
    }

    void on_accept(beast::error_code ec)
    {
        remote_ = info_.remote();
        if (ec) {
            st_->log(log_level::warning, "websocket handshake failed: " + ec.message(),
                     log_fields{info_.id, bound_.conference, bound_.user, remote_, {}});
            return;
        }
        open_ = true;
        // From now on Beast's handshake timer only bounds a close handshake.
        websocket::stream_base::timeout t{};
        t.handshake_timeout = st_->opts.close_timeout;
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        ws_.set_option(t);
        auto const kind =
            is_tls_stream<Stream> ? floorctl::transport_kind::wss : floorctl::transport_kind::ws;
        st_->reg->attach(info_.id, this->weak_from_this(), kind);
        st_->log(log_level::info,
                 is_tls_stream<Stream> ? "websocket opened (wss)" : "websocket opened (ws)",
                 fields());
        service_->on_open(info_.id, bound_, kind, remote_);
        arm_idle_timer();
        arm_keepalive();
        do_read();
    }

    void do_read()
    {
        ws_.async_read(rbuf_, beast::bind_front_handler(&websocket_session::on_read,
                                                        this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if (ec) return finish(ec);
        ++received_;
        if (closing_) { // draining until the peer answers our close frame
            rbuf_.clear();
            return do_read();
        }
        if (rules_.unfragmented && ws_.next_layer().scanner().fragmented()) {
            rbuf_.clear();
            request_close(close_code::protocol_error, "fragmented message" + cited());
            return do_read();
        }
        if (rules_.binary_only && ws_.got_text()) {
            rbuf_.clear();
            request_close(close_code::unsupported_data,
                          route_->reference.empty()
                              ? std::string{"text frame (binary only)"}
                              : "text frame (" + route_->reference + ": binary only)");
            return do_read();
        }
        if (!rate_.take()) {
            rbuf_.clear();
            request_close(close_code::policy_violation, "message rate exceeded");
            return do_read();
        }
        touch();
        {
            // Handed over in place: the buffer is not touched until on_frame returns.
            auto const data = rbuf_.cdata();
            reader_scope const scope(this, info_.id);
            service_->on_frame(info_.id, {static_cast<std::byte const*>(data.data()), data.size()});
        }
        rbuf_.clear();
        do_read();
    }

    // Message idle timeout: each message only records the time; the timer, armed once, checks
    // on expiry and re-arms for what is left (no timer cancel per message).
    void touch()
    {
        if (st_->opts.message_idle_timeout.count() > 0)
            last_message_ = std::chrono::steady_clock::now();
    }

    void arm_idle_timer()
    {
        auto const t = st_->opts.message_idle_timeout;
        if (t.count() <= 0 || closing_) return;
        last_message_ = std::chrono::steady_clock::now();
        wait_idle(t);
    }

    void wait_idle(std::chrono::steady_clock::duration after)
    {
        idle_timer_.expires_after(after);
        idle_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->closing_ || self->read_done_) return;
            auto const t =
                std::chrono::steady_clock::duration{self->st_->opts.message_idle_timeout};
            auto const quiet = std::chrono::steady_clock::now() - self->last_message_;
            if (quiet >= t) return self->request_close(close_code::normal, "idle timeout");
            self->wait_idle(t - quiet);
        });
    }

    // Keep-alive (RFC 6455 ping/pong): one timer, armed once per half keepalive_timeout. Every
    // message and control frame received is counted, not timed, so a message costs no clock
    // read and no timer operation. A half with nothing received sends a ping; a second one in a
    // row ends the connection (close_code::abnormal, "keep-alive timeout"): after between one
    // and one and a half keepalive_timeout of silence.
    void arm_keepalive()
    {
        auto const t = st_->opts.keepalive_timeout;
        if (t.count() <= 0 || closing_ || read_done_) return;
        keepalive_timer_.expires_after(t / 2);
        keepalive_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->check_keepalive();
        });
    }

    void check_keepalive()
    {
        if (closing_ || read_done_) return; // the close is bounded by close_timer_
        if (received_ != received_seen_) {
            received_seen_ = received_;
            silent_halves_ = 0;
            return arm_keepalive();
        }
        if (++silent_halves_ >= 2) {
            closing_ = true;
            idle_timer_.cancel();
            local_close_ =
                close_info{close_code::abnormal, close_origin::network, "keep-alive timeout"};
            return hard_close();
        }
        if (!pinging_) {
            pinging_ = true;
            ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code) {
                self->pinging_ = false;
                // A close requested meanwhile waited for the ping (Beast: one ping, pong or
                // close at a time).
                if (self->closing_ && !self->close_sent_ && !self->read_done_ && !self->writing_)
                    self->do_close();
            });
        }
        arm_keepalive();
    }

    // The read loop ends here, exactly once: the only place on_close() is reported.
    void finish(beast::error_code ec)
    {
        read_done_ = true;
        close_timer_.cancel();
        idle_timer_.cancel();
        keepalive_timer_.cancel();
        close_info info;
        if (local_close_) {
            info = *local_close_;
        } else if (ec == websocket::error::closed) {
            auto const& r = ws_.reason();
            info = close_info{static_cast<close_code>(r.code), close_origin::peer,
                              std::string{r.reason.data(), r.reason.size()}};
        } else if (ec == websocket::error::message_too_big) {
            // Beast has already sent 1009 (read_message_max).
            info = close_info{close_code::message_too_big, close_origin::local,
                              "message longer than a " + route_->name + " message can be"};
        } else if (ec.category() ==
                       websocket::make_error_code(websocket::error::closed).category() ||
                   ec == websocket::condition::protocol_violation) {
            info = close_info{close_code::protocol_error, close_origin::local, ec.message()};
        } else if (ec == beast::error::timeout) {
            info = close_info{close_code::abnormal, close_origin::network, "keep-alive timeout"};
        } else {
            info = close_info{close_code::abnormal, close_origin::network, ec.message()};
        }
        queue_.drop_waiting(writing_);
        st_->reg->detach(info_.id);
        st_->log(log_level::info,
                 std::string{"websocket closed: "} + to_string(info.code) + " (" +
                     to_string(info.origin) + ") " + info.reason,
                 fields());
        service_->on_close(info_.id, info);
    }

    // On the strand: moves every frame the inbox holds into the write queue, in order.
    void drain()
    {
        inbox_.drain([this](outgoing_message m) { on_deliver(std::move(m)); });
    }

    void on_deliver(outgoing_message message)
    {
        if (!open_ || closing_ || read_done_) return;
        if (!queue_.fits(*message.frame)) return overflow();
        queue_.push(std::move(message));
        if (!writing_) do_write();
    }

    // The peer does not read: a close frame would queue behind the stuck write, so cut the
    // transport. The reported code is 1008 (policy), origin local.
    void overflow()
    {
        st_->log(log_level::warning, "write queue overflow: peer does not read; closing", fields());
        closing_ = true;
        local_close_ =
            close_info{close_code::policy_violation, close_origin::local, "write queue overflow"};
        queue_.drop_waiting(writing_);
        hard_close();
    }

    void do_write()
    {
        writing_ = true;
        // The opcode of the next frame (RFC 6455 §5.6); Beast applies it to this write only
        // when it starts, so it can change between messages.
        ws_.text(queue_.front_kind() == message_kind::text);
        ws_.async_write(
            net::buffer(queue_.front().data(), queue_.front().size()),
            beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t)
    {
        writing_ = false;
        if (!queue_.empty()) queue_.pop();
        if (ec) {
            queue_.drop_waiting(false);
            return; // the read side sees the failure too and ends the session
        }
        if (!queue_.empty()) return do_write();
        if (closing_ && !close_sent_ && !read_done_ && !pinging_) do_close();
    }

    void request_close(close_code code, std::string reason)
    {
        if (!open_ || closing_ || read_done_) return;
        closing_ = true;
        idle_timer_.cancel();
        keepalive_timer_.cancel();
        local_close_ = close_info{code, close_origin::local, reason};
        st_->log(code == close_code::normal || code == close_code::going_away ? log_level::info
                                                                              : log_level::warning,
                 std::string{"closing websocket: "} + to_string(code) + " " + reason, fields());
        // Bounds the whole close: queued writes to a slow peer plus the close handshake.
        close_timer_.expires_after(st_->opts.close_timeout);
        close_timer_.async_wait([self = this->shared_from_this()](beast::error_code e) {
            if (!e && !self->read_done_) self->hard_close();
        });
        if (!writing_ && !pinging_) do_close();
    }

    void do_close()
    {
        close_sent_ = true;
        websocket::close_reason r{static_cast<std::uint16_t>(local_close_->code)};
        // RFC 6455 §5.5: control frame payload <= 125 octets, 2 of them the code.
        r.reason = local_close_->reason.substr(0, 123);
        ws_.async_close(r, [self = this->shared_from_this()](beast::error_code) {});
    }

    void hard_close() { close_lowest(beast::get_lowest_layer(ws_)); }

    // " (RFC 8857)": the route's reference for close reasons, or nothing.
    std::string cited() const
    {
        return route_->reference.empty() ? std::string{} : " (" + route_->reference + ")";
    }

    net::any_io_executor ex_;
    websocket::stream<frame_sniffer<Stream>> ws_;
    std::shared_ptr<shared_state> st_;
    conn_info info_;
    conn_slot slot_;
    binding bound_;
    std::shared_ptr<service> service_; // the chosen sub-protocol's handler
    message_rules rules_;
    subprotocol_route const* route_ = nullptr;
    std::string remote_;
    beast::flat_buffer rbuf_;
    inbox inbox_;
    write_queue queue_; // bounded by max_write_queue_bytes / _messages
    bool writing_ = false;
    bool open_ = false;
    bool closing_ = false;
    bool close_sent_ = false;
    bool read_done_ = false;
    std::optional<close_info> local_close_;
    net::steady_timer close_timer_;
    net::steady_timer idle_timer_;
    net::steady_timer keepalive_timer_;
    std::uint64_t received_ = 0;      // messages and control frames received (keep-alive)
    std::uint64_t received_seen_ = 0; // received_ at the last keep-alive check
    unsigned silent_halves_ = 0;      // keep-alive checks in a row with nothing received
    bool pinging_ = false;            // an async_ping is in flight
    message_rate rate_;               // max_messages_per_second
    std::chrono::steady_clock::time_point last_message_;
};

} // namespace ws::detail
