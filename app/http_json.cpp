#include "http_json.hpp"

#include <floorctl/to_string.hpp>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace floorctl::app {

namespace json = boost::json;

namespace {

/// The members that name a participant wherever the JSON says who: in GET /api/session, in
/// events and in their queues.
void put_participant(json::object& o, user_id user, std::string_view display_name)
{
    o["user"] = to_underlying(user);
    o["display_name"] = display_name;
}

char const* status_name(request_status s) noexcept
{
    switch (s) {
    case request_status::pending:
        return "Pending";
    case request_status::accepted:
        return "Accepted";
    case request_status::granted:
        return "Granted";
    case request_status::denied:
        return "Denied";
    case request_status::cancelled:
        return "Cancelled";
    case request_status::released:
        return "Released";
    case request_status::revoked:
        return "Revoked";
    }
    return "?";
}

/// Reads an unsigned integer member within [min, max]; sets `err` on a wrong type or range.
template <class Int>
void read_uint(json::object const& o, std::string_view key, Int& out, std::uint64_t min,
               std::uint64_t max, std::string& err)
{
    auto const* v = o.if_contains(key);
    if (!v || !err.empty()) return;
    std::uint64_t n = 0;
    if (v->is_uint64()) {
        n = v->as_uint64();
    } else if (v->is_int64() && v->as_int64() >= 0) {
        n = static_cast<std::uint64_t>(v->as_int64());
    } else {
        err = std::string(key) + ": expected a non-negative integer";
        return;
    }
    if (n < min || n > max) {
        err = std::string(key) + ": out of range";
        return;
    }
    out = static_cast<Int>(n);
}

void read_string(json::object const& o, std::string_view key, std::string& out, std::string& err)
{
    auto const* v = o.if_contains(key);
    if (!v || !err.empty()) return;
    if (!v->is_string()) {
        err = std::string(key) + ": expected a string";
        return;
    }
    out = std::string(v->as_string());
}

void read_bool(json::object const& o, std::string_view key, bool& out, std::string& err)
{
    auto const* v = o.if_contains(key);
    if (!v || !err.empty()) return;
    if (!v->is_bool()) {
        err = std::string(key) + ": expected true or false";
        return;
    }
    out = v->as_bool();
}

std::optional<json::object> parse_object(std::string_view body, std::string& err)
{
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object{};
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec) {
        err = "invalid JSON: " + ec.message();
        return std::nullopt;
    }
    if (!v.is_object()) {
        err = "expected a JSON object";
        return std::nullopt;
    }
    return std::move(v.as_object());
}

/// A duration member in milliseconds, within the bounds the configuration file has too.
void read_ms(json::object const& o, std::string_view key, std::chrono::milliseconds& out,
             std::string& err)
{
    auto ms = static_cast<std::uint64_t>(out.count());
    read_uint(o, key, ms, 0, static_cast<std::uint64_t>(setting_bounds::max_duration.count()), err);
    out = std::chrono::milliseconds{ms};
}

floor_settings floor_from_json(json::object const& fo, std::string& err)
{
    floor_settings f;
    if (!fo.contains("id")) err = "floors: every floor needs an id";
    read_uint(fo, "id", f.id, 1, 65535, err);
    std::string pol = to_string(f.policy);
    read_string(fo, "policy", pol, err);
    if (auto p = parse_policy(pol)) {
        f.policy = *p;
    } else if (err.empty()) {
        err = "policy: expected queue, preempt or chair";
    }
    read_uint(fo, "max_holders", f.max_holders, 1, setting_bounds::max_holders, err);
    read_ms(fo, "max_hold_time_ms", f.max_hold_time, err);
    read_uint(fo, "max_requests_per_user", f.max_requests_per_user, 1,
              setting_bounds::max_requests_per_user, err);
    read_bool(fo, "send_accepted", f.send_accepted, err);
    read_ms(fo, "chair_timeout_ms", f.chair_timeout, err);
    std::string fb = to_string(f.fallback);
    read_string(fo, "chair_fallback", fb, err);
    if (auto v = parse_chair_fallback(fb)) {
        f.fallback = *v;
    } else if (err.empty()) {
        err = "chair_fallback: expected accept or deny";
    }
    read_string(fo, "label", f.label, err);
    return f;
}

} // namespace

