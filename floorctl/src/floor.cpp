// Queue and grant mechanics of one floor, and the messages that describe floors and requests.
#include "server_impl.hpp"

#include <floorctl/policy.hpp>

#include <algorithm>
#include <cassert>

namespace floorctl {

using detail::conference;
using detail::floor_request_state;
using detail::floor_state;
using detail::request_floor;

bool server::impl::chair_connected(conference const& c, floor_config const& cfg) const
{
    for (auto const u : cfg.chairs) {
        if (auto it = c.participants.find(u); it != c.participants.end() && it->second.conn)
            return true;
    }
    return false;
}

floor_load server::impl::load_of(conference const& c, floor_state const& f, priority prio) const
{
    floor_load load;
    load.holders = static_cast<unsigned>(f.holders.size());
    for (auto const id : f.holders) {
        auto const& r = c.requests.at(id);
        if (to_underlying(r.effective_priority()) <= to_underlying(prio)) {
            load.preemptable = true;
            break;
        }
    }
    load.chair_connected = f.cfg.kind == policy::chair && chair_connected(c, f.cfg);
    return load;
}

void server::impl::mark_dirty(op& o, floor_id f)
{
    if (std::find(o.dirty.begin(), o.dirty.end(), f) == o.dirty.end()) o.dirty.push_back(f);
}

void server::impl::grant(op& o, floor_request_state& r, request_floor& rf)
{
    auto& f = o.c.floors.at(rf.floor);
    if (auto it = std::find(f.queue.begin(), f.queue.end(), r.id); it != f.queue.end()) {
        f.queue.erase(it);
        --queued_total;
        note_queue(o, rf.floor);
    }
    note_change(o, change_kind::floor_granted, rf.floor, r.id, r.beneficiary);
    assert(f.holders.size() < f.cfg.max_holders);
    f.holders.push_back(r.id);
    ++holders_total;
    rf.status = request_status::granted;
    rf.queue_position = 0;
    // The request as a whole becomes Granted with its last floor (stats().grants).
    if (std::all_of(r.floors.begin(), r.floors.end(),
                    [](request_floor const& x) { return x.status == request_status::granted; }))
        ++grants;
    rf.eligible = true;
    cancel(o, rf.chair_timer);
    if (f.cfg.max_hold_time > clock::duration::zero()) {
        rf.hold_timer = start(o, f.cfg.max_hold_time,
                              {timer_kind::hold, o.c.cfg.id, r.id, rf.floor, user_id{}});
    }
    mark_dirty(o, rf.floor);
}

void server::impl::enqueue(op& o, floor_request_state& r, request_floor& rf, bool eligible)
{
    auto& f = o.c.floors.at(rf.floor);
    auto const prio = r.effective_priority();
    // Higher priority first; first come first served among equals (RFC 8855 §5.2.4).
    auto pos = std::find_if(f.queue.begin(), f.queue.end(), [&](floor_request_id q) {
        return queues_before(prio, o.c.requests.at(q).effective_priority());
    });
    pos = f.queue.insert(pos, r.id);
    ++queued_total;
    rf.queue_position =
        static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(pos - f.queue.begin() + 1, 255));
    rf.eligible = eligible;
    mark_dirty(o, rf.floor);
    note_queue(o, rf.floor);
}

void server::impl::move_in_queue(op& o, floor_state& f, floor_request_id id, std::size_t pos)
{
    auto it = std::find(f.queue.begin(), f.queue.end(), id);
    if (it == f.queue.end()) return;
    f.queue.erase(it);
    pos = std::min(pos, f.queue.size());
    f.queue.insert(f.queue.begin() + static_cast<std::ptrdiff_t>(pos), id);
    mark_dirty(o, f.cfg.id);
    note_queue(o, f.cfg.id);
}

