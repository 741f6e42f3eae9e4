#include "application.hpp"

#include "demo_page.hpp"
#include "http_json.hpp"
#include "log.hpp"

#include <ws/tls.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace floorctl::app {

namespace net = boost::asio;
namespace http = boost::beast::http;

floor_config to_floor_config(floor_settings const& f)
{
    floor_config out;
    out.id = floor_id{f.id};
    switch (f.policy) {
    case floor_policy::queue:
        out.kind = policy::queue;
        break;
    case floor_policy::preempt:
        out.kind = policy::preempt;
        break;
    case floor_policy::chair:
        out.kind = policy::chair;
        break;
    }
    out.max_holders = f.max_holders;
    out.max_hold_time = f.max_hold_time;
    out.max_requests_per_user = f.max_requests_per_user;
    out.send_accepted = f.send_accepted;
    out.chair_timeout = f.chair_timeout;
    out.fallback = f.fallback == app::chair_fallback::accept ? floorctl::chair_fallback::accept
                                                             : floorctl::chair_fallback::deny;
    out.label = f.label;
    return out;
}

std::optional<user_id> chair_user_for_uri(conference_settings const& c, std::string const& uri)
{
    for (std::size_t i = 0; i < c.chair_uris.size(); ++i) {
        if (c.chair_uris[i] == uri) return user_id{static_cast<std::uint16_t>(65535 - i)};
    }
    return std::nullopt;
}

conference_config to_conference_config(conference_settings const& c, bool require_tls)
{
    conference_config out;
    out.id = conference_id{c.id};
    out.require_tls = require_tls;
    std::vector<user_id> chairs;
    for (auto const u : c.chair_users)
        chairs.push_back(user_id{u});
    // The core knows chairs only by user id; a chair named by SIP URI gets a reserved id that
    // create_participant() hands out when that URI joins.
    for (std::size_t i = 0; i < c.chair_uris.size(); ++i) {
        chairs.push_back(user_id{static_cast<std::uint16_t>(65535 - i)});
    }
    for (auto const& f : c.floors) {
        auto fc = to_floor_config(f);
        fc.chairs = chairs;
        out.floors.push_back(std::move(fc));
    }
    return out;
}

