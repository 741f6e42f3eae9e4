#include <msrp/relay.hpp>

#include <msrp/chunking.hpp>
#include <msrp/write.hpp>

#include "chars.hpp"

#include <algorithm>

namespace msrp {
namespace {

bool is_send(message const& m)
{
    return m.method == "SEND";
}
bool is_report(message const& m)
{
    return m.method == "REPORT";
}

/// RFC 7977 §5.2.1: the transport `ws` names a WebSocket client.
bool is_websocket_hop(uri const& u)
{
    return detail::iequals(u.transport, "ws");
}

std::optional<std::uint64_t> parse_nc(std::string_view nc)
{
    // nc is 8 hexadecimal digits (RFC 2617 §3.2.2).
    if (nc.size() != 8) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : nc) {
        if (!detail::is_hex(c)) return std::nullopt;
        v = v * 16 + static_cast<std::uint64_t>(detail::hex_value(c));
    }
    return v;
}

} // namespace

relay::relay(relay_options options, relay_services& services)
    : options_(std::move(options)), services_(services)
{
}

relay::connection_state& relay::state_of(connection_id conn)
{
    // A connection the adapter never announced (an outgoing one to a hop) is a peer.
    auto const it = connections_.find(conn);
    if (it != connections_.end()) return it->second;
    connection_state s;
    s.kind = connection_kind::peer;
    return connections_.emplace(conn, std::move(s)).first->second;
}

bool relay::is_self(uri const& u) const
{
    if (same_authority(u, options_.self)) return true;
    return std::any_of(options_.aliases.begin(), options_.aliases.end(),
                       [&](uri const& a) { return same_authority(u, a); });
}

relay::session* relay::find_session(uri const& u)
{
    if (u.session_id.empty()) return nullptr;
    auto const it = sessions_.find(u.session_id);
    if (it == sessions_.end() || !equivalent(it->second.relay_uri, u)) return nullptr;
    return &it->second;
}

std::vector<relay_action> relay::handle(relay_event const& e, time_point now)
{
    actions out;
    std::visit(
        [&](auto const& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, connection_opened>) {
                // An id opened again ends what its previous connection left behind.
                if (connections_.contains(ev.conn)) on_closed(ev.conn, out);
                auto& s = connections_[ev.conn];
                s = connection_state{};
                s.kind = ev.kind;
                s.user = ev.user;
            } else if constexpr (std::is_same_v<T, chunk_received>) {
                on_chunk(ev.conn, ev.bytes, now, out);
            } else if constexpr (std::is_same_v<T, connection_closed>) {
                on_closed(ev.conn, out);
            } else {
                fail_transaction(ev.transaction_id, ev.code, reason_phrase(ev.code), out);
            }
        },
        e);
    return out;
}

void relay::respond(connection_id conn, message const& request, std::uint16_t code, actions& out,
                    std::string comment)
{
    out.push_back(send_chunk{conn, write(make_response(request, code, std::move(comment)))});
}

void relay::on_chunk(connection_id conn, std::string_view bytes, time_point now, actions& out)
{
    auto parsed = parse(bytes, options_.parse_limits);
    if (!parsed) {
        auto const& err = parsed.error();
        auto to = parse_uri(err.to_uri);
        auto from = parse_uri(err.from_uri);
        // RFC 4975 §7.3: a request that cannot be understood gets 400 (REPORTs get none);
        // without a transaction ID and paths nothing can be answered, so the connection ends.
        if (!err.method.empty() && to && from) {
            if (err.method != "REPORT") {
                message request;
                request.transaction_id = err.transaction_id;
                request.method = err.method;
                request.to_path = {*to};
                request.from_path = {*from};
                respond(conn, request, 400, out, err.message);
            }
            return;
        }
        if (err.method == "REPORT") return; // nothing to answer, nothing lost but the report
        out.push_back(close_connection{conn, "malformed MSRP: " + err.message});
        return;
    }
    message const& m = *parsed;
    state_of(conn);
    if (!m.is_request()) {
        on_response(m, out);
        return;
    }
    if (m.method == "AUTH" && m.to_path.size() == 1 && m.to_path[0].session_id.empty() &&
        is_self(m.to_path[0])) {
        on_auth(conn, m, now, out);
        return;
    }
    on_request(conn, m, now, out);
}

