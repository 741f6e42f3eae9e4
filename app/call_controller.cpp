#include "call_controller.hpp"

#include <sip/agent.hpp>

#include <algorithm>
#include <cctype>
#include <random>
#include <utility>

namespace floorctl::app {

namespace {

// make_answer() needs a token and a user ID before the directory has issued them; the first
// pass only decides the transport (or refuses), so the participant is never created for an
// offer that is answered 488. Any syntactically valid token will do.
constexpr char const* placeholder_token = "0000000000000000000000";
constexpr floorctl::user_id placeholder_user{1};

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_sdp(std::string_view content_type)
{
    return iequals(content_type, "application/sdp");
}

bool is_parse_error(sdp::error e) noexcept
{
    return static_cast<int>(e) <= static_cast<int>(sdp::error::bad_value);
}

// A fresh a=tls-id (RFC 8842 §4: at least 120 random bits): 24 characters of base64url,
// 144 bits from the system's random source.
std::string draw_tls_id()
{
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device source;
    std::string out;
    out.reserve(24);
    for (int word = 0; word < 4; ++word) {
        auto v = source(); // 32 random bits each: 6 characters of 6 bits
        for (int i = 0; i < 6; ++i, v >>= 6)
            out += alphabet[v & 63u];
    }
    return out;
}

} // namespace

int sip_status(refusal r) noexcept
{
    switch (r) {
    case refusal::unknown_conference:
        return 404;
    case refusal::full:
        return 486;
    case refusal::unavailable:
        return 503;
    case refusal::internal:
        return 500;
    }
    return 500;
}

int warning_code(sdp::error e) noexcept
{
    if (is_parse_error(e))
        return 399; // RFC 3261 §20.43 "Miscellaneous warning": the text names the line
    switch (e) {
    case sdp::error::no_bfcp_stream:
    case sdp::error::stream_disabled:
        return 304; // Media type not available
    case sdp::error::unsupported_transport:
        return 302; // Incompatible transport protocol
    case sdp::error::bad_bfcp_attribute:
        return 306; // Attribute not understood
    case sdp::error::role_conflict:
    case sdp::error::setup_conflict:
    case sdp::error::version_mismatch:
        return 305; // Incompatible media format
    default:
        return 399;
    }
}

floorctl::transport_kind to_transport_kind(sdp::transport t) noexcept
{
    switch (t) {
    case sdp::transport::ws:
        return floorctl::transport_kind::ws;
    case sdp::transport::wss:
        return floorctl::transport_kind::wss;
    case sdp::transport::tls:
        return floorctl::transport_kind::tls;
    case sdp::transport::udp:
        return floorctl::transport_kind::udp;
    case sdp::transport::udp_tls:
        return floorctl::transport_kind::dtls;
    default: // tcp; tcp_dtls is never answered (sdp::is_supported)
        return floorctl::transport_kind::tcp;
    }
}

void agent_commands::respond(sip::call_id call, int status, std::optional<std::string> sdp,
                             int warning_code, std::string warning_text)
{
    std::optional<sip::warning> w;
    if (warning_code != 0) w = sip::warning{warning_code, std::move(warning_text)};
    agent_.respond(call, status, std::move(sdp), std::move(w));
}

void agent_commands::bye(sip::call_id call)
{
    agent_.bye(call);
}

call_controller::call_controller(call_controller_config cfg, participant_directory& dir,
                                 sip_commands& sip)
    : cfg_(std::move(cfg)), dir_(dir), sip_(sip)
{
}

std::optional<std::pair<floorctl::conference_id, floorctl::user_id>>
call_controller::participant_of(sip::call_id call) const
{
    auto it = calls_.find(static_cast<std::uint64_t>(call));
    if (it == calls_.end() || !it->second.has_participant) return std::nullopt;
    return std::pair{it->second.conference, it->second.user};
}

void call_controller::on_event(sip::event const& e)
{
    std::visit(
        [this](auto const& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, sip::invite>)
                on_invite(ev);
            else if constexpr (std::is_same_v<T, sip::ack>)
                on_ack(ev);
            else if constexpr (std::is_same_v<T, sip::cancelled>)
                end_call(ev.call);
            else if constexpr (std::is_same_v<T, sip::terminated>)
                end_call(ev.call);
        },
        e);
}

