// floorctl::server: events, connection bindings, lifecycle and read-only views.
#include "server_impl.hpp"

#include <floorctl/codec.hpp>
#include <floorctl/policy.hpp>

#include <algorithm>
#include <string>

namespace floorctl {

using detail::conference;
using detail::participant;

namespace {

std::string num(auto id)
{
    return std::to_string(to_underlying(id));
}

// Header-only primitives the field sends that are answered with nothing: the RFC 8855 acks of
// unreliable transports (14, 15), the older draft numbering's GoodbyeAck (18), and proprietary
// room-system primitives 90-95 (docs/policies.md #14).
//
// 16 with transaction ID 0 is the older draft's FloorStatusAck, not a Goodbye: a client's own
// requests carry a non-zero transaction ID (RFC 8855 §8), and reading the ack of a FloorStatus
// as Goodbye would release the floor of a presenter that just acknowledged a notification.
bool quietly_accepted(common_header const& h)
{
    auto const prim = h.prim;
    return prim == 14 || prim == 15 || prim == 18 || (prim >= 90 && prim <= 95) ||
           (prim == 16 && h.transaction == transaction_id{});
}

char const* decode_failure_text(error_code code)
{
    switch (code) {
    case error_code::unsupported_version:
        return "unsupported BFCP version (this server speaks versions 1 and 2)";
    case error_code::incorrect_message_length:
        return "the Payload Length does not match the message size";
    case error_code::unknown_primitive:
        return "unknown primitive";
    case error_code::unknown_mandatory_attribute:
        return "unknown mandatory attribute(s); their types are in the error details";
    default:
        return "the message could not be parsed";
    }
}

} // namespace

server::server(server_options opts) : impl_{std::make_unique<impl>()}
{
    impl_->opts = opts;
}
server::~server() = default;
server::server(server&&) noexcept = default;
server& server::operator=(server&&) noexcept = default;

std::vector<std::uint8_t> supported_primitives()
{
    // Exactly what this server handles; 14 and 15 (acks) belong to unreliable transports,
    // which floorctl does not serve (RFC 8855 §13.6: list what is supported).
    return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17};
}

std::vector<std::uint8_t> supported_attributes()
{
    return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
}

// ---- configuration ----

result<void> server::add_conference(conference_config cfg)
{
    auto& im = *impl_;
    if (im.conferences.contains(cfg.id)) return std::make_error_code(std::errc::file_exists);
    conference c;
    c.report_changes = im.opts.report_changes;
    for (auto const& f : cfg.floors) {
        if (f.id == floor_id{} || f.max_holders == 0 || c.floors.contains(f.id))
            return std::make_error_code(std::errc::invalid_argument);
        detail::floor_state fs;
        fs.cfg = f;
        c.floors.emplace(f.id, std::move(fs));
        c.floor_order.push_back(f.id);
    }
    cfg.floors.clear();
    c.cfg = std::move(cfg);
    auto const id = c.cfg.id;
    // Connections already bound to this conference (a client that connected before it was
    // configured) wait for their participant like any binding to an unknown user, so that
    // add_participant claims them. Per user the newest connection wins, as in on_bound.
    for (auto const& [conn, b] : im.bindings) {
        if (b.conf != id) continue;
        auto& waiting = c.unclaimed[b.user];
        if (to_underlying(conn) > to_underlying(waiting)) waiting = conn;
    }
    im.conferences.emplace(id, std::move(c));
    return {};
}

