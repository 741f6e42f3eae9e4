#pragma once
// The executor a new connection's socket gets (listener_options::one_io_thread,
// stream_listener_options::one_io_thread): a strand of its own, or with exactly one thread
// running the io_context the io_context's executor itself (nothing to serialise against).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace ws::detail {

[[nodiscard]] inline boost::asio::any_io_executor connection_executor(boost::asio::io_context& ioc,
                                                                      bool one_io_thread)
{
    if (one_io_thread) return ioc.get_executor();
    return boost::asio::make_strand(ioc);
}

} // namespace ws::detail
