#pragma once
// The TCP/BFCP and TCP/TLS/BFCP client of the network tests (tests/ws against a
// ws::stream_listener, tests/e2e and tests/sip against floorctl): RFC 8855 §6.2 framing (a
// 12-octet common header, then 4 × Payload Length octets), every operation awaited with a bound
// on an io_context another thread runs (client_io.hpp).

#include "support/client_io.hpp"

#include <floorctl/codec.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace test_support {

/// A BFCP stream client on a strand of `ioc` (run by another thread); TLS when given a client
/// context (which must outlive it).
class bfcp_stream_client {
public:
    explicit bfcp_stream_client(boost::asio::io_context& ioc,
                                std::shared_ptr<boost::asio::ssl::context> tls = nullptr)
        : use_tls_(tls != nullptr), ctx_(tls ? std::move(tls)
                                             : std::make_shared<boost::asio::ssl::context>(
                                                   boost::asio::ssl::context::tls_client)),
          stream_(boost::asio::make_strand(ioc), *ctx_)
    {
    }

    /// TCP connect (no Nagle delay) and, over TLS, the client handshake.
    boost::system::error_code connect(boost::asio::ip::tcp::endpoint server)
    {
        auto& sock = stream_.next_layer();
        if (auto ec = await_op([&](auto done) { sock.async_connect(server, done); })) return ec;
        sock.set_option(boost::asio::ip::tcp::no_delay(true));
        if (!use_tls_) return {};
        return await_op([&](auto done) {
            stream_.async_handshake(boost::asio::ssl::stream_base::client, done);
        });
    }

    /// Writes `bytes` as they are (a message, part of one, or several).
    boost::system::error_code send(std::span<std::byte const> bytes)
    {
        return await_op([&](auto done) {
            auto const b = boost::asio::buffer(bytes.data(), bytes.size());
            if (use_tls_)
                boost::asio::async_write(stream_, b, done);
            else
                boost::asio::async_write(stream_.next_layer(), b, done);
        });
    }

    /// Encodes `m` and writes it.
    boost::system::error_code send(floorctl::message const& m) { return send(floorctl::encode(m)); }

    /// Reads one message's octets by its header's Payload Length; nullopt when the stream
    /// ended or failed first (why: error()).
    std::optional<std::vector<std::byte>> read_frame()
    {
        std::vector<std::byte> frame(12);
        if (read_exactly(frame.data(), frame.size())) return std::nullopt;
        auto const words =
            std::to_integer<std::size_t>(frame[2]) << 8 | std::to_integer<std::size_t>(frame[3]);
        frame.resize(12 + 4 * words);
        if (read_exactly(frame.data() + 12, 4 * words)) return std::nullopt;
        return frame;
    }

    /// Reads and decodes one message; nullopt when the stream ended first or it does not decode.
    std::optional<floorctl::message> read()
    {
        auto const frame = read_frame();
        if (!frame) return std::nullopt;
        auto const h = floorctl::decode_header(*frame);
        if (!h) return std::nullopt;
        auto m = floorctl::decode_message(*h, *frame);
        if (!m) return std::nullopt;
        return *m;
    }

    /// Reads one more octet: how the stream ended (eof for an orderly close; over TLS,
    /// stream_truncated for a FIN without close_notify).
    boost::system::error_code end_of_stream()
    {
        std::byte b{};
        return read_exactly(&b, 1);
    }

    /// Whether the server ended the connection (eof or reset) at the next read.
    bool closed_by_peer()
    {
        auto const ec = end_of_stream();
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }

    /// Why the last read ended early.
    [[nodiscard]] boost::system::error_code error() const { return error_; }

    /// The TLS stream (its next layer is the TCP socket).
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream() { return stream_; }

private:
    boost::system::error_code read_exactly(std::byte* p, std::size_t n)
    {
        error_ = await_op([&](auto done) {
            auto const b = boost::asio::buffer(p, n);
            if (use_tls_)
                boost::asio::async_read(stream_, b, done);
            else
                boost::asio::async_read(stream_.next_layer(), b, done);
        });
        return error_;
    }

    bool use_tls_;
    std::shared_ptr<boost::asio::ssl::context> ctx_; // unused without TLS
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
    boost::system::error_code error_;
};

} // namespace test_support
