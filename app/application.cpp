#include "application.hpp"

#include "datagram_bridge.hpp"
#include "http_api.hpp"
#include "log.hpp"
#include "sip_websocket_service.hpp"
#include "transport_bridge.hpp"
#include "turn_websocket_service.hpp"

#include <sip/websocket_alias.hpp>
#include <ws/dtls.hpp>
#include <ws/fingerprint.hpp>
#include <ws/tls.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

namespace floorctl::app {

namespace net = boost::asio;

application::application(config cfg, net::io_context& ioc)
    : cfg_(std::move(cfg)), ioc_(ioc), tokens_(cfg_.token_lifetime),
      api_(std::make_unique<http_api>(*this))
{
    open_token_journal();
    // io_threads is the number of threads that run ioc_ (main.cpp): with one, the listeners
    // skip the strand per connection and the core runs transport events inline.
    bool const one_io_thread = cfg_.effective_io_threads() == 1;
    host_ = std::make_unique<core_host>(ioc_, cfg_.effective_io_threads(), nullptr, metrics_,
                                        one_io_thread,
                                        [this](report_change const& c) { journal_.record(c); });

    ws::listener_options o;
    o.address = cfg_.websocket.listen.address;
    o.port = cfg_.websocket.listen.port;
    ws::pem_pair pem; // the one certificate of TLS, WSS and DTLS
    if (cfg_.tls.self_signed()) {
        ws::self_signed_options so;
        auto const host = cfg_.websocket.public_host.empty() ? std::string("localhost")
                                                             : cfg_.websocket.public_host;
        so.common_name = host;
        so.dns_names = {host};
        if (host != "localhost") so.dns_names.push_back("localhost");
        so.ip_addresses = {"127.0.0.1"};
        if (o.address != "127.0.0.1" && o.address != "0.0.0.0" && o.address != "::" &&
            o.address.find(':') == std::string::npos) {
            so.ip_addresses.push_back(o.address);
        }
        pem = ws::make_self_signed(so);
        log_info("made a self-signed certificate", {.extra = {{"cn", host}}});
    } else {
        pem = ws::load_pem_pair(cfg_.tls.certificate, cfg_.tls.private_key);
    }
    tls_context_ = ws::make_server_context(pem);
    tls_fingerprint_ = "SHA-256 " + ws::sha256_fingerprint(
                                        SSL_CTX_get0_certificate(tls_context_->native_handle()));
    o.tls = tls_context_;
    o.allow_plain = cfg_.websocket.allow_plain;
    o.upgrade.path = cfg_.websocket.path;
    o.upgrade.allowed_origins = cfg_.websocket.origins;
    o.upgrade.token_cookie = cfg_.websocket.cookie_name;
    o.max_header_bytes = cfg_.limits.header_bytes;
    o.handshake_timeout = cfg_.timeouts.handshake;
    o.close_timeout = cfg_.timeouts.handshake; // one configuration key bounds both handshakes
    o.keepalive_timeout = cfg_.timeouts.ping.count() > 0 ? 2 * cfg_.timeouts.ping
                                                         : std::chrono::milliseconds{86'400'000};
    o.message_idle_timeout = cfg_.timeouts.idle;
    o.max_write_queue_bytes = cfg_.limits.write_queue_bytes;
    admission_ =
        ws::admission::create({.max_connections = cfg_.limits.max_connections,
                               .max_connections_per_address = cfg_.limits.max_connections_per_ip,
                               .max_refusals_in_flight = 64});
    o.admission = admission_;
    o.max_messages_per_second = cfg_.limits.messages_per_second;
    o.one_io_thread = one_io_thread;

    auto const sink = ws_log_sink();
    auto const bridge = std::make_shared<transport_bridge>(*this);
    if (cfg_.sip.enabled && (!cfg_.sip.udp.empty() || !cfg_.sip.tcp.empty())) {
        // RFC 7118: SIP over WebSocket, sub-protocol "sip" on the WebSocket path, text or binary,
        // fragments reassembled; SIP authenticates with digest, not with a token.
        sip_websocket_ = std::make_shared<sip_websocket_service>(ioc_);
        ws::service_entry sip;
        sip.route = {"sip", cfg_.websocket.path, false, "RFC 7118"};
        sip.rules = {.max_message = 2 * sip::websocket_limits{}.max_message,
                     .binary_only = false,
                     .unfragmented = false,
                     .messages_per_second = std::nullopt};
        sip.handler = sip_websocket_;
        o.services.push_back(std::move(sip));
    }
    if (cfg_.turn.enabled) add_turn_service(o);
    listener_ = ws::listener::create(ioc_, std::move(o), bridge, sink);
    if (sip_websocket_) sip_websocket_->set_registry(listener_->connections());
    if (turn_websocket_) turn_websocket_->set_registry(listener_->connections());

    // RFC 8855 reliable transports share the WebSocket registry, so the core host sends to and
    // closes every connection the same way.
    auto const make_stream = [&](endpoint const& e, bool secure) {
        ws::stream_listener_options so;
        so.address = e.address;
        so.port = e.port;
        if (secure) so.tls = tls_context_;
        so.connections = listener_->connections_ptr();
        so.bind_timeout = cfg_.timeouts.handshake;
        so.max_write_queue_bytes = cfg_.limits.write_queue_bytes;
        so.admission = admission_;
        so.max_messages_per_second = cfg_.limits.messages_per_second;
        so.one_io_thread = one_io_thread;
        return ws::stream_listener::create(ioc_, std::move(so), bridge, sink);
    };
    for (auto const& e : cfg_.bfcp.tcp)
        tcp_listeners_.push_back(make_stream(e, false));
    for (auto const& e : cfg_.bfcp.tls)
        tls_listeners_.push_back(make_stream(e, true));

    // RFC 8855 unreliable transports: a listener per endpoint, each with its bridge (the
    // unreliable layer per peer, the binding, the connections of its peers).
    std::vector<std::shared_ptr<connections>> all{
        std::make_shared<registry_connections>(listener_->connections_ptr())};
    if (!cfg_.bfcp.dtls.empty()) dtls_context_ = ws::dtls_context::create(pem);
    auto const make_datagram = [&](endpoint const& e, bool dtls) {
        unreliable::options uo;
        uo.max_datagram = cfg_.bfcp.datagram_size;
        auto datagrams = std::make_shared<datagram_bridge>(
            *this, ioc_, dtls ? transport_kind::dtls : transport_kind::udp, uo);
        ws::datagram_listener_options d;
        d.address = e.address;
        d.port = e.port;
        if (dtls) d.dtls = dtls_context_;
        d.admission = admission_;
        d.max_messages_per_second = cfg_.limits.messages_per_second;
        d.handshake_timeout = cfg_.timeouts.handshake;
        d.idle_timeout = cfg_.bfcp.datagram_idle_timeout;
        d.max_send_queue_bytes = cfg_.bfcp.datagram_send_queue_bytes;
        d.max_send_queue_datagrams = cfg_.bfcp.datagram_send_queue_datagrams;
        d.one_io_thread = one_io_thread;
        auto l = ws::datagram_listener::create(ioc_, std::move(d), datagrams, sink);
        datagrams->attach(l);
        all.push_back(datagrams);
        datagram_bridges_.push_back(datagrams);
        return l;
    };
    for (auto const& e : cfg_.bfcp.udp)
        udp_listeners_.push_back(make_datagram(e, false));
    for (auto const& e : cfg_.bfcp.dtls)
        dtls_listeners_.push_back(make_datagram(e, true));
    host_->set_connections(std::make_shared<routed_connections>(std::move(all)));
}

void application::open_token_journal()
{
    auto const& t = cfg_.tokens;
    if (t.store.empty()) return;
    std::filesystem::path const path(t.store);
    try {
        if (t.best_effort && path.has_parent_path()) {
            // The state directory: only its owner may read the tokens.
            std::filesystem::create_directories(path.parent_path());
            std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::replace);
        }
        token_journal_ = std::make_unique<token_journal>(path);
    } catch (std::exception const& e) {
        if (!t.best_effort) throw;
        log_warn("token store unusable; tokens live in memory only",
                 {.extra = {{"path", t.store}, {"error", e.what()}}});
        return;
    }
    kept_participants_ =
        token_journal_->attach(tokens_, std::chrono::system_clock::now(), clock::now());
    log_info("token store opened",
             {.extra = {{"path", t.store},
                        {"participants", std::to_string(kept_participants_.size())},
                        {"tokens", std::to_string(tokens_.size())}}});
}