void server::impl::end_floor(op& o, floor_request_state& r, request_floor& rf,
                             request_status status, std::optional<text> info)
{
    auto& f = o.c.floors.at(rf.floor);
    if (auto it = std::find(f.holders.begin(), f.holders.end(), r.id); it != f.holders.end()) {
        f.holders.erase(it);
        --holders_total;
        note_change(o,
                    status == request_status::revoked ? change_kind::floor_revoked
                                                      : change_kind::floor_released,
                    rf.floor, r.id, r.beneficiary);
    }
    if (auto it = std::find(f.queue.begin(), f.queue.end(), r.id); it != f.queue.end()) {
        f.queue.erase(it);
        --queued_total;
        note_queue(o, rf.floor);
    }
    cancel(o, rf.hold_timer);
    cancel(o, rf.chair_timer);
    rf.status = status;
    rf.queue_position = 0;
    rf.status_info = std::move(info);
    mark_dirty(o, rf.floor);
}

void server::impl::preempt_one(op& o, floor_state& f, priority prio, std::string const& why)
{
    for (auto const id : f.holders) {
        auto& victim = o.c.requests.at(id);
        if (to_underlying(victim.effective_priority()) > to_underlying(prio)) continue;
        auto* rf = victim.find(f.cfg.id);
        end_floor(o, victim, *rf, request_status::revoked, why);
        notify(o, victim);
        finish_if_done(o, id);
        return;
    }
}

void server::impl::promote(op& o, floor_id fid)
{
    auto& f = o.c.floors.at(fid);
    while (f.holders.size() < f.cfg.max_holders) {
        auto it = std::find_if(f.queue.begin(), f.queue.end(), [&](floor_request_id q) {
            return o.c.requests.at(q).find(fid)->eligible;
        });
        if (it == f.queue.end()) return;
        auto& r = o.c.requests.at(*it);
        grant(o, r, *r.find(fid));
        notify(o, r);
    }
}

void server::impl::finish_if_done(op& o, floor_request_id id)
{
    auto it = o.c.requests.find(id);
    if (it == o.c.requests.end() || !it->second.finished()) return;
    for (auto& rf : it->second.floors) {
        cancel(o, rf.hold_timer);
        cancel(o, rf.chair_timer);
    }
    o.c.spare_request = o.c.requests.extract(it);
    --requests_total;
}

void server::impl::flush(op& o)
{
    // Queue positions are part of REQUEST-STATUS (RFC 8855 §5.2.5): whoever moved gets a
    // FloorRequestStatus, once per request even when it moved on several floors.
    boost::container::small_vector<floor_request_id, 8> moved;
    for (auto const fid : o.dirty) {
        auto fit = o.c.floors.find(fid);
        if (fit == o.c.floors.end()) continue;
        auto& f = fit->second;
        for (std::size_t i = 0; i < f.queue.size(); ++i) {
            auto& r = o.c.requests.at(f.queue[i]);
            auto* rf = r.find(fid);
            auto const pos = static_cast<std::uint8_t>(std::min<std::size_t>(i + 1, 255));
            if (rf->queue_position != pos) {
                rf->queue_position = pos;
                if (std::find(moved.begin(), moved.end(), r.id) == moved.end())
                    moved.push_back(r.id);
            }
        }
    }
    for (auto const id : moved)
        notify(o, o.c.requests.at(id));
    for (auto const fid : o.dirty) {
        auto fit = o.c.floors.find(fid);
        if (fit == o.c.floors.end() || fit->second.subscribers.empty()) continue;
        auto const status = floor_status_of(o.c, fit->second);
        for (auto const u : fit->second.subscribers)
            push(o, u, status);
    }
    o.dirty.clear();
    flush_reports(o);
}

// ---- reports (conference::report_changes) ----

namespace {

std::string const& display_name_of(conference const& c, user_id u)
{
    static std::string const none;
    auto const it = c.participants.find(u);
    return it == c.participants.end() ? none : it->second.info.display_name;
}

} // namespace

void server::impl::note_change(op& o, change_kind kind, floor_id f, floor_request_id request,
                               user_id user)
{
    if (o.c.report_changes) o.reports.push_back({kind, f, user, request});
}

