#pragma once
/// @file event.hpp
/// The core's input vocabulary. Events are facts, named in the past tense.
/// Value types; they own their data because they cross strands (adapter -> core).

#include <floorctl/types.hpp>

#include <cstddef>
#include <variant>
#include <vector>

namespace floorctl {

/// How a connection reached us; decides Error 9 (Use TLS) or 11 (Use DTLS) and the version
/// rules.
enum class transport_kind : std::uint8_t {
    ws,   ///< TCP/WS/BFCP  (RFC 8857, plain)
    wss,  ///< TCP/WSS/BFCP (RFC 8857, TLS)
    tcp,  ///< TCP/BFCP     (RFC 8855 reliable)
    tls,  ///< TCP/TLS/BFCP (RFC 8855 reliable)
    udp,  ///< UDP/BFCP     (RFC 8855 unreliable; a "connection" is one source address and port)
    dtls, ///< UDP/TLS/BFCP (RFC 8855 unreliable, DTLS)
};

/// True for transports protected by TLS or DTLS.
[[nodiscard]] constexpr bool is_secure(transport_kind t) noexcept
{
    return t == transport_kind::wss || t == transport_kind::tls || t == transport_kind::dtls;
}

/// True for the datagram transports, where floorctl::unreliable sits between socket and core.
[[nodiscard]] constexpr bool is_unreliable(transport_kind t) noexcept
{
    return t == transport_kind::udp || t == transport_kind::dtls;
}

/// An adapter authenticated a connection and bound it to (conference, user). Every later frame
/// on `conn` must carry that conference and user ID (RFC 8857 §6 replay defence).
struct connection_bound {
    connection_id conn{};
    conference_id conference{};
    user_id user{};
    transport_kind transport = transport_kind::wss;
};

/// One complete BFCP message arrived on `conn` (one WebSocket message, or one framed message of
/// a TCP stream).
struct frame_received {
    connection_id conn{};
    std::vector<std::byte> frame;
};

/// The transport connection is gone (peer closed, error, timeout, superseded).
struct connection_closed {
    connection_id conn{};
};

/// A timer the core started with start_timer expired.
struct timer_fired {
    timer_id id{};
};

using event = std::variant<connection_bound, frame_received, connection_closed, timer_fired>;

} // namespace floorctl