void application::restore_participants()
{
    for (auto& p : std::exchange(kept_participants_, {})) {
        auto const conf = p.conference;
        auto const user = p.info.id;
        auto const allocated = catalog_.allocate_user(conf, p.info, {p.chair});
        if (auto const* f = std::get_if<participant_failure>(&allocated)) {
            // Its conference was made through the API (or from the SIP template) and is gone
            // with the old process, or the configuration changed: the tokens end (403).
            tokens_.revoke_user(conf, user);
            token_journal_->participant_removed(conf, user);
            log_info("kept participant not restored",
                     {.conference = conf,
                      .user = user,
                      .extra = {{"why", *f == participant_failure::no_such_conference
                                            ? "no such conference"
                                            : "user id not available"}}});
            continue;
        }
        host_->add_participant(conf, std::move(p.info), [conf, user](result<user_id> r) {
            if (!r) {
                log_error(
                    "core refused kept participant",
                    {.conference = conf, .user = user, .extra = {{"error", r.error().message()}}});
            }
        });
    }
}

std::size_t application::datagram_peers_bound() const
{
    std::size_t n = 0;
    for (auto const& b : datagram_bridges_)
        n += b->bound_count();
    return n;
}

bool application::expects_datagram_source(std::string_view address) const
{
    std::lock_guard lock(mutex_);
    return expected_connections_.expects_address(address);
}