conference_parse conference_from_json(std::string_view body)
{
    conference_parse out;
    auto& err = out.error;
    auto o = parse_object(body, err);
    if (!o) return out;
    conference_settings c;
    read_uint(*o, "id", c.id, 1, 0xffffffffULL, err);
    read_string(*o, "name", c.name, err);
    if (auto const* cu = o->if_contains("chair_users"); cu && err.empty()) {
        if (!cu->is_array()) {
            err = "chair_users: expected an array";
        } else {
            for (auto const& e : cu->as_array()) {
                if (!e.is_int64() || e.as_int64() < 1 || e.as_int64() > 65535) {
                    err = "chair_users: expected user ids 1..65535";
                    break;
                }
                c.chair_users.push_back(static_cast<std::uint16_t>(e.as_int64()));
            }
        }
    }
    read_ms(*o, "reconnect_grace_ms", c.reconnect_grace, err);
    if (auto const* fl = o->if_contains("floors"); fl && err.empty()) {
        if (!fl->is_array() || fl->as_array().empty()) {
            err = "floors: expected a non-empty array";
        } else {
            for (auto const& e : fl->as_array()) {
                if (!e.is_object()) {
                    err = "floors: expected objects";
                    break;
                }
                auto f = floor_from_json(e.as_object(), err);
                if (!err.empty()) break;
                c.floors.push_back(std::move(f));
            }
            for (auto const& p : check_floors(c.floors)) {
                if (err.empty()) err = "floors: " + p.message;
            }
        }
    } else if (err.empty()) {
        c.floors.push_back(floor_settings{});
    }
    if (err.empty()) out.conference = std::move(c);
    return out;
}

participant_parse participant_from_json(std::string_view body)
{
    participant_parse out;
    auto& err = out.error;
    auto o = parse_object(body, err);
    if (!o) return out;
    participant_info p;
    std::uint16_t uid = 0;
    read_uint(*o, "user_id", uid, 1, 65535, err);
    p.id = user_id{uid};
    read_string(*o, "display_name", p.display_name, err);
    read_string(*o, "uri", p.uri, err);
    read_bool(*o, "chair", out.chair, err);
    if (p.display_name.size() > 253 || p.uri.size() > 253) {
        err = "display_name and uri are limited to 253 octets";
    }
    if (err.empty()) out.info = std::move(p);
    return out;
}

json::object conference_to_json(conference_settings const& c)
{
    json::object o;
    o["id"] = c.id;
    o["name"] = c.name;
    json::array floors;
    for (auto const& f : c.floors) {
        json::object fo;
        fo["id"] = f.id;
        fo["policy"] = to_string(f.policy);
        fo["max_holders"] = f.max_holders;
        fo["max_hold_time_ms"] = f.max_hold_time.count();
        fo["max_requests_per_user"] = f.max_requests_per_user;
        fo["send_accepted"] = f.send_accepted;
        fo["chair_timeout_ms"] = f.chair_timeout.count();
        fo["chair_fallback"] = to_string(f.fallback);
        fo["label"] = f.label;
        floors.push_back(std::move(fo));
    }
    o["floors"] = std::move(floors);
    json::array chairs;
    for (auto const u : c.chair_users)
        chairs.push_back(u);
    o["chair_users"] = std::move(chairs);
    o["reconnect_grace_ms"] = c.reconnect_grace.count();
    return o;
}

namespace {

/// {"websocket_uri", "username", "credential", "expires_at"} (docs/turn.md, "Credentials").
json::object turn_to_json(turn_access const& t)
{
    json::object o;
    o["websocket_uri"] = t.websocket_uri;
    o["username"] = t.credentials.username;
    o["credential"] = t.credentials.credential;
    o["expires_at"] = t.credentials.expires_at;
    return o;
}

} // namespace

json::object ticket_to_json(participant_ticket const& t)
{
    json::object o;
    o["websocket_uri"] = t.websocket_uri;
    o["confid"] = to_underlying(t.conference);
    o["userid"] = to_underlying(t.user);
    json::array floors;
    for (auto const f : t.floors)
        floors.push_back(to_underlying(f));
    o["floors"] = std::move(floors);
    o["token"] = t.token;
    o["join_url"] = t.join_url;
    if (t.turn) o["turn"] = turn_to_json(*t.turn);
    return o;
}

