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

#include <atomic>
#include <optional>

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

    ~http_session() override { st_->remove_pending(info_.id, this); }

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

    log_fields fields() const { return log_fields{info_.id, {}, {}, remote_}; }

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
        http_responder respond = [p = std::make_shared<pending_answer>(this->shared_from_this())](
                                     http_response res) { p->answer(std::move(res)); };
        st_->app->on_http(std::move(req), info_.context(secure), std::move(respond));
    }

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
};

} // namespace ws::detail
