#pragma once
/// @file http_json.hpp
/// JSON shapes of the provisioning API (docs/http-api.md): pure conversions between request
/// bodies / responses and the app's value types. Thread-safe (no state).

#include "application.hpp"
#include "config.hpp"

#include <floorctl/action.hpp>
#include <floorctl/config.hpp>
#include <floorctl/server.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace floorctl::app {

/// A conference from a POST /api/conferences body, or the reason it was refused.
struct conference_parse {
    std::optional<conference_settings> conference;
    std::string error; ///< empty on success
};

/// Parses {"id"?, "name"?, "chair_users"?, "floors": [{"id", "policy"?, "max_holders"?,
/// "max_hold_time_ms"?, "max_requests_per_user"?, "send_accepted"?, "chair_timeout_ms"?,
/// "chair_fallback"?, "label"?}]}. A missing "floors" gives one queue floor with id 1.
[[nodiscard]] conference_parse conference_from_json(std::string_view body);

/// A participant from a POST .../participants body (all fields optional).
struct participant_parse {
    std::optional<participant_info> info;
    bool chair = false; ///< "chair": true — the participant is the chair its uri or user_id names
    std::string error;
};

/// Parses {"user_id"?, "display_name"?, "uri"?, "chair"?}; an empty body means all defaults.
[[nodiscard]] participant_parse participant_from_json(std::string_view body);

/// {"id", "name", "floors": [{"id", "policy", ...}]}.
[[nodiscard]] boost::json::object conference_to_json(conference_settings const& c);

/// {"websocket_uri", "confid", "userid", "floors": [ids], "token", "join_url"} and, with TURN
/// credentials, "turn": {"websocket_uri", "username", "credential", "expires_at"}.
[[nodiscard]] boost::json::object ticket_to_json(participant_ticket const& t);

/// What GET /api/session describes: one participant's view of its conference.
struct session_view {
    conference_settings const& settings;
    conference_snapshot const& snapshot;
    user_id user{};
    std::string websocket_uri;
    std::optional<clock::duration> expires_in; ///< token_check::expires_in
    std::optional<turn_access> turn;           ///< application::turn_for()
};

/// {"conference", "conference_name", "user", "display_name", "websocket_uri", "floors": [{"id",
/// "label", "policy", "chair"}], "expires_in": seconds or null} and, with TURN credentials,
/// "turn" as in ticket_to_json() (docs/http-api.md).
[[nodiscard]] boost::json::object session_to_json(session_view const& v);

/// The floor state: {"confid", "require_tls", "floors": [{"id", "policy", "holders": [...],
/// "queue": [...]}], "participants": [...]}.
[[nodiscard]] boost::json::object snapshot_to_json(conference_snapshot const& s);

/// The `data:` of one server-sent event (docs/http-api.md, "Events"), serialised on one line:
/// {"type", "conference", "user", "display_name"} and, for floor changes, "floor",
/// "floor_label", "request" (not for queue_changed) and "queue": [{"request", "user",
/// "display_name"}].
[[nodiscard]] std::string change_to_json(report_change const& c);

} // namespace floorctl::app