std::vector<action> server::remove_conference(conference_id id)
{
    std::vector<action> out;
    auto& im = *impl_;
    auto it = im.conferences.find(id);
    if (it == im.conferences.end()) return out;
    auto& c = it->second;
    impl::op o{c, out};
    std::vector<user_id> users;
    for (auto const& [u, p] : c.participants)
        users.push_back(u);
    std::sort(users.begin(), users.end());
    for (auto const u : users) {
        auto& p = c.participants.at(u);
        im.say_goodbye(o, p, close_reason::removed);
        im.cancel(o, p.grace_timer);
    }
    std::vector<floor_request_id> ids;
    for (auto const& [rid, r] : c.requests)
        ids.push_back(rid);
    std::sort(ids.begin(), ids.end());
    for (auto const rid : ids) {
        for (auto& rf : c.requests.at(rid).floors) {
            im.cancel(o, rf.hold_timer);
            im.cancel(o, rf.chair_timer);
        }
    }
    // Connections bound to this conference for users it never had are closed as well.
    for (auto const& [u, conn] : c.unclaimed) {
        out.emplace_back(close_connection{conn, close_reason::removed});
        im.bindings.erase(conn);
    }
    im.participants_total -= c.participants.size();
    im.requests_total -= c.requests.size();
    for (auto const& [fid, f] : c.floors) {
        im.queued_total -= f.queue.size();
        im.holders_total -= f.holders.size();
    }
    im.conferences.erase(it);
    return out;
}

void server::report_changes(conference_id conf, bool on) noexcept
{
    if (auto it = impl_->conferences.find(conf); it != impl_->conferences.end())
        it->second.report_changes = on;
}

result<user_id> server::add_participant(conference_id conf, participant_info p,
                                        std::vector<action>& out)
{
    auto& im = *impl_;
    auto it = im.conferences.find(conf);
    if (it == im.conferences.end()) return make_error_code(error::conference_does_not_exist);
    auto& c = it->second;
    if (p.id == user_id{}) {
        for (unsigned tries = 0; tries < 0x10000u && p.id == user_id{}; ++tries) {
            auto const candidate = user_id{c.next_user++};
            if (c.next_user == 0) c.next_user = 1;
            if (candidate != user_id{} && !c.participants.contains(candidate)) p.id = candidate;
        }
        if (p.id == user_id{}) return std::make_error_code(std::errc::result_out_of_range);
    } else if (c.participants.contains(p.id)) {
        return std::make_error_code(std::errc::file_exists);
    }
    auto const id = p.id;
    detail::participant part;
    part.info = std::move(p);
    // A connection may have been bound before the signalling side added the user.
    auto const u = c.unclaimed.find(id);
    bool const joined = u != c.unclaimed.end();
    if (joined) {
        part.conn = u->second;
        c.unclaimed.erase(u);
    }
    c.participants.emplace(id, std::move(part));
    ++im.participants_total;
    if (joined) {
        impl::op o{c, out};
        im.report_participant(o, change_kind::participant_joined, id);
    }
    return id;
}

std::vector<action> server::remove_participant(conference_id conf, user_id user)
{
    std::vector<action> out;
    auto& im = *impl_;
    auto it = im.conferences.find(conf);
    if (it == im.conferences.end()) return out;
    auto& c = it->second;
    auto pit = c.participants.find(user);
    if (pit == c.participants.end()) return out;
    impl::op o{c, out};
    im.say_goodbye(o, pit->second, close_reason::removed);
    im.chair_left(o, user);
    im.leave(o, user);
    c.participants.erase(user);
    --im.participants_total;
    return out;
}

// ---- events ----

std::vector<action> server::shutdown()
{
    std::vector<action> out;
    auto& im = *impl_;
    std::vector<conference_id> confs;
    for (auto const& [id, c] : im.conferences)
        confs.push_back(id);
    std::sort(confs.begin(), confs.end());
    for (auto const id : confs) {
        auto& c = im.conferences.at(id);
        impl::op o{c, out};
        std::vector<user_id> users;
        for (auto const& [u, p] : c.participants)
            users.push_back(u);
        std::sort(users.begin(), users.end());
        for (auto const u : users)
            im.say_goodbye(o, c.participants.at(u), close_reason::shutdown);
        c.unclaimed.clear(); // their bindings are closed below
    }
    // What is left is bound to users or conferences not added yet: nobody to say Goodbye to.
    std::vector<connection_id> rest;
    for (auto const& [conn, b] : im.bindings)
        rest.push_back(conn);
    std::sort(rest.begin(), rest.end());
    for (auto const conn : rest)
        out.emplace_back(close_connection{conn, close_reason::shutdown});
    im.bindings.clear();
    return out;
}