std::optional<std::string> call_controller::conference_for(std::string const& user) const
{
    if (auto it = cfg_.conference_aliases.find(user); it != cfg_.conference_aliases.end())
        return it->second;
    if (cfg_.identity_mapping && !user.empty()) return user;
    return std::nullopt;
}

sdp::answer_params call_controller::params_for(sip::call_id id, call_state& c) const
{
    sdp::answer_params p = cfg_.sdp;
    p.session_id = static_cast<std::uint64_t>(id);
    p.session_version = ++c.session_version; // RFC 3264 §8: every new SDP of ours increments
    p.conference = c.conference;
    p.floors = c.conference_data.floors;
    p.user = c.has_participant ? c.user : placeholder_user;
    p.token = c.has_participant && !c.token.empty() ? c.token : placeholder_token;
    // A new DTLS association gets a tls-id of its own (RFC 8842 §5.3); a kept one keeps
    // c.tls_id through answer_params::previous.
    if (std::find(p.transports.begin(), p.transports.end(), sdp::transport::udp_tls) !=
        p.transports.end())
        p.tls_id = draw_tls_id();
    return p;
}

void call_controller::reject(sip::call_id id, int status, int warning_code_value, std::string text)
{
    ++stats_.rejected;
    sip_.respond(id, status, std::nullopt, warning_code_value, std::move(text));
}

void call_controller::reject_negotiation(sip::call_id id, sdp::negotiation_error const& e)
{
    if (e.code == sdp::error::bad_answer_params) // our configuration, not the caller's offer
        return reject(id, 500, 399, "floorctl configuration: " + e.reason);
    if (cfg_.on_declined) cfg_.on_declined(id, e.reason);
    reject(id, 488, warning_code(e.code), e.reason);
}

void call_controller::note_declined_lines(sip::call_id id, sdp::answer const& a) const
{
    if (!cfg_.on_declined) return;
    for (auto const& l : a.bfcp_lines) {
        if (l.reason) cfg_.on_declined(id, l.reason->reason);
    }
}

void call_controller::on_invite(sip::invite const& inv)
{
    if (!inv.is_reinvite) {
        on_initial_invite(inv);
        return;
    }
    auto it = calls_.find(static_cast<std::uint64_t>(inv.call));
    if (it == calls_.end()) {
        // A dialog we refused or forgot: nothing to renegotiate (RFC 3261 §12.2.2).
        sip_.respond(inv.call, 481, std::nullopt, 0, {});
        return;
    }
    on_reinvite(inv, it->second);
}

