#pragma once
/// @file application.hpp
/// app::application — the composition root as an object: configuration in, a running server
/// out. Owns the conference catalog, the token store, metrics, the core host and the listeners,
/// wires them together (transport_bridge.hpp, http_api.hpp) and runs the lifecycle (start,
/// provisioning, shutdown). main.cpp and the end-to-end tests both use it, so the tests exercise
/// exactly what the binary runs.

#include "conference_catalog.hpp"
#include "config.hpp"
#include "core_host.hpp"
#include "event_journal.hpp"
#include "metrics.hpp"
#include "participants.hpp"
#include "token_journal.hpp"
#include "turn_credentials.hpp"

#include <floorctl/config.hpp>
#include <floorctl/stream_binding.hpp>

#include <ws/datagram_listener.hpp>
#include <ws/http.hpp>
#include <ws/listener.hpp>
#include <ws/stream_listener.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace floorctl::app {

class http_api;
class datagram_bridge;

/// Where and how a participant reaches the TURN server through floorctl (docs/turn.md).
struct turn_access {
    std::string websocket_uri; ///< wss://host:port/turn (no token: the TURN server authenticates)
    turn_credentials credentials;
};

/// What a new participant needs to connect (the provisioning API's answer, and what the SIP
/// side writes into its SDP answer: confid, userid, floorid lines and websocket-uri).
struct participant_ticket {
    std::string websocket_uri; ///< wss://host:port/path?token=...
    conference_id conference{};
    user_id user{};
    std::vector<floor_id> floors;
    std::string token;
    std::string join_url; ///< https://host:port/join?token=...: the web app, for a browser
    /// TURN over WebSocket and its credentials ([turn] with a secret; docs/turn.md).
    std::optional<turn_access> turn;
};

/// How create_participant() issues the token.
struct ticket_options {
    /// No expiry before the first use (token_store::issue()): the start banner's links.
    bool until_used = false;
    /// The participant and its token are kept in the token store file ([tokens] store) and
    /// made again after a restart. False for the SIP side: its calls end with the process.
    bool survives_restart = true;
};

/// Outcome of create_participant().
struct participant_result {
    std::optional<participant_ticket> ticket;
    participant_failure failure = participant_failure::internal; ///< when !ticket
};

class sip_websocket_service;
class turn_websocket_service;

/// The running server.
///
/// @par Thread Safety
/// Constructed and started on the main thread. Every other public member function is
/// thread-safe. The listeners' callbacks run on connection strands.
class application {
public:
    /// Builds the TLS context (self-signed when no files are configured), binds the listeners.
    /// @throws std::exception on startup failure (port busy, unreadable certificate, ...).
    application(config cfg, boost::asio::io_context& ioc);
    ~application();
    application(application const&) = delete;
    application& operator=(application const&) = delete;

    /// Posts the configured conferences to their shards, makes again the participants the token
    /// store file kept (those of a conference that no longer exists have their tokens revoked:
    /// 403), and starts accepting. No wait is needed: a connection's events for a conference
    /// are posted to the same strand later, so the conference is always there first. Failures
    /// are logged.
    void start();

    /// The SIP side runs and listens for TCP on `port` (of the [sip] tcp listener): SIP over
    /// WebSocket (docs/sip-over-websocket.md) connects its flows there from now on.
    void sip_started(std::uint16_t port);

    /// The `sip` WebSocket service (SIP over WebSocket), or null when SIP is off.
    [[nodiscard]] sip_websocket_service* sip_websocket() const noexcept
    {
        return sip_websocket_.get();
    }

    /// The bound WebSocket/HTTP port.
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// "https://127.0.0.1:PORT" (or http:// when TLS is off) for the local HTTP surface.
    [[nodiscard]] std::string local_base_url() const;

    /// The websocket-uri for `token` (public host/port/scheme from the configuration).
    [[nodiscard]] std::string websocket_uri(std::string const& token) const;
    /// TURN over WebSocket for (conf, user), credentials valid from now for [turn] ttl; none
    /// when [turn] is off or has no secret. Reads the clock.
    [[nodiscard]] std::optional<turn_access> turn_for(conference_id conf, user_id user) const;

    /// The web app's join link for `token` (the same public host and port, https or http as
    /// the websocket-uri is wss or ws).
    [[nodiscard]] std::string join_url(std::string const& token) const;

    // --- provisioning (the HTTP API, the SIP side, the configuration) --------------------------