std::vector<action> server::handle(event const& ev)
{
    std::vector<action> out;
    handle(ev, out);
    return out;
}

void server::handle(event const& ev, std::vector<action>& out)
{
    std::visit(
        [&](auto const& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, connection_bound>)
                impl_->on_bound(e, out);
            else if constexpr (std::is_same_v<T, frame_received>)
                impl_->on_frame(e, out);
            else if constexpr (std::is_same_v<T, connection_closed>)
                impl_->on_closed(e, out);
            else
                impl_->on_timer(e, out);
        },
        ev);
}

void server::impl::on_bound(connection_bound const& ev, std::vector<action>& out)
{
    if (auto old = bindings.find(ev.conn); old != bindings.end()) {
        if (old->second.conf == ev.conference && old->second.user == ev.user) {
            old->second.transport = ev.transport;
            return;
        }
        // Rebinding a connection to someone else: the previous user lost it.
        on_closed(connection_closed{ev.conn}, out);
    }
    bindings[ev.conn] = binding{ev.conference, ev.user, ev.transport};
    auto cit = conferences.find(ev.conference);
    if (cit == conferences.end()) return; // frames will be answered with Error 1
    auto& c = cit->second;
    auto pit = c.participants.find(ev.user);
    if (pit == c.participants.end()) {
        if (auto u = c.unclaimed.find(ev.user); u != c.unclaimed.end() && u->second != ev.conn) {
            out.emplace_back(close_connection{u->second, close_reason::superseded});
            bindings.erase(u->second);
        }
        c.unclaimed[ev.user] = ev.conn;
        return; // frames are answered with Error 2 until add_participant
    }
    auto& p = pit->second;
    op o{c, out};
    if (p.conn && *p.conn != ev.conn) {
        // One connection per participant: the newer binding wins (a client that reconnected
        // before the old TCP connection timed out).
        out.emplace_back(close_connection{*p.conn, close_reason::superseded});
        bindings.erase(*p.conn);
    }
    bool const joined = !p.conn;
    p.conn = ev.conn;
    cancel(o, p.grace_timer);
    if (joined) report_participant(o, change_kind::participant_joined, ev.user);
}

void server::impl::on_frame(frame_received const& ev, std::vector<action>& out)
{
    ++messages_in;
    auto const frame = std::span<std::byte const>{ev.frame};
    auto const h = decode_header(frame);
    if (!h) {
        // Fewer than 12 octets: nothing to address a reply to (docs/policies.md #15).
        out.emplace_back(close_connection{ev.conn, close_reason::protocol_error});
        return;
    }
    if (quietly_accepted(*h)) return;
    // Identity, conference and transport checks come before decoding the body, so that a
    // replayed or misdirected message is refused for what it is (RFC 8857 §6).
    auto const target = precheck(ev.conn, *h, out);
    if (!target.c) return;
    decode_diagnostics diag;
    auto msg = decode_message(*h, frame, &diag);
    if (!msg) {
        auto const code = wire_code(msg.error());
        std::string info =
            *diag.what != '\0' ? std::string{diag.what} : std::string{decode_failure_text(code)};
        std::vector<std::uint8_t> unknown(diag.unknown_mandatory.begin(),
                                          diag.unknown_mandatory.end());
        return send_error(out, ev.conn, *h, code, std::move(info), std::move(unknown));
    }
    dispatch(ev.conn, *target.c, *target.p, *msg, out);
}