void call_controller::on_initial_invite(sip::invite const& inv)
{
    if (!inv.body.empty() && !is_sdp(inv.content_type))
        return reject(inv.call, 415); // the agent adds Accept: application/sdp
    if (cfg_.max_calls != 0 && calls_.size() >= cfg_.max_calls) return reject(inv.call, 503);
    auto const name = conference_for(inv.request_user);
    if (!name) return reject(inv.call, 404);
    auto info = dir_.lookup(*name);
    if (!info) return reject(inv.call, 404);

    call_state c;
    c.conference = info->id;
    c.conference_data = std::move(*info);
    c.conference_name = *name;
    c.signalling = inv.transport;
    c.peer_address = inv.peer_address;
    c.peer_port = inv.peer_port;

    participant_request req;
    req.conference = c.conference;
    req.conference_name = *name;
    req.user_uri = inv.from_uri;
    req.display_name = inv.from_display;
    req.signalling_address = inv.peer_address;
    req.signalling_transport = inv.transport;
    req.authenticated_user = inv.authenticated_user;
    req.call = inv.call;

    if (inv.body.empty()) {
        // RFC 3261 §13.2.1 / RFC 8857 §7: offerless INVITE, we offer in the 2xx and the answer
        // comes in the ACK.
        if (cfg_.sdp.transports.empty())
            return reject(inv.call, 500, 399, "floorctl configuration: no BFCP transport");
        req.transport = cfg_.sdp.transports.front();
        auto grant = dir_.create(req);
        if (!grant) return reject(inv.call, sip_status(grant.error()));
        c.has_participant = true;
        c.user = grant->user;
        c.token = grant->token;
        c.transport = req.transport;
        auto const p = params_for(inv.call, c);
        auto offer = sdp::make_offer(p);
        if (!offer) {
            dir_.revoke(c.conference, c.user);
            ++stats_.revoked;
            return reject_negotiation(inv.call, offer.error());
        }
        if (offer->kind == sdp::transport::udp_tls) c.tls_id = p.tls_id;
        sip_.respond(inv.call, 200, offer->sdp, 0, {});
        c.pending_offer = std::move(*offer);
        ++stats_.answered;
        calls_.emplace(static_cast<std::uint64_t>(inv.call), std::move(c));
        return;
    }

    auto desc = sdp::parse(inv.body, cfg_.limits);
    if (!desc) return reject(inv.call, 488, 399, "malformed SDP: " + desc.error().message);
    auto dry = sdp::make_answer(*desc, params_for(inv.call, c));
    if (!dry) return reject_negotiation(inv.call, dry.error());

    req.transport = dry->kind;
    // RFC 8856 §7: the offerer is the active side; its c= names the address it comes from.
    req.media_address = dry->peer_address;
    req.peer_fingerprints = dry->peer_fingerprints;
    auto grant = dir_.create(req);
    if (!grant) return reject(inv.call, sip_status(grant.error()));
    c.has_participant = true;
    c.user = grant->user;
    c.token = grant->token;
    c.transport = req.transport;
    --c.session_version; // the dry run's SDP was never sent
    auto answer = sdp::make_answer(*desc, params_for(inv.call, c));
    if (!answer) {
        dir_.revoke(c.conference, c.user);
        ++stats_.revoked;
        return reject_negotiation(inv.call, answer.error());
    }
    c.token = answer->token.empty() ? c.token : answer->token;
    c.tls_id = answer->tls_id;
    c.peer_tls_id = answer->peer_tls_id;
    note_declined_lines(inv.call, *answer);
    sip_.respond(inv.call, 200, answer->sdp, 0, {});
    ++stats_.answered;
    calls_.emplace(static_cast<std::uint64_t>(inv.call), std::move(c));
}

