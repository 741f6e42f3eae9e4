#pragma once
/// @file relay.hpp
/// msrp::relay — the MSRP relay of RFC 4976 with RFC 7977's WebSocket clients, as a state
/// machine: events in (a connection opened, a chunk received, a connection closed, a delivery
/// failed), actions out (send bytes on a connection, send them to an outside hop, close), time
/// passed in. It answers AUTH (401 with a digest challenge, 423 for an Expires out of bounds,
/// 200 with Use-Path and Expires), keeps the sessions it handed out keyed by their URI, routes
/// SEND, REPORT and other requests by To-Path, refuses requests from unauthenticated clients
/// (403) and for unknown sessions (481), answers SEND hop by hop and turns failures downstream
/// into REPORTs when the sender asked for them (RFC 4975 §7.1.2).
///
/// Pure: no I/O, no clock, no randomness of its own (msrp::relay_services supplies MD5, random
/// tokens and passwords). Not thread-safe: one relay lives on one strand.

#include <msrp/chunking.hpp>
#include <msrp/digest.hpp>
#include <msrp/message.hpp>
#include <msrp/parse.hpp>
#include <msrp/uri.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace msrp {

using connection_id = std::uint64_t;
using time_point = std::chrono::steady_clock::time_point;

/// What the relay needs from its host: MD5 (digest_hasher), random tokens and passwords.
class relay_services : public digest_hasher {
public:
    /// A fresh random token of 8 to 32 letters and digits: session-ids, nonces and transaction
    /// IDs are made of these, so they must not be guessable.
    [[nodiscard]] virtual std::string random_token() = 0;
    /// The password of `username` in `realm`, or nullopt for an unknown user.
    [[nodiscard]] virtual std::optional<std::string> password(std::string_view username,
                                                              std::string_view realm) = 0;
};

/// How a connection reached the relay.
enum class connection_kind : std::uint8_t {
    client, ///< A client of this relay (WebSocket, RFC 7977): must authenticate before sending.
    peer,   ///< Another relay or endpoint over MSRP over TCP/TLS: reaches sessions from outside.
};

struct relay_options {
    /// The relay's own URI as Use-Path writes it, without session-id, e.g.
    /// `msrps://a.example.com:2855;tcp` (RFC 7977 §8.1.2).
    uri self;
    /// Further addresses clients send AUTH to (e.g. `msrps://a.example.com:443;ws`); compared
    /// with same_authority(), so any userinfo and session-id are ignored.
    std::vector<uri> aliases;
    std::string realm = "floorctl";
    std::uint32_t min_expires = 60;       ///< Shorter requested Expires: 423 with Min-Expires.
    std::uint32_t max_expires = 3600;     ///< Longer requested Expires: 423 with Max-Expires.
    std::uint32_t default_expires = 1800; ///< When the AUTH asks for none.
    std::chrono::seconds nonce_lifetime{300};
    std::chrono::seconds transaction_timeout{30}; ///< RFC 4975 §7.1.1: 30 s, then 408.
    std::size_t max_sessions_per_connection = 8;
    std::size_t max_auth_failures = 5; ///< Then 403 and the connection is closed.
    std::size_t max_nonces = 4096;
    std::size_t max_transactions = 4096;  ///< Forwarded transactions awaiting a response.
    std::size_t client_chunk = 16 * 1024; ///< Largest body sent to a client in one chunk.
    limits parse_limits;
};

/// A connection was accepted or opened. `user` is set when the WebSocket handshake already
/// authenticated it (RFC 7977 §7: token or cookie); AUTH is still needed for the path.
struct connection_opened {
    connection_id conn = 0;
    connection_kind kind = connection_kind::client;
    std::optional<std::string> user;
};

/// One chunk arrived: a whole WebSocket message, or what msrp::stream_reader cut from a stream.
struct chunk_received {
    connection_id conn = 0;
    std::string_view bytes; ///< Valid during the call only.
};

/// The connection is gone: its sessions and the transactions it started end with it.
struct connection_closed {
    connection_id conn = 0;
};

/// The adapter could not deliver a send_to (no connection to that hop): treated as the response
/// `code` (408 for a timeout, 481 when the hop cannot be reached).
struct delivery_failed {
    std::string transaction_id;
    std::uint16_t code = 481;
};