void server::impl::note_queue(op& o, floor_id f)
{
    if (o.c.report_changes && std::find(o.queues.begin(), o.queues.end(), f) == o.queues.end())
        o.queues.push_back(f);
}

void server::impl::report_participant(op& o, change_kind kind, user_id u)
{
    if (!o.c.report_changes) return;
    report_change r;
    r.kind = kind;
    r.conference = o.c.cfg.id;
    r.user = u;
    r.display_name = display_name_of(o.c, u);
    o.out.emplace_back(std::move(r));
}

void server::impl::flush_reports(op& o)
{
    if (o.reports.empty() && o.queues.empty()) return;
    auto const report = [&](change_kind kind, floor_id fid, user_id user,
                            floor_request_id request) {
        auto const fit = o.c.floors.find(fid);
        if (fit == o.c.floors.end()) return;
        report_change r;
        r.kind = kind;
        r.conference = o.c.cfg.id;
        r.floor = fid;
        r.floor_label = fit->second.cfg.label;
        r.user = user;
        if (user != user_id{}) r.display_name = display_name_of(o.c, user);
        r.request = request;
        r.queue.reserve(fit->second.queue.size());
        for (auto const id : fit->second.queue) {
            auto const b = o.c.requests.at(id).beneficiary;
            r.queue.push_back({id, b, display_name_of(o.c, b)});
        }
        o.out.emplace_back(std::move(r));
    };
    for (auto const& p : o.reports)
        report(p.kind, p.floor, p.user, p.request);
    for (auto const fid : o.queues)
        report(change_kind::queue_changed, fid, user_id{}, floor_request_id{});
    o.reports.clear();
    o.queues.clear();
}

// ---- messages ----

namespace {

std::optional<user_information> user_info(conference const& c, user_id u)
{
    user_information info;
    info.id = u;
    if (auto it = c.participants.find(u); it != c.participants.end()) {
        if (!it->second.info.display_name.empty()) info.display_name = it->second.info.display_name;
        if (!it->second.info.uri.empty()) info.uri = it->second.info.uri;
    }
    return info;
}

// The overall status summarises the floors (RFC 8855 leaves the rule to the server): while any
// floor is active, the least advanced active one; afterwards the most telling final status.
request_status overall_status(floor_request_state const& r)
{
    auto rank_active = [](request_status s) {
        return s == request_status::pending ? 0 : s == request_status::accepted ? 1 : 2;
    };
    std::optional<request_status> active;
    for (auto const& rf : r.floors) {
        if (detail::is_active(rf.status) &&
            (!active || rank_active(rf.status) < rank_active(*active)))
            active = rf.status;
    }
    if (active) return *active;
    for (auto const s : {request_status::released, request_status::revoked, request_status::denied,
                         request_status::cancelled}) {
        for (auto const& rf : r.floors) {
            if (rf.status == s) return s;
        }
    }
    return request_status::cancelled;
}

} // namespace

floor_request_information server::impl::info_of(conference const& c,
                                                floor_request_state const& r) const
{
    floor_request_information info;
    fill_info(c, r, info);
    return info;
}

void server::impl::fill_info(conference const& c, floor_request_state const& r,
                             floor_request_information& info) const
{
    info.id = r.id;
    overall_request_status_group overall;
    overall.id = r.id;
    overall.status = request_status_value{overall_status(r), r.floors.size() == 1
                                                                 ? r.floors.front().queue_position
                                                                 : std::uint8_t{0}};
    info.overall = overall;
    info.floors.reserve(r.floors.size());
    for (auto const& rf : r.floors) {
        info.floors.push_back(floor_request_status_group{
            rf.floor, request_status_value{rf.status, rf.queue_position}, rf.status_info});
    }
    // Third-party requests name both parties (RFC 8855 §5.2.14, §5.2.16).
    if (r.beneficiary != r.requester) {
        info.beneficiary = user_info(c, r.beneficiary);
        info.requested_by = user_info(c, r.requester);
    }
    info.prio = r.prio;
    info.participant_info = r.participant_info;
}

