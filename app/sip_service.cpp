#include "sip_service.hpp"

#include "log.hpp"
#include "sip_websocket_service.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace floorctl::app {

std::string uri_user(std::string_view uri)
{
    auto const colon = uri.find(':');
    if (colon == std::string_view::npos) return {};
    auto rest = uri.substr(colon + 1);
    auto const at = rest.find('@');
    if (at == std::string_view::npos) return {};
    return std::string(rest.substr(0, at));
}

namespace {

/// The address written in c= for a stream listener: its own, unless it is a wildcard.
std::string stream_address(endpoint const& e, std::string const& fallback)
{
    return e.address == "0.0.0.0" || e.address == "::" ? fallback : e.address;
}

} // namespace

sip_directory::sip_directory(application& a, sip_settings const& sip) : app_(a)
{
    if (!sip.digest_auth) return; // nobody authenticates, so nobody proves an identity
    for (auto const& u : sip.users) {
        if (!u.identity.empty()) identities_.emplace(u.name, u.identity);
    }
}

std::optional<std::string>
sip_directory::proven_identity(std::optional<std::string> const& digest_user) const
{
    if (!digest_user) return std::nullopt;
    auto const it = identities_.find(*digest_user);
    if (it == identities_.end()) return std::nullopt;
    return it->second;
}

std::optional<conference_info> sip_directory::lookup(std::string_view name)
{
    auto id = app_.catalog().by_name(name);
    if (!id) id = app_.create_from_template(std::string(name));
    if (!id) return std::nullopt;
    auto const c = app_.catalog().find(*id);
    if (!c) return std::nullopt;
    conference_info info;
    info.id = *id;
    for (auto const& f : c->floors) {
        // a=content:slides on the offer's media line is how endpoints mark the presentation
        // stream (RFC 4796); a floor labelled "slides" is linked to it.
        info.floors.push_back(sdp::floor_spec{floor_id{f.id}, f.label,
                                              f.label.empty() ? std::string("slides") : f.label});
    }
    return info;
}

boost::system::result<participant_grant, refusal>
sip_directory::create(participant_request const& r)
{
    participant_info info;
    info.display_name = r.display_name.substr(0, 253);
    // A caller is a chair only when it proved a chair URI: it authenticated as a [[sip.user]]
    // whose identity is that URI (docs/configuration.md, "Chairs"). The From header is the
    // caller's claim: it never makes a chair, and a From that names a chair without that proof
    // is not shown to others as the participant's USER-URI.
    auto const proven = proven_identity(r.authenticated_user);
    info.uri = (proven ? *proven : r.user_uri).substr(0, 253);
    auto const conf = app_.catalog().find(r.conference);
    bool const names_a_chair = conf && chair_user_for_uri(*conf, info.uri).has_value();
    participant_claim claim;
    claim.chair = proven && names_a_chair;
    if (!proven && names_a_chair) {
        log_warn(
            "SIP caller claims a chair URI it did not prove; joins as a participant",
            {.conference = r.conference,
             .extra = {{"uri", info.uri}, {"digest_user", r.authenticated_user.value_or("")}}});
        info.uri.clear();
    }
    auto const res =
        app_.create_participant(r.conference, std::move(info), claim, {.survives_restart = false});
    if (!res.ticket) {
        switch (res.failure) {
        case participant_failure::no_such_conference:
            return refusal::unknown_conference;
        case participant_failure::user_taken:
        case participant_failure::reserved:
        case participant_failure::full:
            return refusal::full;
        case participant_failure::not_a_chair:
        case participant_failure::internal:
            return refusal::internal;
        }
        return refusal::internal;
    }
    // Every transport but WebSocket (bound by its token) binds by the negotiated address: the
    // offer's c=, else the SIP source. Address only, any port: a NAT between the endpoint and
    // us changes the port (docs/sdp.md, "NAT rule").
    if (r.transport != sdp::transport::ws && r.transport != sdp::transport::wss) {
        auto const& addr =
            !r.media_address.empty() && r.media_address != "0.0.0.0" && r.media_address != "::"
                ? r.media_address
                : r.signalling_address;
        app_.expect_connection(res.ticket->conference, res.ticket->user, addr);
        app_.expect_fingerprints(res.ticket->conference, res.ticket->user, r.peer_fingerprints);
    }
    log_info("SIP participant", {.conference = res.ticket->conference,
                                 .user = res.ticket->user,
                                 .extra = {{"uri", r.user_uri},
                                           {"identity", proven.value_or("")},
                                           {"signalling", sip::to_string(r.signalling_transport)},
                                           {"peer", r.signalling_address}}});
    return participant_grant{res.ticket->user, res.ticket->token};
}

