#pragma once
// The WebSocket client of the network tests (tests/ws against a ws::listener, tests/e2e and
// tests/sip against floorctl): plain or TLS, every operation awaited with a bound on an
// io_context another thread runs (client_io.hpp).

#include "support/client_io.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace test_support {

/// A WebSocket client, plain (TLS = false) or TLS, on a strand of `ioc` (run by another thread).
/// Binary messages unless told (send_text), no automatic fragmentation, no size limit on what
/// it reads.
template <bool TLS> class ws_client {
public:
    using next_layer = std::conditional_t<TLS, boost::beast::ssl_stream<boost::beast::tcp_stream>,
                                          boost::beast::tcp_stream>;
    using stream_type = boost::beast::websocket::stream<next_layer>;
    using websocket_request = boost::beast::websocket::request_type;

    /// `tls`: the client context (TLS only; it must outlive the client).
    ws_client(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint server,
              std::shared_ptr<boost::asio::ssl::context> tls = nullptr)
        : server_(server), tls_(std::move(tls)), ws(make(ioc, tls_))
    {
    }

    /// TCP (+ TLS, naming and verifying "localhost") connect and the WebSocket handshake for
    /// `target`, offering the sub-protocol `protocol` (none when empty); `decorate` may change
    /// the request further. `res` holds the server's answer.
    boost::system::error_code connect(std::string const& target, std::string const& protocol,
                                      std::function<void(websocket_request&)> decorate = {})
    {
        namespace websocket = boost::beast::websocket;
        if (auto ec = await_op([&](auto done) {
                boost::beast::get_lowest_layer(ws).async_connect(server_, done);
            }))
            return ec;
        if constexpr (TLS) {
            SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "localhost");
            ws.next_layer().set_verify_callback(
                boost::asio::ssl::host_name_verification("localhost"));
            if (auto ec = await_op([&](auto done) {
                    ws.next_layer().async_handshake(boost::asio::ssl::stream_base::client, done);
                }))
                return ec;
        }
        ws.set_option(
            websocket::stream_base::decorator([protocol, decorate](websocket_request& req) {
                if (!protocol.empty())
                    req.set(boost::beast::http::field::sec_websocket_protocol, protocol);
                if (decorate) decorate(req);
            }));
        ws.binary(true);
        ws.auto_fragment(false);
        ws.read_message_max(0);
        return await_op([&](auto done) { ws.async_handshake(res, "localhost", target, done); });
    }

    /// Sends `bytes` (any contiguous container of octets) as one binary message.
    template <class Bytes = std::vector<std::uint8_t>>
    boost::system::error_code send(Bytes const& bytes)
    {
        return await_op([&](auto done) { ws.async_write(boost::asio::buffer(bytes), done); });
    }

    /// Sends `bytes` as one text message, whether or not they are UTF-8 (Beast does not check
    /// what it writes: a test may send a text message that is not).
    template <class Bytes> boost::system::error_code send_text(Bytes const& bytes)
    {
        ws.text(true);
        auto const ec =
            await_op([&](auto done) { ws.async_write(boost::asio::buffer(bytes), done); });
        ws.text(false);
        return ec;
    }

    /// Reads one message into `buffer` (cleared first).
    boost::system::error_code read()
    {
        buffer.clear();
        return await_op([&](auto done) { ws.async_read(buffer, done); });
    }

    /// Reads until the server's close frame arrives; returns its close code (0 when the
    /// connection ended without one).
    std::uint16_t read_until_closed()
    {
        for (int i = 0; i < 1000; ++i) {
            auto const ec = read();
            if (ec == boost::beast::websocket::error::closed) return ws.reason().code;
            if (ec) return 0;
        }
        return 0;
    }

    /// Sends a close frame with `code` and waits for the server's.
    boost::system::error_code close(std::uint16_t code = 1000)
    {
        return await_op(
            [&](auto done) { ws.async_close(boost::beast::websocket::close_reason{code}, done); });
    }

    /// Drops the TCP connection without a close handshake (a client that vanishes), on the
    /// client's strand.
    void vanish()
    {
        (void)await_op([&](auto done) {
            boost::asio::post(ws.get_executor(), [this, done]() mutable {
                auto& sock = boost::beast::get_lowest_layer(ws).socket();
                boost::system::error_code ignored;
                sock.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
                sock.close(ignored);
                done(ignored);
            });
        });
    }

    /// The last message read, as text.
    [[nodiscard]] std::string last() const
    {
        return boost::beast::buffers_to_string(buffer.cdata());
    }

    boost::beast::websocket::response_type res; ///< the server's answer to the handshake
    boost::beast::flat_buffer buffer;           ///< the last message read

private:
    static stream_type make(boost::asio::io_context& ioc,
                            std::shared_ptr<boost::asio::ssl::context> const& tls)
    {
        if constexpr (TLS)
            return stream_type(boost::asio::make_strand(ioc), *tls);
        else
            return stream_type(boost::asio::make_strand(ioc));
    }

    boost::asio::ip::tcp::endpoint server_;
    std::shared_ptr<boost::asio::ssl::context> tls_;

public:
    stream_type ws; ///< for tests that write or read frames of their own
};

} // namespace test_support
