#pragma once
/// @file config.hpp
/// The server's configuration: plain value types filled from a TOML file (or the embedded
/// default), validated key by key. Parsing never stops at the first problem: every error is
/// collected with its line so `floorctl check-config` can report them all at once.
///
/// Thread safety: a `config` is an immutable value after loading; share it by const reference.

#include <floorctl/config.hpp>
#include <sdp/bfcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floorctl::app {

/// A host and a port ("127.0.0.1:5060", "[::1]:8443"). Port 0 asks the OS for a free port.
struct endpoint {
    std::string address;
    std::uint16_t port = 0;
    friend bool operator==(endpoint const&, endpoint const&) = default;
};

// The floor policy vocabulary is the core's (floorctl::policy, floorctl::chair_fallback; see
// docs/policies.md); the settings below only add what a reader of settings needs.

/// Text of a policy as written in the configuration and the API ("queue", "preempt", "chair").
[[nodiscard]] char const* to_string(policy p) noexcept;
/// Text of a fallback as written in the configuration and the API ("accept", "deny").
[[nodiscard]] char const* to_string(chair_fallback f) noexcept;
/// Parses to_string(policy)'s texts; nullopt when unknown.
[[nodiscard]] std::optional<policy> parse_policy(std::string_view s) noexcept;
/// Parses to_string(chair_fallback)'s texts; nullopt when unknown.
[[nodiscard]] std::optional<chair_fallback> parse_chair_fallback(std::string_view s) noexcept;

/// Bounds that every reader of settings (the TOML file, the JSON API) applies, so that both
/// accept exactly the same values.
struct setting_bounds {
    static constexpr std::uint16_t max_holders = 255;           ///< floor: 1..this
    static constexpr std::uint16_t max_requests_per_user = 255; ///< floor: 1..this
    /// Every duration (hold time, chair timeout, reconnect grace, timeouts): 0..this.
    static constexpr std::chrono::milliseconds max_duration{365LL * 24 * 3600 * 1000};
};