void relay::challenge(connection_id conn, message const& request, bool stale, time_point now,
                      actions& out)
{
    if (nonces_.size() >= options_.max_nonces) {
        // Forget the oldest nonce: a flood of AUTHs costs bounded memory.
        auto oldest =
            std::min_element(nonces_.begin(), nonces_.end(), [](auto const& a, auto const& b) {
                return a.second.issued < b.second.issued;
            });
        nonces_.erase(oldest);
    }
    auto nonce = services_.random_token();
    nonces_[nonce] = nonce_state{now, 0};
    auto r = make_response(request, 401);
    r.www_authenticate = write_challenge({options_.realm, nonce, stale});
    out.push_back(send_chunk{conn, write(r)});
}

void relay::on_auth(connection_id conn, message const& m, time_point now, actions& out)
{
    auto& c = state_of(conn);
    std::optional<digest_credentials> used;
    std::string user;
    if (c.user && !m.authorization) {
        user = *c.user; // authenticated by the WebSocket handshake (RFC 7977 §5.3.1)
    } else {
        if (!m.authorization) {
            challenge(conn, m, false, now, out);
            return;
        }
        auto creds = parse_credentials(*m.authorization);
        if (!creds) {
            respond(conn, m, 400, out, "malformed Authorization");
            return;
        }
        auto refuse = [&](bool stale) {
            if (++c.auth_failures >= options_.max_auth_failures) {
                respond(conn, m, 403, out, "too many failed AUTH attempts");
                out.push_back(close_connection{conn, "too many failed AUTH attempts"});
                return;
            }
            challenge(conn, m, stale, now, out);
        };
        auto const nonce = nonces_.find(creds->nonce);
        if (nonce == nonces_.end()) {
            refuse(false);
            return;
        }
        bool const fresh = now - nonce->second.issued < options_.nonce_lifetime;
        auto const nc = parse_nc(creds->nc);
        auto const digest_uri = parse_uri(creds->uri);
        auto const password = services_.password(creds->username, options_.realm);
        bool const ok =
            creds->realm == options_.realm && creds->qop == "auth" && nc &&
            *nc > nonce->second.last_nc && !creds->cnonce.empty() && digest_uri &&
            equivalent(*digest_uri, m.to_path[0]) && password &&
            digests_equal(creds->response, digest_response(services_, *creds, *password, "AUTH"));
        if (!ok) {
            refuse(false);
            return;
        }
        if (!fresh) {
            nonces_.erase(nonce);
            challenge(conn, m, true, now, out); // right credentials, old nonce (RFC 2617 stale)
            return;
        }
        nonce->second.last_nc = *nc;
        user = creds->username;
        used = std::move(creds);
        c.auth_failures = 0;
    }
    c.user = user;

    // RFC 4976 §5.1: an Expires outside the relay's bounds is refused with 423 and the bound.
    auto const expires = m.expires.value_or(options_.default_expires);
    if (expires < options_.min_expires) {
        auto r = make_response(m, 423);
        r.min_expires = options_.min_expires;
        out.push_back(send_chunk{conn, write(r)});
        return;
    }
    if (expires > options_.max_expires) {
        auto r = make_response(m, 423);
        r.max_expires = options_.max_expires;
        out.push_back(send_chunk{conn, write(r)});
        return;
    }

    // A refresh (same connection, same client URI) keeps its session; otherwise a new one.
    session* s = nullptr;
    for (auto& [id, existing] : sessions_) {
        if (existing.conn == conn && equivalent(existing.client_uri, m.from_path[0])) {
            s = &existing;
            break;
        }
    }
    if (!s) {
        if (c.sessions >= options_.max_sessions_per_connection) {
            respond(conn, m, 403, out, "too many sessions on this connection");
            return;
        }
        session fresh_session;
        fresh_session.relay_uri = options_.self;
        fresh_session.relay_uri.userinfo.clear();
        fresh_session.relay_uri.session_id = services_.random_token();
        fresh_session.client_uri = m.from_path[0];
        fresh_session.conn = conn;
        s = &sessions_.emplace(fresh_session.relay_uri.session_id, std::move(fresh_session))
                 .first->second;
        ++c.sessions;
    }
    s->expires_at = now + std::chrono::seconds(expires);

    auto r = make_response(m, 200);
    r.use_path = {s->relay_uri};
    r.expires = expires;
    if (used) {
        auto const password = services_.password(used->username, options_.realm);
        auto const rspauth = digest_response(services_, *used, password.value_or(""), "");
        r.authentication_info = "qop=auth, rspauth=\"" + rspauth + "\", cnonce=\"" + used->cnonce +
                                "\", nc=" + used->nc;
    }
    out.push_back(send_chunk{conn, write(r)});
}

