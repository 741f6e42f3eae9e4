// The floor control server's handling of each primitive (RFC 8855 §13, §12 for the chair).
#include "server_impl.hpp"

#include <floorctl/policy.hpp>

#include <algorithm>
#include <string>

namespace floorctl {

using detail::conference;
using detail::floor_request_state;
using detail::participant;
using detail::request_floor;

namespace {

std::string num(auto id)
{
    return std::to_string(to_underlying(id));
}

bool is_chair_of(floor_config const& cfg, user_id u)
{
    return std::find(cfg.chairs.begin(), cfg.chairs.end(), u) != cfg.chairs.end();
}

char const* server_only_name(std::uint8_t prim)
{
    switch (static_cast<primitive>(prim)) {
    case primitive::floor_request_status:
        return "FloorRequestStatus";
    case primitive::user_status:
        return "UserStatus";
    case primitive::floor_status:
        return "FloorStatus";
    case primitive::chair_action_ack:
        return "ChairActionAck";
    case primitive::hello_ack:
        return "HelloAck";
    default:
        return "this primitive";
    }
}

} // namespace

void server::impl::dispatch(connection_id conn, conference& c, participant& p, message const& msg,
                            std::vector<action>& out)
{
    auto const& h = msg.header;
    p.version = reply_version(h.version);
    op o{c, out};
    std::visit(
        [&](auto const& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, floor_request>) {
                on_floor_request(o, conn, h, m);
            } else if constexpr (std::is_same_v<T, floor_release>) {
                on_floor_release(o, conn, h, m);
            } else if constexpr (std::is_same_v<T, floor_request_query>) {
                on_floor_request_query(o, conn, h, m);
            } else if constexpr (std::is_same_v<T, user_query>) {
                on_user_query(o, conn, h, m);
            } else if constexpr (std::is_same_v<T, floor_query>) {
                on_floor_query(o, conn, p, h, m);
            } else if constexpr (std::is_same_v<T, chair_action>) {
                on_chair_action(o, conn, h, m);
            } else if constexpr (std::is_same_v<T, hello>) {
                // RFC 8855 §13.6. No FloorStatus follows unless the client subscribes: some
                // endpoints stop sharing content when one arrives unasked (docs/policies.md #11).
                reply(out, conn, h, hello_ack{supported_primitives(), supported_attributes()});
            } else if constexpr (std::is_same_v<T, goodbye>) {
                // RFC 8855 §13.7 (§6.2: a participant leaving): acknowledge, then end what the
                // participant had, as on a disconnect but without the reconnect grace: the
                // client said it is leaving.
                reply(out, conn, h, goodbye_ack{});
                bindings.erase(conn);
                p.conn.reset();
                out.emplace_back(close_connection{conn, close_reason::client_goodbye});
                report_participant(o, change_kind::participant_left, h.user);
                chair_left(o, h.user);
                leave(o, h.user);
            } else if constexpr (std::is_same_v<T, error_reply> || std::is_same_v<T, goodbye_ack> ||
                                 std::is_same_v<T, floor_request_status_ack> ||
                                 std::is_same_v<T, floor_status_ack> ||
                                 std::is_same_v<T, vendor_message>) {
                // Never answer an Error with an Error; acks and vendor primitives are accepted
                // quietly (docs/policies.md #14).
            } else {
                send_error(out, conn, h, error_code::unknown_primitive,
                           std::string{server_only_name(h.prim)} +
                               " is sent by a floor control server, not to it");
            }
        },
        msg.payload);
    flush(o);
}

