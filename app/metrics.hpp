#pragma once
/// @file metrics.hpp
/// Counters for GET /metrics (Prometheus text exposition format 0.0.4). Lock-free atomics,
/// updated by the core host strands and the ws session strands; formatted on demand.

#include <floorctl/event.hpp>
#include <floorctl/unreliable.hpp>

#include <sip/event.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace floorctl::app {

/// Upper bounds (seconds) of the request → response latency histogram buckets.
inline constexpr std::array<double, 12> latency_buckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5};

/// Number of handshake outcome slots: "accepted" plus every ws::upgrade_failure value.
inline constexpr std::size_t handshake_outcomes = 16;

/// Label values of the `transport` label, in floorctl::transport_kind order. A new transport
/// adds its enum value and its label here.
inline constexpr std::array<char const*, 6> transport_labels = {"ws",  "wss", "tcp",
                                                                "tls", "udp", "dtls"};
static_assert(transport_labels.size() ==
              static_cast<std::size_t>(floorctl::transport_kind::dtls) + 1);

/// Values of the SIP `transport` label: every sip::signalling_transport, named by its
/// to_string() (udp, tcp, tls, other, ws, wss), so that logs and metrics agree.
inline constexpr std::size_t sip_transports =
    static_cast<std::size_t>(sip::signalling_transport::wss) + 1;

/// Slots of gauge_values::datagrams_dropped (ws::datagram_drop_count).
inline constexpr std::size_t datagram_drop_reasons = 8;

/// TURN over WebSocket (app::turn_websocket_service, docs/turn.md), read at scrape time.
struct turn_relay_counters {
    std::uint64_t connections = 0;        ///< gauge: open TURN connections
    std::uint64_t connections_opened = 0; ///< WebSocket connections carried to the TURN server
    std::uint64_t refused = 0;            ///< upgrades refused at [turn] max_connections (503)
    std::uint64_t unreachable = 0;        ///< connections closed 1011: TURN server unreachable
    std::uint64_t malformed = 0;          ///< connections closed 1002: not one TURN message
    std::uint64_t messages_in = 0;        ///< client -> TURN server
    std::uint64_t messages_out = 0;       ///< TURN server -> client
    std::uint64_t bytes_in = 0;           ///< client -> TURN server, without added padding
    std::uint64_t bytes_out = 0;          ///< TURN server -> client, without padding
};

/// Values read at scrape time (gauges) rather than counted.
struct gauge_values {
    /// Open connections by transport (index: floorctl::transport_kind): upgraded WebSocket
    /// sessions, bound TCP/TLS BFCP connections.
    std::array<std::uint64_t, transport_labels.size()> connections{};
    std::uint64_t tcp_connections = 0; ///< admitted TCP connections, every listener, any state
    std::uint64_t conferences = 0;
    std::uint64_t participants = 0;
    std::uint64_t bound_connections = 0;
    std::uint64_t active_requests = 0;
    std::uint64_t queued_requests = 0; ///< sum of queue lengths over all floors
    std::uint64_t floor_holders = 0;   ///< sum of holders over all floors
    // Participant tokens remembered, by state (app::token_counts).
    std::uint64_t tokens_unused = 0;
    std::uint64_t tokens_used = 0;
    std::uint64_t tokens_ended = 0;
    std::uint64_t grants = 0; ///< counter: floor requests that became Granted (core stats)
    /// Counters of the UDP/DTLS transports, summed at scrape time: the unreliable layer's over
    /// every peer, and the datagram listeners' drops by reason (index: ws::datagram_drop).
    unreliable::counters unreliable{};
    std::array<std::uint64_t, datagram_drop_reasons> datagrams_dropped{};
    turn_relay_counters turn{}; ///< zeros when [turn] is off
};

/// All counters of the process.
/// @par Thread Safety
/// Every member function is thread-safe (relaxed atomics: counters, not synchronisation).
class metrics {
public:
    enum class direction : std::uint8_t { in = 0, out = 1 };

    /// A BFCP message of primitive number `prim` went `dir`. Unknown numbers count as "other".
    void message(direction dir, std::uint8_t prim) noexcept;
    /// An Error message with `code` was sent.
    void error_sent(std::uint8_t code) noexcept;
    /// A WebSocket handshake ended: slot 0 accepted, slot 1 + ws::upgrade_failure otherwise.
    void handshake(std::size_t outcome_slot) noexcept;
    /// Name of a handshake outcome slot ("accepted", "no_subprotocol", ...).
    [[nodiscard]] static char const* handshake_name(std::size_t slot) noexcept;
    /// A request was answered `elapsed` after its frame arrived.
    void latency(std::chrono::nanoseconds elapsed) noexcept;
    /// A connection of `t` opened (WebSocket handshake done, stream connection bound).
    void connection_opened(transport_kind t) noexcept;
    /// The call controller gave its final answer to an initial INVITE that came over `t` (for a
    /// SIP-over-WebSocket caller: ws or wss, not the loopback TCP flow): `answered` 200, else a
    /// refusal (>= 300).
    void sip_invite(sip::signalling_transport t, bool answered) noexcept;
    /// HTTP requests answered (any path).
    void http_request() noexcept { http_.fetch_add(1, std::memory_order_relaxed); }

    /// The Prometheus text for these counters plus `gauges`.
    [[nodiscard]] std::string format(gauge_values const& gauges) const;

private:
    static constexpr std::size_t prim_slots = 19; // 0 = other, 1..17 RFC 8855, 18 = vendor/draft
    std::array<std::array<std::atomic<std::uint64_t>, prim_slots>, 2> messages_{};
    std::array<std::atomic<std::uint64_t>, 15> errors_{}; // index = Error Code 1..14, 0 other
    std::array<std::atomic<std::uint64_t>, handshake_outcomes> handshakes_{};
    std::array<std::atomic<std::uint64_t>, transport_labels.size()> opened_{};
    std::array<std::atomic<std::uint64_t>, latency_buckets.size() + 1> latency_{}; // last: +Inf
    std::atomic<std::uint64_t> latency_sum_ns_{0};
    std::atomic<std::uint64_t> http_{0};
    /// [transport][0 answered, 1 refused]
    std::array<std::array<std::atomic<std::uint64_t>, 2>, sip_transports> sip_invites_{};
};

} // namespace floorctl::app
