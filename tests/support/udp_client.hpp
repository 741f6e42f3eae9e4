#pragma once
/// @file udp_client.hpp
/// A blocking loopback UDP client for tests: a connected socket whose every receive is bounded.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace test_support {

using namespace std::chrono_literals;

inline constexpr auto bound = 10s; // every wait of a network test ends by this

inline std::vector<std::byte> bytes_of(std::string_view s)
{
    auto const* p = reinterpret_cast<std::byte const*>(s.data());
    return {p, p + s.size()};
}

/// A blocking UDP socket connected to `address`:`port`; receive() waits at most `timeout`.
class udp_client {
public:
    explicit udp_client(std::uint16_t port, char const* address = "127.0.0.1") : socket_(ioc_)
    {
        boost::asio::ip::udp::endpoint const to(boost::asio::ip::make_address(address), port);
        socket_.open(to.protocol());
        socket_.connect(to);
    }

    void send(std::span<std::byte const> d)
    {
        socket_.send(boost::asio::buffer(d.data(), d.size()));
    }
    void send(std::string_view s) { send(bytes_of(s)); }

    std::optional<std::vector<std::byte>> receive(std::chrono::milliseconds timeout = bound)
    {
        pollfd p{socket_.native_handle(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
        std::vector<std::byte> buf(65'535);
        boost::system::error_code ec;
        auto const n = socket_.receive(boost::asio::buffer(buf), 0, ec);
        if (ec) return std::nullopt;
        buf.resize(n);
        return buf;
    }

    [[nodiscard]] std::uint16_t local_port() const { return socket_.local_endpoint().port(); }

private:
    boost::asio::io_context ioc_;
    boost::asio::ip::udp::socket socket_;
};

} // namespace test_support