void application::expect_connection(conference_id conf, user_id user, std::string address)
{
    std::lock_guard lock(mutex_);
    expected_connections_.expect(conf, user, std::move(address));
}

namespace {

std::uint64_t participant_key(conference_id conf, user_id user) noexcept
{
    return std::uint64_t{to_underlying(conf)} << 16 | to_underlying(user);
}

// "SHA-256 4a:ad:…" or "4A:AD:…" -> "4A:AD:…" (RFC 8122 §5: the hash name is case-insensitive,
// the hex upper-case by convention; compare without either).
std::string fingerprint_hex(std::string_view v)
{
    if (auto const sp = v.rfind(' '); sp != std::string_view::npos) v.remove_prefix(sp + 1);
    std::string out(v);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

void application::expect_fingerprints(conference_id conf, user_id user,
                                      std::vector<std::string> values)
{
    std::lock_guard lock(mutex_);
    expected_fingerprints_[participant_key(conf, user)] = std::move(values);
}

bool application::fingerprint_matches(conference_id conf, user_id user,
                                      std::string_view fingerprint) const
{
    if (fingerprint.empty()) return false;
    auto const want = fingerprint_hex(fingerprint);
    std::lock_guard lock(mutex_);
    auto const it = expected_fingerprints_.find(participant_key(conf, user));
    if (it == expected_fingerprints_.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](std::string const& offered) {
        // Only SHA-256 is computed here; another hash never matches.
        auto const sp = offered.find(' ');
        std::string name = sp == std::string::npos ? "sha-256" : offered.substr(0, sp);
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool const sha256 = name == "sha-256";
        return sha256 && fingerprint_hex(offered) == want;
    });
}

stream_verdict application::decide_stream(std::span<std::byte const> first_message,
                                          std::string_view remote_address) const
{
    std::lock_guard lock(mutex_);
    return expected_connections_.decide(first_message, remote_address);
}

std::uint16_t application::stream_port(bool tls) const noexcept
{
    auto const& v = tls ? tls_listeners_ : tcp_listeners_;
    return v.empty() ? 0 : v.front()->port();
}

std::uint16_t application::datagram_port(bool dtls) const noexcept
{
    auto const& v = dtls ? dtls_listeners_ : udp_listeners_;
    return v.empty() ? 0 : v.front()->port();
}

std::vector<std::uint16_t> application::datagram_ports(bool dtls) const
{
    std::vector<std::uint16_t> out;
    for (auto const& l : dtls ? dtls_listeners_ : udp_listeners_)
        out.push_back(l->port());
    return out;
}

application::~application() = default;

std::optional<conference_id>
application::create_conference(conference_settings c,
                               std::function<void(conference_id, result<void>)> done)
{
    auto const added = catalog_.add(c);
    if (!added) return std::nullopt;
    host_->add_conference(to_conference_config(c, cfg_.websocket.require_tls),
                          [this, added = *added, done = std::move(done)](result<void> r) {
                              // Only this incarnation: a conference with the same id created
                              // after a DELETE stays.
                              if (!r) catalog_.remove(added.id, added.generation);
                              if (done) done(added.id, r);
                          });
    return added->id;
}

void application::read_events(conference_id conf, std::optional<std::uint64_t> last_id,
                              std::shared_ptr<ws::http_stream> reader)
{
    // Subscribed first: the core's reports of changes from the next operation on find the
    // journal. A reader that then reads the state (GET /api/conferences/{id}, on the same
    // strand, after this) misses nothing in between.
    journal_.subscribe(conf, last_id, std::move(reader));
    host_->report_changes(conf);
}

bool application::delete_conference(conference_id conf, std::function<void()> done)
{
    if (!catalog_.remove(conf)) return false;
    tokens_.revoke_conference(conf);
    if (token_journal_) token_journal_->conference_removed(conf);
    journal_.forget(conf);
    host_->remove_conference(conf, [done = std::move(done)](bool) {
        if (done) done();
    });
    return true;
}

void application::collect_gauges(std::function<void(gauge_values)> done)
{
    host_->collect([this, done = std::move(done)](gauge_values g) {
        for (std::size_t t = 0; t < g.connections.size(); ++t)
            g.connections[t] = listener_->connections().count(static_cast<transport_kind>(t));
        for (auto const& b : datagram_bridges_) {
            g.connections[static_cast<std::size_t>(b->transport())] += b->bound_count();
            add_counters(g.unreliable, b->totals());
        }
        for (auto const* v : {&udp_listeners_, &dtls_listeners_}) {
            for (auto const& l : *v) {
                auto const d = l->dropped();
                for (std::size_t r = 0; r < d.size() && r < g.datagrams_dropped.size(); ++r)
                    g.datagrams_dropped[r] += d[r];
            }
        }
        g.tcp_connections = listener_->tcp_connection_count();
        if (turn_websocket_) g.turn = turn_websocket_->counters();
        auto const tokens = tokens_.counts();
        g.tokens_unused = tokens.unused;
        g.tokens_used = tokens.used;
        g.tokens_ended = tokens.ended;
        done(g);
    });
}

void application::add_turn_service(ws::listener_options& o)
{
    // Experimental (docs/turn.md): sub-protocol "turn" at the WebSocket path and at [turn]
    // path, where clients that offer no sub-protocol are served too. Binary messages only, one
    // STUN or ChannelData message each; the TURN server authenticates, not a token.
    auto const& t = cfg_.turn;
    boost::system::error_code ec;
    auto const address = net::ip::make_address(t.server.address, ec);
    if (ec) {
        throw std::runtime_error("turn.server: '" + t.server.address +
                                 "' is not an IP address (the TURN server's TCP listener)");
    }
    turn_websocket_ = std::make_shared<turn_websocket_service>(
        ioc_, net::ip::tcp::endpoint{address, t.server.port}, t.max_connections);
    ws::message_rules const rules{.max_message = t.max_message,
                                  .binary_only = true,
                                  .unfragmented = false,
                                  .messages_per_second = t.messages_per_second};
    char const* const reference = "TURN over WebSocket, experimental";
    o.services.push_back(
        {{"turn", cfg_.websocket.path, false, reference, false}, rules, turn_websocket_});
    o.services.push_back({{"turn", t.path, false, reference, true}, rules, turn_websocket_});
}

void application::sip_started(std::uint16_t port)
{
    if (!sip_websocket_) return;
    // sofia binds UDP and TCP from one URL, the first `udp` endpoint else the first `tcp` one
    // (docs/configuration.md, [sip]); the flows reach its TCP side, a wildcard bind over loopback.
    auto host = (!cfg_.sip.udp.empty() ? cfg_.sip.udp.front() : cfg_.sip.tcp.front()).address;
    if (host.empty() || host == "0.0.0.0" || host == "*") host = "127.0.0.1";
    if (host == "::") host = "::1";
    boost::system::error_code ec;
    auto const address = net::ip::make_address(host, ec);
    if (ec) {
        log_warn("sip over websocket: SIP TCP address is not an IP address; not served",
                 {.extra = {{"address", host}}});
        return;
    }
    sip_websocket_->set_sip_endpoint({address, port},
                                     sip::flow_keep_alive_interval(cfg_.sip.tcp_idle_timeout));
}

void application::start()
{
    for (auto const& c : cfg_.conferences) {
        auto const id = conference_id{c.id};
        auto const added = create_conference(c, [](conference_id conf, result<void> r) {
            if (!r) {
                log_error("cannot add conference",
                          {.conference = conf, .extra = {{"error", r.error().message()}}});
            }
        });
        if (!added) log_error("conference id configured twice", {.conference = id});
    }
    if (token_journal_) restore_participants();
    listener_->run();
    for (auto const& l : tcp_listeners_)
        l->run();
    // On a strand of its own: shutdown() cancels it from another thread.
    keep_alive_ = std::make_unique<net::steady_timer>(net::make_strand(ioc_));
    schedule_keep_alive();
    for (auto const& l : tls_listeners_)
        l->run();
    for (auto const& l : udp_listeners_)
        l->run();
    for (auto const& l : dtls_listeners_)
        l->run();
    log_info("listening", {.extra = {{"address", cfg_.websocket.listen.address},
                                     {"port", std::to_string(port())},
                                     {"io_threads", std::to_string(cfg_.effective_io_threads())}}});
}

void application::schedule_keep_alive()
{
    keep_alive_->expires_after(std::chrono::seconds{15});
    keep_alive_->async_wait([this](boost::system::error_code ec) {
        if (ec) return; // cancelled: shutting down
        journal_.keep_alive();
        schedule_keep_alive();
    });
}

std::uint16_t application::port() const noexcept
{
    return listener_->port();
}

std::string application::local_base_url() const
{
    auto host = cfg_.websocket.listen.address;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port());
}