void relay::on_request(connection_id conn, message const& m, time_point now, actions& out)
{
    auto const& c = state_of(conn);
    bool const answerable = !is_report(m); // REPORTs never get responses (RFC 4975 §7.1.2)
    // RFC 7977 §5.3.1: every client connection must be authenticated before it sends anything.
    if (c.kind == connection_kind::client && !c.user) {
        if (answerable) respond(conn, m, 403, out, "authenticate first (AUTH)");
        return;
    }
    if (is_send(m)) {
        if (auto const e = check_range(m)) {
            respond(conn, m, 400, out, std::string("Byte-Range: ") + to_string(*e));
            return;
        }
    }
    session* s = find_session(m.to_path[0]);
    if (!s) {
        if (answerable) respond(conn, m, 481, out);
        return;
    }
    message fwd = m;
    fwd.to_path.erase(fwd.to_path.begin());
    fwd.from_path.insert(fwd.from_path.begin(), s->relay_uri);
    if (conn == s->conn) {
        // Outbound, from the session's own client (RFC 4976 §6.3).
        if (fwd.to_path.empty()) {
            if (answerable) respond(conn, m, 403, out, "nothing beyond the relay");
            return;
        }
        forward(conn, m, std::move(fwd), s->relay_uri, now, out);
        return;
    }
    // Inbound: only to the client that holds the session.
    if (fwd.to_path.size() != 1 || !equivalent(fwd.to_path[0], s->client_uri)) {
        if (answerable) respond(conn, m, 403, out, "not addressed to this session's client");
        return;
    }
    deliver_to_client(*s, conn, m, std::move(fwd), s->relay_uri, now, out);
}

void relay::forward(connection_id origin, message const& received, message fwd, uri const& hop_uri,
                    time_point now, actions& out)
{
    bool const answerable = !is_report(received);
    // The next hop may be another session of this relay (two clients of one relay, RFC 7977
    // §8.3.2): handled here as if it were a second relay.
    if (session* next = find_session(fwd.to_path[0])) {
        fwd.to_path.erase(fwd.to_path.begin());
        fwd.from_path.insert(fwd.from_path.begin(), next->relay_uri);
        if (fwd.to_path.size() != 1 || !equivalent(fwd.to_path[0], next->client_uri)) {
            if (answerable) respond(origin, received, 403, out, "not addressed to a client");
            return;
        }
        deliver_to_client(*next, origin, received, std::move(fwd), hop_uri, now, out);
        return;
    }
    if (is_websocket_hop(fwd.to_path[0])) {
        // A WebSocket client cannot be connected to (RFC 7977 §5.1): only its relay reaches it.
        if (answerable) respond(origin, received, 481, out, "WebSocket hop not reachable");
        return;
    }
    if (is_send(received)) {
        auto const fr = received.failure_report_or_default();
        if (fr == report_request::yes) respond(origin, received, 200, out);
    }
    fwd.transaction_id = services_.random_token();
    remember(origin, received, fwd, hop_uri, now);
    auto bytes = write(fwd);
    out.push_back(send_to_hop{fwd.to_path[0], fwd.transaction_id, std::move(bytes)});
}

void relay::deliver_to_client(session const& s, connection_id origin, message const& received,
                              message fwd, uri const& hop_uri, time_point now, actions& out)
{
    if (is_send(received) && received.failure_report_or_default() == report_request::yes) {
        respond(origin, received, 200, out);
    }
    // A client of this relay gets chunks no larger than client_chunk (RFC 7977 §5.1: the relay
    // re-chunks what non-WebSocket peers send in larger pieces).
    std::vector<message> pieces;
    if (fwd.content_type && fwd.body.size() > options_.client_chunk) {
        pieces = split(fwd, options_.client_chunk, [this] { return services_.random_token(); });
    } else {
        fwd.transaction_id = services_.random_token();
        pieces.push_back(std::move(fwd));
    }
    for (auto& piece : pieces) {
        remember(origin, received, piece, hop_uri, now);
        if (auto const t = pending_.find(piece.transaction_id); t != pending_.end()) {
            t->second.destination = s.conn;
        }
        out.push_back(send_chunk{s.conn, write(piece)});
    }
}

