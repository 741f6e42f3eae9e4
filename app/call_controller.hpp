#pragma once
/// @file call_controller.hpp
/// floorctl::app::call_controller — turns SIP call events (sip::event) into decisions: which
/// conference a call joins, whether it is accepted, the SDP answer (via sdp/), and when the
/// participant is created and revoked. No sofia types, no I/O of its own: it talks to the SIP agent
/// through sip_commands and to the participant service through participant_directory.
///
/// @par Thread safety
/// Not thread-safe. Every member (including on_event) must run on one strand or thread; the
/// directory and the commands are called from there, synchronously.

#include <floorctl/event.hpp>
#include <floorctl/types.hpp>
#include <sdp/bfcp.hpp>
#include <sip/event.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sip {
class agent;
} // namespace sip

namespace floorctl::app {

/// A conference as the SIP side needs it to write an SDP answer.
struct conference_info {
    floorctl::conference_id id{};        ///< a=confid
    std::vector<sdp::floor_spec> floors; ///< one a=floorid each (id, label, RFC 4796 content)
};

/// What a call asks the directory to create.
struct participant_request {
    floorctl::conference_id conference{};
    std::string conference_name; ///< as mapped from the Request-URI user
    std::string user_uri;        ///< From URI  -> USER-URI (RFC 8855 §5.2.13)
    std::string display_name;    ///< From name -> USER-DISPLAY-NAME (§5.2.12); may be empty
    /// The negotiated transport: the accepted m-line's proto (or the offered one, offerless).
    sdp::transport transport = sdp::transport::wss;
    /// Source IP of the SIP request. With TCP/BFCP, TCP/TLS/BFCP, UDP/BFCP and UDP/TLS/BFCP the
    /// BFCP peer must come from `media_address` if set, else from this address (RFC 8856 §7
    /// binding, any port; app's hook).
    std::string signalling_address;
    /// How the SIP request came (a WebSocket client's ws or wss once the app mapped its flow).
    sip::signalling_transport signalling_transport = sip::signalling_transport::udp;
    /// The offerer's address for the accepted BFCP m-line (sdp::answer::peer_address); may be
    /// empty (offerless INVITE, or an offer without c=).
    std::string media_address;
    /// The offerer's a=fingerprint values for the accepted line (sdp::answer::peer_fingerprints):
    /// a UDP/TLS/BFCP (or TCP/TLS/BFCP) peer's certificate must match one of them.
    std::vector<std::string> peer_fingerprints;
    std::optional<std::string> authenticated_user; ///< digest user when SIP auth is on
    sip::call_id call{};                           ///< for logs only
};

/// What the directory grants a new participant.
struct participant_grant {
    floorctl::user_id user{}; ///< a=userid; unique within the conference
    /// Secret for the websocket-uri: >= 128 random bits, URL-safe characters (A-Z a-z 0-9 - . _ ~),
    /// valid until revoke() and expiring if never used. Unused (may be empty) for TCP/TLS.
    std::string token;
};

/// Why the directory refuses.
enum class refusal : std::uint8_t {
    unknown_conference, ///< SIP 404 Not Found
    full,               ///< SIP 486 Busy Here (conference participant limit)
    unavailable,        ///< SIP 503 Service Unavailable (server overloaded, shutting down)
    internal,           ///< SIP 500 Server Internal Error
};

/// The participant service, as the call controller uses it. Implemented by app/ (the
/// participant service); tests use a fake. Called only from the controller's strand; each call
/// must return promptly (no blocking I/O).
class participant_directory {
public:
    virtual ~participant_directory() = default;

    /// The conference named `name` (already mapped from the Request-URI). May create it from a
    /// configured template. nullopt: no such conference (SIP 404).
    virtual std::optional<conference_info> lookup(std::string_view name) = 0;

    /// Creates a participant (user ID + token) in `r.conference`.
    virtual boost::system::result<participant_grant, refusal>
    create(participant_request const& r) = 0;

