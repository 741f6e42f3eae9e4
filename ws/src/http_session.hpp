#pragma once
// The HTTP stage of a connection, plain or TLS: (TLS handshake,) read requests with size limits
// and a deadline, answer them through the app, or check and authenticate a WebSocket upgrade and
// hand the stream to a websocket_session. Strand-confined; stop() hops onto the strand.

#include "shared_state.hpp"
#include "websocket_session.hpp"

#include <ws/upgrade.hpp>

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/asio/write.hpp>

#include <atomic>
#include <cstdio>
#include <deque>
#include <optional>
#include <string>

namespace ws::detail {

namespace http = boost::beast::http;

template <class Stream>
class http_session : public stoppable, public std::enable_shared_from_this<http_session<Stream>> {
public:
    /// `refusing`: the connection is over max_connections; its first request is answered 503
    /// with Retry-After and the connection closed, without reaching the app.
    /// Plain: takes the TCP stream and the bytes async_detect_ssl already read.
    http_session(beast::tcp_stream&& stream, beast::flat_buffer&& buffer,
                 std::shared_ptr<shared_state> st, conn_info info, conn_slot slot,
                 bool refusing) requires(!is_tls_stream<Stream>)
        : ex_(stream.get_executor()), stream_(std::move(stream)), buffer_(std::move(buffer)),
          st_(std::move(st)), info_(std::move(info)), slot_(std::move(slot)), refusing_(refusing)
    {
    }

    /// TLS: wraps the TCP stream; the detected ClientHello bytes are in `buffer`.
    http_session(beast::tcp_stream&& stream, net::ssl::context& ctx, beast::flat_buffer&& buffer,
                 std::shared_ptr<shared_state> st, conn_info info, conn_slot slot,
                 bool refusing) requires(is_tls_stream<Stream>)
        : ex_(stream.get_executor()), stream_(std::move(stream), ctx), buffer_(std::move(buffer)),
          st_(std::move(st)), info_(std::move(info)), slot_(std::move(slot)), refusing_(refusing)
    {
    }

    ~http_session() override
    {
        if (handle_) handle_->mark_ended();
        st_->remove_pending(info_.id, this);
    }