void sip_directory::expect_peer(conference_id conf, user_id user, std::string const& address,
                                std::vector<std::string> const& fingerprints)
{
    if (!address.empty() && address != "0.0.0.0" && address != "::")
        app_.expect_connection(conf, user, address);
    app_.expect_fingerprints(conf, user, fingerprints);
}

boost::system::result<std::string, refusal> sip_directory::renew_token(conference_id conf,
                                                                       user_id user, transport_kind)
{
    auto t = app_.renew_token(conf, user);
    if (!t) return refusal::internal;
    return *t;
}

void sip_directory::revoke(conference_id conf, user_id user)
{
    app_.revoke_participant(conf, user);
}

bound_listeners bound_listeners_of(application const& app)
{
    return {app.port(),
            app.stream_port(false),
            app.stream_port(true),
            app.datagram_ports(false),
            app.datagram_ports(true),
            app.tls_fingerprint()};
}

call_controller_config make_controller_config(config const& cfg, bound_listeners const& bound)
{
    call_controller_config c;
    for (auto const& conf : cfg.conferences) {
        auto const name = conf.name.empty() ? std::to_string(conf.id) : conf.name;
        for (auto const& u : conf.sip_uris) {
            auto const user = uri_user(u);
            if (!user.empty()) c.conference_aliases[user] = name;
        }
    }
    c.identity_mapping = true;
    c.max_calls = cfg.sip.load_limit;
    auto const& sip_ep = !cfg.sip.udp.empty()   ? cfg.sip.udp.front()
                         : !cfg.sip.tcp.empty() ? cfg.sip.tcp.front()
                                                : cfg.websocket.listen;
    c.sdp.address = sip_ep.address == "0.0.0.0" ? "127.0.0.1" : sip_ep.address;
    auto const host =
        cfg.websocket.public_host.empty() ? std::string("localhost") : cfg.websocket.public_host;
    auto const port = cfg.websocket.public_port != 0 ? cfg.websocket.public_port : bound.ws;
    c.sdp.wss = {host, port, cfg.websocket.path};
    c.sdp.ws = {host, port, cfg.websocket.path};
    c.sdp.tls_fingerprint = bound.fingerprint;
    // Fills `slot` with the first configured listener (its address in c=) when it is bound;
    // a transport without one is left out, so SIP answers refuse its m-lines with port 0.
    auto const use = [&](sdp::listener_endpoint& slot, std::vector<endpoint> const& configured,
                         std::uint16_t bound_port) {
        if (configured.empty() || bound_port == 0) return false;
        slot = {stream_address(configured.front(), c.sdp.address), bound_port};
        return true;
    };
    // Every bound datagram listener (their address families differ: the answer names the one of
    // the offer's family, docs/sdp.md "Address family").
    auto const use_all = [&](std::vector<sdp::listener_endpoint>& slots,
                             std::vector<endpoint> const& configured,
                             std::vector<std::uint16_t> const& bound_ports) {
        slots.clear();
        for (std::size_t i = 0; i < configured.size() && i < bound_ports.size(); ++i) {
            if (bound_ports[i] != 0)
                slots.push_back({stream_address(configured[i], c.sdp.address), bound_ports[i]});
        }
        return !slots.empty();
    };
    c.sdp.transports.clear();
    for (auto const t : cfg.bfcp.transports) {
        bool usable = false;
        switch (t) {
        case sdp::transport::wss:
            usable = cfg.websocket.public_tls;
            break;
        case sdp::transport::ws:
            usable = !cfg.websocket.public_tls;
            break;
        case sdp::transport::tls:
            usable = use(c.sdp.tls, cfg.bfcp.tls, bound.tls);
            break;
        case sdp::transport::tcp:
            usable = use(c.sdp.tcp, cfg.bfcp.tcp, bound.tcp);
            break;
        case sdp::transport::udp:
            usable = use_all(c.sdp.udp, cfg.bfcp.udp, bound.udp);
            break;
        case sdp::transport::udp_tls:
            // RFC 8842: a DTLS answer names its certificate; without one the line is refused.
            usable = !bound.fingerprint.empty() && use_all(c.sdp.dtls, cfg.bfcp.dtls, bound.dtls);
            break;
        case sdp::transport::tcp_dtls:
            break;
        }
        if (usable) c.sdp.transports.push_back(t);
    }
    return c;
}

namespace {

std::string sip_url(char const* scheme, endpoint const& e)
{
    auto host = e.address;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(scheme) + ":" + host + ":" + std::to_string(e.port);
}

} // namespace

