#pragma once
/// @file datagram_listener.hpp
/// UDP and DTLS listeners (RFC 8855 unreliable transports): one UDP socket, a table of peers
/// keyed by source address and port, each with a connection_id, its share of the connection
/// limits (ws::admission, shared with the stream and WebSocket listeners), a message rate limit
/// and an idle expiry. It carries datagrams and knows nothing of BFCP: the app puts the
/// unreliable-transport layer (floorctl::unreliable::peer) on top.
///
/// DTLS (options.dtls non-null): a new source first gets a HelloVerifyRequest with a stateless
/// cookie (RFC 6347 §4.2.1) and holds no state until it echoes it; then one SSL object per peer
/// on memory BIOs, retransmissions on a timer (DTLSv1_handle_timeout), a handshake timeout, and
/// the peer's certificate fingerprint handed to the app (docs/datagram-transport.md).

#include <ws/admission.hpp>
#include <ws/close.hpp>
#include <ws/dtls.hpp>
#include <ws/log.hpp>

#include <floorctl/types.hpp>

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ws {

/// Where a datagram came from.
struct datagram_source {
    std::string address; ///< e.g. "192.0.2.7" or "::1", without port
    std::uint16_t port = 0;

    /// "address:port", with the address in brackets for IPv6.
    [[nodiscard]] std::string remote() const;
};

/// A peer the listener opened (plain UDP: on its first admitted datagram; DTLS: when its
/// handshake completed).
struct datagram_peer {
    floorctl::connection_id conn{};
    datagram_source source;
    bool dtls = false;
    /// DTLS: sha256_fingerprint() of the peer's certificate (empty when it sent none). The app
    /// compares it with the SDP offer's a=fingerprint. Plain UDP: empty.
    std::string fingerprint;
};

/// Why a datagram was dropped (counted per reason: datagram_listener::dropped()).
enum class datagram_drop : std::uint8_t {
    unknown_source, ///< datagram_handler::accept_source() said no
    over_limit,     ///< the connection limits (total or per address) are reached
    rate,           ///< the peer exceeded max_messages_per_second
    oversized,      ///< longer than max_datagram
    malformed,      ///< empty; at a DTLS port neither a DTLS record nor a BFCP message; a DTLS
                    ///< record that failed to decrypt or parse
    cleartext,      ///< a plain BFCP message at a DTLS port that the app did not answer
    send_queue,     ///< datagram_listener::send() over max_send_queue_bytes / _datagrams
    send_failed,    ///< the socket refused it (send buffer full, unreachable)
};
inline constexpr std::size_t datagram_drop_count = 8;

/// "unknown_source", "over_limit", ... (metrics label values).
[[nodiscard]] char const* to_string(datagram_drop d) noexcept;

/// Implemented by the app.
/// @par Thread Safety
/// Called on the listener's strand (never concurrently for one listener). Methods must not
/// block and must not throw. datagram_listener::send() may be called from inside them (it then
/// sends at once); close() is carried out after the call returns. Kept alive (shared_ptr) by the
/// listener.
class datagram_handler {
public:
    virtual ~datagram_handler() = default;

    /// A datagram came from a source that has no peer yet: may it become one? Asked before any
    /// per-source state is made (and, for DTLS, before the cookie exchange), so it must be
    /// cheap: an address lookup. Default: yes.
    [[nodiscard]] virtual bool accept_source(datagram_source const& /*source*/) { return true; }

    /// A peer is open; `peer.conn` is now addressable by send() and close().
    virtual void on_open(datagram_peer const& peer) = 0;

    /// One datagram's payload (DTLS: one record's plaintext) from an open peer, valid only
    /// during the call.
    virtual void on_datagram(floorctl::connection_id conn, std::span<std::byte const> payload) = 0;

    /// Called exactly once for every on_open(), after the last on_datagram(): the app closed it,
    /// it was idle for idle_timeout, the DTLS peer sent close_notify or failed, or the listener
    /// stopped.
    virtual void on_close(floorctl::connection_id conn, close_info const& info) = 0;

    /// A plain BFCP message (first octet's version bits 1 or 2, second octet not a DTLS
    /// version) at a DTLS port, from any source. The returned bytes, if any, are sent back to
    /// the source (at most max_cleartext_replies_per_second in all); empty: dropped (counted as
    /// datagram_drop::cleartext). Default: dropped.
    [[nodiscard]] virtual std::vector<std::byte> on_cleartext(datagram_source const& /*source*/,
                                                              std::span<std::byte const> /*msg*/)
    {
        return {};
    }

    /// A DTLS peer that never opened: handshake failed or timed out. Default: nothing.
    virtual void on_rejected(datagram_source const& /*source*/, std::string const& /*reason*/) {}

    /// A datagram was dropped (for metrics; the listener logs rate-limited). Default: nothing.
    /// Unlike the other methods, datagram_drop::send_queue is reported on the thread that
    /// called send().
    virtual void on_dropped(datagram_drop /*why*/) {}
};

/// Listener configuration.
struct datagram_listener_options {
    std::string address = "127.0.0.1"; ///< IPv4 or IPv6 literal to bind
    std::uint16_t port = 0;            ///< 0: the OS picks; see datagram_listener::port()
    /// Non-null: DTLS 1.2 with this context; else plain UDP.
    std::shared_ptr<dtls_context> dtls;
    /// The connection limits, shared with the other listeners so that they apply to the sum.
    /// Null: the listener makes its own from the two values below.
    std::shared_ptr<ws::admission> admission;
    std::size_t max_peers = 10'000;          ///< peers at once; 0: no limit
    std::size_t max_peers_per_address = 256; ///< per remote IP address; 0: no limit
    /// Datagrams per peer per second (burst: as many); beyond, they are dropped. 0: off.
    std::uint32_t max_messages_per_second = 100;
    /// A peer from which nothing came for this long is closed ("idle timeout").
    std::chrono::milliseconds idle_timeout{300'000};
    /// A DTLS handshake not complete after this long is abandoned (a silent client must not
    /// hold a slot).
    std::chrono::milliseconds handshake_timeout{10'000};
    /// Longest datagram accepted; longer ones are dropped (datagram_drop::oversized). The one
    /// receive buffer is 65,535 octets whatever this says.
    std::size_t max_datagram = 65'535;
    /// DTLS record size limit (SSL_set_mtu): handshake messages are fragmented to fit.
    std::size_t dtls_mtu = 1200;
    /// Datagrams (and their octets) handed to send() and not yet on the socket, all peers
    /// together; beyond, send() drops (datagram_drop::send_queue).
    std::size_t max_send_queue_bytes = 4 * 1024 * 1024;
    std::size_t max_send_queue_datagrams = 8192;
    /// Answers to cleartext BFCP at a DTLS port (datagram_handler::on_cleartext) per second.
    std::uint32_t max_cleartext_replies_per_second = 10;
    /// SO_RCVBUF of the socket. Every peer's datagrams wait in this one kernel buffer until the
    /// strand reads them; what does not fit is dropped unseen and costs the sender a
    /// retransmission timer (RFC 8855 T1, 500 ms). The system default (208 KiB on Linux) holds
    /// a few hundred small datagrams: less than one outstanding request from each of 1,000 peers.
    /// Linux caps it at net.core.rmem_max unless the process has CAP_NET_ADMIN. 0: the system
    /// default.
    std::size_t receive_buffer_bytes = 4 * 1024 * 1024;
    /// Exactly one thread runs the io_context: the listener's work goes to the io_context's
    /// executor instead of a strand of its own (as listener_options::one_io_thread), which
    /// saves the strand's queue and locks on every datagram.
    bool one_io_thread = false;
};

/// A UDP socket carrying datagrams to and from peers, plain or DTLS.
/// @par Thread Safety
/// Every public member function may be called from any thread.
class datagram_listener {
public:
    /// Opens and binds the socket. @throws boost::system::system_error on a busy port or bad
    /// address (startup error).
    [[nodiscard]] static std::shared_ptr<datagram_listener>
    create(boost::asio::io_context& ioc, datagram_listener_options options,
           std::shared_ptr<datagram_handler> app, log_sink log = {});

    /// Starts receiving. Call once.
    void run();

    /// Stops receiving, closes every peer (DTLS: close_notify; on_close() with going_away) and
    /// the socket. Carried out on the listener's strand. Idempotent.
    void stop();

    /// The bound port.
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// Sends `payload` to open peer `conn` as one datagram (DTLS: one record), copied before
    /// the call returns. False when `conn` is not open or the send queue is full (dropped).
    bool send(floorctl::connection_id conn, std::span<std::byte const> payload);

    /// Closes `conn` (DTLS: close_notify after the datagrams already sent); on_close() follows
    /// with `reason`. False when `conn` is not open.
    bool close(floorctl::connection_id conn, std::string reason = {});

    /// Peers in the table: open ones, and DTLS ones whose handshake is under way.
    [[nodiscard]] std::size_t peer_count() const;

    /// Datagrams dropped so far, by reason (index: datagram_drop).
    [[nodiscard]] std::array<std::uint64_t, datagram_drop_count> dropped() const noexcept;

    /// Cookies (HelloVerifyRequests) sent so far by a DTLS listener.
    [[nodiscard]] std::uint64_t cookies_sent() const noexcept;

    ~datagram_listener();
    datagram_listener(datagram_listener const&) = delete;
    datagram_listener& operator=(datagram_listener const&) = delete;

    struct state; ///< internal (ws/src/datagram_listener.cpp)

private:
    explicit datagram_listener(std::shared_ptr<state> s);
    std::shared_ptr<state> state_;
};

} // namespace ws