/// One floor of a conference ([[conference.floor]]). Defaults as floorctl::floor_config's.
struct floor_settings {
    std::uint16_t id = 1;
    floorctl::policy policy = floor_config{}.kind;
    std::uint16_t max_holders = 1;
    std::chrono::milliseconds max_hold_time{0}; ///< 0: unlimited
    std::uint16_t max_requests_per_user = 1;
    bool send_accepted = false; ///< send Accepted before Granted (Pending → Accepted → Granted)
    std::chrono::milliseconds chair_timeout{30'000};
    chair_fallback fallback = floor_config{}.fallback;
    std::string label; ///< media stream label the floor controls (SDP mstrm), may be empty
};

/// One conference ([[conference]]).
struct conference_settings {
    std::uint32_t id = 0;
    std::string name;                       ///< free text for logs and the API
    std::vector<std::string> sip_uris;      ///< Request-URIs that select this conference
    std::vector<std::string> chair_uris;    ///< SIP URIs of chairs
    std::vector<std::uint16_t> chair_users; ///< user ids of chairs
    std::vector<floor_settings> floors;
    /// After a participant's connection closes, its floor requests survive this long and a new
    /// connection of the same participant keeps them (floorctl::conference_config); 0: none.
    std::chrono::milliseconds reconnect_grace{0};
};

/// A problem check_floors() found; `floor` is the index of the floor concerned, if any.
struct settings_problem {
    std::optional<std::size_t> floor;
    std::string message;
};

/// The rules over a conference's floors that every reader applies after reading them: at least
/// one floor, floor ids unique. Empty when the floors are valid.
[[nodiscard]] std::vector<settings_problem> check_floors(std::vector<floor_settings> const& floors);

/// Template for conferences created on the first INVITE to an unknown conference URI.
struct conference_template {
    bool enabled = false;
    std::vector<floor_settings> floors;
};

/// The WebSocket/HTTP listener ([websocket]). One port serves HTTP, WS and WSS.
struct websocket_settings {
    endpoint listen{"127.0.0.1", 8443};
    bool allow_plain = false;      ///< accept plain HTTP/WS on the port besides TLS
    bool require_tls = true;       ///< BFCP over plain WS gets Error 9 (Use TLS)
    std::string path = "/bfcp";    ///< WebSocket upgrade target
    std::string public_host;       ///< host in websocket-uri; empty: "localhost" / listen address
    std::uint16_t public_port = 0; ///< port in websocket-uri; 0: the bound port
    bool public_tls = true;        ///< websocket-uri scheme wss (true) or ws
    std::vector<std::string> origins; ///< Origin allow-list; empty allows any
    std::string cookie_name = "floorctl_token";
};

/// Certificate and key files ([tls]). Both empty: a self-signed certificate is made at start.
struct tls_settings {
    std::string certificate; ///< PEM chain file
    std::string private_key; ///< PEM key file
    [[nodiscard]] bool self_signed() const noexcept { return certificate.empty(); }
};

/// A digest credential for SIP callers ([[sip.user]]).
struct sip_user {
    std::string name;
    std::string password;
    /// The SIP URI a caller proves by authenticating as `name` (e.g. "sip:moderator@example.com");
    /// empty: none. Only a proven identity makes a SIP caller a chair (`chair_uris`); the From
    /// header is the caller's claim and proves nothing.
    std::string identity;
};

/// The SIP user agent ([sip]).
struct sip_settings {
    bool enabled = true;
    std::vector<endpoint> udp{{"127.0.0.1", 5060}};
    std::vector<endpoint> tcp{{"127.0.0.1", 5060}};
    std::vector<endpoint> tls;
    std::string certificate_dir; ///< sofia TLS directory (agent.pem, cafile.pem); empty: none
    bool digest_auth = false;
    std::string realm = "floorctl";
    std::vector<sip_user> users;  ///< credentials when digest_auth is on
    std::uint32_t load_limit = 0; ///< max concurrent calls before 503; 0: unlimited
    /// SO_RCVBUF / SO_SNDBUF of the UDP listener (capped by net.core.rmem_max / wmem_max
    /// unless the process may force it); 0: the system default. See sip::config.
    std::uint32_t udp_receive_buffer_bytes = 4 * 1024 * 1024;
    std::uint32_t udp_send_buffer_bytes = 4 * 1024 * 1024;
    /// How long sofia keeps a TCP/TLS connection that carries no message (sip::config).
    std::chrono::milliseconds tcp_idle_timeout{std::chrono::minutes(30)};
    conference_template auto_create;
};

/// Text of a BFCP transport as written in `[bfcp] transports`: "wss", "ws", "tls", "tcp", "udp",
/// "dtls" (UDP/TLS/BFCP); "?" for one floorctl does not serve.
[[nodiscard]] char const* to_string(sdp::transport t) noexcept;
/// Parses to_string(sdp::transport)'s texts; nullopt when unknown.
[[nodiscard]] std::optional<sdp::transport> parse_transport(std::string_view s) noexcept;

/// RFC 8855 listeners ([bfcp]): TCP/BFCP and TCP/TLS/BFCP (reliable), UDP/BFCP and UDP/TLS/BFCP
/// (unreliable; DTLS with the [tls] certificate), and which of them SIP answers prefer.
struct bfcp_settings {
    std::vector<endpoint> tcp;
    std::vector<endpoint> tls;
    std::vector<endpoint> udp;  ///< UDP/BFCP listeners
    std::vector<endpoint> dtls; ///< UDP/TLS/BFCP (BFCP over DTLS) listeners
    /// Largest datagram sent on udp/dtls, BFCP headers included (larger messages go out in
    /// fragments, RFC 8855 §6.2.3): 256..65507 (the largest UDP payload over IPv4).
    std::uint32_t datagram_size = 1200;
    /// A UDP/DTLS peer from which nothing arrived for this long is forgotten (its floors are
    /// released as for a closed connection). > 0.
    std::chrono::milliseconds datagram_idle_timeout{300'000};
    /// Datagrams waiting for the socket, all peers of one udp/dtls listener together (octets
    /// and count); beyond either, a datagram to send is dropped. Octets >= datagram_size.
    std::uint32_t datagram_send_queue_bytes = 4 * 1024 * 1024;
    std::uint32_t datagram_send_queue_datagrams = 8192;
    /// The transports SIP answers and offers use, most preferred first. Only those with a
    /// listener are used; "wss"/"ws" follow websocket.public_tls.
    std::vector<sdp::transport> transports{sdp::transport::wss, sdp::transport::ws,
                                           sdp::transport::tls, sdp::transport::tcp,
                                           sdp::transport::udp, sdp::transport::udp_tls};
};

/// Resource limits ([limits]).
struct limits_settings {
    std::uint32_t max_connections = 10'000;
    std::uint32_t max_connections_per_ip = 1'000;
    std::uint32_t messages_per_second = 100;   ///< per connection; 0: unlimited
    std::uint32_t write_queue_bytes = 1 << 20; ///< per connection, before it is closed
    std::uint32_t header_bytes = 8192;         ///< HTTP request header limit
};

/// Timeouts ([timeouts]).
struct timeout_settings {
    std::chrono::milliseconds handshake{10'000};
    std::chrono::milliseconds idle{300'000}; ///< 0: none
    std::chrono::milliseconds ping{30'000};  ///< keep-alive ping interval; 0: none
};

/// Log verbosity, most to least verbose.
enum class log_level : std::uint8_t { trace, debug, info, warn, error, off };
/// Log line format.
enum class log_format : std::uint8_t { text, json };

/// "trace", "debug", "info", "warn", "error", "off".
[[nodiscard]] char const* to_string(log_level l) noexcept;
/// Parses "trace".."off"; nullopt when unknown.
[[nodiscard]] std::optional<log_level> parse_log_level(std::string_view s) noexcept;
/// Parses "text" / "json"; nullopt when unknown.
[[nodiscard]] std::optional<log_format> parse_log_format(std::string_view s) noexcept;

/// Logging ([logging]).
struct logging_settings {
    log_level level = log_level::info;
    log_format format = log_format::text;
};

/// The provisioning/admin API ([admin]); served on the WebSocket listener's port.
struct admin_settings {
    bool enabled = true;
    /// Peers allowed to use the API: "127.0.0.1" (default) admits loopback peers only;
    /// "0.0.0.0" or "::" admits everyone (then bearer_key is mandatory).
    std::string bind = "127.0.0.1";
    std::string bearer_key; ///< empty: no key asked (allowed only with a loopback bind)
    [[nodiscard]] bool loopback_only() const noexcept
    {
        return bind == "127.0.0.1" || bind == "::1" || bind == "localhost";
    }
};

/// TURN over WebSocket ([turn]; docs/turn.md): experimental, off unless enabled. Each
/// WebSocket connection is carried to a TURN server over TCP; floorctl relays nothing itself.
struct turn_settings {
    bool enabled = false;
    endpoint server{"127.0.0.1", 3478}; ///< the TURN server's TCP listener
    /// Where clients that offer no sub-protocol connect; `turn` is also served, as a
    /// sub-protocol, here and at websocket.path.
    std::string path = "/turn";
    std::uint32_t max_connections = 1'000;     ///< TURN connections at once; beyond: 503
    std::uint32_t max_message = 65'552;        ///< largest WebSocket message; beyond: 1009
    std::uint32_t messages_per_second = 2'000; ///< per connection (media); 0: unlimited
    /// coturn's `static-auth-secret` (use-auth-secret, docs/turn.md "Credentials"); empty: the
    /// provisioning API hands out no TURN credentials.
    std::string secret;
    std::chrono::milliseconds ttl{86'400'000}; ///< lifetime of the credentials handed out
};

/// Where participant tokens are kept ([tokens]; app/token_journal.hpp).
struct token_settings {
    /// The token store file; empty: tokens live in memory only and end with the process.
    std::string store;
    /// The embedded default's state directory: the store's directory is made (0700) when
    /// missing, and when that or the file fails the server warns and keeps tokens in memory.
    /// A configured store that cannot be used is a start-up error instead.
    bool best_effort = false;
};

/// The embedded default's token store (main.cpp; not part of default_config(), which tests use):
/// `tokens` in $STATE_DIRECTORY (systemd's StateDirectory=), else in $XDG_STATE_HOME/floorctl,
/// else in $HOME/.local/state/floorctl; best effort. An empty store when none of these is set.
[[nodiscard]] token_settings default_token_settings();

/// The whole configuration.
struct config {
    unsigned io_threads = 0;                           ///< 0: number of cores
    std::chrono::milliseconds token_lifetime{300'000}; ///< unused tokens expire after this
    websocket_settings websocket;
    tls_settings tls;
    sip_settings sip;
    bfcp_settings bfcp;
    std::vector<conference_settings> conferences;
    limits_settings limits;
    timeout_settings timeouts;
    logging_settings logging;
    admin_settings admin;
    token_settings tokens;
    turn_settings turn;

    /// io_threads with 0 resolved to the number of cores (at least 1).
    [[nodiscard]] unsigned effective_io_threads() const noexcept;
};

/// One problem found in a configuration: where, and what.
struct config_error {
    std::size_t line = 0;   ///< 1-based; 0 when not tied to a line
    std::size_t column = 0; ///< 1-based; 0 when unknown
    std::string message;
    friend bool operator==(config_error const&, config_error const&) = default;
};

/// Outcome of loading: a config when `errors` is empty.
struct config_result {
    std::optional<config> cfg;
    std::vector<config_error> errors;
    /// Valid but probably not what the operator meant (e.g. a chair URI no SIP caller can
    /// prove); reported by check-config and logged at start. Sorted by line.
    std::vector<config_error> warnings;
    [[nodiscard]] bool ok() const noexcept { return errors.empty() && cfg.has_value(); }
};

/// Parses and validates TOML text. Every error is reported, sorted by line.
/// Thread-safe (pure function).
[[nodiscard]] config_result parse_config(std::string_view toml_text);

/// Reads `path` and parses it; a missing/unreadable file is one error at line 0.
[[nodiscard]] config_result load_config_file(std::string const& path);

/// The embedded default: WSS on 127.0.0.1:8443 with a self-signed certificate, demo conference 1
/// with floor 1 (queue), SIP on 127.0.0.1:5060 UDP+TCP (sip:demo@127.0.0.1:5060), UDP/BFCP on
/// 127.0.0.1:5062 (hence require_tls = false: only WSS is accepted on the WebSocket port
/// anyway), admin API on the same port from loopback only.
[[nodiscard]] config default_config();

/// Formats an error as "FILE:LINE:COL: message" (or "FILE: message" when line is 0).
[[nodiscard]] std::string format_error(std::string_view file, config_error const& e);
/// Formats a warning as "FILE:LINE:COL: warning: message" (or "FILE: warning: message").
[[nodiscard]] std::string format_warning(std::string_view file, config_error const& w);

} // namespace floorctl::app