namespace {

bool is_loopback(std::string const& addr)
{
    return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

/// Constant-time comparison so the bearer key cannot be guessed byte by byte from timings.
bool same_secret(std::string_view a, std::string_view b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    }
    return diff == 0;
}

ws::http_response make_response(http::status status, std::string body,
                                std::string_view content_type = "application/json")
{
    ws::http_response res{status, 11};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

ws::http_response json_error(http::status status, std::string_view message)
{
    boost::json::object o;
    o["error"] = message;
    return make_response(status, boost::json::serialize(o) + "\n");
}

std::optional<std::uint32_t> parse_u32(std::string_view s)
{
    std::uint32_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

} // namespace

/// The ws::handler: translates listener callbacks into token checks and core host events.
/// Stateless apart from the application pointer; every callback is thread-safe.
class application::bridge : public ws::handler {
public:
    explicit bridge(application& a) : app_(a) {}

    ws::auth_result authenticate(std::string const& token, ws::http_request const&,
                                 ws::request_context const& ctx) override
    {
        auto const c = app_.tokens_.use(token, clock::now());
        switch (c.status) {
        case token_status::valid:
            return ws::binding{c.binding.conference, c.binding.user, token};
        case token_status::unknown:
            log_info("token refused", {.conn = ctx.conn, .extra = {{"why", "unknown"}}});
            return ws::auth_denial{http::status::unauthorized, "unknown token"};
        case token_status::expired:
            log_info("token refused", {.conn = ctx.conn,
                                       .conference = c.binding.conference,
                                       .user = c.binding.user,
                                       .extra = {{"why", "expired"}}});
            return ws::auth_denial{http::status::forbidden, "token expired"};
        case token_status::revoked:
            log_info("token refused", {.conn = ctx.conn,
                                       .conference = c.binding.conference,
                                       .user = c.binding.user,
                                       .extra = {{"why", "revoked"}}});
            return ws::auth_denial{http::status::forbidden, "token revoked"};
        }
        return ws::auth_denial{http::status::unauthorized, "unknown token"};
    }

    void on_open(connection_id conn, ws::binding const& bound, transport_kind transport,
                 std::string const& remote) override
    {
        app_.metrics_.handshake(0);
        log_info(
            "connection open",
            {.conn = conn,
             .conference = bound.conference,
             .user = bound.user,
             .extra = {{"remote", remote}, {"transport", is_secure(transport) ? "wss" : "ws"}}});
        app_.host_->connection_opened(conn, bound.conference, bound.user, transport);
    }

    void on_frame(connection_id conn, std::span<std::byte const> frame) override
    {
        app_.host_->frame_received(conn, frame, clock::now());
    }

    void on_close(connection_id conn, ws::close_info const& info) override
    {
        log_info("connection closed",
                 {.conn = conn,
                  .extra = {{"code", std::to_string(static_cast<unsigned>(info.code))},
                            {"origin", ws::to_string(info.origin)},
                            {"reason", info.reason}}});
        app_.host_->connection_closed(conn);
    }

    void on_http(ws::http_request req, ws::request_context const& ctx,
                 ws::http_responder respond) override
    {
        app_.handle_http(std::move(req), ctx, std::move(respond));
    }

    void on_handshake_rejected(ws::upgrade_failure failure, ws::http_status,
                               ws::request_context const&) override
    {
        app_.metrics_.handshake(1 + static_cast<std::size_t>(failure));
    }

private:
    application& app_;
};

/// The ws::stream_handler for TCP/BFCP and TCP/TLS/BFCP: binds a connection by its first
/// message to a participant negotiated over SIP, from the negotiated address only.
class application::stream_bridge : public ws::stream_handler {
public:
    explicit stream_bridge(application& a) : app_(a) {}

    ws::stream_decision on_first_message(ws::stream_peer const& peer, common_header const& header,
                                         std::span<std::byte const>) override
    {
        auto const key = static_cast<std::uint64_t>(to_underlying(header.conference)) << 16 |
                         to_underlying(header.user);
        std::optional<std::string> expected;
        {
            std::lock_guard lock(app_.mutex_);
            if (auto it = app_.expected_streams_.find(key); it != app_.expected_streams_.end()) {
                expected = it->second;
            }
        }
        if (!expected) {
            // RFC 8856 §7: only a participant whose SDP negotiated this transport may connect.
            return ws::stream_refusal{
                ws::make_error_reply(header, error_code::user_does_not_exist,
                                     "no TCP/BFCP participant with these conference and user IDs"),
                "unknown participant"};
        }
        if (!expected->empty() && *expected != peer.remote_address) {
            return ws::stream_refusal{
                ws::make_error_reply(header, error_code::unauthorized_operation,
                                     "connection from an address the SDP did not negotiate"),
                "wrong source address"};
        }
        return ws::binding{header.conference, header.user, {}};
    }

    void on_open(connection_id conn, ws::binding const& bound, transport_kind transport,
                 std::string const& remote) override
    {
        log_info(
            "stream connection open",
            {.conn = conn,
             .conference = bound.conference,
             .user = bound.user,
             .extra = {{"remote", remote}, {"transport", is_secure(transport) ? "tls" : "tcp"}}});
        app_.host_->connection_opened(conn, bound.conference, bound.user, transport);
    }

    void on_frame(connection_id conn, std::span<std::byte const> frame) override
    {
        app_.host_->frame_received(conn, frame, clock::now());
    }

    void on_close(connection_id conn, ws::close_info const& info) override
    {
        log_info("stream connection closed", {.conn = conn, .extra = {{"reason", info.reason}}});
        app_.host_->connection_closed(conn);
    }

    void on_rejected(ws::stream_peer const& peer, std::string const& reason) override
    {
        log_warn(
            "stream connection refused",
            {.conn = peer.conn, .extra = {{"remote", peer.remote_address}, {"reason", reason}}});
    }

private:
    application& app_;
};

application::application(config cfg, net::io_context& ioc)
    : cfg_(std::move(cfg)), ioc_(ioc), tokens_(cfg_.token_lifetime)
{
    // io_threads is the number of threads that run ioc_ (main.cpp): with one, the listeners
    // skip the strand per connection and the core runs transport events inline.
    bool const one_io_thread = cfg_.effective_io_threads() == 1;
    host_ = std::make_unique<core_host>(ioc_, cfg_.effective_io_threads(), nullptr, metrics_,
                                        one_io_thread);

    ws::listener_options o;
    o.address = cfg_.websocket.listen.address;
    o.port = cfg_.websocket.listen.port;
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
        tls_context_ = ws::make_server_context(ws::make_self_signed(so));
        log_info("made a self-signed certificate", {.extra = {{"cn", host}}});
    } else {
        tls_context_ = ws::make_server_context(cfg_.tls.certificate, cfg_.tls.private_key);
    }
    o.tls = tls_context_;
    o.allow_plain = cfg_.websocket.allow_plain;
    o.upgrade.path = cfg_.websocket.path;
    o.upgrade.allowed_origins = cfg_.websocket.origins;
    o.upgrade.token_cookie = cfg_.websocket.cookie_name;
    o.max_header_bytes = cfg_.limits.header_bytes;
    o.handshake_timeout = cfg_.timeouts.handshake;
    o.keepalive_timeout = cfg_.timeouts.ping.count() > 0 ? 2 * cfg_.timeouts.ping
                                                         : std::chrono::milliseconds{86'400'000};
    o.message_idle_timeout = cfg_.timeouts.idle;
    o.max_write_queue_bytes = cfg_.limits.write_queue_bytes;
    o.max_connections = cfg_.limits.max_connections;
    o.max_connections_per_address = cfg_.limits.max_connections_per_ip;
    o.max_messages_per_second = cfg_.limits.messages_per_second;
    o.one_io_thread = one_io_thread;

    ws::log_sink sink = [](ws::log_level l, std::string_view msg, ws::log_fields const& f) {
        log_level const level = l == ws::log_level::debug     ? log_level::debug
                                : l == ws::log_level::info    ? log_level::info
                                : l == ws::log_level::warning ? log_level::warn
                                                              : log_level::error;
        auto& lg = logger::global();
        if (!lg.enabled(level)) return;
        log_context ctx{.conn = f.conn, .conference = f.conference, .user = f.user};
        if (!f.remote.empty()) ctx.extra.emplace_back("remote", std::string(f.remote));
        lg.write(level, msg, ctx);
    };
    listener_ = ws::listener::create(ioc_, std::move(o), std::make_shared<bridge>(*this), sink);
    host_->set_registry(listener_->connections_ptr());

    // RFC 8855 reliable transports share the WebSocket registry, so the core host sends to and
    // closes every connection the same way.
    auto const streams = std::make_shared<stream_bridge>(*this);
    auto const make_stream = [&](endpoint const& e, bool secure) {
        ws::stream_listener_options so;
        so.address = e.address;
        so.port = e.port;
        if (secure) so.tls = tls_context_;
        so.connections = listener_->connections_ptr();
        so.bind_timeout = cfg_.timeouts.handshake;
        so.max_write_queue_bytes = cfg_.limits.write_queue_bytes;
        so.max_connections = cfg_.limits.max_connections;
        so.one_io_thread = one_io_thread;
        return ws::stream_listener::create(ioc_, std::move(so), streams, sink);
    };
    for (auto const& e : cfg_.bfcp.tcp)
        tcp_listeners_.push_back(make_stream(e, false));
    for (auto const& e : cfg_.bfcp.tls)
        tls_listeners_.push_back(make_stream(e, true));
}

void application::expect_stream_connection(conference_id conf, user_id user, std::string address)
{
    std::lock_guard lock(mutex_);
    expected_streams_[static_cast<std::uint64_t>(to_underlying(conf)) << 16 | to_underlying(user)] =
        std::move(address);
}

std::uint16_t application::stream_port(bool tls) const noexcept
{
    auto const& v = tls ? tls_listeners_ : tcp_listeners_;
    return v.empty() ? 0 : v.front()->port();
}

application::~application() = default;

void application::add_conference(conference_settings c, std::function<void(result<void>)> done)
{
    auto cc = to_conference_config(c, cfg_.websocket.require_tls);
    auto const id = c.id;
    {
        std::lock_guard lock(mutex_);
        catalog_.emplace(id, conference_entry{std::move(c), {}});
    }
    host_->add_conference(std::move(cc), [this, id, done = std::move(done)](result<void> r) {
        if (!r) {
            std::lock_guard lock(mutex_);
            catalog_.erase(id);
        }
        if (done) done(r);
    });
}

void application::start()
{
    for (auto const& c : cfg_.conferences) {
        auto const id = c.id;
        add_conference(c, [id](result<void> r) {
            if (!r) {
                log_error("cannot add conference", {.conference = conference_id{id},
                                                    .extra = {{"error", r.error().message()}}});
            }
        });
    }
    listener_->run();
    for (auto const& l : tcp_listeners_)
        l->run();
    for (auto const& l : tls_listeners_)
        l->run();
    log_info("listening", {.extra = {{"address", cfg_.websocket.listen.address},
                                     {"port", std::to_string(port())},
                                     {"io_threads", std::to_string(cfg_.effective_io_threads())}}});
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

std::string application::websocket_uri(std::string const& token) const
{
    auto const& w = cfg_.websocket;
    auto host = w.public_host.empty() ? std::string("localhost") : w.public_host;
    auto const p = w.public_port != 0 ? w.public_port : port();
    return std::string(w.public_tls ? "wss://" : "ws://") + host + ":" + std::to_string(p) +
           w.path + "?token=" + token;
}

participant_result application::create_participant(conference_id conf, participant_info info)
{
    std::vector<floor_id> floors;
    user_id user{};
    {
        std::lock_guard lock(mutex_);
        auto const it = catalog_.find(to_underlying(conf));
        if (it == catalog_.end()) return {std::nullopt, participant_failure::no_such_conference};
        auto& entry = it->second;
        for (auto const& f : entry.settings.floors)
            floors.push_back(floor_id{f.id});
        if (to_underlying(info.id) == 0 && !info.uri.empty()) {
            if (auto chair = chair_user_for_uri(entry.settings, info.uri)) {
                if (!entry.users.contains(to_underlying(*chair))) info.id = *chair;
            }
        }
        if (to_underlying(info.id) != 0) {
            if (entry.users.contains(to_underlying(info.id))) {
                return {std::nullopt, participant_failure::user_taken};
            }
        } else {
            // Lowest free id below the range reserved for chairs named by URI.
            auto const reserved_from = 65535 - entry.settings.chair_uris.size();
            std::size_t id = 1;
            while (id <= reserved_from && entry.users.contains(static_cast<std::uint16_t>(id))) {
                ++id;
            }
            if (id > reserved_from) return {std::nullopt, participant_failure::internal};
            info.id = user_id{static_cast<std::uint16_t>(id)};
        }
        user = info.id;
        entry.users.insert(to_underlying(user));
    }
    auto token = tokens_.issue(conf, user, clock::now());
    if (!token) {
        std::lock_guard lock(mutex_);
        if (auto it = catalog_.find(to_underlying(conf)); it != catalog_.end()) {
            it->second.users.erase(to_underlying(user));
        }
        return {std::nullopt, participant_failure::internal};
    }
    host_->add_participant(conf, std::move(info), [conf, user](result<user_id> r) {
        if (!r) {
            log_error(
                "core refused participant",
                {.conference = conf, .user = user, .extra = {{"error", r.error().message()}}});
        }
    });
    log_info("participant created", {.conference = conf, .user = user});
    return {participant_ticket{websocket_uri(*token), conf, user, std::move(floors), *token},
            participant_failure::internal};
}

std::optional<std::string> application::renew_token(conference_id conf, user_id user)
{
    {
        std::lock_guard lock(mutex_);
        auto const it = catalog_.find(to_underlying(conf));
        if (it == catalog_.end() || !it->second.users.contains(to_underlying(user))) {
            return std::nullopt;
        }
    }
    tokens_.revoke_user(conf, user);
    return tokens_.issue(conf, user, clock::now());
}

std::optional<conference_settings> application::find_conference(conference_id conf) const
{
    std::lock_guard lock(mutex_);
    auto const it = catalog_.find(to_underlying(conf));
    if (it == catalog_.end()) return std::nullopt;
    return it->second.settings;
}

std::optional<conference_id> application::conference_by_name(std::string const& name) const
{
    std::lock_guard lock(mutex_);
    for (auto const& [id, e] : catalog_) {
        if (e.settings.name == name || std::to_string(id) == name) return conference_id{id};
    }
    return std::nullopt;
}

std::optional<conference_id> application::create_from_template(std::string const& name)
{
    if (!cfg_.sip.auto_create.enabled) return std::nullopt;
    conference_settings c;
    c.name = name;
    c.floors = cfg_.sip.auto_create.floors;
    {
        std::lock_guard lock(mutex_);
        for (auto const& [id, e] : catalog_) {
            if (e.settings.name == name) return conference_id{id};
        }
        std::uint32_t next = 1;
        while (catalog_.contains(next))
            ++next;
        c.id = next;
    }
    auto const id = conference_id{c.id};
    add_conference(std::move(c), [id](result<void> r) {
        if (!r) log_error("cannot create conference from template", {.conference = id});
    });
    log_info("conference created from template", {.conference = id, .extra = {{"name", name}}});
    return id;
}

void application::revoke_participant(conference_id conf, user_id user,
                                     std::function<void(bool)> done)
{
    tokens_.revoke_user(conf, user);
    {
        std::lock_guard lock(mutex_);
        if (auto it = catalog_.find(to_underlying(conf)); it != catalog_.end()) {
            it->second.users.erase(to_underlying(user));
        }
        expected_streams_.erase(static_cast<std::uint64_t>(to_underlying(conf)) << 16 |
                                to_underlying(user));
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
    listener_->stop();
    for (auto const& l : tcp_listeners_)
        l->stop();
    for (auto const& l : tls_listeners_)
        l->stop();
    auto deadline = clock::now() + limit;
    host_->say_goodbye([this, deadline, done = std::move(done)]() mutable {
        listener_->connections().close_all(ws::close_code::going_away, "server shutdown");
        // Poll the registry until every session has finished its close handshake (bounded by
        // `limit`): closing is asynchronous and the registry offers no completion callback.
        auto timer = std::make_shared<net::steady_timer>(ioc_);
        auto finish = [this, done = std::move(done)]() mutable {
            host_->stop_timers(std::move(done));
        };
        auto poll = std::make_shared<std::function<void()>>();
        *poll = [this, timer, deadline, poll, finish = std::move(finish)]() mutable {
            if (listener_->connections().count() == 0 || clock::now() >= deadline) {
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
    metrics_.http_request();
    auto const target = std::string(ws::target_path(req.target()));
    auto const method = req.method();

    if (target == "/healthz") {
        if (method != http::verb::get && method != http::verb::head) {
            return respond(
                make_response(http::status::method_not_allowed, "GET only\n", "text/plain"));
        }
        return respond(make_response(http::status::ok, "ok\n", "text/plain"));
    }
    if (target == "/metrics" && method == http::verb::get) {
        host_->collect([this, respond = std::move(respond)](gauge_values g) {
            g.ws_connections = listener_->connections().count();
            g.tcp_connections = listener_->tcp_connection_count();
            g.tokens = tokens_.size();
            respond(make_response(http::status::ok, metrics_.format(g),
                                  "text/plain; version=0.0.4; charset=utf-8"));
        });
        return;
    }
    if ((target == "/" || target == "/index.html") && method == http::verb::get) {
        return respond(make_response(http::status::ok, std::string(demo_page_html),
                                     "text/html; charset=utf-8"));
    }
    if (target.rfind("/api/", 0) == 0) {
        if (!cfg_.admin.enabled) {
            return respond(json_error(http::status::not_found, "admin API disabled"));
        }
        if (cfg_.admin.loopback_only() && !is_loopback(ctx.remote_address)) {
            log_warn("admin API refused",
                     {.conn = ctx.conn, .extra = {{"remote", ctx.remote_address}}});
            return respond(json_error(http::status::forbidden, "admin API is loopback only"));
        }
        if (!cfg_.admin.bearer_key.empty()) {
            auto const auth = req[http::field::authorization];
            constexpr std::string_view prefix = "Bearer ";
            if (auth.size() <= prefix.size() || auth.substr(0, prefix.size()) != prefix ||
                !same_secret(auth.substr(prefix.size()), cfg_.admin.bearer_key)) {
                auto res = json_error(http::status::unauthorized, "bearer key required");
                res.set(http::field::www_authenticate, "Bearer realm=\"floorctl\"");
                return respond(std::move(res));
            }
        }
        return handle_api(req, target, std::move(respond));
    }
    respond(make_response(http::status::not_found, "not found\n", "text/plain"));
}

void application::handle_api(ws::http_request const& req, std::string_view path,
                             ws::http_responder respond)
{
    // Routes: /api/conferences[/{id}[/floors | /participants[/{uid}]]]
    std::vector<std::string_view> parts;
    for (std::size_t pos = 1; pos <= path.size();) {
        auto const next = path.find('/', pos);
        auto const end = next == std::string_view::npos ? path.size() : next;
        if (end > pos) parts.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
    auto const method = req.method();
    if (parts.size() < 2 || parts[1] != "conferences") {
        return respond(json_error(http::status::not_found, "no such endpoint"));
    }

    if (parts.size() == 2) {
        if (method == http::verb::get) {
            boost::json::array list;
            {
                std::lock_guard lock(mutex_);
                for (auto const& [id, c] : catalog_)
                    list.push_back(conference_to_json(c.settings));
            }
            boost::json::object o;
            o["conferences"] = std::move(list);
            return respond(make_response(http::status::ok, boost::json::serialize(o) + "\n"));
        }
        if (method == http::verb::post) {
            auto parsed = conference_from_json(req.body());
            if (!parsed.error.empty()) {
                return respond(json_error(http::status::bad_request, parsed.error));
            }
            auto c = std::move(*parsed.conference);
            if (c.id == 0) {
                std::lock_guard lock(mutex_);
                std::uint32_t next = 1;
                while (catalog_.contains(next))
                    ++next;
                c.id = next;
            } else {
                std::lock_guard lock(mutex_);
                if (catalog_.contains(c.id)) {
                    return respond(json_error(http::status::conflict, "conference id taken"));
                }
            }
            auto body = conference_to_json(c);
            auto const id = c.id;
            add_conference(std::move(c), [id, body = std::move(body),
                                          respond = std::move(respond)](result<void> r) {
                if (!r) {
                    return respond(json_error(http::status::conflict, r.error().message()));
                }
                log_info("conference created", {.conference = conference_id{id}});
                respond(make_response(http::status::created, boost::json::serialize(body) + "\n"));
            });
            return;
        }
        return respond(json_error(http::status::method_not_allowed, "GET or POST"));
    }

    auto const id = parse_u32(parts[2]);
    if (!id || *id == 0) return respond(json_error(http::status::not_found, "bad conference id"));
    auto const conf = conference_id{*id};

    if (parts.size() == 3 || (parts.size() == 4 && parts[3] == "floors")) {
        if (parts.size() == 3 && method == http::verb::delete_) {
            {
                std::lock_guard lock(mutex_);
                if (catalog_.erase(*id) == 0) {
                    return respond(json_error(http::status::not_found, "no such conference"));
                }
            }
            tokens_.revoke_conference(conf);
            host_->remove_conference(conf, [conf, respond = std::move(respond)](bool) {
                log_info("conference deleted", {.conference = conf});
                respond(make_response(http::status::no_content, ""));
            });
            return;
        }
        if (method != http::verb::get) {
            return respond(json_error(http::status::method_not_allowed, "GET or DELETE"));
        }
        bool const floors_only = parts.size() == 4;
        host_->snapshot(conf, [floors_only, respond = std::move(respond)](
                                  std::optional<conference_snapshot> snap) {
            if (!snap) return respond(json_error(http::status::not_found, "no such conference"));
            auto j = snapshot_to_json(*snap);
            if (floors_only) {
                boost::json::object o;
                o["floors"] = j.at("floors");
                j = std::move(o);
            }
            respond(make_response(http::status::ok, boost::json::serialize(j) + "\n"));
        });
        return;
    }

    if (parts[3] != "participants" || parts.size() > 5) {
        return respond(json_error(http::status::not_found, "no such endpoint"));
    }
    if (parts.size() == 4) {
        if (method != http::verb::post) {
            return respond(json_error(http::status::method_not_allowed, "POST"));
        }
        auto parsed = participant_from_json(req.body());
        if (!parsed.error.empty()) {
            return respond(json_error(http::status::bad_request, parsed.error));
        }
        auto const r = create_participant(conf, std::move(*parsed.info));
        if (!r.ticket) {
            switch (r.failure) {
            case participant_failure::no_such_conference:
                return respond(json_error(http::status::not_found, "no such conference"));
            case participant_failure::user_taken:
                return respond(json_error(http::status::conflict, "user id taken"));
            case participant_failure::internal:
                break;
            }
            return respond(
                json_error(http::status::internal_server_error, "cannot create participant"));
        }
        respond(make_response(http::status::created,
                              boost::json::serialize(ticket_to_json(*r.ticket)) + "\n"));
        return;
    }
    auto const uid = parse_u32(parts[4]);
    if (!uid || *uid == 0 || *uid > 65535) {
        return respond(json_error(http::status::not_found, "bad user id"));
    }
    if (method != http::verb::delete_) {
        return respond(json_error(http::status::method_not_allowed, "DELETE"));
    }
    revoke_participant(conf, user_id{static_cast<std::uint16_t>(*uid)},
                       [respond = std::move(respond)](bool existed) {
                           if (!existed) {
                               return respond(
                                   json_error(http::status::not_found, "no such participant"));
                           }
                           respond(make_response(http::status::no_content, ""));
                       });
}

} // namespace floorctl::app