    void run()
    {
        st_->add_pending(info_.id, this, this->weak_from_this());
        if (st_->stopped.load()) return; // stop() raced with accept; dropping the stream closes it
        if constexpr (is_tls_stream<Stream>) {
            beast::get_lowest_layer(stream_).expires_after(st_->opts.handshake_timeout);
            stream_.async_handshake(
                net::ssl::stream_base::server, buffer_.data(),
                beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
        } else {
            do_read();
        }
    }

    void stop() override
    {
        net::post(ex_, [self = this->shared_from_this()] {
            if (!self->upgraded_) beast::get_lowest_layer(self->stream_).close();
        });
    }

private:
    static constexpr bool secure = is_tls_stream<Stream>;

    log_fields fields() const { return log_fields{info_.id, {}, {}, remote_, {}}; }

    void on_handshake(beast::error_code ec, std::size_t used)
    {
        if (ec) {
            // Includes TLS < 1.2 and cipher mismatches (RFC 9325): the peer gets an alert.
            st_->log(log_level::warning, "TLS handshake failed: " + ec.message(), fields());
            return;
        }
        buffer_.consume(used);
        do_read();
    }

    void do_read()
    {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(st_->opts.max_header_bytes));
        parser_->body_limit(st_->opts.max_body_bytes);
        beast::get_lowest_layer(stream_).expires_after(first_ ? st_->opts.handshake_timeout
                                                              : st_->opts.http_idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if (ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated)
            return do_shutdown();
        if (ec == http::error::header_limit) {
            return reject(upgrade_failure::header_too_large,
                          http_status::request_header_fields_too_large,
                          "request header larger than " +
                              std::to_string(st_->opts.max_header_bytes) + " octets");
        }
        if (ec == http::error::body_limit) {
            return reject(upgrade_failure::body_too_large, http_status::payload_too_large,
                          "request body larger than " + std::to_string(st_->opts.max_body_bytes) +
                              " octets");
        }
        if (ec == beast::error::timeout) {
            // tcp_stream has closed the socket already: nothing can be answered.
            if (first_ || parser_->got_some()) {
                st_->log(log_level::warning, "handshake timeout: request incomplete", fields());
                st_->app->on_handshake_rejected(
                    upgrade_failure::timeout, http_status::request_timeout, info_.context(secure));
            }
            return;
        }
        if (ec) {
            if (ec.category() == http::make_error_code(http::error::bad_target).category())
                return reject(upgrade_failure::malformed, http_status::bad_request,
                              "malformed HTTP request: " + ec.message());
            return; // transport failure: the peer is gone
        }
        http_request req = parser_->release();
        if (refusing_) return answer_unavailable(req.version());
        if (is_websocket_upgrade(req) || st_->serves(target_path(req.target())))
            return upgrade(std::move(req));
        keep_alive_ = req.keep_alive();
        version_ = req.version();
        // Every copy of the responder shares one pending_answer: the first call answers, and
        // when the last copy goes without a call the session answers 500 itself (handler.hpp).
        auto p = std::make_shared<pending_answer>(this->shared_from_this());
        http_responder respond{[p](http_response res) { p->answer(std::move(res)); },
                               [p](http_response head) { return p->stream(std::move(head)); }};
        st_->app->on_http(std::move(req), info_.context(secure), std::move(respond));
    }

    /// The app's handle on a streamed response. Holds the session weakly: the session lives
    /// as long as its socket operations, and marks the handle ended when it goes.
    class stream_handle : public http_stream {
    public:
        stream_handle(std::weak_ptr<http_session> s, net::any_io_executor ex)
            : session_(std::move(s)), ex_(std::move(ex))
        {
        }

        bool write(std::string chunk) override
        {
            if (ended_.load()) return false;
            if (chunk.empty()) return true;
            net::post(ex_, [w = session_, c = std::move(chunk)]() mutable {
                if (auto s = w.lock()) s->stream_push(std::move(c));
            });
            return true;
        }

        void close() override
        {
            if (ended_.exchange(true)) return;
            net::post(ex_, [w = session_] {
                if (auto s = w.lock()) s->stream_finish();
            });
        }

        [[nodiscard]] bool closed() const noexcept override { return ended_.load(); }

        void mark_ended() noexcept { ended_.store(true); }

    private:
        std::weak_ptr<http_session> session_;
        net::any_io_executor ex_;
        std::atomic<bool> ended_{false};
    };

    /// The one answer to one HTTP request, from any thread. Owns the session until it is given.
    class pending_answer {
    public:
        explicit pending_answer(std::shared_ptr<http_session> s) : session_(std::move(s)) {}
        ~pending_answer()
        {
            if (called_.exchange(true)) return;
            session_->st_->log(log_level::error,
                               "HTTP handler dropped its responder without answering; 500",
                               session_->fields());
            http_response res{http_status::internal_server_error, 11};
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "internal error: the request was not answered\n";
            post_answer(std::move(session_), std::move(res));
        }
        pending_answer(pending_answer const&) = delete;
        pending_answer& operator=(pending_answer const&) = delete;

        void answer(http_response res)
        {
            if (called_.exchange(true)) return;
            post_answer(session_, std::move(res));
        }

        std::shared_ptr<http_stream> stream(http_response head)
        {
            if (called_.exchange(true)) return nullptr;
            auto handle = std::make_shared<stream_handle>(session_, session_->ex_);
            auto const ex = session_->ex_;
            net::post(ex, [s = session_, h = handle, r = std::move(head)]() mutable {
                s->stream_start(std::move(r), std::move(h));
            });
            return handle;
        }

    private:
        static void post_answer(std::shared_ptr<http_session> s, http_response res)
        {
            auto const ex = s->ex_;
            net::post(ex, [s = std::move(s), r = std::move(res)]() mutable {
                s->write_response(std::move(r));
            });
        }
        std::shared_ptr<http_session> session_;
        std::atomic<bool> called_{false};
    };

    // Over max_connections: 503 with Retry-After, then close (the admission already told the
    // app through on_handshake_rejected).
    void answer_unavailable(unsigned version)
    {
        http_response res{http_status::service_unavailable, 11};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.set(http::field::retry_after, std::to_string(st_->opts.retry_after.count()));
        res.body() = "server busy: connection limit reached\n";
        keep_alive_ = false;
        version_ = version;
        write_response(std::move(res));
    }

    void upgrade(http_request req)
    {
        auto outcome = check_upgrade(req, st_->opts.upgrade, st_->routes);
        if (auto* r = std::get_if<upgrade_rejected>(&outcome))
            return reject(r->failure, r->status, std::move(r->body));
        auto& accepted = std::get<upgrade_accepted>(outcome);
        auto const& chosen = st_->services[accepted.route];
        auto auth = chosen.handler->authenticate(accepted.token, req, info_.context(secure));
        if (auto* d = std::get_if<auth_denial>(&auth)) {
            return reject(upgrade_failure::auth_denied, d->status,
                          d->reason.empty() ? std::string{"token refused"} : d->reason);
        }
        upgraded_ = true;
        beast::get_lowest_layer(stream_).expires_never();
        std::make_shared<websocket_session<Stream>>(std::move(stream_), st_, info_,
                                                    std::move(slot_))
            ->run(std::move(req), std::move(accepted.subprotocol),
                  std::move(std::get<binding>(auth)), chosen);
    }

    void reject(upgrade_failure failure, http_status status, std::string body)
    {
        st_->log(log_level::warning,
                 std::string{"handshake rejected: "} + std::to_string(static_cast<int>(status)) +
                     " " + to_string(failure) + ": " + body,
                 fields());
        st_->app->on_handshake_rejected(failure, status, info_.context(secure));
        http_response res{status, 11};
        res.set(http::field::server, "floorctl");
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        if (status == http_status::unauthorized)
            res.set(http::field::www_authenticate, "Bearer realm=\"bfcp\"");
        if (status == http_status::upgrade_required) {
            res.set(http::field::upgrade, "websocket");
            res.set(http::field::sec_websocket_version, "13");
        }
        res.body() = std::move(body) + "\n";
        keep_alive_ = false;
        version_ = 11;
        write_response(std::move(res));
    }

    void write_response(http_response res)
    {
        res_ = std::move(res);
        bool const keep = keep_alive_ && res_.keep_alive() && !st_->stopped.load();
        res_.version(version_);
        res_.keep_alive(keep);
        if (res_.find(http::field::server) == res_.end()) res_.set(http::field::server, "floorctl");
        res_.prepare_payload();
        beast::get_lowest_layer(stream_).expires_after(st_->opts.handshake_timeout);
        http::async_write(
            stream_, res_,
            beast::bind_front_handler(&http_session::on_write, this->shared_from_this(), keep));
    }

    void on_write(bool keep, beast::error_code ec, std::size_t)
    {
        if (ec) return;
        if (!keep) return do_shutdown();
        first_ = false;
        do_read();
    }

    // ---- a streamed response (http_responder::stream) ----

    void stream_start(http_response head, std::shared_ptr<stream_handle> handle)
    {
        handle_ = std::move(handle);
        if (st_->stopped.load()) return stream_fail();
        // HTTP/1.1: chunked, so the reader sees where the body ends; HTTP/1.0: up to the close.
        chunked_ = version_ >= 11;
        std::string text = "HTTP/" + std::to_string(version_ / 10) + "." +
                           std::to_string(version_ % 10) + " " + std::to_string(head.result_int()) +
                           " " +
                           std::string(head.reason().empty() ? http::obsolete_reason(head.result())
                                                             : head.reason()) +
                           "\r\n";
        head.erase(http::field::content_length);
        head.erase(http::field::transfer_encoding);
        head.erase(http::field::connection);
        if (head.find(http::field::server) == head.end()) head.set(http::field::server, "floorctl");
        for (auto const& f : head)
            text += std::string(f.name_string()) + ": " + std::string(f.value()) + "\r\n";
        text += chunked_ ? "Transfer-Encoding: chunked\r\n" : "";
        text += "Connection: close\r\n\r\n";
        auto& lowest = beast::get_lowest_layer(stream_);
        lowest.expires_never();
        // The reader sends nothing more: a read completes when it closes (or misbehaves).
        stream_.async_read_some(
            buffer_.prepare(512),
            beast::bind_front_handler(&http_session::on_stream_read, this->shared_from_this()));
        stream_enqueue(std::move(text));
    }

    void on_stream_read(beast::error_code ec, std::size_t)
    {
        // Anything read is discarded; only the end of the connection matters.
        if (ec) return stream_fail();
        if (stream_ended_) return;
        stream_.async_read_some(
            buffer_.prepare(512),
            beast::bind_front_handler(&http_session::on_stream_read, this->shared_from_this()));
    }

    void stream_push(std::string chunk)
    {
        if (stream_ended_ || !handle_) return;
        if (!chunked_) return stream_enqueue(std::move(chunk));
        char size[20];
        auto const n = std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        std::string framed;
        framed.reserve(chunk.size() + static_cast<std::size_t>(n) + 2);
        framed.append(size, static_cast<std::size_t>(n));
        framed += chunk;
        framed += "\r\n";
        stream_enqueue(std::move(framed));
    }

    void stream_enqueue(std::string bytes)
    {
        if (stream_queued_bytes_ + bytes.size() > st_->opts.max_write_queue_bytes) {
            st_->log(log_level::warning,
                     "streamed response: the reader fell behind by more than " +
                         std::to_string(st_->opts.max_write_queue_bytes) + " octets; closing",
                     fields());
            return stream_fail();
        }
        stream_queued_bytes_ += bytes.size();
        stream_queue_.push_back(std::move(bytes));
        if (!stream_writing_) stream_write_next();
    }

    void stream_write_next()
    {
        if (stream_queue_.empty()) {
            if (stream_closing_) stream_close_now();
            return;
        }
        stream_writing_ = true;
        // Only the write is timed: the read waits for the peer's close as long as it takes.
        beast::get_lowest_layer(stream_).expires_after(st_->opts.handshake_timeout);
        net::async_write(
            stream_, net::buffer(stream_queue_.front()),
            beast::bind_front_handler(&http_session::on_stream_write, this->shared_from_this()));
    }

    void on_stream_write(beast::error_code ec, std::size_t)
    {
        stream_writing_ = false;
        stream_queued_bytes_ -= stream_queue_.front().size();
        stream_queue_.pop_front();
        if (ec) return stream_fail();
        if (stream_ended_ && !stream_closing_) return;
        stream_write_next();
    }

    /// close() from the app: the last chunk of the chunked coding, then the close.
    void stream_finish()
    {
        if (stream_ended_ || !handle_) return;
        if (chunked_) stream_enqueue("0\r\n\r\n");
        stream_ended_ = true;
        stream_closing_ = true;
        if (!stream_writing_) stream_write_next();
    }

    /// The chunked coding's end says the body is complete, so the close needs no TLS
    /// close_notify round trip (which would race the pending read).
    void stream_close_now()
    {
        stream_closing_ = false;
        if (handle_) handle_->mark_ended();
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().close(ignored);
    }

    /// The stream cannot go on (peer gone, too slow, listener stopped): drop what waits, close.
    void stream_fail()
    {
        if (handle_) handle_->mark_ended();
        stream_ended_ = true;
        stream_closing_ = false;
        stream_queue_.erase(stream_queue_.begin() + (stream_writing_ ? 1 : 0), stream_queue_.end());
        stream_queued_bytes_ = 0;
        for (auto const& q : stream_queue_)
            stream_queued_bytes_ += q.size();
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().close(ignored);
    }

    void do_shutdown()
    {
        if constexpr (is_tls_stream<Stream>) {
            beast::get_lowest_layer(stream_).expires_after(st_->opts.handshake_timeout);
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        }
    }

    net::any_io_executor ex_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<shared_state> st_;
    conn_info info_;
    conn_slot slot_;
    bool const refusing_;
    std::string remote_ = info_.remote();
    std::optional<http::request_parser<http::string_body>> parser_;
    http_response res_;
    bool first_ = true;
    bool upgraded_ = false;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    // A streamed response: the app's handle, the bytes waiting (bounded by
    // max_write_queue_bytes), and where the stream is in its life.
    std::shared_ptr<stream_handle> handle_;
    std::deque<std::string> stream_queue_;
    std::size_t stream_queued_bytes_ = 0;
    bool chunked_ = false;
    bool stream_writing_ = false;
    bool stream_ended_ = false;   ///< no more chunks are taken
    bool stream_closing_ = false; ///< close once the queue is written
};

} // namespace ws::detail
