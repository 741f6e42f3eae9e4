#pragma once
/// @file listener.hpp
/// One TCP port serving HTTP and BFCP over WebSocket (RFC 8857), plain and TLS detected per
/// connection (Beast's async_detect_ssl), as in Beast's advanced_server_flex.

#include <ws/admission.hpp>
#include <ws/handler.hpp>
#include <ws/log.hpp>
#include <ws/registry.hpp>
#include <ws/service.hpp>
#include <ws/upgrade.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ws {

/// Everything configurable about a listener. Defaults are the documented production values
/// (docs/websocket.md).
struct listener_options {
    std::string address = "127.0.0.1"; ///< IPv4 or IPv6 literal to bind
    std::uint16_t port = 0;            ///< 0: the OS picks; see listener::port()

    /// Server TLS context (see tls.hpp). Null: TLS is not offered and ClientHellos are dropped.
    std::shared_ptr<boost::asio::ssl::context> tls;
    /// Accept plain (non-TLS) HTTP/WS. False: a plain connection is closed without an answer
    /// (deployments without a TLS-terminating proxy).
    bool allow_plain = true;

    /// The BFCP path (served by the handler given to create()), Origin allow-list and token
    /// cookie for the upgrade check of every service.
    upgrade_config upgrade;
    /// Further WebSocket sub-protocols, after BFCP (the handler at upgrade.path): a client's
    /// offered Sec-WebSocket-Protocol values are matched, in its order, against the services at
    /// the requested path; the chosen one is echoed, no match is 400. Same port, same limits,
    /// keep-alive, write queues and close handling as BFCP.
    std::vector<service_entry> services;

    // --- handshake and HTTP -------------------------------------------------------------------
    std::size_t max_header_bytes = 8 * 1024;             ///< request line + headers; else 431
    std::size_t max_body_bytes = 64 * 1024;              ///< HTTP request body; else 413
    std::chrono::milliseconds handshake_timeout{10'000}; ///< TLS + HTTP upgrade; else the socket
                                                         ///< is closed
    std::chrono::milliseconds http_idle_timeout{30'000}; ///< keep-alive HTTP between requests

    // --- WebSocket sessions ------------------------------------------------------------------
    /// Keep-alive, checked every half of this: when nothing (message, ping, pong) arrived during
    /// the last half a ping goes out, and when nothing arrived during the next half either the
    /// connection is dropped (close_code::abnormal, "keep-alive timeout"), so after between
    /// this and 1.5 times this of silence. 0: off.
    std::chrono::milliseconds keepalive_timeout{60'000};
    /// Close (1000, "idle timeout") when no BFCP message arrives for this long. 0: off.
    std::chrono::milliseconds message_idle_timeout{0};
    /// A close this server starts (queued writes, then the close frame, then the peer's) ends
    /// within this; a peer that never answers the close frame is then disconnected.
    std::chrono::milliseconds close_timeout{10'000};
    std::size_t max_write_queue_bytes = 1024 * 1024; ///< queued outgoing bytes; else 1008
    std::size_t max_write_queue_messages = 4096;     ///< queued outgoing messages; else 1008

    // --- threading ----------------------------------------------------------------------------
    /// True only when exactly one thread runs the io_context: connections then use its executor
    /// directly instead of a strand each. A strand serialises nothing one thread does not
    /// already, and its cost per round trip is measured in docs/performance.md. With several
    /// threads this must stay false.
    bool one_io_thread = false;

    // --- limits -------------------------------------------------------------------------------
    /// The connection limits, shared with other listeners (stream_listener_options::admission)
    /// so that they apply to the sum. Null: the listener makes its own from the two values
    /// below.
    std::shared_ptr<ws::admission> admission;
    std::size_t max_connections = 20'000; ///< TCP connections in total (HTTP + WS); 0: none
    std::size_t max_connections_per_address = 256; ///< per remote IP address; 0: no limit
    std::uint32_t max_messages_per_second = 100;   ///< per WS connection (burst: as many); 0: off
    /// Retry-After of the 503 answer given to a connection over max_connections (after the TLS
    /// handshake for TLS), within admission_limits::max_refusals_in_flight.
    std::chrono::seconds retry_after{5};
};

/// Accepts connections and runs their HTTP/WebSocket sessions on the io_context's threads.
/// Create with create(), start with run(). Release the last reference before the io_context is
/// destroyed (the acceptor belongs to it); pending handlers may hold references until then. Lives
/// on its own strand; owned by shared_ptr (its pending accept holds one).
/// @par Thread Safety
/// run(), stop(), port(), connections() may be called from any thread.
class listener : public std::enable_shared_from_this<listener> {
public:
    /// Opens, binds and listens (SO_REUSEADDR) on options.address:options.port.
    /// @throws boost::system::system_error when the address is invalid or the port is busy
    ///         (startup error), std::invalid_argument when the options are inconsistent
    ///         (no TLS context and allow_plain false, a path not starting with '/', a service
    ///         without a handler or a name, two services with one name at one path).
    [[nodiscard]] static std::shared_ptr<listener> create(boost::asio::io_context& ioc,
                                                          listener_options options,
                                                          std::shared_ptr<handler> app,
                                                          log_sink log = {});

    /// Starts accepting. Call once.
    void run();

    /// Stops accepting and closes every connection that has not (yet) become a WebSocket session
    /// (pending handshakes, keep-alive HTTP). Open WebSocket sessions are left to
    /// connections().close_all(). Idempotent.
    void stop();

    /// The bound port (the real one when options.port was 0).
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// The bound endpoint.
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

    /// The open WebSocket connections.
    [[nodiscard]] registry& connections() noexcept;
    /// Shared ownership of the registry, for components that outlive this listener's owner.
    [[nodiscard]] std::shared_ptr<registry> connections_ptr() const noexcept;

    /// Number of TCP connections currently admitted by this listener's admission (HTTP,
    /// handshaking and WebSocket; with a shared admission, every listener sharing it).
    [[nodiscard]] std::size_t tcp_connection_count() const noexcept;

    ~listener();
    listener(listener const&) = delete;
    listener& operator=(listener const&) = delete;

    struct impl; ///< internal (ws/src)

private:
    explicit listener(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ws
