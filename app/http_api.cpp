#include "http_api.hpp"

#include "application.hpp"
#include "demo_page.hpp"
#include "http_json.hpp"
#include "landing_page.hpp"
#include "log.hpp"
#include "web_files.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

namespace floorctl::app {

namespace http = boost::beast::http;

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

ws::http_response json_answer(http::status status, boost::json::value const& v)
{
    return make_response(status, boost::json::serialize(v) + "\n");
}

std::optional<std::uint32_t> parse_u32(std::string_view s)
{
    std::uint32_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

/// The HTTP answer to a refused participant creation.
ws::http_response participant_refusal(participant_failure f)
{
    switch (f) {
    case participant_failure::no_such_conference:
        return json_error(http::status::not_found, "no such conference");
    case participant_failure::user_taken:
        return json_error(http::status::conflict, "user id taken");
    case participant_failure::reserved:
        return json_error(http::status::conflict,
                          "user id reserved for a chair; ask for it with \"chair\": true");
    case participant_failure::not_a_chair:
        return json_error(http::status::bad_request,
                          "\"chair\": true needs the uri or user_id of a chair of this conference");
    case participant_failure::full:
        return json_error(http::status::service_unavailable, "every user id is taken");
    case participant_failure::internal:
        break;
    }
    return json_error(http::status::internal_server_error, "cannot create participant");
}

/// An embedded web file, or 304 when the client's copy (If-None-Match) is current. Browsers
/// revalidate every time (no-cache): the files change with the binary, not with a version in
/// their name.
ws::http_response web_file_response(ws::http_request const& req, web_file const& f)
{
    auto const cached = req[http::field::if_none_match];
    if (!cached.empty() && std::string_view(cached).find(f.etag) != std::string_view::npos) {
        ws::http_response res{http::status::not_modified, 11};
        res.set(http::field::etag, f.etag);
        res.set(http::field::cache_control, "no-cache");
        return res;
    }
    auto res = make_response(http::status::ok, std::string(f.bytes), web_content_type(f.name));
    res.set(http::field::etag, f.etag);
    res.set(http::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
}

/// The 401 of GET /api/session: {"error": "token_expired" | "token_unknown", "message"}.
ws::http_response session_refusal(token_status status)
{
    boost::json::object o;
    switch (status) {
    case token_status::expired:
        o["error"] = "token_expired";
        o["message"] = "this link was not used in time; ask for a new one";
        break;
    case token_status::revoked:
        o["error"] = "token_expired";
        o["message"] = "this link was revoked (the participant or its conference was removed)";
        break;
    default:
        o["error"] = "token_unknown";
        o["message"] = "unknown link (a server restart forgets every link); ask for a new one";
        break;
    }
    return json_answer(http::status::unauthorized, o);
}

} // namespace

void http_api::handle(ws::http_request req, ws::request_context const& ctx,
                      ws::http_responder respond)
{
    app_.counters().http_request();
    auto const target = std::string(ws::target_path(req.target()));
    auto const method = req.method();
    auto const& admin = app_.settings().admin;

    if (target == "/healthz") {
        if (method != http::verb::get && method != http::verb::head) {
            return respond(
                make_response(http::status::method_not_allowed, "GET only\n", "text/plain"));
        }
        return respond(make_response(http::status::ok, "ok\n", "text/plain"));
    }
    if (target == "/metrics" && method == http::verb::get) {
        app_.collect_gauges([this, respond = std::move(respond)](gauge_values g) {
            respond(make_response(http::status::ok, app_.counters().format(g),
                                  "text/plain; version=0.0.4; charset=utf-8"));
        });
        return;
    }
    if (method == http::verb::get || method == http::verb::head) {
        if (target == "/" || target == "/index.html") {
            return respond(make_response(http::status::ok, std::string(landing_page_html),
                                         "text/html; charset=utf-8"));
        }
        if (target == "/debug") {
            return respond(make_response(http::status::ok, std::string(demo_page_html),
                                         "text/html; charset=utf-8"));
        }
        if (auto const name = web_file_name(target)) {
            auto const* f = find_web_file(*name);
            if (!f)
                return respond(make_response(http::status::not_found, "not found\n", "text/plain"));
            return respond(web_file_response(req, *f));
        }
    }
    if (target == "/api/session") {
        // The participant's own view; the token is the credential, not the admin rules.
        if (method != http::verb::get)
            return respond(json_error(http::status::method_not_allowed, "GET only"));
        return session(req, std::move(respond));
    }
    if (target.rfind("/api/", 0) == 0) {
        if (!admin.enabled)
            return respond(json_error(http::status::not_found, "admin API disabled"));
        if (admin.loopback_only() && !is_loopback(ctx.remote_address)) {
            log_warn("admin API refused",
                     {.conn = ctx.conn, .extra = {{"remote", ctx.remote_address}}});
            return respond(json_error(http::status::forbidden, "admin API is loopback only"));
        }
        if (!admin.bearer_key.empty()) {
            auto const auth = req[http::field::authorization];
            constexpr std::string_view prefix = "Bearer ";
            if (auth.size() <= prefix.size() || auth.substr(0, prefix.size()) != prefix ||
                !same_secret(auth.substr(prefix.size()), admin.bearer_key)) {
                auto res = json_error(http::status::unauthorized, "bearer key required");
                res.set(http::field::www_authenticate, "Bearer realm=\"floorctl\"");
                return respond(std::move(res));
            }
        }
        return handle_api(req, target, std::move(respond));
    }
    respond(make_response(http::status::not_found, "not found\n", "text/plain"));
}

std::optional<std::string> http_api::web_file_name(std::string_view path)
{
    // The web app reads its token from the query string (/join?token=...).
    if (path == "/join") return std::string("app/index.html");
    for (std::string_view const prefix : {"/web/bfcp/", "/web/app/"}) {
        if (path.rfind(prefix, 0) != 0) continue;
        // "/web/bfcp/x.js" -> "bfcp/x.js": names are looked up exactly in the embedded table,
        // so "..", "%2e" or "//" cannot reach anything that is not embedded.
        return std::string(path.substr(5));
    }
    return std::nullopt;
}

void http_api::session(ws::http_request const& req, ws::http_responder respond)
{
    auto const token = ws::extract_token(req, app_.settings().websocket.cookie_name);
    if (!token || token->empty()) return respond(session_refusal(token_status::unknown));
    auto const check = app_.tokens().check(*token, clock::now());
    if (check.status != token_status::valid) return respond(session_refusal(check.status));
    auto settings = app_.catalog().find(check.owner.conference);
    if (!settings) return respond(session_refusal(token_status::revoked));
    app_.host().snapshot(
        check.owner.conference,
        [settings = std::move(*settings), check, uri = app_.websocket_uri(*token),
         turn = app_.turn_for(check.owner.conference, check.owner.user),
         respond = std::move(respond)](std::optional<conference_snapshot> snap) mutable {
            if (!snap) return respond(session_refusal(token_status::revoked));
            respond(json_answer(http::status::ok,
                                session_to_json({settings, *snap, check.owner.user, std::move(uri),
                                                 check.expires_in, std::move(turn)})));
        });
}

void http_api::handle_api(ws::http_request const& req, std::string_view path,
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
            for (auto const& c : app_.catalog().list())
                list.push_back(conference_to_json(c));
            boost::json::object o;
            o["conferences"] = std::move(list);
            return respond(json_answer(http::status::ok, o));
        }
        if (method == http::verb::post) return create_conference(req, std::move(respond));
        return respond(json_error(http::status::method_not_allowed, "GET or POST"));
    }