    /// Adds conference `c` (id 0: one is picked) to the catalog and its shard. Returns the id,
    /// or nullopt when the requested id is taken (`done` is then not called). `done` (may be
    /// empty) gets the id and the core's verdict, on the conference's strand; on a refusal the
    /// conference is taken out of the catalog again.
    std::optional<conference_id>
    create_conference(conference_settings c, std::function<void(conference_id, result<void>)> done);

    /// Removes a conference: its tokens are revoked, its connections get Goodbye and are closed.
    /// False when unknown; otherwise `done` (may be empty) runs once the core removed it.
    bool delete_conference(conference_id conf, std::function<void()> done);

    /// The conference the SIP auto-create template makes for conference name `name` (the
    /// existing one when that name is known). nullopt when the template is disabled.
    [[nodiscard]] std::optional<conference_id> create_from_template(std::string const& name);

    /// Adds a participant to `conf` and issues its token, synchronously: the user id is
    /// allocated by the catalog (see participant_claim for chairs) and the core learns about the
    /// participant through a post to the conference's strand. That post is ordered before any
    /// connection that uses the token (the token does not exist before this returns, and the
    /// connection's events go to the same strand), so no wait is needed.
    [[nodiscard]] participant_result create_participant(conference_id conf, participant_info info,
                                                        participant_claim claim = {},
                                                        ticket_options options = {});

    /// A fresh token for an existing participant (SIP re-INVITE with connection:new); the
    /// participant's older tokens are revoked. nullopt when the participant is unknown.
    [[nodiscard]] std::optional<std::string> renew_token(conference_id conf, user_id user);

    /// Revokes the participant's tokens and removes it (its floors are released, its connection
    /// gets Goodbye and is closed). `done` (may be empty) runs on a core strand.
    void revoke_participant(conference_id conf, user_id user, std::function<void(bool)> done = {});

    /// Announces that (conf, user) negotiated TCP/BFCP, TCP/TLS/BFCP, UDP/BFCP or UDP/TLS/BFCP
    /// over SIP and will connect from `address` (RFC 8856 §7): a connection (or, on a datagram
    /// listener, a peer) whose first message carries these ids is accepted only from there, on
    /// any port (NAT: docs/sdp.md). Forgotten when the participant is revoked.
    void expect_connection(conference_id conf, user_id user, std::string address);

    /// The core's verdict (floorctl::stream_bindings) on the first message of a TCP/TLS BFCP
    /// connection from `remote_address`: bind it, or refuse it with the Error bytes to write.
    [[nodiscard]] stream_verdict decide_stream(std::span<std::byte const> first_message,
                                               std::string_view remote_address) const;

    /// Bound port of the first TCP/BFCP (`tls` false) or TCP/TLS/BFCP listener; 0 when none.
    [[nodiscard]] std::uint16_t stream_port(bool tls) const noexcept;

    /// The a=fingerprint values (e.g. "SHA-256 4A:AD:…") the participant's SDP offer gave for
    /// UDP/TLS/BFCP: a DTLS peer binds to it only when its certificate matches one of them
    /// (RFC 8122 §5, RFC 8842). Replaces earlier ones; forgotten when the participant is revoked.
    void expect_fingerprints(conference_id conf, user_id user, std::vector<std::string> values);

    /// True when `fingerprint` (sha256_fingerprint() of a DTLS peer's certificate) matches one
    /// the participant's offer gave (hash name and hex case ignored). False when it gave none.
    [[nodiscard]] bool fingerprint_matches(conference_id conf, user_id user,
                                           std::string_view fingerprint) const;

    /// True when some participant negotiated a transport from `address`: a datagram from a
    /// source without a peer is worth a peer (or a DTLS cookie) only then.
    [[nodiscard]] bool expects_datagram_source(std::string_view address) const;

    /// Bound port of the first UDP/BFCP (`dtls` false) or UDP/TLS/BFCP listener; 0 when none.
    /// SIP answers refuse UDP lines (port 0) while it is 0.
    [[nodiscard]] std::uint16_t datagram_port(bool dtls) const noexcept;

    /// Bound port of every UDP/BFCP (`dtls` false) or UDP/TLS/BFCP listener, in configuration
    /// order (`[bfcp] udp` / `dtls`).
    [[nodiscard]] std::vector<std::uint16_t> datagram_ports(bool dtls) const;