sip_service::sip_service(application& app, config const& cfg) : directory_(app, cfg.sip)
{
    sip::config scfg;
    // sofia binds UDP and TCP from one URL; the first configured endpoint decides both.
    auto const& ep = !cfg.sip.udp.empty() ? cfg.sip.udp.front() : cfg.sip.tcp.front();
    scfg.url = sip_url("sip", ep);
    if (!cfg.sip.tls.empty()) {
        scfg.sips_url = sip_url("sips", cfg.sip.tls.front());
        scfg.certificate_dir = cfg.sip.certificate_dir;
    }
    scfg.max_calls = cfg.sip.load_limit;
    scfg.udp_receive_buffer_bytes = cfg.sip.udp_receive_buffer_bytes;
    scfg.udp_send_buffer_bytes = cfg.sip.udp_send_buffer_bytes;
    scfg.tcp_idle_timeout = cfg.sip.tcp_idle_timeout;
    if (cfg.sip.digest_auth) {
        // sofia's auth module reads credentials from a file; write one only we can read.
        char tmpl[] = "/tmp/floorctl-sip-passwd-XXXXXX";
        int const fd = ::mkstemp(tmpl);
        if (fd < 0) throw std::runtime_error("cannot create the SIP password file");
        ::fchmod(fd, S_IRUSR | S_IWUSR);
        ::close(fd);
        passwd_file_ = tmpl;
        std::ofstream out(passwd_file_);
        for (auto const& u : cfg.sip.users)
            out << u.name << ':' << u.password << ":\n";
        scfg.auth_realm = cfg.sip.realm;
        scfg.auth_passwd_file = passwd_file_.string();
    }
    scfg.log = sip_log_sink();
    auto ccfg = make_controller_config(cfg, bound_listeners_of(app));
    ccfg.on_declined = [](sip::call_id call, std::string_view reason) {
        log_info("SIP offer line declined",
                 {.extra = {{"call", std::to_string(static_cast<std::uint64_t>(call))},
                            {"reason", std::string(reason)}}});
    };
    // A SIP-over-WebSocket caller reaches sofia over a loopback flow of the edge: the controller
    // sees the WebSocket client instead (docs/sip-over-websocket.md, §8).
    auto* const websocket = app.sip_websocket();
    websocket_peers_ = websocket != nullptr ? &websocket->peers() : nullptr;
    agent_ = std::make_unique<sip::agent>(std::move(scfg), [this, &app](sip::event e) {
        auto* const inv = std::get_if<sip::invite>(&e);
        if (inv != nullptr && websocket_peers_ != nullptr) websocket_peers_->resolve(*inv);
        if (!controller_) return;
        if (inv == nullptr || inv->is_reinvite) return controller_->on_event(e);
        // The controller answers an initial INVITE before on_event returns: what it counted
        // says how (metrics by signalling transport, docs/http-api.md).
        auto const before = controller_->stats();
        controller_->on_event(e);
        auto const& after = controller_->stats();
        if (after.answered != before.answered || after.rejected != before.rejected)
            app.counters().sip_invite(inv->transport, after.answered != before.answered);
    });
    commands_ = std::make_unique<agent_commands>(*agent_);
    // Events that arrive before this line find controller_ null and are dropped; the caller
    // retransmits (UDP) and nothing can have arrived on a port nobody knows yet in tests.
    auto controller = std::make_unique<call_controller>(std::move(ccfg), directory_, *commands_);
    agent_->post([this, c = controller.release()] { controller_.reset(c); });
    if (websocket_peers_ != nullptr) {
        websocket_peers_->set_closed_callback([this](websocket_client const& client) {
            agent_->post([this, client] {
                if (!controller_) return;
                auto const n =
                    controller_->end_calls_of(client.transport, client.address, client.port);
                if (n == 0) return;
                log_info("SIP over WebSocket client gone; its calls end",
                         {.extra = {{"peer", client.address + ":" + std::to_string(client.port)},
                                    {"signalling", sip::to_string(client.transport)},
                                    {"calls", std::to_string(n)}}});
            });
        });
    }
    log_info("SIP listening",
             {.extra = {{"url", sip_url("sip", ep)}, {"port", std::to_string(agent_->port())}}});
}

sip_service::~sip_service()
{
    stop();
    if (!passwd_file_.empty()) {
        std::error_code ec;
        std::filesystem::remove(passwd_file_, ec);
    }
}

void sip_service::stop()
{
    if (websocket_peers_ != nullptr) websocket_peers_->set_closed_callback({});
    if (agent_) agent_->stop();
}

std::uint16_t sip_service::port() const noexcept
{
    return agent_ ? agent_->port() : 0;
}

} // namespace floorctl::app