json::object session_to_json(session_view const& v)
{
    json::object o;
    o["conference"] = to_underlying(v.snapshot.id);
    o["conference_name"] = v.settings.name;
    std::string_view display_name;
    for (auto const& p : v.snapshot.participants) {
        if (p.id == v.user) display_name = p.display_name;
    }
    put_participant(o, v.user, display_name);
    o["websocket_uri"] = v.websocket_uri;
    // Chairs as the core has them: chair_users, and the ids reserved for chair_uris.
    auto const core = to_conference_config(v.settings, false);
    json::array floors;
    for (auto const& f : v.snapshot.floors) {
        json::object fo;
        fo["id"] = to_underlying(f.id);
        fo["label"] = f.label;
        fo["policy"] = to_string(f.kind);
        bool chair = false;
        for (auto const& fc : core.floors) {
            if (fc.id == f.id)
                chair = std::find(fc.chairs.begin(), fc.chairs.end(), v.user) != fc.chairs.end();
        }
        fo["chair"] = chair;
        floors.push_back(std::move(fo));
    }
    o["floors"] = std::move(floors);
    if (v.expires_in) {
        // Whole seconds, rounded down: the token is usable at least this long.
        o["expires_in"] = std::chrono::duration_cast<std::chrono::seconds>(*v.expires_in).count();
    } else {
        o["expires_in"] = nullptr;
    }
    if (v.turn) o["turn"] = turn_to_json(*v.turn);
    return o;
}

json::object snapshot_to_json(conference_snapshot const& s)
{
    auto const request = [](request_snapshot const& r) {
        json::object o;
        o["request_id"] = to_underlying(r.id);
        o["user"] = to_underlying(r.beneficiary);
        o["requested_by"] = to_underlying(r.requester);
        o["priority"] = static_cast<unsigned>(r.prio);
        o["status"] = status_name(r.status);
        if (r.queue_position != 0) o["queue_position"] = r.queue_position;
        return o;
    };
    json::object o;
    o["confid"] = to_underlying(s.id);
    o["require_tls"] = s.require_tls;
    o["active_requests"] = s.active_requests;
    json::array floors;
    for (auto const& f : s.floors) {
        json::object fo;
        fo["id"] = to_underlying(f.id);
        fo["policy"] = to_string(f.kind);
        fo["max_holders"] = f.max_holders;
        fo["label"] = f.label;
        json::array holders;
        for (auto const& r : f.holders)
            holders.push_back(request(r));
        fo["holders"] = std::move(holders);
        json::array queue;
        for (auto const& r : f.queue)
            queue.push_back(request(r));
        fo["queue"] = std::move(queue);
        floors.push_back(std::move(fo));
    }
    o["floors"] = std::move(floors);
    json::array people;
    for (auto const& p : s.participants) {
        json::object po;
        po["userid"] = to_underlying(p.id);
        po["display_name"] = p.display_name;
        po["uri"] = p.uri;
        po["connected"] = p.connected;
        po["chair"] = p.chair;
        people.push_back(std::move(po));
    }
    o["participants"] = std::move(people);
    return o;
}

std::string change_to_json(report_change const& c)
{
    json::object o;
    o["type"] = to_string(c.kind);
    o["conference"] = to_underlying(c.conference);
    bool const floor_change = c.floor != floor_id{};
    if (floor_change) {
        o["floor"] = to_underlying(c.floor);
        o["floor_label"] = c.floor_label;
    }
    if (c.user != user_id{}) put_participant(o, c.user, c.display_name);
    if (floor_change) {
        if (c.request != floor_request_id{}) o["request"] = to_underlying(c.request);
        json::array queue;
        for (auto const& q : c.queue) {
            json::object e;
            e["request"] = to_underlying(q.request);
            put_participant(e, q.user, q.display_name);
            queue.push_back(std::move(e));
        }
        o["queue"] = std::move(queue);
    }
    return json::serialize(o);
}

} // namespace floorctl::app