    auto const id = parse_u32(parts[2]);
    if (!id || *id == 0) return respond(json_error(http::status::not_found, "bad conference id"));
    auto const conf = conference_id{*id};

    if (parts.size() == 4 && parts[3] == "events") {
        if (method != http::verb::get) {
            return respond(json_error(http::status::method_not_allowed, "GET only"));
        }
        return events(req, conf, std::move(respond));
    }
    if (parts.size() == 3 || (parts.size() == 4 && parts[3] == "floors")) {
        if (parts.size() == 3 && method == http::verb::delete_) {
            auto answer = std::make_shared<ws::http_responder>(std::move(respond));
            bool const known = app_.delete_conference(conf, [conf, answer] {
                log_info("conference deleted", {.conference = conf});
                (*answer)(make_response(http::status::no_content, ""));
            });
            if (!known) (*answer)(json_error(http::status::not_found, "no such conference"));
            return;
        }
        if (method != http::verb::get) {
            return respond(json_error(http::status::method_not_allowed, "GET or DELETE"));
        }
        bool const floors_only = parts.size() == 4;
        app_.host().snapshot(conf, [floors_only, respond = std::move(respond)](
                                       std::optional<conference_snapshot> snap) {
            if (!snap) return respond(json_error(http::status::not_found, "no such conference"));
            auto j = snapshot_to_json(*snap);
            if (floors_only) {
                boost::json::object o;
                o["floors"] = j.at("floors");
                j = std::move(o);
            }
            respond(json_answer(http::status::ok, j));
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
        return create_participant(req, *id, std::move(respond));
    }
    auto const uid = parse_u32(parts[4]);
    if (!uid || *uid == 0 || *uid > 65535) {
        return respond(json_error(http::status::not_found, "bad user id"));
    }
    if (method != http::verb::delete_) {
        return respond(json_error(http::status::method_not_allowed, "DELETE"));
    }
    app_.revoke_participant(conf, user_id{static_cast<std::uint16_t>(*uid)},
                            [respond = std::move(respond)](bool existed) {
                                if (!existed) {
                                    return respond(
                                        json_error(http::status::not_found, "no such participant"));
                                }
                                respond(make_response(http::status::no_content, ""));
                            });
}

void http_api::events(ws::http_request const& req, conference_id conf, ws::http_responder respond)
{
    if (!app_.catalog().contains(conf))
        return respond(json_error(http::status::not_found, "no such conference"));
    // Last-Event-ID: the header EventSource sends when it reconnects, or the query parameter
    // for a first connection that resumes (EventSource cannot set headers).
    std::optional<std::uint64_t> last_id;
    auto text = std::string(req["Last-Event-ID"]);
    if (text.empty()) {
        auto const target = std::string_view(req.target());
        constexpr std::string_view key = "last_event_id=";
        if (auto const q = target.find('?'); q != std::string_view::npos) {
            auto const query = target.substr(q + 1);
            for (std::size_t pos = 0; pos <= query.size();) {
                auto const amp = std::min(query.find('&', pos), query.size());
                auto const param = query.substr(pos, amp - pos);
                if (param.rfind(key, 0) == 0) text = std::string(param.substr(key.size()));
                pos = amp + 1;
            }
        }
    }
    if (!text.empty()) {
        std::uint64_t v = 0;
        auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        // An id this server never gave (not a number) is resumed like a too old one: reset.
        last_id = ec == std::errc{} && end == text.data() + text.size() ? v : ~std::uint64_t{0};
    }
    ws::http_response head{http::status::ok, 11};
    head.set(http::field::content_type, "text/event-stream; charset=utf-8");
    head.set(http::field::cache_control, "no-store");
    head.set("X-Accel-Buffering", "no"); // reverse proxies: do not buffer the stream
    auto stream = respond.stream(std::move(head));
    if (!stream) {
        return respond(json_error(http::status::internal_server_error, "cannot stream here"));
    }
    log_info("event stream opened", {.conference = conf});
    app_.read_events(conf, last_id, std::move(stream));
}

void http_api::create_conference(ws::http_request const& req, ws::http_responder respond)
{
    auto parsed = conference_from_json(req.body());
    if (!parsed.error.empty()) return respond(json_error(http::status::bad_request, parsed.error));
    auto c = std::move(*parsed.conference);
    auto answer = std::make_shared<ws::http_responder>(std::move(respond));
    auto const created =
        app_.create_conference(c, [answer, c](conference_id id, result<void> r) mutable {
            if (!r) return (*answer)(json_error(http::status::conflict, r.error().message()));
            log_info("conference created", {.conference = id});
            c.id = to_underlying(id);
            (*answer)(json_answer(http::status::created, conference_to_json(c)));
        });
    if (!created) (*answer)(json_error(http::status::conflict, "conference id taken"));
}

void http_api::create_participant(ws::http_request const& req, std::uint32_t conf,
                                  ws::http_responder respond)
{
    auto parsed = participant_from_json(req.body());
    if (!parsed.error.empty()) return respond(json_error(http::status::bad_request, parsed.error));
    auto const r = app_.create_participant(conference_id{conf}, std::move(*parsed.info),
                                           participant_claim{.chair = parsed.chair});
    if (!r.ticket) return respond(participant_refusal(r.failure));
    respond(json_answer(http::status::created, ticket_to_json(*r.ticket)));
}

} // namespace floorctl::app
