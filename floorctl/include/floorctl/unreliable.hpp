#pragma once
/// @file unreliable.hpp
/// floorctl::unreliable — RFC 8855's unreliable-transport rules (§6.2, §8) for one peer: the
/// layer between a datagram socket (UDP, or DTLS after decryption) and the floor control server.
/// Pure: events in, actions out, time passed in as `now`; no I/O, no clock reads, no threads.
///
/// What it does for one peer (one source address and port):
/// - incoming: decodes the common header, reassembles fragments (bounded memory, timeout),
///   answers a retransmitted request from the reply cache without handing it on again, matches
///   acks (FloorRequestStatusAck, FloorStatusAck, GoodbyeAck, the older draft numbering and the
///   vendor primitives 90-95 of docs/unreliable-transport.md) to outstanding server transactions
///   and consumes them, and hands every other complete message on (deliver_message);
/// - outgoing: takes each encoded message the server produced for this peer; a response
///   (non-zero transaction ID, not a Goodbye) gets the R bit and goes into the reply cache; a
///   server-initiated message (transaction ID 0: FloorRequestStatus, FloorStatus; or a Goodbye)
///   gets a fresh non-zero transaction ID and is retransmitted on T1, doubling, until acked or
///   given up; any other message with transaction ID 0 (an answer to a request that carried 0)
///   is sent once as it is; a message larger than `max_datagram` is sent as fragments.
///
/// The adapter owns one `peer` per source, calls it on its strand, carries out the actions and
/// calls `on_tick()` at `next_deadline()`.

#include <floorctl/types.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <variant>
#include <vector>

namespace floorctl::unreliable {

using namespace std::chrono_literals;

/// Settings; the defaults are RFC 8855's where it gives one (docs/unreliable-transport.md).
struct options {
    /// Largest datagram sent, BFCP headers included. 1200 fits a 1,280-octet IPv6 path with
    /// room for IP, UDP and DTLS overhead. Values below 20 (a fragment header and one word) are
    /// treated as 20.
    std::size_t max_datagram = 1200;
    /// Initial retransmission interval of a server transaction: RFC 8855 §8.3.3 timer T1
    /// (initial request retransmission timer, 0.5 s), doubled after each transmission (§8.3.1).
    clock::duration t1 = 500ms;
    /// Transmissions of one server transaction before it is given up, the first one included:
    /// RFC 8855 §8.3.1 allows three retransmissions. The last one is waited for as long again as
    /// the doubling gives (8·T1), so a silent peer is given up 15·T1 = 7.5 s after the first send.
    unsigned max_transmissions = 4;
    /// How long a response stays in the reply cache: RFC 8855 §8.3.3 timer T2 (response
    /// retransmission timer, (T1·2⁴)·1.25 = 10 s), longer than a client retransmits a request
    /// (§8.3.2).
    clock::duration reply_lifetime = 10s;
    /// A fragment set that is not complete after this long is dropped (T2 again: a sender's
    /// retransmissions of the whole message fall inside it).
    clock::duration reassembly_timeout = 10s;
    /// Octets of incomplete fragment sets kept per peer (each set counts 12 + 4·Payload Length);
    /// beyond, the oldest set is dropped. The default holds one message of the largest size.
    std::size_t max_reassembly_octets = 262'152;
    /// Server transactions in flight per peer; further messages wait in order behind them.
    std::size_t max_in_flight = 16;
    /// Responses (and requests still waiting for their response) remembered per peer; beyond,
    /// the oldest entry is forgotten early.
    std::size_t max_cached_replies = 1024;
    /// Octets of cached responses kept per peer; beyond, the oldest entries are forgotten early
    /// (the newest response is always kept).
    std::size_t max_cached_reply_octets = 1'048'576;
};

/// Send these bytes to the peer as one datagram. A view, not a copy: of the message handed to
/// the call that made the action, of the reply cache or of the peer's other storage. Valid until
/// the next call on the peer, and no longer than the input of the call that made it: carry it
/// out (or copy it) before calling the peer again.
struct send_datagram {
    std::span<std::byte const> bytes;
};

/// A complete BFCP message (reassembled, F cleared) for the server (frame_received). A view, not
/// a copy: of the datagram handed to on_datagram(), or of the peer's buffer of the last message
/// put together from fragments. Valid until the next on_datagram() on the peer (on_send() and
/// on_tick() leave it alone, so the server may answer while it reads it), and no longer than
/// that datagram.
struct deliver_message {
    std::span<std::byte const> message;
};

/// The peer stopped acknowledging: a server transaction was given up. The adapter treats the
/// peer as gone (connection_closed), so its floors are released as for a closed connection.
struct peer_lost {};

using action = std::variant<send_datagram, deliver_message, peer_lost>;

/// Something worth a log line and a metric (docs/unreliable-transport.md, "Metrics").
enum class note : std::uint8_t {
    retransmitted,     ///< a server transaction was sent again
    given_up,          ///< a server transaction ended without an ack (peer_lost follows)
    duplicate_request, ///< a retransmitted request was answered from the reply cache
    fragments_sent,    ///< a message went out in fragments
    reassembled,       ///< a fragmented message was complete and handed on
    fragment_dropped,  ///< an overlapping, inconsistent, oversized or timed-out fragment set
    unmatched_ack,     ///< an ack with no outstanding transaction: consumed quietly
    vendor_primitive,  ///< a header-only vendor primitive (90-95): consumed quietly
    malformed,         ///< fewer than 12 octets or a bad fragment header: dropped
};

/// Name of a note as used in logs and metric labels ("retransmitted", "given_up", ...).
[[nodiscard]] char const* to_string(note n) noexcept;

/// Counters of one peer, for metrics.
struct counters {
    std::uint64_t retransmitted = 0;      ///< retransmissions of server transactions
    std::uint64_t given_up = 0;           ///< server transactions given up
    std::uint64_t duplicate_requests = 0; ///< requests seen again (answered from the cache)
    std::uint64_t fragments_sent = 0;     ///< datagrams that carried one fragment, sent
    std::uint64_t fragments_received = 0; ///< well-formed fragments received
    std::uint64_t reassembled = 0;        ///< fragmented messages completed
    std::uint64_t fragments_dropped = 0;  ///< fragment sets (or lone fragments) dropped
    std::uint64_t unmatched_acks = 0;     ///< acks (or responses) matching no transaction
    std::uint64_t vendor_primitives = 0;  ///< vendor primitives 90-95 consumed
    std::uint64_t malformed = 0;          ///< datagrams dropped as unreadable
};

/// The unreliable-transport state of one peer (docs/unreliable-transport.md).
/// Precondition of every call: `now` never goes backwards (a steady clock's reading).
/// @par Thread Safety
/// Not thread-safe; the adapter serialises calls on the peer's strand.
class peer {
public:
    explicit peer(options opts = {});
    ~peer();
    peer(peer&&) noexcept;
    peer& operator=(peer&&) noexcept;
    peer(peer const&) = delete;
    peer& operator=(peer const&) = delete;

