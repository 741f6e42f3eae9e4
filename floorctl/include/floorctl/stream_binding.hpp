#pragma once
/// @file stream_binding.hpp
/// floorctl::stream_bindings — who may open a TCP/BFCP or TCP/TLS/BFCP connection (RFC 8856 §7,
/// docs/policies.md #18). A WebSocket connection is bound by its token at the upgrade; a stream
/// connection carries no token, so it belongs to the participant whose SDP negotiated it, and
/// its first message says which participant that is. The signalling side (the SIP call
/// controller) tells this object which participants expect a stream connection and from which
/// address; the transport hands it each connection's first message and carries out the
/// verdict: bind, or write the Error bytes and close.
///
/// Pure: no I/O, no clock. Not thread-safe: the owner serialises calls (app/ holds a mutex).

#include <floorctl/types.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace floorctl {

/// The first message names a participant that negotiated this transport, from its address:
/// bind the connection to (conference, user) and hand the same message to the server.
struct stream_accepted {
    conference_id conference{};
    user_id user{};
};

/// The connection is refused: write `reply` (an encoded BFCP Error answering the first
/// message; empty when the message has no header to answer), then close.
struct stream_refused {
    std::vector<std::byte> reply;
    std::string reason; ///< for the log; never a secret
};

using stream_verdict = std::variant<stream_accepted, stream_refused>;

/// The negotiated stream connections and the decision on a connection's first message.
class stream_bindings {
public:
    /// (conference, user) negotiated TCP/BFCP or TCP/TLS/BFCP and will connect from
    /// `address` (an IP literal as the transport reports it; empty: from any address).
    /// Replaces an earlier expectation for the same participant.
    void expect(conference_id conf, user_id user, std::string address);

    /// The participant is gone: later connections naming it are refused.
    void forget(conference_id conf, user_id user);

    /// The decision on `first_message`, the first complete message of a connection from
    /// `remote_address`:
    /// - fewer than 12 octets: refused, no reply (nothing to address it to);
    /// - a participant that negotiated no stream: refused with Error 2 (User Does Not Exist);
    /// - another source address than negotiated: refused with Error 5 (Unauthorized Operation);
    /// - else accepted for the header's conference and user.
    /// The Error echoes the message's header (docs/policies.md #9).
    [[nodiscard]] stream_verdict decide(std::span<std::byte const> first_message,
                                        std::string_view remote_address) const;

    /// Number of participants expected.
    [[nodiscard]] std::size_t size() const noexcept { return expected_.size(); }

    /// True when some participant is expected from `address` (or from any address): whether a
    /// datagram from a source without a peer is worth any state at all. Constant time.
    [[nodiscard]] bool expects_address(std::string_view address) const;

private:
    [[nodiscard]] static std::uint64_t key(conference_id conf, user_id user) noexcept
    {
        return std::uint64_t{to_underlying(conf)} << 16 | to_underlying(user);
    }

    std::unordered_map<std::uint64_t, std::string> expected_;  // key() -> address
    std::unordered_map<std::string, std::size_t> per_address_; // address -> expectations
};

} // namespace floorctl
