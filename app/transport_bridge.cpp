#include "transport_bridge.hpp"

#include "application.hpp"
#include "log.hpp"
#include "metrics.hpp"

namespace floorctl::app {

namespace http = boost::beast::http;

namespace {

bool is_websocket(transport_kind t) noexcept
{
    return t == transport_kind::ws || t == transport_kind::wss;
}

} // namespace

ws::auth_result transport_bridge::authenticate(std::string const& token, ws::http_request const&,
                                               ws::request_context const& ctx)
{
    auto const c = app_.tokens().use(token, clock::now());
    char const* why = nullptr;
    switch (c.status) {
    case token_status::valid:
        return ws::binding{c.owner.conference, c.owner.user, token};
    case token_status::unknown:
        log_info("token refused", {.conn = ctx.conn, .extra = {{"why", "unknown"}}});
        return ws::auth_denial{http::status::unauthorized, "unknown token"};
    case token_status::expired:
        why = "expired";
        break;
    case token_status::revoked:
        why = "revoked";
        break;
    }
    if (why == nullptr) return ws::auth_denial{http::status::unauthorized, "unknown token"};
    log_info("token refused", {.conn = ctx.conn,
                               .conference = c.owner.conference,
                               .user = c.owner.user,
                               .extra = {{"why", why}}});
    return ws::auth_denial{http::status::forbidden, std::string("token ") + why};
}

void transport_bridge::on_http(ws::http_request req, ws::request_context const& ctx,
                               ws::http_responder respond)
{
    app_.handle_http(std::move(req), ctx, std::move(respond));
}

void transport_bridge::on_handshake_rejected(ws::upgrade_failure failure, ws::http_status,
                                             ws::request_context const&)
{
    app_.counters().handshake(1 + static_cast<std::size_t>(failure));
}

stream_verdict transport_bridge::on_first_message(ws::stream_peer const& peer,
                                                  std::span<std::byte const> message)
{
    return app_.decide_stream(message, peer.remote_address);
}

void transport_bridge::on_rejected(ws::stream_peer const& peer, std::string const& reason)
{
    log_warn("stream connection refused",
             {.conn = peer.conn, .extra = {{"remote", peer.remote_address}, {"reason", reason}}});
}

void transport_bridge::on_open(connection_id conn, ws::binding const& bound,
                               transport_kind transport, std::string const& remote)
{
    if (is_websocket(transport)) app_.counters().handshake(0);
    app_.counters().connection_opened(transport);
    log_info("connection open",
             {.conn = conn,
              .conference = bound.conference,
              .user = bound.user,
              .extra = {{"remote", remote},
                        {"transport", transport_labels[static_cast<std::size_t>(transport)]}}});
    app_.host().connection_opened(conn, bound.conference, bound.user, transport);
}

void transport_bridge::on_frame(connection_id conn, std::span<std::byte const> frame)
{
    app_.host().frame_received(conn, frame, clock::now());
}

void transport_bridge::on_close(connection_id conn, ws::close_info const& info)
{
    log_info("connection closed",
             {.conn = conn,
              .extra = {{"code", std::to_string(static_cast<unsigned>(info.code))},
                        {"origin", ws::to_string(info.origin)},
                        {"reason", info.reason}}});
    app_.host().connection_closed(conn);
}

} // namespace floorctl::app