    /// A re-INVITE asked for a new connection (RFC 4145 `connection:new`): issue a new token for
    /// (conference, user) on `transport` and revoke the previous token and connection.
    virtual boost::system::result<std::string, refusal>
    renew_token(floorctl::conference_id conf, floorctl::user_id user,
                floorctl::transport_kind transport) = 0;

    /// The answer in the ACK to our offer (offerless INVITE) was accepted: the participant's
    /// BFCP peer comes from `address` (the answer's c=; empty: keep what create() announced) and
    /// presents a certificate matching one of `fingerprints` (UDP/TLS/BFCP, TCP/TLS/BFCP).
    /// Replaces what create() announced from the SIP source. Called for every transport but
    /// WebSocket (bound by its token).
    virtual void expect_peer(floorctl::conference_id conf, floorctl::user_id user,
                             std::string const& address,
                             std::vector<std::string> const& fingerprints) = 0;

    /// The call ended (BYE, CANCEL, failure, shutdown): revoke the token, send Goodbye and close
    /// the participant's BFCP connection, release its floors. Idempotent.
    virtual void revoke(floorctl::conference_id conf, floorctl::user_id user) = 0;
};

/// The SIP commands the controller issues (sip::agent's respond/bye). An interface so that the
/// controller can be tested without sofia.
class sip_commands {
public:
    virtual ~sip_commands() = default;
    /// Final (or provisional) answer to the pending (re-)INVITE of `call`.
    /// `warning_code`/`warning_text`: a Warning header when warning_code != 0.
    virtual void respond(sip::call_id call, int status, std::optional<std::string> sdp,
                         int warning_code, std::string warning_text) = 0;
    /// End the dialog with BYE.
    virtual void bye(sip::call_id call) = 0;
};

/// sip_commands on a real sip::agent (thread-safe: the agent posts to its own thread).
class agent_commands final : public sip_commands {
public:
    explicit agent_commands(sip::agent& a) noexcept : agent_(a) {}
    void respond(sip::call_id call, int status, std::optional<std::string> sdp, int warning_code,
                 std::string warning_text) override;
    void bye(sip::call_id call) override;

private:
    sip::agent& agent_;
};

/// Configuration of the controller.
struct call_controller_config {
    /// Request-URI user -> conference name. A user not listed maps to itself when
    /// `identity_mapping` is true (then the directory decides, e.g. from a template), else 404.
    std::unordered_map<std::string, std::string> conference_aliases;
    bool identity_mapping = true;
    /// Concurrent calls; one more is answered 503 (0: unlimited).
    std::size_t max_calls = 10000;
    /// Template of every answer/offer: our address, enabled transports in order of preference,
    /// WebSocket and TCP/TLS endpoints, fingerprint. Per-call fields (ids, floors, token,
    /// session id/version, previous) are filled by the controller.
    sdp::answer_params sdp;
    /// Bounds for caller SDP.
    sdp::limits limits;
    /// Told of every offered BFCP m-line refused with a reason (no listener of the offer's
    /// address family, transport not enabled, ...), whether another line was answered or the
    /// whole offer got 488: the app logs it. May be empty.
    std::function<void(sip::call_id, std::string_view reason)> on_declined;
};

/// Counters (read on the controller's strand).
struct call_controller_stats {
    std::uint64_t answered = 0;  ///< 200 with an answer or an offer
    std::uint64_t rejected = 0;  ///< final status >= 300 to an initial INVITE
    std::uint64_t reinvites = 0; ///< re-INVITEs answered 200
    std::uint64_t missing_answer =
        0;                     ///< offerless calls ended because the ACK had no usable answer
    std::uint64_t revoked = 0; ///< directory.revoke calls
};

/// The decision logic of SIP calls. See the file comment for the threading rule.
///
/// Status codes it produces (initial INVITE): 415 body not application/sdp (with Accept),
/// 404 unknown conference, 503 over max_calls or directory unavailable, 486 conference full,
/// 488 + Warning unusable or malformed offer (Warning 399 malformed, 304 no BFCP stream,
/// 302 transport not supported, 305 role/setup/version conflict, 306 bad BFCP attribute),
/// 500 local error, 200 with the answer (or with an offer for an offerless INVITE).
class call_controller {
public:
    /// `dir` and `sip` must outlive the controller.
    call_controller(call_controller_config cfg, participant_directory& dir, sip_commands& sip);

