#pragma once
// A transparent stream layer between the transport (TCP or TLS) and Beast's websocket::stream
// that runs every received byte through frame_scanner. See frame_scanner.hpp for why.

#include "frame_scanner.hpp"

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <utility>

namespace ws::detail {

/// The completion handler frame_sniffer gives the next layer: it feeds the bytes just read to
/// the scanner, then calls the reader's handler directly. It is transparent to Asio (every
/// associated executor, allocator and cancellation slot is the inner handler's, through the
/// associator specialisation below), so the layer costs no work guard, executor copy or extra
/// intermediate operation per read, which an async_compose layer did (docs/performance.md).
template <class Handler, class MutableBufferSequence> struct scan_handler {
    frame_scanner& scanner;
    MutableBufferSequence buffers;
    Handler handler;

    void operator()(boost::beast::error_code ec, std::size_t n)
    {
        std::size_t left = n;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             left > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
            boost::asio::mutable_buffer const b = *it;
            std::size_t const used = b.size() < left ? b.size() : left;
            scanner.feed(static_cast<unsigned char const*>(b.data()), used);
            left -= used;
        }
        std::move(handler)(ec, n);
    }
};

template <class Handler, class MutableBufferSequence>
bool asio_handler_is_continuation(scan_handler<Handler, MutableBufferSequence>* h)
{
    return boost_asio_handler_cont_helpers::is_continuation(h->handler);
}

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
        return boost::asio::async_initiate<ReadToken, void(boost::beast::error_code, std::size_t)>(
            [this](auto handler, MutableBufferSequence const& b) {
                using handler_t = decltype(handler);
                next_.async_read_some(b, scan_handler<handler_t, MutableBufferSequence>{
                                             scanner_, b, std::move(handler)});
            },
            token, buffers);
    }

    template <class ConstBufferSequence, class WriteToken>
    auto async_write_some(ConstBufferSequence const& buffers, WriteToken&& token)
    {
        return next_.async_write_some(buffers, std::forward<WriteToken>(token));
    }

private:
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

namespace boost::asio {

/// Every association of a scan_handler is its inner handler's.
template <template <typename, typename> class Associator, class Handler, class Buffers,
          class DefaultCandidate>
struct associator<Associator, ws::detail::scan_handler<Handler, Buffers>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type
    get(ws::detail::scan_handler<Handler, Buffers> const& h) noexcept
    {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(ws::detail::scan_handler<Handler, Buffers> const& h,
                    DefaultCandidate const& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c))
    {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};

} // namespace boost::asio