namespace {

/// "host:port" as clients are told to reach the WebSocket/HTTP port.
std::string public_authority(websocket_settings const& w, std::uint16_t bound_port)
{
    auto const host = w.public_host.empty() ? std::string("localhost") : w.public_host;
    auto const p = w.public_port != 0 ? w.public_port : bound_port;
    return host + ":" + std::to_string(p);
}

} // namespace

std::string application::websocket_uri(std::string const& token) const
{
    auto const& w = cfg_.websocket;
    return std::string(w.public_tls ? "wss://" : "ws://") + public_authority(w, port()) + w.path +
           "?token=" + token;
}

std::optional<turn_access> application::turn_for(conference_id conf, user_id user) const
{
    auto const& t = cfg_.turn;
    if (!t.enabled || t.secret.empty()) return std::nullopt;
    auto const& w = cfg_.websocket;
    auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto const user_part =
        std::to_string(to_underlying(conf)) + "-" + std::to_string(to_underlying(user));
    return turn_access{
        std::string(w.public_tls ? "wss://" : "ws://") + public_authority(w, port()) + t.path,
        make_turn_credentials(t.secret, user_part, now,
                              std::chrono::duration_cast<std::chrono::seconds>(t.ttl))};
}

std::string application::join_url(std::string const& token) const
{
    auto const& w = cfg_.websocket;
    return std::string(w.public_tls ? "https://" : "http://") + public_authority(w, port()) +
           "/join?token=" + token;
}

