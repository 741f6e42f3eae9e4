#pragma once
/// @file http_api.hpp
/// app::http_api — the HTTP surface on the WebSocket port: /healthz, /metrics, the landing page,
/// the protocol debugger (/debug), the embedded web files (/web/, /join), a participant's
/// session (/api/session) and the JSON provisioning API under /api/ (docs/http-api.md). Routes a
/// request, checks the admin API's access rules, turns JSON into provisioning calls on the
/// application and answers.

#include <floorctl/types.hpp>

#include <ws/handler.hpp>
#include <ws/http.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace floorctl::app {

class application;

/// The HTTP router. Stateless apart from the application reference.
///
/// @par Thread Safety
/// handle() may be called concurrently from any connection strand; an answer may be sent later
/// from a core strand (after a round trip to the core).
class http_api {
public:
    explicit http_api(application& a) : app_(a) {}

    /// Answers one HTTP request through `respond` (now or later, exactly once).
    void handle(ws::http_request req, ws::request_context const& ctx, ws::http_responder respond);

private:
    /// The embedded file name for a path under /web/ (or /join), nullopt for other paths.
    [[nodiscard]] static std::optional<std::string> web_file_name(std::string_view path);
    /// GET /api/session: the conference, user and floors the request's token binds to.
    void session(ws::http_request const& req, ws::http_responder respond);
    void handle_api(ws::http_request const& req, std::string_view path, ws::http_responder respond);
    /// GET /api/conferences/{id}/events: the conference's server-sent events (event_journal).
    void events(ws::http_request const& req, conference_id conf, ws::http_responder respond);
    void create_conference(ws::http_request const& req, ws::http_responder respond);
    void create_participant(ws::http_request const& req, std::uint32_t conf,
                            ws::http_responder respond);

    application& app_;
};

} // namespace floorctl::app