server::impl::checked server::impl::precheck(connection_id conn, common_header const& h,
                                             std::vector<action>& out)
{
    auto const b = bindings.find(conn);
    if (b == bindings.end()) {
        // Unbound connections are refused rather than bound implicitly: binding from the
        // header alone would let anybody speak for any user (docs/policies.md).
        send_error(out, conn, h, error_code::user_does_not_exist,
                   "this connection is not bound to a participant; connect through the "
                   "websocket-uri of your SDP answer");
        return {};
    }
    if (h.conference != b->second.conf) {
        send_error(out, conn, h, error_code::conference_does_not_exist,
                   "conference " + num(h.conference) +
                       " is not the conference this connection is bound to (" +
                       num(b->second.conf) + ")");
        return {};
    }
    if (h.user != b->second.user) {
        send_error(out, conn, h, error_code::unauthorized_operation,
                   "user " + num(h.user) + " is not the user this connection is bound to (" +
                       num(b->second.user) + ")");
        return {};
    }
    auto const cit = conferences.find(h.conference);
    if (cit == conferences.end()) {
        send_error(out, conn, h, error_code::conference_does_not_exist,
                   "conference " + num(h.conference) + " does not exist");
        return {};
    }
    auto& c = cit->second;
    if (c.cfg.require_tls && !is_secure(b->second.transport)) {
        // RFC 8855 §5.2.6: a peer on plain UDP is told to use DTLS (Error 11), one on a plain
        // stream or WebSocket to use TLS (Error 9).
        if (is_unreliable(b->second.transport)) {
            send_error(out, conn, h, error_code::use_dtls,
                       "conference " + num(h.conference) + " requires DTLS: use UDP/TLS/BFCP");
        } else {
            send_error(out, conn, h, error_code::use_tls,
                       "conference " + num(h.conference) +
                           " requires TLS: connect with wss:// or TCP/TLS/BFCP");
        }
        return {};
    }
    auto const pit = c.participants.find(h.user);
    if (pit == c.participants.end()) {
        send_error(out, conn, h, error_code::user_does_not_exist,
                   "user " + num(h.user) + " is not a participant of conference " +
                       num(h.conference));
        return {};
    }
    if (h.version != 1 && h.version != 2) {
        send_error(out, conn, h, error_code::unsupported_version,
                   decode_failure_text(error_code::unsupported_version));
        return {};
    }
    return {&c, &pit->second};
}

void server::impl::on_closed(connection_closed const& ev, std::vector<action>& out)
{
    auto const b = bindings.find(ev.conn);
    if (b == bindings.end()) return;
    auto const bound = b->second;
    bindings.erase(b);
    auto cit = conferences.find(bound.conf);
    if (cit == conferences.end()) return;
    auto& c = cit->second;
    if (auto u = c.unclaimed.find(bound.user); u != c.unclaimed.end() && u->second == ev.conn)
        c.unclaimed.erase(u);
    auto pit = c.participants.find(bound.user);
    if (pit == c.participants.end() || pit->second.conn != ev.conn)
        return; // superseded connection: its user is elsewhere now
    auto& p = pit->second;
    p.conn.reset();
    op o{c, out};
    report_participant(o, change_kind::participant_left, bound.user);
    chair_left(o, bound.user);
    if (c.cfg.reconnect_grace > clock::duration::zero()) {
        flush(o);
        p.grace_timer =
            start(o, c.cfg.reconnect_grace, {timer_kind::grace, c.cfg.id, {}, {}, bound.user});
        return;
    }
    leave(o, bound.user);
}