void server::impl::on_floor_request(op& o, connection_id conn, common_header const& h,
                                    floor_request const& m)
{
    auto& c = o.c;
    floor_list floors;
    for (auto const f : m.floors) {
        if (std::find(floors.begin(), floors.end(), f) == floors.end()) floors.push_back(f);
    }
    if (floors.empty()) {
        return send_error(o.out, conn, h, error_code::unable_to_parse_message,
                          "FloorRequest needs at least one FLOOR-ID");
    }
    for (auto const f : floors) {
        if (!c.floors.contains(f)) {
            return send_error(o.out, conn, h, error_code::invalid_floor_id,
                              "floor " + num(f) + " does not exist in conference " + num(c.cfg.id));
        }
    }
    auto const requester = h.user;
    auto const beneficiary = m.beneficiary.value_or(requester);
    if (beneficiary != requester) {
        // Third-party requests are a chair's privilege (RFC 8855 §9, §13.1.1).
        for (auto const f : floors) {
            if (!is_chair_of(c.floors.at(f).cfg, requester)) {
                return send_error(o.out, conn, h, error_code::unauthorized_operation,
                                  "only a chair of floor " + num(f) +
                                      " may request it on behalf of user " + num(beneficiary));
            }
        }
        if (!c.participants.contains(beneficiary)) {
            return send_error(o.out, conn, h, error_code::user_does_not_exist,
                              "beneficiary " + num(beneficiary) +
                                  " is not a participant of conference " + num(c.cfg.id));
        }
    }
    for (auto const f : floors) {
        auto const& fs = c.floors.at(f);
        auto const limit = fs.cfg.max_requests_per_user;
        if (limit == 0) continue;
        unsigned ongoing = 0;
        for (auto const& list : {std::cref(fs.holders), std::cref(fs.queue)}) {
            for (auto const id : list.get())
                ongoing += c.requests.at(id).beneficiary == beneficiary ? 1u : 0u;
        }
        if (ongoing >= limit) {
            return send_error(o.out, conn, h, error_code::max_floor_requests_reached,
                              "user " + num(beneficiary) + " already has " +
                                  std::to_string(ongoing) + " ongoing request(s) for floor " +
                                  num(f) + " (limit " + std::to_string(limit) + ")");
        }
    }
    // Floor request IDs are unique within the conference while the request lives (§5.2.3).
    floor_request_id id{};
    for (unsigned tries = 0; tries < 0x10000u; ++tries) {
        auto const candidate = floor_request_id{c.next_request++};
        if (c.next_request == 0) c.next_request = 1;
        if (candidate != floor_request_id{} && !c.requests.contains(candidate)) {
            id = candidate;
            break;
        }
    }
    if (id == floor_request_id{}) {
        return send_error(o.out, conn, h, error_code::generic_error,
                          "conference " + num(c.cfg.id) + " has no free floor request ID");
    }
    auto& r = [&]() -> floor_request_state& {
        if (c.spare_request.empty()) return c.requests[id];
        auto node = std::move(c.spare_request);
        node.key() = id;
        node.mapped() = floor_request_state{};
        return c.requests.insert(std::move(node)).position->second;
    }();
    ++requests_total;
    r.id = id;
    r.requester = requester;
    r.beneficiary = beneficiary;
    r.prio = m.prio;
    if (m.participant_info)
        r.participant_info = text{m.participant_info->data(), m.participant_info->size()};
    for (auto const f : floors) {
        request_floor rf;
        rf.floor = f;
        r.floors.push_back(std::move(rf));
    }

    // The answer is the first message out; later steps (a revoked holder, Accepted, Granted)
    // follow it as notifications (RFC 8855 §13.1.2).
    auto const reply_at = o.out.size();
    o.out.emplace_back(); // placeholder (an empty send_message), filled in below

    enum class later : std::uint8_t { none, accept, grant, preempt };
    boost::container::small_vector<later, 2> steps(r.floors.size(), later::none);
    for (std::size_t i = 0; i < r.floors.size(); ++i) {
        auto& rf = r.floors[i];
        auto& f = c.floors.at(rf.floor);
        auto const decision = admit(f.cfg, load_of(c, f, r.effective_priority()));
        bool const staged = f.cfg.send_accepted;
        switch (decision) {
        case admission::grant:
            if (staged)
                steps[i] = later::grant;
            else
                grant(o, r, rf);
            break;
        case admission::preempt:
            if (staged) {
                steps[i] = later::preempt;
            } else {
                preempt_one(o, f, r.effective_priority(),
                            "revoked: request " + num(id) + " of user " + num(beneficiary) +
                                " took the floor");
                grant(o, r, rf);
            }
            break;
        case admission::queue:
            enqueue(o, r, rf, true);
            if (staged) steps[i] = later::accept;
            break;
        case admission::await_chair:
            enqueue(o, r, rf, false);
            if (f.cfg.chair_timeout > clock::duration::zero()) {
                rf.chair_timer = start(o, f.cfg.chair_timeout,
                                       {timer_kind::chair, c.cfg.id, id, rf.floor, user_id{}});
            }
            break;
        case admission::deny:
            end_floor(o, r, rf, request_status::denied, text{"no chair is connected"});
            break;
        }
    }
    fill_info(c, r,
              answer_in(o.out[reply_at], conn, h, primitive::floor_request_status)
                  .payload.emplace<floor_request_status>()
                  .info);
    // The answered user learnt the state from the reply; others concerned (a beneficiary of a
    // third-party request) get it as a notification.
    notify(o, r, requester);

    bool any_staged = false;
    for (std::size_t i = 0; i < r.floors.size(); ++i) {
        if (steps[i] != later::none) {
            r.floors[i].status = request_status::accepted;
            any_staged = true;
        }
    }
    if (any_staged) {
        notify(o, r);
        bool granted = false;
        for (std::size_t i = 0; i < r.floors.size(); ++i) {
            auto& rf = r.floors[i];
            if (steps[i] == later::preempt) {
                preempt_one(o, c.floors.at(rf.floor), r.effective_priority(),
                            "revoked: request " + num(id) + " of user " + num(beneficiary) +
                                " took the floor");
            }
            if (steps[i] == later::grant || steps[i] == later::preempt) {
                grant(o, r, rf);
                granted = true;
            }
        }
        if (granted) notify(o, r);
    }
    finish_if_done(o, id);
}