void call_controller::on_reinvite(sip::invite const& inv, call_state& c)
{
    // A refused re-INVITE leaves the session as it was (RFC 3261 §14.2): no revoke here.
    if (!inv.body.empty() && !is_sdp(inv.content_type)) {
        sip_.respond(inv.call, 415, std::nullopt, 0, {});
        return;
    }
    if (inv.body.empty()) {
        auto p = params_for(inv.call, c);
        p.transports = {c.transport};               // offer the connection we have
        if (!c.tls_id.empty()) p.tls_id = c.tls_id; // and its DTLS association (RFC 8842 §5.5)
        auto offer = sdp::make_offer(p);
        if (!offer) {
            sip_.respond(inv.call, 500, std::nullopt, 399, offer.error().reason);
            return;
        }
        sip_.respond(inv.call, 200, offer->sdp, 0, {});
        c.pending_offer = std::move(*offer);
        ++stats_.reinvites;
        return;
    }
    auto desc = sdp::parse(inv.body, cfg_.limits);
    if (!desc) {
        sip_.respond(inv.call, 488, std::nullopt, 399, "malformed SDP: " + desc.error().message);
        return;
    }
    auto p = params_for(inv.call, c);
    p.previous = sdp::established{c.transport, c.token, c.tls_id, c.peer_tls_id};
    p.token = placeholder_token;
    auto dry = sdp::make_answer(*desc, p);
    if (!dry) {
        auto const& e = dry.error();
        sip_.respond(inv.call, e.code == sdp::error::bad_answer_params ? 500 : 488, std::nullopt,
                     warning_code(e.code), e.reason);
        return;
    }
    if (dry->connection == sdp::connection_mode::existing) {
        // RFC 4145 §5 / RFC 8124 §4.5: same transport, keep the connection and its token.
        sip_.respond(inv.call, 200, dry->sdp, 0, {});
        ++stats_.reinvites;
        return;
    }
    auto token = dir_.renew_token(c.conference, c.user, to_transport_kind(dry->kind));
    if (!token) {
        sip_.respond(inv.call, sip_status(token.error()), std::nullopt, 0, {});
        return;
    }
    p.token = *token;
    auto answer = sdp::make_answer(*desc, p);
    if (!answer) {
        sip_.respond(inv.call, 500, std::nullopt, 399, answer.error().reason);
        return;
    }
    c.token = *token;
    c.transport = dry->kind;
    c.tls_id = answer->tls_id;
    c.peer_tls_id = answer->peer_tls_id;
    // A new connection (on UDP/TLS: a new DTLS association) may come from elsewhere and with
    // another certificate: the re-offer's c= and fingerprints replace the earlier ones.
    if (c.transport != sdp::transport::ws && c.transport != sdp::transport::wss)
        dir_.expect_peer(c.conference, c.user, answer->peer_address, answer->peer_fingerprints);
    sip_.respond(inv.call, 200, answer->sdp, 0, {});
    ++stats_.reinvites;
}

void call_controller::on_ack(sip::ack const& a)
{
    auto it = calls_.find(static_cast<std::uint64_t>(a.call));
    if (it == calls_.end() || !it->second.pending_offer)
        return; // ACK of an ordinary offer/answer exchange: nothing to check
    call_state& c = it->second;
    auto const offer = std::move(*c.pending_offer);
    c.pending_offer.reset();
    // RFC 3264 §4 / RFC 3261 §13.2.1: the answer to an offer in a 2xx is in the ACK; without a
    // usable one there is no session, so the call ends (BYE, then terminated revokes).
    bool usable = !a.body.empty() && is_sdp(a.content_type);
    if (usable) {
        auto desc = sdp::parse(a.body, cfg_.limits);
        auto accepted = desc ? sdp::check_answer(offer, *desc)
                             : sdp::negotiation_result<sdp::accepted_answer>(
                                   sdp::negotiation_error{desc.error().code, desc.error().message});
        usable = accepted.has_value();
        if (usable) {
            c.transport = accepted->kind;
            c.peer_tls_id = accepted->peer_tls_id;
            // RFC 8856 §7: the answerer is the active side; its c= names the address it comes
            // from, its fingerprint the certificate of the DTLS (or TLS) handshake.
            if (c.has_participant && c.transport != sdp::transport::ws &&
                c.transport != sdp::transport::wss)
                dir_.expect_peer(c.conference, c.user, accepted->peer_address,
                                 accepted->peer_fingerprints);
        }
    }
    if (!usable) {
        ++stats_.missing_answer;
        sip_.bye(a.call);
    }
}

void call_controller::end_call(sip::call_id id)
{
    auto it = calls_.find(static_cast<std::uint64_t>(id));
    if (it == calls_.end()) return;
    if (it->second.has_participant) {
        dir_.revoke(it->second.conference, it->second.user);
        ++stats_.revoked;
    }
    calls_.erase(it);
}

std::size_t call_controller::end_calls_of(sip::signalling_transport transport,
                                          std::string const& address, std::uint16_t port)
{
    std::vector<sip::call_id> ended;
    for (auto const& [id, c] : calls_) {
        if (c.signalling == transport && c.peer_address == address && c.peer_port == port)
            ended.push_back(static_cast<sip::call_id>(id));
    }
    for (auto const id : ended) {
        end_call(id);
        sip_.bye(id);
    }
    return ended.size();
}

} // namespace floorctl::app