void server::impl::on_timer(timer_fired const& ev, std::vector<action>& out)
{
    auto const t = timers.find(ev.id);
    if (t == timers.end()) return; // cancelled while the host's timer was already firing
    auto const target = t->second;
    timers.erase(t);
    auto cit = conferences.find(target.conf);
    if (cit == conferences.end()) return;
    auto& c = cit->second;
    op o{c, out};
    if (target.kind == timer_kind::grace) {
        auto pit = c.participants.find(target.user);
        if (pit == c.participants.end() || pit->second.grace_timer != ev.id) return;
        pit->second.grace_timer = timer_id{};
        leave(o, target.user);
        return;
    }
    auto rit = c.requests.find(target.request);
    if (rit == c.requests.end()) return;
    auto& r = rit->second;
    auto* rf = r.find(target.floor);
    if (rf == nullptr) return;
    if (target.kind == timer_kind::hold) {
        if (rf->hold_timer != ev.id || rf->status != request_status::granted) return;
        rf->hold_timer = timer_id{};
        end_floor(o, r, *rf, request_status::revoked, text{"maximum hold time exceeded"});
        notify(o, r);
        promote(o, target.floor);
    } else {
        if (rf->chair_timer != ev.id || rf->eligible) return;
        rf->chair_timer = timer_id{};
        chair_silence(o, r, *rf, "no chair decision within the chair timeout");
    }
    finish_if_done(o, target.request);
    flush(o);
}

void server::impl::chair_silence(op& o, detail::floor_request_state& r, detail::request_floor& rf,
                                 char const* why)
{
    auto& f = o.c.floors.at(rf.floor);
    cancel(o, rf.chair_timer);
    auto const decision = after_chair_silence(f.cfg, load_of(o.c, f, r.effective_priority()));
    if (decision == admission::deny) {
        end_floor(o, r, rf, request_status::denied, text{why});
        notify(o, r);
        return;
    }
    rf.eligible = true;
    if (f.cfg.send_accepted) {
        rf.status = request_status::accepted;
        notify(o, r);
    }
    promote(o, rf.floor);
}

void server::impl::chair_left(op& o, user_id u)
{
    // "No chair connected" applies while requests wait, not only when they arrive: when the
    // last connected chair of a floor goes, its waiting requests get the fallback now rather
    // than at their chair_timeout (which may be 0 = never).
    for (auto const fid : o.c.floor_order) {
        auto& f = o.c.floors.at(fid);
        if (f.cfg.kind != policy::chair ||
            std::find(f.cfg.chairs.begin(), f.cfg.chairs.end(), u) == f.cfg.chairs.end() ||
            chair_connected(o.c, f.cfg))
            continue;
        std::vector<floor_request_id> waiting;
        for (auto const id : f.queue) {
            if (!o.c.requests.at(id).find(fid)->eligible) waiting.push_back(id);
        }
        for (auto const id : waiting) {
            auto it = o.c.requests.find(id);
            if (it == o.c.requests.end()) continue;
            auto* rf = it->second.find(fid);
            if (rf == nullptr || rf->eligible || !detail::is_active(rf->status)) continue;
            chair_silence(o, it->second, *rf, "no chair is connected");
            finish_if_done(o, id);
        }
    }
}

void server::impl::say_goodbye(op& o, participant& p, close_reason reason)
{
    if (!p.conn) return;
    // RFC 8855 §6.2: the server may end the session with Goodbye; it does not wait for the
    // GoodbyeAck because the state behind the session is going away now.
    message m;
    m.header.version = p.version;
    m.header.prim = to_underlying(primitive::goodbye);
    m.header.conference = o.c.cfg.id;
    m.header.transaction = transaction_id{next_server_transaction++};
    if (next_server_transaction == 0) next_server_transaction = 1;
    m.header.user = p.info.id;
    m.payload = goodbye{};
    o.out.emplace_back(send_message{*p.conn, std::move(m)});
    o.out.emplace_back(close_connection{*p.conn, reason});
    bindings.erase(*p.conn);
    p.conn.reset();
    report_participant(o, change_kind::participant_left, p.info.id);
}

