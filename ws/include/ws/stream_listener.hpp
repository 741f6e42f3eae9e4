#pragma once
/// @file stream_listener.hpp
/// TCP/BFCP and TCP/TLS/BFCP listeners (RFC 8855 §6.2 reliable transports, RFC 8856 §7):
/// one Asio acceptor, one strand per connection, floorctl::stream_framer cutting the byte
/// stream into messages (a read may hold half a message or several), bounded buffers.
///
/// Binding rule (RFC 8856 §7, docs/policies.md #18): a connection belongs to the participant whose
/// SDP negotiated it. Its first message is handed to stream_handler::on_first_message() with the
/// peer's address; the app asks the core (floorctl::stream_bindings) and returns its verdict.
/// The listener only carries it out: bind, or write the refusal's bytes (the core's Error
/// reply) and close. It never decodes a BFCP header itself.
///
/// Accepted connections are registered in a ws::registry (the WebSocket listener's, if given),
/// so the app sends to and closes TCP and WebSocket connections the same way.

#include <ws/admission.hpp>
#include <ws/close.hpp>
#include <ws/handler.hpp>
#include <ws/log.hpp>
#include <ws/registry.hpp>

#include <floorctl/event.hpp>
#include <floorctl/message.hpp>
#include <floorctl/stream_binding.hpp>
#include <floorctl/types.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ws {

/// Who connected, passed to the binding hook.
struct stream_peer {
    floorctl::connection_id conn{};
    floorctl::transport_kind transport = floorctl::transport_kind::tcp; ///< tcp or tls
    std::string remote_address; ///< e.g. "192.0.2.7" or "::1", without port
    std::uint16_t remote_port = 0;
};

/// Implemented by the app.
/// @par Thread Safety
/// Called on the strand of the connection concerned, from any io_context thread; calls for one
/// connection never overlap. Methods must not block (post to the core's strand) and must not
/// throw. Kept alive (shared_ptr) by the listener and its connections.
class stream_handler {
public:
    virtual ~stream_handler() = default;

    /// The first complete BFCP message of connection `peer.conn` (framed, not decoded): the
    /// core's verdict on it (floorctl::stream_bindings::decide). stream_accepted: on_open() and
    /// then on_frame() with this same message follow. stream_refused: its reply (if any) is
    /// written, then the connection is closed and on_rejected() follows.
    [[nodiscard]] virtual floorctl::stream_verdict
    on_first_message(stream_peer const& peer, std::span<std::byte const> message) = 0;

    /// The connection was bound; `conn` is now addressable in the registry.
    virtual void on_open(floorctl::connection_id conn, binding const& bound,
                         floorctl::transport_kind transport, std::string const& remote) = 0;

    /// One complete BFCP message (framed by 12 + 4*PayloadLength octets, not yet decoded),
    /// valid only during the call (as handler::on_frame).
    virtual void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) = 0;

    /// Called exactly once for every on_open(), after the last on_frame(). `info.code` is
    /// normal for an orderly close, abnormal for a network failure; `info.reason` says why.
    virtual void on_close(floorctl::connection_id conn, close_info const& info) = 0;

    /// A connection ended before it was bound (refused, first-message timeout, TLS failure,
    /// framing error). For metrics; default: nothing.
    virtual void on_rejected(stream_peer const& /*peer*/, std::string const& /*reason*/) {}
};

/// Listener configuration.
struct stream_listener_options {
    std::string address = "127.0.0.1"; ///< IPv4 or IPv6 literal to bind
    std::uint16_t port = 0;            ///< 0: the OS picks; see stream_listener::port()
    /// Non-null: TCP/TLS/BFCP with this server context (ws::make_server_context); else TCP/BFCP.
    std::shared_ptr<boost::asio::ssl::context> tls;
    /// Registry the bound connections join (share the WebSocket listener's). Null: a new one.
    std::shared_ptr<registry> connections;
    /// TLS handshake plus the first message must complete within this, else the connection is
    /// closed (a silent client must not hold a slot).
    std::chrono::milliseconds bind_timeout{10'000};
    std::size_t max_message = floorctl::max_message_size;      ///< one BFCP message
    std::size_t max_buffered = 2 * floorctl::max_message_size; ///< unconsumed input per connection
    std::size_t max_write_queue_bytes = 1024 * 1024; ///< queued output; else the peer is cut off
    std::size_t max_write_queue_messages = 4096;     ///< queued output messages; likewise
    /// The connection limits, shared with the other listeners (listener_options::admission) so
    /// that they apply to the sum. Null: the listener makes its own from the two values below.
    std::shared_ptr<ws::admission> admission;
    std::size_t max_connections = 10'000;          ///< accepted at once; 0: no limit
    std::size_t max_connections_per_address = 256; ///< per remote IP address; 0: no limit
    /// Messages per connection per second (burst: as many), from the first message on; a
    /// connection over it is closed ("message rate exceeded"). 0: off.
    std::uint32_t max_messages_per_second = 100;
    /// True only when exactly one thread runs the io_context: connections use its executor
    /// instead of a strand each (as listener_options::one_io_thread).
    bool one_io_thread = false;
};

/// Accepts TCP (or TLS) connections carrying BFCP and runs them on the io_context's threads.
/// @par Thread Safety
/// run(), stop(), port(), connections() may be called from any thread.
class stream_listener : public std::enable_shared_from_this<stream_listener> {
public:
    /// Opens, binds and listens. @throws boost::system::system_error on a busy port or bad
    /// address (startup error).
    [[nodiscard]] static std::shared_ptr<stream_listener>
    create(boost::asio::io_context& ioc, stream_listener_options options,
           std::shared_ptr<stream_handler> app, log_sink log = {});

    /// Starts accepting. Call once.
    void run();

    /// Stops accepting and closes the connections not bound yet. Bound connections are left to
    /// connections().close_all() (so the app can send Goodbye first). Idempotent.
    void stop();

    /// The bound port.
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// The registry bound connections join.
    [[nodiscard]] registry& connections() noexcept;

    /// Connections currently accepted by this listener (bound or not).
    [[nodiscard]] std::size_t connection_count() const noexcept;

    ~stream_listener();
    stream_listener(stream_listener const&) = delete;
    stream_listener& operator=(stream_listener const&) = delete;

    struct impl; ///< internal (ws/src/stream_listener.cpp)

private:
    explicit stream_listener(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ws