participant_result application::create_participant(conference_id conf, participant_info info,
                                                   participant_claim claim, ticket_options options)
{
    auto allocated = catalog_.allocate_user(conf, info, claim);
    if (auto const* f = std::get_if<participant_failure>(&allocated)) return {std::nullopt, *f};
    auto floors = std::move(std::get<std::vector<floor_id>>(allocated));
    auto const user = info.id;
    // Written down before its token, so that a replay finds the participant first.
    bool const kept = token_journal_ && options.survives_restart;
    if (kept && !token_journal_->participant_added({conf, info, claim.chair})) {
        catalog_.release_user(conf, user);
        return {std::nullopt, participant_failure::internal};
    }
    auto token = tokens_.issue(conf, user, clock::now(), options.until_used);
    if (!token) {
        if (kept) token_journal_->participant_removed(conf, user);
        catalog_.release_user(conf, user);
        return {std::nullopt, participant_failure::internal};
    }
    host_->add_participant(conf, std::move(info), [conf, user](result<user_id> r) {
        if (!r) {
            log_error(
                "core refused participant",
                {.conference = conf, .user = user, .extra = {{"error", r.error().message()}}});
        }
    });
    log_info("participant created",
             {.conference = conf, .user = user, .extra = {{"chair", claim.chair ? "yes" : "no"}}});
    return {participant_ticket{websocket_uri(*token), conf, user, std::move(floors), *token,
                               join_url(*token), turn_for(conf, user)},
            participant_failure::internal};
}

