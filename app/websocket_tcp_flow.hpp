#pragma once
/// @file websocket_tcp_flow.hpp
/// floorctl::app::websocket_tcp_flow — one WebSocket client's TCP connection (a "flow") to a
/// server behind floorctl: sofia's TCP listener for SIP over WebSocket
/// (docs/sip-over-websocket.md), a TURN server for TURN over WebSocket (docs/turn.md). The flow
/// owns what both share: connecting, keeping the client's messages until connected, the write
/// queue and its bound, the read loop and the close. What the bytes mean is the service's,
/// through the hooks below.

#include <ws/registry.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace floorctl::app {

/// A flow's TCP side; a service derives from it and fills in the hooks.
/// @par Thread Safety
/// start(), from_client() and close() may be called from any thread: they post onto the flow's
/// strand. Every hook runs on that strand.
class websocket_tcp_flow : public std::enable_shared_from_this<websocket_tcp_flow> {
public:
    /// `max_queued_bytes`: bytes waiting to be written to the server (before connecting and
    /// after) beyond which the client is closed with 1013 (the server does not keep up).
    websocket_tcp_flow(boost::asio::io_context& ioc, ws::registry& registry,
                       floorctl::connection_id conn, std::size_t max_queued_bytes);
    virtual ~websocket_tcp_flow() = default;

    websocket_tcp_flow(websocket_tcp_flow const&) = delete;
    websocket_tcp_flow& operator=(websocket_tcp_flow const&) = delete;

    /// Connects to `server`; on_connected() or on_unreachable() follows.
    void start(boost::asio::ip::tcp::endpoint server);

    /// A WebSocket message from the client (copied: the edge's buffer is only valid during
    /// on_frame). Handed to on_client_message() once connected, in order.
    void from_client(std::string message);

    /// The client is gone: closes the TCP connection; on_closed() follows.
    void close();

protected:
    /// Connected; `local` is the flow's own address and port.
    virtual void on_connected(boost::asio::ip::tcp::endpoint const& local) = 0;
    /// The server could not be reached. The client is still open.
    virtual void on_unreachable(boost::system::error_code ec) = 0;
    /// One message of the client, after on_connected().
    virtual void on_client_message(std::string& message) = 0;
    /// Bytes read from the server. Returns false to stop reading (the stream is broken and the
    /// client is being closed).
    [[nodiscard]] virtual bool on_server_bytes(std::span<char const> bytes) = 0;
    /// The TCP connection failed or the server closed it (`op`: "read" or "write"), before the
    /// client did. The client is still open.
    virtual void on_ended(char const* op, boost::system::error_code ec) = 0;
    /// After close(): the TCP connection is closed. `was_connected`: on_connected() had run.
    virtual void on_closed(bool was_connected);

    /// Queues `bytes` for the server (on the strand).
    void write(std::string bytes);

    /// Once connected, writes `ping` to the server every `every` (zero: never) until the flow
    /// ends: for a server that closes quiet connections (sofia, docs/sip-over-websocket.md,
    /// "Long-lived flows"). Call before start().
    void keep_alive(std::chrono::milliseconds every, std::string ping);

    ws::registry& registry_;
    floorctl::connection_id const conn_;

private:
    void on_connect(boost::system::error_code ec);
    void do_write();
    void do_read();
    void do_keep_alive();
    void stop_keep_alive();
    [[nodiscard]] bool over_bound(std::size_t adding);

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer keep_alive_timer_;
    std::chrono::milliseconds keep_alive_every_{0};
    std::string keep_alive_ping_;
    std::size_t const max_queued_;
    std::size_t queued_ = 0;
    std::array<char, 16 * 1024> buffer_{};
    std::vector<std::string> pending_;
    std::deque<std::string> writes_;
    bool connected_ = false;
    bool closed_ = false;
};

/// A service's flows by WebSocket connection: added at on_open, found at on_frame, taken at
/// on_close.
/// @par Thread Safety
/// Every member function may be called from any thread (mutex inside).
template <class Flow> class flow_table {
public:
    void add(floorctl::connection_id conn, std::shared_ptr<Flow> flow)
    {
        std::lock_guard lock(mutex_);
        flows_[conn] = std::move(flow);
    }

    /// The flow of `conn`, or null.
    [[nodiscard]] std::shared_ptr<Flow> find(floorctl::connection_id conn) const
    {
        std::lock_guard lock(mutex_);
        auto const it = flows_.find(conn);
        return it == flows_.end() ? nullptr : it->second;
    }

    /// Removes the flow of `conn` and returns it, or null when there was none.
    [[nodiscard]] std::shared_ptr<Flow> take(floorctl::connection_id conn)
    {
        std::lock_guard lock(mutex_);
        auto const it = flows_.find(conn);
        if (it == flows_.end()) return nullptr;
        auto flow = std::move(it->second);
        flows_.erase(it);
        return flow;
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<floorctl::connection_id, std::shared_ptr<Flow>> flows_;
};

} // namespace floorctl::app