using relay_event =
    std::variant<connection_opened, chunk_received, connection_closed, delivery_failed>;

/// Write `bytes` on a connection the relay already knows.
struct send_chunk {
    connection_id conn = 0;
    std::string bytes;
};

/// Write `bytes` to an outside hop: the adapter finds or opens an MSRP over TCP/TLS connection
/// to `target`'s authority (RFC 4975 §6.2) and reports failure as delivery_failed.
struct send_to_hop {
    uri target;
    std::string transaction_id;
    std::string bytes;
};

/// Close a connection (after what was queued for it). `reason` is for the log.
struct close_connection {
    connection_id conn = 0;
    std::string reason;
};

using relay_action = std::variant<send_chunk, send_to_hop, close_connection>;

class relay {
public:
    /// `services` must outlive the relay.
    relay(relay_options options, relay_services& services);

    /// Handles one event at `now`; returns what to do, in order.
    [[nodiscard]] std::vector<relay_action> handle(relay_event const& e, time_point now);

    /// Ends what is due at `now`: transactions without a response (408, RFC 4975 §7.1.1),
    /// sessions past their Expires, stale nonces.
    [[nodiscard]] std::vector<relay_action> expire(time_point now);

    /// When expire() next has something to do, if ever.
    [[nodiscard]] std::optional<time_point> next_deadline() const;

    /// Sessions handed out and alive.
    [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
    /// Forwarded transactions awaiting a response.
    [[nodiscard]] std::size_t pending_transactions() const noexcept { return pending_.size(); }

private:
    struct connection_state {
        connection_kind kind = connection_kind::client;
        std::optional<std::string> user; ///< set once authenticated (handshake or AUTH)
        std::size_t sessions = 0;
        std::size_t auth_failures = 0;
    };
    struct session {
        uri relay_uri;  ///< what Use-Path handed out
        uri client_uri; ///< the From-Path of the AUTH: where inbound requests go
        connection_id conn = 0;
        time_point expires_at;
    };
    struct nonce_state {
        time_point issued;
        std::uint64_t last_nc = 0;
    };
    /// A request the relay forwarded and awaits a response for.
    struct transaction {
        connection_id origin = 0;
        std::string origin_transaction_id;
        bool hop_by_hop = true; ///< SEND: answered already; a failure becomes a REPORT
        message request;        ///< the request as received, without its body
        byte_range sent_range;  ///< the range of the chunk sent (a re-chunked piece)
        uri relay_uri;          ///< the session URI the relay wrote in From-Path
        std::optional<connection_id> destination; ///< the client it went to, if local
        time_point deadline;
    };

    using actions = std::vector<relay_action>;

    void on_chunk(connection_id conn, std::string_view bytes, time_point now, actions& out);
    void on_auth(connection_id conn, message const& m, time_point now, actions& out);
    void on_request(connection_id conn, message const& m, time_point now, actions& out);
    void on_response(message const& m, actions& out);
    void on_closed(connection_id conn, actions& out);
    void report_failure(transaction const& t, std::uint16_t code, std::string const& comment,
                        actions& out);
    void fail_transaction(std::string const& tid, std::uint16_t code, std::string const& comment,
                          actions& out);
    void forward(connection_id origin, message const& received, message fwd, uri const& hop_uri,
                 time_point now, actions& out);
    void deliver_to_client(session const& s, connection_id origin, message const& received,
                           message fwd, uri const& hop_uri, time_point now, actions& out);
    void remember(connection_id origin, message const& received, message const& sent,
                  uri const& hop_uri, time_point now);
    void respond(connection_id conn, message const& request, std::uint16_t code, actions& out,
                 std::string comment = {});
    void challenge(connection_id conn, message const& request, bool stale, time_point now,
                   actions& out);
    [[nodiscard]] session* find_session(uri const& u);
    [[nodiscard]] bool is_self(uri const& u) const;
    connection_state& state_of(connection_id conn);

    relay_options options_;
    relay_services& services_;
    std::map<connection_id, connection_state> connections_;
    std::map<std::string, session> sessions_; ///< by session-id
    std::map<std::string, nonce_state> nonces_;
    std::map<std::string, transaction> pending_; ///< by the transaction ID the relay sent
};

} // namespace msrp