std::optional<std::string> application::renew_token(conference_id conf, user_id user)
{
    if (!catalog_.has_user(conf, user)) return std::nullopt;
    tokens_.revoke_user(conf, user);
    return tokens_.issue(conf, user, clock::now());
}

std::optional<conference_id> application::create_from_template(std::string const& name)
{
    if (!cfg_.sip.auto_create.enabled) return std::nullopt;
    conference_settings templ;
    templ.floors = cfg_.sip.auto_create.floors;
    bool created = false;
    auto const added = catalog_.find_or_add(name, std::move(templ), created);
    if (!created) return added.id;
    auto const c = catalog_.find(added.id);
    if (!c) return std::nullopt; // deleted in between
    host_->add_conference(
        to_conference_config(*c, cfg_.websocket.require_tls), [this, added](result<void> r) {
            if (r) return;
            catalog_.remove(added.id, added.generation);
            log_error("cannot create conference from template", {.conference = added.id});
        });
    log_info("conference created from template",
             {.conference = added.id, .extra = {{"name", name}}});
    return added.id;
}

void application::revoke_participant(conference_id conf, user_id user,
                                     std::function<void(bool)> done)
{
    tokens_.revoke_user(conf, user);
    if (token_journal_) token_journal_->participant_removed(conf, user);
    catalog_.release_user(conf, user);
    {
        std::lock_guard lock(mutex_);
        expected_connections_.forget(conf, user);
        expected_fingerprints_.erase(participant_key(conf, user));
    }
    host_->remove_participant(conf, user, [conf, user, done = std::move(done)](bool existed) {
        if (existed) log_info("participant removed", {.conference = conf, .user = user});
        if (done) done(existed);
    });
}

void application::shutdown(std::chrono::milliseconds limit, std::function<void()> done)
{
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    log_info("shutting down",
             {.extra = {{"connections", std::to_string(listener_->connections().count())}}});
    if (keep_alive_) net::post(keep_alive_->get_executor(), [this] { keep_alive_->cancel(); });
    listener_->stop();
    for (auto const& l : tcp_listeners_)
        l->stop();
    for (auto const& l : tls_listeners_)
        l->stop();
    auto deadline = clock::now() + limit;
    host_->shutdown([this, deadline, done = std::move(done)]() mutable {
        listener_->connections().close_all(ws::close_code::going_away, "server shutdown");
        // Poll the registry until every session has finished its close handshake (bounded by
        // `limit`): closing is asynchronous and the registry offers no completion callback.
        auto timer = std::make_shared<net::steady_timer>(ioc_);
        auto finish = [this, done = std::move(done)]() mutable {
            host_->stop_timers(std::move(done));
        };
        auto poll = std::make_shared<std::function<void()>>();
        *poll = [this, timer, deadline, poll, finish = std::move(finish)]() mutable {
            if ((listener_->connections().count() == 0 && datagram_peers_bound() == 0) ||
                clock::now() >= deadline) {
                // Datagram listeners last: they carried the Goodbyes and their acks.
                for (auto const* v : {&udp_listeners_, &dtls_listeners_})
                    for (auto const& l : *v)
                        l->stop();
                finish();
                *poll = nullptr; // break the self-reference cycle
                return;
            }
            timer->expires_after(std::chrono::milliseconds{10});
            timer->async_wait([poll](boost::system::error_code) {
                if (*poll) (*poll)();
            });
        };
        (*poll)();
    });
}

void application::handle_http(ws::http_request req, ws::request_context const& ctx,
                              ws::http_responder respond)
{
    api_->handle(std::move(req), ctx, std::move(respond));
}

} // namespace floorctl::app
