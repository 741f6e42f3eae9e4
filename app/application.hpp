#pragma once
/// @file application.hpp
/// app::application — the composition root as an object: configuration in, a running server
/// out. Owns the token store, metrics, the core host and the WebSocket/HTTP listener, and wires
/// the listener's callbacks to them. main.cpp and the end-to-end tests both use it, so the
/// tests exercise exactly what the binary runs.

#include "config.hpp"
#include "core_host.hpp"
#include "metrics.hpp"
#include "participants.hpp"

#include <floorctl/config.hpp>

#include <ws/http.hpp>
#include <ws/listener.hpp>
#include <ws/stream_listener.hpp>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace floorctl::app {

/// What a new participant needs to connect (the provisioning API's answer, and what the SIP
/// side writes into its SDP answer: confid, userid, floorid lines and websocket-uri).
struct participant_ticket {
    std::string websocket_uri; ///< wss://host:port/path?token=...
    conference_id conference{};
    user_id user{};
    std::vector<floor_id> floors;
    std::string token;
};

/// Why create_participant() failed.
enum class participant_failure : std::uint8_t {
    no_such_conference,
    user_taken,
    internal, ///< RNG failure or another unexpected server error
};

/// Outcome of create_participant().
struct participant_result {
    std::optional<participant_ticket> ticket;
    participant_failure failure = participant_failure::internal; ///< when !ticket
};

/// Converts configured floor settings to the core's floor configuration.
[[nodiscard]] floor_config to_floor_config(floor_settings const& f);

/// Converts a configured conference; chairs named by SIP URI get reserved user ids counting
/// down from 65535 (see chair_user_for_uri()), chairs named by user id keep theirs.
[[nodiscard]] conference_config to_conference_config(conference_settings const& c,
                                                     bool require_tls);

/// The user id reserved for chair URI `uri` in `c`, or nullopt when `uri` is not a chair.
[[nodiscard]] std::optional<user_id> chair_user_for_uri(conference_settings const& c,
                                                        std::string const& uri);

/// The running server.
///
/// @par Thread Safety
/// Constructed and started on the main thread. create_participant(), revoke_participant(),
/// port() and shutdown() are thread-safe. The listener's callbacks run on connection strands.
class application {
public:
    /// Builds the TLS context (self-signed when no files are configured), binds the listener.
    /// @throws std::exception on startup failure (port busy, unreadable certificate, ...).
    application(config cfg, boost::asio::io_context& ioc);
    ~application();
    application(application const&) = delete;
    application& operator=(application const&) = delete;

    /// Posts the configured conferences to their shards and starts accepting. No wait is
    /// needed: a connection's events for a conference are posted to the same strand later, so
    /// the conference is always there first. Failures are logged.
    void start();

    /// The bound WebSocket/HTTP port.
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// "https://127.0.0.1:PORT" (or http:// when TLS is off) for the local HTTP surface.
    [[nodiscard]] std::string local_base_url() const;

    /// The websocket-uri for `token` (public host/port/scheme from the configuration).
    [[nodiscard]] std::string websocket_uri(std::string const& token) const;

    /// Adds a participant to `conf` and issues its token, synchronously: the user id is
    /// allocated here (lowest free id, chairs named by URI get their reserved id) and the core
    /// learns about the participant through a post to the conference's strand. That post is
    /// ordered before any connection that uses the token (the token does not exist before this
    /// returns, and the connection's events go to the same strand), so no wait is needed.
    /// Used by the provisioning API and by the SIP side. Thread-safe.
    [[nodiscard]] participant_result create_participant(conference_id conf, participant_info info);

    /// A fresh token for an existing participant (SIP re-INVITE with connection:new); the
    /// participant's older tokens are revoked. nullopt when the participant is unknown.
    [[nodiscard]] std::optional<std::string> renew_token(conference_id conf, user_id user);

    /// Floors and existence of a conference, for the SIP side. nullopt when unknown.
    [[nodiscard]] std::optional<conference_settings> find_conference(conference_id conf) const;

    /// Creates a conference from the SIP auto-create template for conference name `name`;
    /// returns its id. nullopt when the template is disabled.
    [[nodiscard]] std::optional<conference_id> create_from_template(std::string const& name);

    /// Announces that (conf, user) negotiated TCP/BFCP or TCP/TLS/BFCP over SIP and will connect
    /// from `address` (RFC 8856 §7): the stream listeners accept a connection whose first
    /// message carries these ids only from there. Forgotten when the participant is revoked.
    void expect_stream_connection(conference_id conf, user_id user, std::string address);

    /// Bound port of the first TCP/BFCP (`tls` false) or TCP/TLS/BFCP listener; 0 when none.
    [[nodiscard]] std::uint16_t stream_port(bool tls) const noexcept;

    /// The conference whose name (or decimal id) is `name`, if any.
    [[nodiscard]] std::optional<conference_id> conference_by_name(std::string const& name) const;

    /// Revokes the participant's tokens and removes it (its floors are released, its connection
    /// gets Goodbye and is closed). `done` (may be empty) runs on a core strand.
    void revoke_participant(conference_id conf, user_id user, std::function<void(bool)> done = {});

    /// Graceful stop: stop accepting, Goodbye to every client, close 1001, cancel timers; `done`
    /// when every connection is closed or after `limit`. Idempotent.
    void shutdown(std::chrono::milliseconds limit, std::function<void()> done);

    /// Handles one HTTP request (the ws listener's on_http). Public for tests.
    void handle_http(ws::http_request req, ws::request_context const& ctx,
                     ws::http_responder respond);

    [[nodiscard]] token_store& tokens() noexcept { return tokens_; }
    [[nodiscard]] core_host& host() noexcept { return *host_; }
    [[nodiscard]] metrics& counters() noexcept { return metrics_; }
    [[nodiscard]] config const& settings() const noexcept { return cfg_; }

    class bridge;        ///< the ws::handler implementation (internal)
    class stream_bridge; ///< the ws::stream_handler implementation (internal)

private:
    void handle_api(ws::http_request const& req, std::string_view path, ws::http_responder respond);
    void add_conference(conference_settings c, std::function<void(result<void>)> done);

    config cfg_;
    boost::asio::io_context& ioc_;
    metrics metrics_;
    token_store tokens_;
    std::unique_ptr<core_host> host_;
    std::shared_ptr<ws::listener> listener_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    std::vector<std::shared_ptr<ws::stream_listener>> tcp_listeners_; ///< TCP/BFCP
    std::vector<std::shared_ptr<ws::stream_listener>> tls_listeners_; ///< TCP/TLS/BFCP
    bool tls_ = true;

    mutable std::mutex mutex_;
    struct conference_entry {
        conference_settings settings;
        std::set<std::uint16_t> users; ///< user ids handed out (allocation happens here)
    };
    // guarded by mutex_: the conferences as configured/created (for listing, chairs, floors)
    std::map<std::uint32_t, conference_entry> catalog_;
    bool stopping_ = false; // guarded by mutex_
    // guarded by mutex_: (conference << 16 | user) -> source address of its TCP/TLS connection
    std::unordered_map<std::uint64_t, std::string> expected_streams_;
};

} // namespace floorctl::app