void server::impl::on_floor_release(op& o, connection_id conn, common_header const& h,
                                    floor_release const& m)
{
    auto& c = o.c;
    auto it = c.requests.find(m.id);
    if (it == c.requests.end()) {
        return send_error(o.out, conn, h, error_code::floor_request_id_does_not_exist,
                          "floor request " + num(m.id) + " does not exist in conference " +
                              num(c.cfg.id));
    }
    auto& r = it->second;
    auto const u = h.user;
    bool allowed = u == r.requester || u == r.beneficiary;
    for (auto const& rf : r.floors)
        allowed = allowed || is_chair_of(c.floors.at(rf.floor).cfg, u);
    if (!allowed) {
        return send_error(o.out, conn, h, error_code::unauthorized_operation,
                          "only the requester, the beneficiary or a chair may release floor "
                          "request " +
                              num(m.id));
    }
    // RFC 8855 §13.2: Released for what was granted, Cancelled for what was not yet.
    for (auto& rf : r.floors) {
        if (!detail::is_active(rf.status)) continue;
        end_floor(o, r, rf,
                  rf.status == request_status::granted ? request_status::released
                                                       : request_status::cancelled,
                  std::nullopt);
    }
    reply_status(o.out, conn, h, r, c);
    notify(o, r, u);
    for (auto const& rf : r.floors)
        promote(o, rf.floor);
    finish_if_done(o, m.id);
}

void server::impl::on_floor_request_query(op& o, connection_id conn, common_header const& h,
                                          floor_request_query const& m)
{
    auto& c = o.c;
    auto it = c.requests.find(m.id);
    if (it == c.requests.end()) {
        return send_error(o.out, conn, h, error_code::floor_request_id_does_not_exist,
                          "floor request " + num(m.id) + " does not exist in conference " +
                              num(c.cfg.id));
    }
    auto& r = it->second;
    // RFC 8855 §13.3: the querier is told about every later change of the request.
    auto const u = h.user;
    if (u != r.requester && u != r.beneficiary &&
        std::find(r.queriers.begin(), r.queriers.end(), u) == r.queriers.end())
        r.queriers.push_back(u);
    reply_status(o.out, conn, h, r, c);
}

void server::impl::on_user_query(op& o, connection_id conn, common_header const& h,
                                 user_query const& m)
{
    auto& c = o.c;
    auto const target = m.beneficiary.value_or(h.user);
    if (!c.participants.contains(target)) {
        return send_error(o.out, conn, h, error_code::user_does_not_exist,
                          "user " + num(target) + " is not a participant of conference " +
                              num(c.cfg.id));
    }
    user_status s;
    // RFC 8855 §13.4: BENEFICIARY-INFORMATION only when the query named a beneficiary.
    if (m.beneficiary) {
        s.beneficiary.emplace();
        s.beneficiary->id = target;
        auto const& info = c.participants.at(target).info;
        if (!info.display_name.empty()) s.beneficiary->display_name = info.display_name;
        if (!info.uri.empty()) s.beneficiary->uri = info.uri;
    }
    boost::container::small_vector<floor_request_id, 8> ids;
    for (auto const& [id, r] : c.requests) {
        if (r.beneficiary == target || r.requester == target) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    for (auto const id : ids)
        s.requests.push_back(info_of(c, c.requests.at(id)));
    reply(o.out, conn, h, std::move(s));
}

void server::impl::on_floor_query(op& o, connection_id conn, participant& p, common_header const& h,
                                  floor_query const& m)
{
    auto& c = o.c;
    floor_list wanted;
    for (auto const f : m.floors) {
        if (!c.floors.contains(f)) {
            return send_error(o.out, conn, h, error_code::invalid_floor_id,
                              "floor " + num(f) + " does not exist in conference " + num(c.cfg.id));
        }
        if (std::find(wanted.begin(), wanted.end(), f) == wanted.end()) wanted.push_back(f);
    }
    // RFC 8855 §13.5: a FloorQuery replaces the sender's subscriptions; an empty one ends them.
    for (auto const f : p.subscriptions) {
        auto& subs = c.floors.at(f).subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), h.user), subs.end());
    }
    p.subscriptions = wanted;
    for (auto const f : wanted)
        c.floors.at(f).subscribers.push_back(h.user);
    if (wanted.empty()) {
        reply(o.out, conn, h, floor_status{});
        return;
    }
    // One FloorStatus per floor: the first answers the query, the rest are notifications.
    reply(o.out, conn, h, floor_status_of(c, c.floors.at(wanted.front())));
    for (std::size_t i = 1; i < wanted.size(); ++i)
        push(o, h.user, floor_status_of(c, c.floors.at(wanted[i])));
}