    /// The SHA-256 fingerprint of the certificate the TLS listeners present with its hash name
    /// ("SHA-256 " + ws::sha256_fingerprint(), RFC 8122 §5), written into SDP answers for
    /// TCP/TLS/BFCP and UDP/TLS/BFCP.
    [[nodiscard]] std::string const& tls_fingerprint() const noexcept { return tls_fingerprint_; }

    /// Gauges for /metrics: the core's, plus connection and token counts.
    void collect_gauges(std::function<void(gauge_values)> done);

    /// Graceful stop: stop accepting, Goodbye to every client, close 1001, cancel timers; `done`
    /// when every connection is closed or after `limit`. Idempotent.
    void shutdown(std::chrono::milliseconds limit, std::function<void()> done);

    /// Handles one HTTP request (the ws listener's on_http). Public for tests.
    void handle_http(ws::http_request req, ws::request_context const& ctx,
                     ws::http_responder respond);

    [[nodiscard]] conference_catalog& catalog() noexcept { return catalog_; }
    [[nodiscard]] token_store& tokens() noexcept { return tokens_; }
    [[nodiscard]] core_host& host() noexcept { return *host_; }
    /// A new reader of conference `conf`'s event stream (event_journal::subscribe), and from
    /// now on the core reports that conference's changes: until the conference is deleted,
    /// so that readers can resume with Last-Event-ID. A conference nobody ever read costs
    /// the core nothing.
    void read_events(conference_id conf, std::optional<std::uint64_t> last_id,
                     std::shared_ptr<ws::http_stream> reader);
    [[nodiscard]] metrics& counters() noexcept { return metrics_; }
    [[nodiscard]] config const& settings() const noexcept { return cfg_; }

private:
    /// Arms keep_alive_ for the next event_journal::keep_alive().
    void schedule_keep_alive();
    /// Opens the [tokens] store file and plays it back into tokens_ (constructor).
    void open_token_journal();
    /// Makes again the participants token_journal_ kept (start()).
    void restore_participants();
    /// Registers the `turn` service ([turn], docs/turn.md) with the WebSocket listener `o`.
    void add_turn_service(ws::listener_options& o);
    /// Datagram peers bound to a participant, every UDP/DTLS listener.
    [[nodiscard]] std::size_t datagram_peers_bound() const;

    config cfg_;
    boost::asio::io_context& ioc_;
    metrics metrics_;
    token_store tokens_;
    /// The file behind tokens_; null when tokens live in memory only.
    std::unique_ptr<token_journal> token_journal_;
    std::vector<journal_participant> kept_participants_; ///< from the file, until start()
    conference_catalog catalog_;
    event_journal journal_;
    /// Writes event_journal::keep_alive() every 15 s while the server runs.
    std::unique_ptr<boost::asio::steady_timer> keep_alive_;
    std::unique_ptr<core_host> host_;
    std::unique_ptr<http_api> api_;
    /// The connection limits of [limits], shared by every listener (they apply to the sum).
    std::shared_ptr<ws::admission> admission_;
    std::shared_ptr<ws::listener> listener_;
    std::shared_ptr<sip_websocket_service> sip_websocket_;   ///< null when SIP is off
    std::shared_ptr<turn_websocket_service> turn_websocket_; ///< null when [turn] is off
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    std::string tls_fingerprint_; ///< of tls_context_'s certificate; set once at construction
    std::vector<std::shared_ptr<ws::stream_listener>> tcp_listeners_;   ///< TCP/BFCP
    std::vector<std::shared_ptr<ws::stream_listener>> tls_listeners_;   ///< TCP/TLS/BFCP
    std::shared_ptr<ws::dtls_context> dtls_context_;                    ///< when [bfcp] dtls is set
    std::vector<std::shared_ptr<ws::datagram_listener>> udp_listeners_; ///< UDP/BFCP
    std::vector<std::shared_ptr<ws::datagram_listener>> dtls_listeners_; ///< UDP/TLS/BFCP
    std::vector<std::shared_ptr<datagram_bridge>> datagram_bridges_;     ///< one per listener
    bool tls_ = true;

    mutable std::mutex mutex_;
    bool stopping_ = false; // guarded by mutex_
    // guarded by mutex_: who may open a TCP/TLS/UDP/DTLS BFCP connection, from where (the core
    // decides)
    stream_bindings expected_connections_;
    // guarded by mutex_: the offered DTLS fingerprints, by (conference << 16 | user)
    std::unordered_map<std::uint64_t, std::vector<std::string>> expected_fingerprints_;
};

} // namespace floorctl::app