floor_status server::impl::floor_status_of(conference const& c, floor_state const& f) const
{
    floor_status s;
    s.floor = f.cfg.id;
    s.requests.reserve(f.holders.size() + f.queue.size());
    // A FloorStatus goes to subscribers, who are not party to the requests it lists: each entry
    // names its beneficiary (RFC 8855 §5.2.14), so "who holds the floor, who waits" can be shown.
    auto const add = [&](floor_request_id id) {
        auto const& r = c.requests.at(id);
        auto& info = s.requests.emplace_back(info_of(c, r));
        if (!info.beneficiary) info.beneficiary = user_info(c, r.beneficiary);
    };
    for (auto const id : f.holders)
        add(id);
    for (auto const id : f.queue)
        add(id);
    return s;
}

void server::impl::notify(op& o, floor_request_state const& r, user_id skip)
{
    boost::container::small_vector<user_id, 4> to;
    auto add = [&](user_id u) {
        if (u != skip && std::find(to.begin(), to.end(), u) == to.end()) to.push_back(u);
    };
    add(r.requester);
    add(r.beneficiary);
    for (auto const q : r.queriers)
        add(q);
    if (to.empty()) return;
    floor_request_status body{info_of(o.c, r)};
    for (std::size_t i = 0; i + 1 < to.size(); ++i)
        push(o, to[i], body);
    push(o, to.back(), std::move(body));
}

void server::impl::push(op& o, user_id u, message_body b)
{
    auto it = o.c.participants.find(u);
    if (it == o.c.participants.end() || !it->second.conn) return;
    message m;
    m.header.version = it->second.version;
    m.header.prim = primitive_of(b);
    m.header.conference = o.c.cfg.id;
    // Server-initiated messages carry transaction ID 0 on reliable transports (RFC 8855 §8);
    // every transport floorctl serves is reliable.
    m.header.transaction = transaction_id{0};
    m.header.user = u;
    m.payload = std::move(b);
    o.out.emplace_back(send_message{*it->second.conn, std::move(m)});
}

message& server::impl::answer_in(action& slot, connection_id conn, common_header const& h,
                                 primitive prim)
{
    auto& send = std::get<send_message>(slot); // a fresh emplace_back() holds one
    send.conn = conn;
    message& m = send.msg;
    m.header.version = reply_version(h.version);
    m.header.prim = to_underlying(prim);
    m.header.conference = h.conference;
    m.header.transaction = h.transaction;
    m.header.user = h.user;
    return m;
}

void server::impl::reply(std::vector<action>& out, connection_id conn, common_header const& h,
                         message_body b)
{
    auto const prim = static_cast<primitive>(primitive_of(b));
    answer_in(out.emplace_back(), conn, h, prim).payload = std::move(b);
}

void server::impl::reply_status(std::vector<action>& out, connection_id conn,
                                common_header const& h, floor_request_state const& r,
                                conference const& c)
{
    auto& m = answer_in(out.emplace_back(), conn, h, primitive::floor_request_status);
    fill_info(c, r, m.payload.emplace<floor_request_status>().info);
}

void server::impl::send_error(std::vector<action>& out, connection_id conn, common_header const& h,
                              error_code code, std::string info, std::vector<std::uint8_t> unknown)
{
    ++errors_out;
    out.emplace_back(
        send_message{conn, error_reply_to(h, code, std::move(info), std::move(unknown))});
}

timer_id server::impl::new_timer_id()
{
    return timer_id{(std::uint64_t{opts.shard} << 48) | (next_timer++ & 0xFFFF'FFFF'FFFFu)};
}

timer_id server::impl::start(op& o, clock::duration after, timer_target t)
{
    auto const id = new_timer_id();
    timers.emplace(id, t);
    o.out.emplace_back(start_timer{id, after});
    return id;
}

void server::impl::cancel(op& o, timer_id& id)
{
    if (id == timer_id{}) return;
    timers.erase(id);
    o.out.emplace_back(cancel_timer{id});
    id = timer_id{};
}

} // namespace floorctl