void server::impl::on_chair_action(op& o, connection_id conn, common_header const& h,
                                   chair_action const& m)
{
    auto& c = o.c;
    auto it = c.requests.find(m.info.id);
    if (it == c.requests.end()) {
        return send_error(o.out, conn, h, error_code::floor_request_id_does_not_exist,
                          "floor request " + num(m.info.id) + " does not exist in conference " +
                              num(c.cfg.id));
    }
    auto& r = it->second;
    // The decisions to apply: per floor from FLOOR-REQUEST-STATUS; an OVERALL-REQUEST-STATUS
    // alone applies to every floor of the request.
    floor_request_status_list groups = m.info.floors;
    if (groups.empty() && m.info.overall && m.info.overall->status) {
        for (auto const& rf : r.floors) {
            groups.push_back(floor_request_status_group{rf.floor, m.info.overall->status,
                                                        m.info.overall->status_info});
        }
    }
    if (groups.empty()) {
        return send_error(o.out, conn, h, error_code::unable_to_parse_message,
                          "ChairAction needs a FLOOR-REQUEST-STATUS with a REQUEST-STATUS");
    }
    // Validate everything first so that a ChairAction applies entirely or not at all.
    for (auto const& g : groups) {
        auto const* rf = r.find(g.floor);
        if (rf == nullptr) {
            return send_error(o.out, conn, h, error_code::invalid_floor_id,
                              "floor " + num(g.floor) + " is not part of floor request " +
                                  num(r.id));
        }
        if (!is_chair_of(c.floors.at(g.floor).cfg, h.user)) {
            return send_error(o.out, conn, h, error_code::unauthorized_operation,
                              "user " + num(h.user) + " is not a chair of floor " + num(g.floor));
        }
        if (!g.status) {
            return send_error(o.out, conn, h, error_code::unable_to_parse_message,
                              "FLOOR-REQUEST-STATUS for floor " + num(g.floor) +
                                  " has no REQUEST-STATUS");
        }
        auto const want = g.status->status;
        auto const now = rf->status;
        bool ok = false;
        switch (want) {
        case request_status::accepted:
        case request_status::denied:
            ok = now == request_status::pending || now == request_status::accepted;
            break;
        case request_status::granted:
            ok = detail::is_active(now);
            break;
        case request_status::revoked:
            ok = now == request_status::granted;
            break;
        default:
            break;
        }
        if (!ok) {
            return send_error(o.out, conn, h, error_code::generic_error,
                              "a chair cannot set floor " + num(g.floor) + " of request " +
                                  num(r.id) + " to status " + std::to_string(to_underlying(want)) +
                                  " from status " + std::to_string(to_underlying(now)) +
                                  " (allowed: Accepted/Denied while waiting, Granted while "
                                  "active, Revoked while granted)");
        }
    }
    reply(o.out, conn, h, chair_action_ack{});
    auto const id = r.id;
    for (auto const& g : groups) {
        auto& rf = *r.find(g.floor);
        auto& f = c.floors.at(g.floor);
        switch (g.status->status) {
        case request_status::accepted:
            cancel(o, rf.chair_timer);
            rf.status = request_status::accepted;
            rf.eligible = true;
            rf.status_info = g.status_info;
            // RFC 8855 §5.2.5: a chair may place an accepted request in the queue.
            if (g.status->queue_position > 0) {
                move_in_queue(o, f, id, g.status->queue_position - 1u);
                auto const at = std::find(f.queue.begin(), f.queue.end(), id) - f.queue.begin();
                rf.queue_position =
                    static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(at + 1, 255));
            }
            mark_dirty(o, g.floor);
            notify(o, r);
            promote(o, g.floor);
            break;
        case request_status::denied:
            end_floor(o, r, rf, request_status::denied, g.status_info);
            notify(o, r);
            promote(o, g.floor);
            break;
        case request_status::granted:
            if (rf.status == request_status::granted) break;
            if (f.holders.size() >= f.cfg.max_holders) {
                // The chair's decision wins over the floor's capacity: the oldest holder goes.
                auto const victim = f.holders.front();
                auto& vr = c.requests.at(victim);
                end_floor(o, vr, *vr.find(g.floor), request_status::revoked,
                          text{"revoked by a chair to grant request " + num(id)});
                notify(o, vr);
                finish_if_done(o, victim);
            }
            rf.status_info = g.status_info;
            grant(o, r, rf);
            notify(o, r);
            break;
        case request_status::revoked:
            end_floor(o, r, rf, request_status::revoked, g.status_info);
            notify(o, r);
            promote(o, g.floor);
            break;
        default:
            break;
        }
    }
    finish_if_done(o, id);
}

} // namespace floorctl
