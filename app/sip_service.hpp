#pragma once
/// @file sip_service.hpp
/// floorctl::app::sip_service — runs the SIP side: the sofia agent (sip/), the call controller
/// (owned by the sip helper, app/call_controller.hpp) and the participant directory that connects
/// the controller to the application's participant/token service.

#include "application.hpp"
#include "call_controller.hpp"
#include "config.hpp"
#include "sip_websocket_peers.hpp"

#include <sip/agent.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace floorctl::app {

/// participant_directory on top of application (conference catalog, ids, tokens).
/// @par Thread Safety
/// Every member is thread-safe (application's are); called on the SIP thread.
class sip_directory final : public participant_directory {
public:
    /// `sip`: the digest users and the identity each one proves (used only when digest_auth).
    sip_directory(application& a, sip_settings const& sip);

    std::optional<conference_info> lookup(std::string_view name) override;
    boost::system::result<participant_grant, refusal> create(participant_request const& r) override;
    boost::system::result<std::string, refusal> renew_token(conference_id conf, user_id user,
                                                            transport_kind transport) override;
    void expect_peer(conference_id conf, user_id user, std::string const& address,
                     std::vector<std::string> const& fingerprints) override;
    void revoke(conference_id conf, user_id user) override;

    /// The identity a caller proved: the `identity` of the [[sip.user]] it authenticated as
    /// (`digest_user`), or nullopt. The From URI is a claim and never proves anything.
    [[nodiscard]] std::optional<std::string>
    proven_identity(std::optional<std::string> const& digest_user) const;

private:
    application& app_;
    std::unordered_map<std::string, std::string> identities_; ///< digest user -> identity
};

/// What the SDP side needs to know of the running listeners.
struct bound_listeners {
    std::uint16_t ws = 0;  ///< the WebSocket port (used when public_port is 0)
    std::uint16_t tcp = 0; ///< first TCP/BFCP listener; 0: none
    std::uint16_t tls = 0; ///< first TCP/TLS/BFCP listener; 0: none
    /// Bound port of each UDP/BFCP listener in `[bfcp] udp` order; empty: none (UDP lines get
    /// port 0).
    std::vector<std::uint16_t> udp;
    std::vector<std::uint16_t> dtls; ///< the same for UDP/TLS/BFCP (`[bfcp] dtls`)
    std::string fingerprint;         ///< of the TLS certificate (application::tls_fingerprint())
};

/// The listeners of `app` as bound_listeners.
[[nodiscard]] bound_listeners bound_listeners_of(application const& app);

/// The controller configuration derived from floorctl's configuration: Request-URI users of
/// every conference's sip_uris as aliases, the WebSocket endpoint of websocket-uri, the load
/// limit, and the transports of `[bfcp] transports` in that order, each only when it has a
/// listener (WSS or WS by websocket.public_tls; UDP/TLS also needs the fingerprint).
[[nodiscard]] call_controller_config make_controller_config(config const& cfg,
                                                            bound_listeners const& bound);

/// The user part of a SIP URI ("sip:demo@host:5060" -> "demo"); empty when there is none.
[[nodiscard]] std::string uri_user(std::string_view uri);

/// Owns the SIP agent and its controller. The controller runs inline on the SIP thread (it
/// needs one thread, and every directory call is thread-safe).
/// @par Thread Safety
/// Construct and destroy on the main thread; stop() from any thread but the SIP thread.
class sip_service {
public:
    /// Starts the agent on the configured listeners.
    /// @throws std::runtime_error when sofia cannot bind.
    sip_service(application& app, config const& cfg);
    ~sip_service();
    sip_service(sip_service const&) = delete;
    sip_service& operator=(sip_service const&) = delete;

    /// Orderly SIP shutdown (BYE to live calls, bounded). Idempotent; blocks.
    void stop();

    /// The bound SIP port.
    [[nodiscard]] std::uint16_t port() const noexcept;

private:
    sip_directory directory_;
    std::filesystem::path passwd_file_;
    std::unique_ptr<sip::agent> agent_;
    std::unique_ptr<agent_commands> commands_;
    std::unique_ptr<call_controller> controller_;
    sip_websocket_peers* websocket_peers_ = nullptr; ///< the application's; null without `sip` WS
};

} // namespace floorctl::app
