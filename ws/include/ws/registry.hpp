#pragma once
/// @file registry.hpp
/// The open connections of every listener (WebSocket sessions, bound TCP/TLS BFCP
/// connections), addressable by connection_id from any thread, counted by transport.

#include <ws/close.hpp>

#include <floorctl/event.hpp>
#include <floorctl/types.hpp>

#include <boost/container/small_vector.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace ws {

class session_base;

/// The bytes of one outgoing message. Up to 120 octets (a FloorRequestStatus about one floor,
/// most notifications) live inside the object itself, so that make_frame() costs one
/// allocation in all: the shared block.
using frame_bytes = boost::container::small_vector<std::byte, 120>;

/// One outgoing WebSocket message; shared so one FloorStatus can go to many connections
/// without copies.
using frame_ptr = std::shared_ptr<frame_bytes const>;

/// A frame holding a copy of `bytes`.
[[nodiscard]] frame_ptr make_frame(std::span<std::byte const> bytes);

/// How one outgoing message is framed on a WebSocket (RFC 6455 §5.6: the opcode of its frame).
/// BFCP is binary (RFC 8857 §5); SIP is text when it is UTF-8 (RFC 7118 §5.2). A stream
/// connection (TCP/TLS BFCP) has no frames and ignores it.
enum class message_kind : std::uint8_t {
    binary, ///< opcode 0x2
    text,   ///< opcode 0x1; the bytes must be UTF-8 (RFC 6455 §8.1: the peer checks them)
};

/// One message waiting to be written: its bytes and its kind. This is what a session's inbox and
/// write queue hold, by value: the kind costs no allocation of its own.
struct outgoing_message {
    frame_ptr frame;
    message_kind kind = message_kind::binary;
};

/// Thread-safe map connection_id -> session. Holds weak references only: a session's lifetime
/// is its pending operations'. Every operation hops onto the session's strand; none blocks on
/// I/O. Owned (shared_ptr) by the listener and by each session.
/// @par Thread Safety
/// All member functions may be called concurrently from any thread (mutex inside; never calls
/// into a session while holding it).
class registry {
public:
    /// Queues `frame` as one WebSocket message of `kind` (FIN=1, never fragmented) on `conn`.
    /// Returns false when `conn` is not open (already closed or never existed): the frame is
    /// dropped. If the connection's write queue bound is exceeded, the connection is closed
    /// (1008, "write queue overflow") and on_close() follows. `kind` text: the caller has
    /// checked that `frame` is UTF-8; the edge does not.
    bool send(floorctl::connection_id conn, frame_ptr frame,
              message_kind kind = message_kind::binary);
    /// As send(conn, make_frame(frame), kind).
    bool send(floorctl::connection_id conn, std::span<std::byte const> frame,
              message_kind kind = message_kind::binary);

    /// Closes `conn` with `code`/`reason` after the frames already queued are written (the close
    /// handshake is bounded by the handshake timeout; a peer that does not read is cut off).
    /// Frames sent after this are dropped. Returns false when `conn` is not open.
    bool close(floorctl::connection_id conn, close_code code, std::string reason = {});

    /// close() on every open connection (shutdown: going_away after the app's Goodbye).
    void close_all(close_code code, std::string reason = {});

    /// Number of open connections of every transport (upgraded WebSocket sessions and bound
    /// TCP/TLS BFCP connections, not yet closed).
    [[nodiscard]] std::size_t count() const;
    /// Number of open connections of `transport`.
    [[nodiscard]] std::size_t count(floorctl::transport_kind transport) const;

    /// Registers a session of `transport` (called by the session on its strand once it is open:
    /// WebSocket handshake done, stream connection bound).
    void attach(floorctl::connection_id conn, std::weak_ptr<session_base> session,
                floorctl::transport_kind transport);
    /// Forgets a session (called by the session when its read loop ends).
    void detach(floorctl::connection_id conn);

private:
    [[nodiscard]] std::shared_ptr<session_base> find(floorctl::connection_id conn) const;

    struct entry {
        std::weak_ptr<session_base> session;
        floorctl::transport_kind transport;
    };
    /// Slots of per_transport_: one per floorctl::transport_kind value, room to grow.
    static constexpr std::size_t transport_slots = 8;

    mutable std::mutex mutex_;
    // guarded by mutex_
    std::unordered_map<std::uint64_t, entry> sessions_;
    std::array<std::size_t, transport_slots> per_transport_{};
};

/// What the registry needs from a session (implemented by the plain and TLS sessions).
/// @par Thread Safety
/// deliver() and close() are thread-safe. deliver() appends to the session's inbox and posts one
/// drain to its strand, or writes at once when called from inside the session's own on_frame
/// hand-over (ws/src/inbox.hpp); close() posts onto the strand.
class session_base {
public:
    virtual ~session_base() = default;
    /// Queue one outgoing message (`message.frame` not null).
    virtual void deliver(outgoing_message message) = 0;
    /// Close after flushing the queue.
    virtual void close(close_code code, std::string reason) = 0;
};

} // namespace ws
