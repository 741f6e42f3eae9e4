// check_upgrade() is pure: every rejection and the token/subprotocol rules without a socket.
#include <ws/upgrade.hpp>

#include <boost/beast/http/field.hpp>
#include <gtest/gtest.h>

namespace {

namespace http = boost::beast::http;
using ws::http_status;
using ws::upgrade_failure;

ws::http_request upgrade_request(std::string target = "/bfcp?token=abc",
                                 std::string protocol = "BFCP")
{
    ws::http_request req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    if (!protocol.empty()) req.set(http::field::sec_websocket_protocol, protocol);
    return req;
}

ws::upgrade_rejected rejected(ws::upgrade_outcome const& o)
{
    auto const* r = std::get_if<ws::upgrade_rejected>(&o);
    EXPECT_NE(r, nullptr);
    return r ? *r : ws::upgrade_rejected{};
}

ws::upgrade_accepted accepted(ws::upgrade_outcome const& o)
{
    auto const* a = std::get_if<ws::upgrade_accepted>(&o);
    EXPECT_NE(a, nullptr) << (a ? "" : rejected(o).body);
    return a ? *a : ws::upgrade_accepted{};
}

ws::upgrade_config const cfg{};

TEST(UpgradeCheck, ValidRequestIsAcceptedWithTokenAndSpelling)
{
    auto const a = accepted(ws::check_upgrade(upgrade_request(), cfg));
    EXPECT_EQ(a.subprotocol, "BFCP");
    EXPECT_EQ(a.token, "abc");
}

TEST(UpgradeCheck, SubprotocolIsEchoedInTheClientsSpelling)
{
    EXPECT_EQ(
        accepted(ws::check_upgrade(upgrade_request("/bfcp?token=t", "bfcp"), cfg)).subprotocol,
        "bfcp");
    EXPECT_EQ(
        accepted(ws::check_upgrade(upgrade_request("/bfcp?token=t", "Bfcp"), cfg)).subprotocol,
        "Bfcp");
    EXPECT_EQ(accepted(ws::check_upgrade(upgrade_request("/bfcp?token=t", "chat, bfcp, x"), cfg))
                  .subprotocol,
              "bfcp");
}

TEST(UpgradeCheck, MissingOrOtherSubprotocolIs400)
{
    for (std::string p : {"", "chat", "bfcpx", "xbfcp", "bfcp2"}) {
        auto const r = rejected(ws::check_upgrade(upgrade_request("/bfcp?token=t", p), cfg));
        EXPECT_EQ(r.failure, upgrade_failure::no_subprotocol) << p;
        EXPECT_EQ(r.status, http_status::bad_request) << p;
        EXPECT_FALSE(r.body.empty());
    }
}

TEST(UpgradeCheck, NoSubprotocolChoosesTheRouteThatServesClientsWithoutOne)
{
    // TURN over WebSocket (docs/turn.md): "turn" at the BFCP path and at /turn, where clients
    // that offer nothing are served too.
    std::vector<ws::subprotocol_route> const routes = {
        ws::bfcp_route("/bfcp"),
        {"turn", "/bfcp", false, "TURN", false},
        {"turn", "/turn", false, "TURN", true},
    };
    auto const none = accepted(ws::check_upgrade(upgrade_request("/turn", ""), cfg, routes));
    EXPECT_EQ(none.route, 2u);
    EXPECT_EQ(none.subprotocol, "");
    auto const named = accepted(ws::check_upgrade(upgrade_request("/turn", "TURN"), cfg, routes));
    EXPECT_EQ(named.route, 2u);
    EXPECT_EQ(named.subprotocol, "TURN");
    // At /bfcp no route serves clients without a sub-protocol: still 400.
    EXPECT_EQ(
        rejected(ws::check_upgrade(upgrade_request("/bfcp?token=t", ""), cfg, routes)).failure,
        upgrade_failure::no_subprotocol);
    // An offered value that names nothing at /turn is 400, not the route without one.
    EXPECT_EQ(rejected(ws::check_upgrade(upgrade_request("/turn", "chat"), cfg, routes)).failure,
              upgrade_failure::no_subprotocol);
}

TEST(UpgradeCheck, UpgradeToAnotherPathIs404)
{
    for (std::string t : {"/", "/bfcp/", "/BFCP?token=t", "/other?token=t", "/bfcpx"}) {
        auto const r = rejected(ws::check_upgrade(upgrade_request(t), cfg));
        EXPECT_EQ(r.failure, upgrade_failure::wrong_path) << t;
        EXPECT_EQ(r.status, http_status::not_found) << t;
    }
}

TEST(UpgradeCheck, PlainRequestOnTheWebSocketPathIs426)
{
    ws::http_request req{http::verb::get, "/bfcp?token=t", 11};
    auto const r = rejected(ws::check_upgrade(req, cfg));
    EXPECT_EQ(r.failure, upgrade_failure::not_websocket);
    EXPECT_EQ(r.status, http_status::upgrade_required);
    EXPECT_FALSE(ws::is_websocket_upgrade(req));
}

TEST(UpgradeCheck, PostIsNotAnUpgrade)
{
    auto req = upgrade_request();
    req.method(http::verb::post);
    EXPECT_EQ(rejected(ws::check_upgrade(req, cfg)).failure, upgrade_failure::not_websocket);
}

TEST(UpgradeCheck, WrongWebSocketVersionIs426)
{
    auto req = upgrade_request();
    req.set(http::field::sec_websocket_version, "8");
    auto const r = rejected(ws::check_upgrade(req, cfg));
    EXPECT_EQ(r.failure, upgrade_failure::bad_version);
    EXPECT_EQ(r.status, http_status::upgrade_required);
}

TEST(UpgradeCheck, MissingTokenIs401)
{
    for (std::string t : {"/bfcp", "/bfcp?token=", "/bfcp?tok=abc", "/bfcp?token=%zz"}) {
        auto const r = rejected(ws::check_upgrade(upgrade_request(t), cfg));
        EXPECT_EQ(r.failure, upgrade_failure::no_token) << t;
        EXPECT_EQ(r.status, http_status::unauthorized) << t;
    }
}

TEST(UpgradeCheck, TokenFromQueryIsPercentDecoded)
{
    EXPECT_EQ(accepted(ws::check_upgrade(upgrade_request("/bfcp?a=1&token=a%2Fb%3D&c"), cfg)).token,
              "a/b=");
}

TEST(UpgradeCheck, TokenFromCookie)
{
    auto req = upgrade_request("/bfcp");
    req.set(http::field::cookie, "theme=dark; bfcp_token=cookie-tok; x=y");
    EXPECT_EQ(accepted(ws::check_upgrade(req, cfg)).token, "cookie-tok");

    ws::upgrade_config renamed;
    renamed.token_cookie = "sess";
    EXPECT_EQ(rejected(ws::check_upgrade(req, renamed)).failure, upgrade_failure::no_token);
    req.set(http::field::cookie, "sess=\"quoted\"");
    EXPECT_EQ(accepted(ws::check_upgrade(req, renamed)).token, "quoted");
}

TEST(UpgradeCheck, TokenFromAuthorizationBearer)
{
    auto req = upgrade_request("/bfcp");
    req.set(http::field::authorization, "bearer  tok-123 ");
    EXPECT_EQ(accepted(ws::check_upgrade(req, cfg)).token, "tok-123");
    req.set(http::field::authorization, "Basic dXNlcjpwYXNz");
    EXPECT_EQ(rejected(ws::check_upgrade(req, cfg)).failure, upgrade_failure::no_token);
    req.set(http::field::authorization, "Bearer");
    EXPECT_EQ(rejected(ws::check_upgrade(req, cfg)).failure, upgrade_failure::no_token);
}

TEST(UpgradeCheck, QueryTokenWinsOverCookieAndHeader)
{
    auto req = upgrade_request("/bfcp?token=q");
    req.set(http::field::cookie, "bfcp_token=c");
    req.set(http::field::authorization, "Bearer h");
    EXPECT_EQ(accepted(ws::check_upgrade(req, cfg)).token, "q");
}

TEST(UpgradeCheck, OriginAllowList)
{
    ws::upgrade_config c;
    c.allowed_origins = {"https://app.example"};
    auto req = upgrade_request();
    auto r = rejected(ws::check_upgrade(req, c)); // no Origin at all
    EXPECT_EQ(r.failure, upgrade_failure::origin_forbidden);
    EXPECT_EQ(r.status, http_status::forbidden);
    req.set(http::field::origin, "https://evil.example");
    EXPECT_EQ(rejected(ws::check_upgrade(req, c)).status, http_status::forbidden);
    req.set(http::field::origin, "HTTPS://APP.EXAMPLE");
    EXPECT_EQ(accepted(ws::check_upgrade(req, c)).token, "abc");
    // Without an allow-list any Origin is fine.
    EXPECT_EQ(accepted(ws::check_upgrade(req, cfg)).token, "abc");
}

TEST(UpgradeCheck, PathIsCheckedBeforeEverythingElse)
{
    auto const r = rejected(ws::check_upgrade(upgrade_request("/x", ""), cfg));
    EXPECT_EQ(r.failure, upgrade_failure::wrong_path);
}

TEST(UpgradeCheck, TargetPathDropsQueryAndFragment)
{
    EXPECT_EQ(ws::target_path("/bfcp?token=1"), "/bfcp");
    EXPECT_EQ(ws::target_path("/bfcp#x"), "/bfcp");
    EXPECT_EQ(ws::target_path("/bfcp"), "/bfcp");
    EXPECT_EQ(ws::target_path(""), "");
}

TEST(UpgradeCheck, FailureNamesAreDistinct)
{
    EXPECT_STREQ(ws::to_string(upgrade_failure::no_subprotocol), "no_subprotocol");
    EXPECT_STREQ(ws::to_string(upgrade_failure::auth_denied), "auth_denied");
    EXPECT_STRNE(ws::to_string(upgrade_failure::wrong_path),
                 ws::to_string(upgrade_failure::not_websocket));
}

} // namespace
