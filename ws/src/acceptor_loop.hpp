#pragma once
// The accept loop of every listener in ws/: one acceptor on its own strand, a new socket per
// connection on its own executor (connection_executor) with TCP_NODELAY set, and the handling of
// accept failures.
//
// A failed accept() is logged at most once per report interval, with the number of failures
// since the last report. Running out of descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS,
// ENOMEM) pauses the loop, 10 ms doubling up to 1 s, instead of retrying at once: the pending
// connection stays in the backlog and would fail again immediately. The first accept that
// succeeds afterwards is logged ("accepting again") and resets the pause.

#include "connection_executor.hpp"

#include <ws/log.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace ws::detail {

class acceptor_loop : public std::enable_shared_from_this<acceptor_loop> {
public:
    using tcp = boost::asio::ip::tcp;
    using on_socket = std::function<void(tcp::socket)>;

    static constexpr std::chrono::milliseconds first_pause{10};
    static constexpr std::chrono::milliseconds longest_pause{1000};
    static constexpr std::chrono::milliseconds report_interval{1000};

    /// Opens, binds (SO_REUSEADDR) and listens on `ep`. Throws boost::system::system_error.
    acceptor_loop(boost::asio::io_context& ioc, tcp::endpoint const& ep, bool one_io_thread,
                  log_sink log, std::string name)
        : ioc_(ioc), one_io_thread_(one_io_thread), acceptor_(boost::asio::make_strand(ioc)),
          timer_(acceptor_.get_executor()), log_(std::move(log)), name_(std::move(name))
    {
        acceptor_.open(ep.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(boost::asio::socket_base::max_listen_connections);
        bound_ = acceptor_.local_endpoint();
    }

    /// Starts accepting; `f` gets every accepted socket, on the acceptor's strand. Call once.
    void start(on_socket f)
    {
        boost::asio::dispatch(acceptor_.get_executor(),
                              [self = shared_from_this(), f = std::move(f)]() mutable {
                                  self->on_socket_ = std::move(f);
                                  self->do_accept();
                              });
    }

    /// Stops accepting (thread-safe, idempotent).
    void stop()
    {
        boost::asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
            self->stopped_ = true;
            boost::system::error_code ignored;
            self->acceptor_.close(ignored);
            self->timer_.cancel();
        });
    }

    [[nodiscard]] tcp::endpoint local_endpoint() const noexcept { return bound_; }

    /// True for the failures that pause the loop (no descriptor, no kernel memory).
    [[nodiscard]] static bool out_of_resources(boost::system::error_code const& ec) noexcept
    {
        namespace errc = boost::system::errc;
        return ec == errc::too_many_files_open || ec == errc::too_many_files_open_in_system ||
               ec == errc::no_buffer_space || ec == errc::not_enough_memory;
    }

private:
    void do_accept()
    {
        if (stopped_) return;
        acceptor_.async_accept(
            connection_executor(ioc_, one_io_thread_),
            [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                self->on_accept(ec, std::move(socket));
            });
    }

    void on_accept(boost::system::error_code ec, tcp::socket socket)
    {
        if (stopped_ || ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) return on_failure(ec);
        if (failures_total_ != 0) {
            log(log_level::info, name_ + ": accepting again after " +
                                     std::to_string(failures_total_) + " failed accepts");
            failures_total_ = 0;
            failures_unreported_ = 0;
            pause_ = std::chrono::milliseconds{0};
        }
        // Every session writes each message as soon as it is complete, often two in a row (a
        // SIP 100 then its 200, a BFCP answer then a notification): with Nagle the second waits
        // for the peer's delayed ACK, ≈ 40 ms (docs/performance.md, "SIP over WebSocket against
        // SIP over TCP").
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        on_socket_(std::move(socket));
        do_accept();
    }

    void on_failure(boost::system::error_code ec)
    {
        ++failures_total_;
        ++failures_unreported_;
        bool const pausing = out_of_resources(ec);
        if (pausing)
            pause_ = pause_.count() == 0 ? first_pause : std::min(2 * pause_, longest_pause);
        auto const now = std::chrono::steady_clock::now();
        if (failures_total_ == 1 || now - last_report_ >= report_interval) {
            last_report_ = now;
            std::string msg = name_ + ": accept failed: " + ec.message() + " (" +
                              std::to_string(failures_unreported_) +
                              (failures_unreported_ == 1 ? " failure" : " failures") +
                              " since the last report)";
            if (pausing)
                msg +=
                    "; pausing accepts for up to " + std::to_string(longest_pause.count()) + " ms";
            failures_unreported_ = 0;
            log(log_level::error, msg);
        }
        if (!pausing) return do_accept();
        timer_.expires_after(pause_);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
            if (!e) self->do_accept();
        });
    }

    void log(log_level level, std::string const& msg) const
    {
        if (log_) log_(level, msg, log_fields{});
    }

    boost::asio::io_context& ioc_;
    bool const one_io_thread_;
    tcp::acceptor acceptor_; // on its own strand; every member below is touched only there
    boost::asio::steady_timer timer_;
    log_sink const log_;
    std::string const name_;
    tcp::endpoint bound_;
    on_socket on_socket_;
    bool stopped_ = false;
    std::uint64_t failures_total_ = 0;      // since the last successful accept
    std::uint64_t failures_unreported_ = 0; // since the last report
    std::chrono::milliseconds pause_{0};
    std::chrono::steady_clock::time_point last_report_{};
};

} // namespace ws::detail
