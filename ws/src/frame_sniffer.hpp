#pragma once
// A transparent stream layer between the transport (TCP or TLS) and Beast's websocket::stream
// that runs every received byte through frame_scanner. See frame_scanner.hpp for why.

#include "frame_scanner.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <utility>

namespace ws::detail {

template <class NextLayer> class frame_sniffer {
public:
    using executor_type = typename NextLayer::executor_type;
    using next_layer_type = NextLayer;

    template <class... Args>
    explicit frame_sniffer(Args&&... args) : next_(std::forward<Args>(args)...)
    {
    }

    executor_type get_executor() noexcept { return next_.get_executor(); }
    NextLayer& next_layer() noexcept { return next_; }
    NextLayer const& next_layer() const noexcept { return next_; }
    frame_scanner const& scanner() const noexcept { return scanner_; }

    template <class MutableBufferSequence, class ReadToken>
    auto async_read_some(MutableBufferSequence const& buffers, ReadToken&& token)
    {
        return boost::asio::async_compose<ReadToken, void(boost::beast::error_code, std::size_t)>(
            read_op<MutableBufferSequence>{*this, buffers}, token, next_);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(ConstBufferSequence const& buffers, WriteToken&& token)
    {
        return next_.async_write_some(buffers, std::forward<WriteToken>(token));
    }

private:
    template <class MutableBufferSequence> struct read_op {
        frame_sniffer& s;
        MutableBufferSequence buffers;
        bool started = false;

        template <class Self>
        void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t n = 0)
        {
            if (!started) {
                started = true;
                s.next_.async_read_some(buffers, std::move(self));
                return;
            }
            std::size_t left = n;
            for (auto it = boost::asio::buffer_sequence_begin(buffers);
                 left > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
                boost::asio::mutable_buffer const b = *it;
                std::size_t const used = b.size() < left ? b.size() : left;
                s.scanner_.feed(static_cast<unsigned char const*>(b.data()), used);
                left -= used;
            }
            self.complete(ec, n);
        }
    };

    NextLayer next_;
    frame_scanner scanner_;
};

// Beast's websocket::stream finds teardown for its next layer by argument-dependent lookup.
template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, frame_sniffer<NextLayer>& s,
                    TeardownHandler&& handler)
{
    using boost::beast::websocket::async_teardown;
    async_teardown(role, s.next_layer(), std::forward<TeardownHandler>(handler));
}

template <class NextLayer>
void teardown(boost::beast::role_type role, frame_sniffer<NextLayer>& s,
              boost::beast::error_code& ec)
{
    using boost::beast::websocket::teardown;
    teardown(role, s.next_layer(), ec);
}

} // namespace ws::detail