    /// One datagram arrived from the peer at `now`. Appends the actions to `out`: datagrams to
    /// send, or at most one deliver_message, never both, never peer_lost.
    void on_datagram(std::span<std::byte const> datagram, clock::time_point now,
                     std::vector<action>& out);

    /// The server produced `message` (one encoded BFCP message: 12 octets plus the Payload
    /// Length's words, no more, no less) for this peer at `now`. Appends datagrams to send.
    void on_send(std::span<std::byte const> message, clock::time_point now,
                 std::vector<action>& out);

    /// Time passed: retransmit what is due, give up what is exhausted, expire the reply cache and
    /// incomplete fragment sets. Call at next_deadline() (earlier or later calls are harmless).
    /// Appends datagrams to send, or (a transaction given up) a peer_lost and nothing else.
    void on_tick(clock::time_point now, std::vector<action>& out);

    /// When on_tick() has something to do next; nullopt when nothing is pending.
    [[nodiscard]] std::optional<clock::time_point> next_deadline() const noexcept;

    /// True while server transactions wait for their ack (an orderly close waits for this).
    [[nodiscard]] bool awaiting_acks() const noexcept;

    /// Octets held by incomplete fragment sets (never above options::max_reassembly_octets).
    [[nodiscard]] std::size_t reassembly_octets() const noexcept;

    /// Requests remembered by the reply cache, answered or not (never above
    /// options::max_cached_replies).
    [[nodiscard]] std::size_t cached_replies() const noexcept;

    /// Octets of cached responses (above options::max_cached_reply_octets only while the newest
    /// response alone is larger).
    [[nodiscard]] std::size_t cached_reply_octets() const noexcept;

    /// True once peer_lost was reported; later server-initiated messages are dropped.
    [[nodiscard]] bool lost() const noexcept;

    /// What happened so far, for logs and metrics.
    [[nodiscard]] counters const& totals() const noexcept;

    /// Notes since the last call (oldest first), each with a static reason text for the log;
    /// the adapter logs them rate-limited and clears them by calling this.
    struct noted {
        note what;
        char const* why;
    };
    [[nodiscard]] std::vector<noted> take_notes();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace floorctl::unreliable