void relay::remember(connection_id origin, message const& received, message const& sent,
                     uri const& hop_uri, time_point now)
{
    // REPORTs get no response; beyond the bound a request travels untracked (no failure
    // REPORT for it) rather than costing memory.
    if (is_report(received) || pending_.size() >= options_.max_transactions) return;
    transaction t;
    t.origin = origin;
    t.hop_by_hop = is_send(received);
    t.request = received;
    t.request.body.clear(); // only the paths, Message-ID and flags are needed afterwards
    t.sent_range = range_of(sent);
    t.relay_uri = hop_uri;
    t.deadline = now + options_.transaction_timeout;
    pending_[sent.transaction_id] = std::move(t);
}

void relay::on_response(message const& m, actions& out)
{
    auto const it = pending_.find(m.transaction_id);
    if (it == pending_.end()) return; // not ours, or already ended (late response)
    auto t = std::move(it->second);
    pending_.erase(it);
    if (t.hop_by_hop) {
        if (m.status_code != 200) report_failure(t, m.status_code, m.comment, out);
        return;
    }
    // Other methods (AUTH to a further relay, NICKNAME, …) are answered end to end: the
    // response goes back to whoever sent the request, under its transaction ID.
    if (!connections_.contains(t.origin)) return;
    auto r = make_response(t.request, m.status_code, m.comment);
    r.use_path = m.use_path;
    r.expires = m.expires;
    r.min_expires = m.min_expires;
    r.max_expires = m.max_expires;
    r.www_authenticate = m.www_authenticate;
    r.authentication_info = m.authentication_info;
    out.push_back(send_chunk{t.origin, write(r)});
}

void relay::report_failure(transaction const& t, std::uint16_t code, std::string const& comment,
                           actions& out)
{
    // RFC 4975 §7.1.2: a failure goes back as a REPORT when Failure-Report is yes or partial;
    // it needs the Message-ID it reports on.
    if (t.request.failure_report_or_default() == report_request::no || !t.request.message_id ||
        !connections_.contains(t.origin)) {
        return;
    }
    message report;
    report.transaction_id = services_.random_token();
    report.method = "REPORT";
    report.to_path = t.request.from_path;
    report.from_path = {t.relay_uri};
    report.message_id = t.request.message_id;
    report.range = t.sent_range;
    report.status = status_field{0, code, comment};
    out.push_back(send_chunk{t.origin, write(report)});
}

void relay::fail_transaction(std::string const& tid, std::uint16_t code, std::string const& comment,
                             actions& out)
{
    // No response came (timeout, lost connection, unreachable hop): as if `code` had.
    message response;
    response.transaction_id = tid;
    response.status_code = code;
    response.comment = comment;
    on_response(response, out);
}

void relay::on_closed(connection_id conn, actions& out)
{
    connections_.erase(conn);
    std::erase_if(sessions_, [&](auto const& kv) { return kv.second.conn == conn; });
    std::erase_if(pending_, [&](auto const& kv) { return kv.second.origin == conn; });
    // What was sent to this connection will get no response: a failure now, not in 30 s.
    std::vector<std::string> lost;
    for (auto const& [tid, t] : pending_) {
        if (t.destination == conn) lost.push_back(tid);
    }
    for (auto const& tid : lost)
        fail_transaction(tid, 481, "Session Does Not Exist", out);
}

std::vector<relay_action> relay::expire(time_point now)
{
    actions out;
    std::vector<std::string> due;
    for (auto const& [tid, t] : pending_) {
        if (t.deadline <= now) due.push_back(tid);
    }
    for (auto const& tid : due)
        fail_transaction(tid, 408, "Request Timeout", out);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second.expires_at <= now) {
            if (auto c = connections_.find(it->second.conn); c != connections_.end()) {
                --c->second.sessions;
            }
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
    // A nonce is kept one lifetime past its use-by time, to answer stale=true (RFC 2617).
    std::erase_if(nonces_, [&](auto const& kv) {
        return kv.second.issued + 2 * options_.nonce_lifetime <= now;
    });
    return out;
}

std::optional<time_point> relay::next_deadline() const
{
    std::optional<time_point> next;
    auto consider = [&](time_point t) {
        if (!next || t < *next) next = t;
    };
    for (auto const& [tid, t] : pending_)
        consider(t.deadline);
    for (auto const& [id, s] : sessions_)
        consider(s.expires_at);
    for (auto const& [n, st] : nonces_)
        consider(st.issued + 2 * options_.nonce_lifetime);
    return next;
}

} // namespace msrp