    /// Handles one event from sip::agent (after the app moved it to this strand).
    void on_event(sip::event const& e);

    /// Number of calls the controller tracks (between invite and terminated).
    [[nodiscard]] std::size_t active_calls() const noexcept { return calls_.size(); }

    /// The participant of `call`, if one was created.
    [[nodiscard]] std::optional<std::pair<floorctl::conference_id, floorctl::user_id>>
    participant_of(sip::call_id call) const;

    [[nodiscard]] call_controller_stats const& stats() const noexcept { return stats_; }

    /// The connection of a signalling peer is gone (a SIP-over-WebSocket client's WebSocket
    /// closed): its calls end as a BYE of its own would end them (the participant is revoked),
    /// and floorctl sends BYE for each so that the agent closes the dialog too. Returns how many
    /// calls ended.
    std::size_t end_calls_of(sip::signalling_transport transport, std::string const& address,
                             std::uint16_t port);

private:
    struct call_state {
        bool has_participant = false;
        floorctl::conference_id conference{};
        floorctl::user_id user{};
        conference_info conference_data;
        std::string conference_name;
        sdp::transport transport = sdp::transport::wss;
        std::string token;
        std::string tls_id;      ///< UDP/TLS/BFCP: our a=tls-id (RFC 8842), kept per association
        std::string peer_tls_id; ///< UDP/TLS/BFCP: the peer's a=tls-id; empty if it wrote none
        std::uint64_t session_version = 0;
        std::optional<sdp::offer> pending_offer; ///< our offer awaiting the answer in the ACK
        /// Who sent the initial INVITE (for end_calls_of).
        sip::signalling_transport signalling = sip::signalling_transport::udp;
        std::string peer_address;
        std::uint16_t peer_port = 0;
    };

    void on_invite(sip::invite const& inv);
    void on_initial_invite(sip::invite const& inv);
    void on_reinvite(sip::invite const& inv, call_state& c);
    void on_ack(sip::ack const& a);
    void end_call(sip::call_id id);

    void reject(sip::call_id id, int status, int warning_code = 0, std::string text = {});
    void reject_negotiation(sip::call_id id, sdp::negotiation_error const& e);
    void note_declined_lines(sip::call_id id, sdp::answer const& a) const;
    [[nodiscard]] std::optional<std::string> conference_for(std::string const& user) const;
    [[nodiscard]] sdp::answer_params params_for(sip::call_id id, call_state& c) const;

    call_controller_config cfg_;
    participant_directory& dir_;
    sip_commands& sip_;
    std::unordered_map<std::uint64_t, call_state> calls_;
    call_controller_stats stats_;
};

/// SIP status for a refusal (404, 486, 503, 500).
[[nodiscard]] int sip_status(refusal r) noexcept;

/// The SIP Warning code (RFC 3261 §20.43) for an SDP error: 399 malformed, 304 no BFCP stream
/// or stream disabled, 302 unsupported transport, 305 role/setup/version conflict,
/// 306 bad BFCP attribute.
[[nodiscard]] int warning_code(sdp::error e) noexcept;

/// floorctl::transport_kind of an sdp transport (tcp, tls, ws, wss; others map to tcp: the core
/// has no datagram transport kind yet).
[[nodiscard]] floorctl::transport_kind to_transport_kind(sdp::transport t) noexcept;

} // namespace floorctl::app