void server::impl::leave(op& o, user_id u)
{
    auto& c = o.c;
    if (auto pit = c.participants.find(u); pit != c.participants.end()) {
        cancel(o, pit->second.grace_timer);
        for (auto const f : pit->second.subscriptions) {
            auto& subs = c.floors.at(f).subscribers;
            subs.erase(std::remove(subs.begin(), subs.end(), u), subs.end());
        }
        pit->second.subscriptions.clear();
    }
    // Requests whose beneficiary left end; a chair's third-party requests for someone else
    // survive the chair (the beneficiary still wants the floor).
    std::vector<floor_request_id> ids;
    for (auto& [id, r] : c.requests) {
        if (r.beneficiary == u) ids.push_back(id);
        r.queriers.erase(std::remove(r.queriers.begin(), r.queriers.end(), u), r.queriers.end());
    }
    std::sort(ids.begin(), ids.end());
    for (auto const id : ids) {
        auto& r = c.requests.at(id);
        for (auto& rf : r.floors) {
            if (!detail::is_active(rf.status)) continue;
            end_floor(o, r, rf,
                      rf.status == request_status::granted ? request_status::released
                                                           : request_status::cancelled,
                      text{"the participant left"});
        }
        notify(o, r, u);
        for (auto const& rf : r.floors)
            promote(o, rf.floor);
        finish_if_done(o, id);
    }
    flush(o);
}

// ---- views ----

std::vector<conference_id> server::conferences() const
{
    std::vector<conference_id> ids;
    ids.reserve(impl_->conferences.size());
    for (auto const& [id, c] : impl_->conferences)
        ids.push_back(id);
    return ids;
}

bool server::contains(conference_id id) const noexcept
{
    return impl_->conferences.contains(id);
}

bool server::contains(conference_id conf, user_id user) const noexcept
{
    auto const it = impl_->conferences.find(conf);
    return it != impl_->conferences.end() && it->second.participants.contains(user);
}

std::optional<conference_snapshot> server::snapshot(conference_id id) const
{
    auto it = impl_->conferences.find(id);
    if (it == impl_->conferences.end()) return std::nullopt;
    auto const& c = it->second;
    conference_snapshot s;
    s.id = id;
    s.require_tls = c.cfg.require_tls;
    s.active_requests = c.requests.size();
    auto req = [&](floor_request_id rid, floor_id f) {
        auto const& r = c.requests.at(rid);
        auto const& rf = *r.find(f);
        return request_snapshot{rid,       r.requester,      r.beneficiary, r.effective_priority(),
                                rf.status, rf.queue_position};
    };
    for (auto const fid : c.floor_order) {
        auto const& f = c.floors.at(fid);
        floor_snapshot fs;
        fs.id = fid;
        fs.kind = f.cfg.kind;
        fs.max_holders = f.cfg.max_holders;
        fs.label = f.cfg.label;
        for (auto const rid : f.holders)
            fs.holders.push_back(req(rid, fid));
        for (auto const rid : f.queue)
            fs.queue.push_back(req(rid, fid));
        fs.subscribers = f.subscribers;
        s.floors.push_back(std::move(fs));
    }
    for (auto const& [uid, p] : c.participants) {
        participant_snapshot ps;
        ps.id = uid;
        ps.display_name = p.info.display_name;
        ps.uri = p.info.uri;
        ps.connected = p.conn.has_value();
        ps.conn = p.conn;
        ps.in_grace = p.grace_timer != timer_id{};
        ps.version = p.version;
        for (auto const& [fid, f] : c.floors) {
            if (std::find(f.cfg.chairs.begin(), f.cfg.chairs.end(), uid) != f.cfg.chairs.end())
                ps.chair = true;
        }
        s.participants.push_back(std::move(ps));
    }
    std::sort(s.participants.begin(), s.participants.end(),
              [](auto const& a, auto const& b) { return a.id < b.id; });
    return s;
}

server_stats server::stats() const noexcept
{
    server_stats s;
    s.conferences = impl_->conferences.size();
    s.participants = impl_->participants_total;
    s.connections = impl_->bindings.size();
    s.active_requests = impl_->requests_total;
    s.queued = impl_->queued_total;
    s.holders = impl_->holders_total;
    s.timers = impl_->timers.size();
    s.messages_in = impl_->messages_in;
    s.errors_out = impl_->errors_out;
    s.grants = impl_->grants;
    return s;
}

} // namespace floorctl
