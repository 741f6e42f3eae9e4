#pragma once
// What every network test client stands on: an io_context run on its own thread, and a bounded
// wait for one asynchronous operation, so a silent or broken server fails a test instead of
// hanging it (no sleeps, no socket receive timeouts that Asio's synchronous reads ignore).

#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

namespace test_support {

/// Every awaited client operation ends by this.
inline constexpr std::chrono::seconds io_bound{10};

/// Starts an operation with a completion handler that records its error, and waits for it
/// with io_bound (net::error::timed_out when it did not complete). Errors travel as values: no
/// use_future (its exception_ptr is invisible to TSan, and its completions run on the system
/// executor, outliving the test's io_context). Not from the thread that runs the operation.
template <class Start> boost::system::error_code await_op(Start start)
{
    auto p = std::make_shared<std::promise<boost::system::error_code>>();
    auto f = p->get_future();
    start([p](boost::system::error_code ec, auto&&...) { p->set_value(ec); });
    if (f.wait_for(io_bound) != std::future_status::ready) return boost::asio::error::timed_out;
    return f.get();
}

/// An io_context for test clients, run by one thread of its own from construction until stop().
/// Declare it before the clients that use it and call stop() before they are destroyed: their
/// sockets must go while the io_context still exists, and no longer in use by its thread.
class client_io {
public:
    client_io() : thread_([this] { ioc_.run(); }) {}
    ~client_io() { stop(); }
    client_io(client_io const&) = delete;
    client_io& operator=(client_io const&) = delete;

    [[nodiscard]] boost::asio::io_context& context() { return ioc_; }

    /// Stops the io_context and joins its thread (idempotent). Not from that thread.
    void stop()
    {
        if (!thread_.joinable()) return;
        work_.reset();
        ioc_.stop();
        thread_.join();
    }

private:
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        ioc_.get_executor()};
    std::thread thread_;
};

} // namespace test_support
