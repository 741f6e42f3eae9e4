// The HTTP surface as functions: application::handle_http() called directly (no socket
// traffic; the listener is bound on 127.0.0.1:0 but never connected to), and the JSON shapes.

#include "application.hpp"
#include "http_json.hpp"
#include "log.hpp"
#include "web_files.hpp"

#include "support/app_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <set>
#include <thread>

using namespace floorctl;
using namespace floorctl::app;
namespace http = boost::beast::http;

namespace {

class HttpApiTest : public ::testing::Test {
protected:
    void start(config c)
    {
        c.logging.level = log_level::off;
        server_.emplace(std::move(c));
        app_ = &server_->app();
    }

    void SetUp() override
    {
        cfg_ = test_support::test_config(1, "one");
        cfg_.conferences[0].chair_uris = {"sip:chair@example.com"};
    }

    void TearDown() override
    {
        app_ = nullptr;
        server_.reset();
    }

    ws::http_response call(http::verb method, std::string target, std::string body = {},
                           std::string remote = "127.0.0.1", std::string bearer = {})
    {
        ws::http_request req{method, target, 11};
        if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
        req.body() = std::move(body);
        return call_with(std::move(req), std::move(remote));
    }

    ws::http_response call_with(ws::http_request req, std::string remote = "127.0.0.1")
    {
        if (!app_) start(cfg_);
        ws::request_context ctx;
        ctx.conn = connection_id{1};
        ctx.remote_address = std::move(remote);
        auto p = std::make_shared<std::promise<ws::http_response>>();
        auto f = p->get_future();
        app_->handle_http(std::move(req), ctx,
                          [p](ws::http_response r) { p->set_value(std::move(r)); });
        EXPECT_EQ(f.wait_for(std::chrono::seconds{10}), std::future_status::ready);
        return f.get();
    }

    static boost::json::object json(ws::http_response const& r)
    {
        return boost::json::parse(r.body()).as_object();
    }

    config cfg_;
    std::optional<test_support::test_server> server_;
    application* app_ = nullptr; ///< server_'s, once started
};

} // namespace

TEST_F(HttpApiTest, HealthzAnswersOk)
{
    auto const r = call(http::verb::get, "/healthz");
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r.body(), "ok\n");
    EXPECT_EQ(call(http::verb::post, "/healthz").result(), http::status::method_not_allowed);
}

TEST_F(HttpApiTest, UnknownPathIs404)
{
    EXPECT_EQ(call(http::verb::get, "/nope").result(), http::status::not_found);
    EXPECT_EQ(call(http::verb::get, "/api/nope").result(), http::status::not_found);
    EXPECT_EQ(call(http::verb::get, "/api/conferences/abc").result(), http::status::not_found);
    EXPECT_EQ(call(http::verb::get, "/api/conferences/1/whatever").result(),
              http::status::not_found);
}

TEST_F(HttpApiTest, MetricsAreServedAsPrometheusText)
{
    auto const r = call(http::verb::get, "/metrics");
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.body().find("floorctl_conferences 1\n"), std::string::npos) << r.body();
}

TEST_F(HttpApiTest, LandingPageLinksTheDebugger)
{
    auto const r = call(http::verb::get, "/");
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(r.body().find("<!doctype html>"), std::string::npos);
    EXPECT_NE(r.body().find("href=\"/debug\""), std::string::npos);
    EXPECT_NE(r.body().find("/join?token="), std::string::npos);
}

TEST_F(HttpApiTest, DebuggerPageIsAtSlashDebug)
{
    auto const r = call(http::verb::get, "/debug");
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(r.body().find("new WebSocket(u,\"BFCP\")"), std::string::npos);
}

TEST_F(HttpApiTest, EmbeddedWebFilesAreServedWithTypeAndValidator)
{
    // Every file under web/src and web/app is in the binary, byte for byte.
    ASSERT_NE(find_web_file("bfcp/index.js"), nullptr);
    ASSERT_NE(find_web_file("app/index.html"), nullptr);
    for (auto const& f : embedded_web_files()) {
        auto const r = call(http::verb::get, "/web/" + std::string(f.name));
        EXPECT_EQ(r.result(), http::status::ok) << f.name;
        EXPECT_EQ(r.body(), f.bytes) << f.name;
        EXPECT_EQ(r[http::field::etag], f.etag) << f.name;
        EXPECT_EQ(r[http::field::cache_control], "no-cache") << f.name;
    }
    auto const js = call(http::verb::get, "/web/bfcp/index.js");
    EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
    auto const html = call(http::verb::get, "/web/app/index.html");
    EXPECT_EQ(html[http::field::content_type], "text/html; charset=utf-8");

    // A client holding the current copy gets 304 without a body.
    ws::http_request req{http::verb::get, "/web/bfcp/index.js", 11};
    req.set(http::field::if_none_match, js[http::field::etag]);
    auto const again = call_with(std::move(req));
    EXPECT_EQ(again.result(), http::status::not_modified);
    EXPECT_TRUE(again.body().empty());
}

TEST_F(HttpApiTest, JoinServesTheAppPageWhateverTheQuery)
{
    auto const* index = find_web_file("app/index.html");
    ASSERT_NE(index, nullptr);
    for (auto const* target : {"/join", "/join?token=0123", "/join?token=x&lang=de"}) {
        auto const r = call(http::verb::get, target);
        EXPECT_EQ(r.result(), http::status::ok) << target;
        EXPECT_EQ(r.body(), index->bytes) << target;
        EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    }
}

TEST_F(HttpApiTest, WebPathsOutsideTheEmbeddedFilesAre404)
{
    // Names are looked up in the embedded table, never on disk: no traversal, no listing.
    for (auto const* target :
         {"/web/bfcp/", "/web/bfcp/nope.js", "/web/bfcp/../app/index.html",
          "/web/app/../../CMakeLists.txt", "/web/app/%2e%2e/%2e%2e/etc/passwd",
          "/web/bfcp/..%2fapp%2findex.html", "/web/app//index.html", "/web/bfcp/index.js/",
          "/web/app/./index.html", "/web/", "/web/src/index.js", "/web/bfcp/index.js%00.html",
          "/web/app/index.html/..", "/web/app/../app/index.html"}) {
        auto const r = call(http::verb::get, target);
        EXPECT_EQ(r.result(), http::status::not_found) << target;
    }
}

TEST_F(HttpApiTest, SessionDescribesTheTokensParticipant)
{
    auto cfg = cfg_;
    cfg.conferences[0].floors[0].label = "slides";
    cfg.conferences[0].chair_users = {7};
    floor_settings chaired;
    chaired.id = 2;
    chaired.policy = policy::chair;
    cfg.conferences[0].floors.push_back(chaired);
    start(cfg);
    auto const ticket =
        boost::json::parse(call(http::verb::post, "/api/conferences/1/participants",
                                R"({"user_id":7,"display_name":"Carol","chair":true})")
                               .body());
    auto const token = std::string(ticket.at("token").as_string());
    EXPECT_EQ(ticket.at("join_url").as_string(),
              "https://localhost:" + std::to_string(app_->port()) + "/join?token=" + token);

    auto const r = call(http::verb::get, "/api/session?token=" + token, {}, "192.0.2.1");
    ASSERT_EQ(r.result(), http::status::ok) << r.body();
    EXPECT_EQ(r[http::field::content_type], "application/json");
    EXPECT_EQ(r[http::field::cache_control], "no-store");
    auto j = boost::json::parse(r.body()).as_object();
    auto const expires = j.at("expires_in").as_int64();
    EXPECT_GT(expires, 290); // token_lifetime is 300 s
    EXPECT_LE(expires, 300);
    j.erase("expires_in");
    auto const want = boost::json::parse(R"({"conference":1,"conference_name":"one","user":7,
        "display_name":"Carol","websocket_uri":"wss://localhost:)" +
                                         std::to_string(app_->port()) + "/bfcp?token=" + token +
                                         R"(","floors":[
        {"id":1,"label":"slides","policy":"queue","chair":true},
        {"id":2,"label":"","policy":"chair","chair":true}]})");
    EXPECT_EQ(boost::json::value(j), want) << r.body();

    // The token cookie works as well.
    ws::http_request req{http::verb::get, "/api/session", 11};
    req.set(http::field::cookie, "other=1; floorctl_token=" + token);
    EXPECT_EQ(call_with(std::move(req)).result(), http::status::ok);
}

TEST_F(HttpApiTest, SessionOfAnOrdinaryParticipantNamesNoChair)
{
    auto const ticket = boost::json::parse(
        call(http::verb::post, "/api/conferences/1/participants", R"({"display_name":"Dan"})")
            .body());
    auto const token = std::string(ticket.at("token").as_string());
    auto const j = boost::json::parse(call(http::verb::get, "/api/session?token=" + token).body());
    EXPECT_FALSE(j.at("floors").at(0).at("chair").as_bool());
    EXPECT_EQ(j.at("display_name").as_string(), "Dan");
}

TEST_F(HttpApiTest, SessionRefusesBadTokensWith401)
{
    auto const refusal = [&](std::string const& target) {
        auto const r = call(http::verb::get, target);
        EXPECT_EQ(r.result(), http::status::unauthorized) << target;
        EXPECT_EQ(r[http::field::content_type], "application/json");
        auto const j = boost::json::parse(r.body());
        EXPECT_TRUE(j.at("message").is_string());
        return std::string(j.at("error").as_string());
    };
    EXPECT_EQ(refusal("/api/session"), "token_unknown");
    EXPECT_EQ(refusal("/api/session?token="), "token_unknown");
    EXPECT_EQ(refusal("/api/session?token=zz"), "token_unknown");
    EXPECT_EQ(refusal("/api/session?token=0123456789abcdef0123456789abcdef"), "token_unknown");

    auto const ticket =
        boost::json::parse(call(http::verb::post, "/api/conferences/1/participants", "{}").body());
    auto const token = std::string(ticket.at("token").as_string());
    call(http::verb::delete_,
         "/api/conferences/1/participants/" + std::to_string(ticket.at("userid").as_int64()));
    EXPECT_EQ(refusal("/api/session?token=" + token), "token_expired");
    EXPECT_EQ(call(http::verb::post, "/api/session?token=" + token).result(),
              http::status::method_not_allowed);
}

TEST_F(HttpApiTest, SessionIsServedWithTheAdminApiDisabledAndFromAnyPeer)
{
    auto cfg = cfg_;
    cfg.admin.enabled = false;
    start(cfg);
    auto const t = app_->create_participant(conference_id{1}, participant_info{});
    ASSERT_TRUE(t.ticket);
    EXPECT_EQ(
        call(http::verb::get, "/api/session?token=" + t.ticket->token, {}, "198.51.100.7").result(),
        http::status::ok);
}

TEST_F(HttpApiTest, AddParticipantReturnsTicket)
{
    auto const r = call(http::verb::post, "/api/conferences/1/participants",
                        R"({"display_name":"Bob","uri":"sip:bob@example.com"})");
    ASSERT_EQ(r.result(), http::status::created) << r.body();
    auto const j = json(r);
    EXPECT_EQ(j.at("confid").as_int64(), 1);
    EXPECT_EQ(j.at("userid").as_int64(), 1);
    EXPECT_EQ(boost::json::serialize(j.at("floors")), "[1]");
    auto const token = std::string(j.at("token").as_string());
    EXPECT_EQ(token.size(), 32u);
    EXPECT_EQ(std::string(j.at("websocket_uri").as_string()),
              "wss://localhost:" + std::to_string(app_->port()) + "/bfcp?token=" + token);
    EXPECT_EQ(app_->tokens().check(token, clock::now()).status, token_status::valid);

    auto const second = json(call(http::verb::post, "/api/conferences/1/participants", ""));
    EXPECT_EQ(second.at("userid").as_int64(), 2);
}

TEST_F(HttpApiTest, ChairUriGetsItsReservedUserIdOnlyWhenTheApiSaysChair)
{
    // A URI alone proves nothing: the participant is an ordinary one.
    auto const plain = json(call(http::verb::post, "/api/conferences/1/participants",
                                 R"({"uri":"sip:chair@example.com"})"));
    EXPECT_EQ(plain.at("userid").as_int64(), 1);
    auto const chair = json(call(http::verb::post, "/api/conferences/1/participants",
                                 R"({"uri":"sip:chair@example.com","chair":true})"));
    EXPECT_EQ(chair.at("userid").as_int64(), 65535);
    // Listed as chair only in the second case.
    auto const snap = json(call(http::verb::get, "/api/conferences/1"));
    for (auto const& p : snap.at("participants").as_array()) {
        auto const& o = p.as_object();
        EXPECT_EQ(o.at("chair").as_bool(), o.at("userid").as_int64() == 65535);
    }
    // "chair": true for a URI that is no chair of the conference is refused.
    EXPECT_EQ(call(http::verb::post, "/api/conferences/1/participants",
                   R"({"uri":"sip:someone@example.com","chair":true})")
                  .result(),
              http::status::bad_request);
    // The chair's id is taken now.
    EXPECT_EQ(call(http::verb::post, "/api/conferences/1/participants",
                   R"({"uri":"sip:chair@example.com","chair":true})")
                  .result(),
              http::status::conflict);
}

// Issue 10, defect 3: with chair_users = [1], the first participant created through the API got
// user id 1 and with it chair rights.
TEST_F(HttpApiTest, UserIdsReservedForChairsAreNeverHandedToAnyoneElse)
{
    cfg_.conferences[0].chair_users = {1, 3};
    cfg_.conferences[0].floors[0].policy = policy::chair;
    for (int expected : {2, 4, 5}) {
        auto const j = json(call(http::verb::post, "/api/conferences/1/participants", ""));
        EXPECT_EQ(j.at("userid").as_int64(), expected);
    }
    // Asking for a reserved id without saying chair is refused; with it, granted.
    EXPECT_EQ(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":1})").result(),
        http::status::conflict);
    auto const chair = json(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":1,"chair":true})"));
    EXPECT_EQ(chair.at("userid").as_int64(), 1);
    EXPECT_EQ(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":2,"chair":true})")
            .result(),
        http::status::bad_request);
    auto const snap = json(call(http::verb::get, "/api/conferences/1"));
    int chairs = 0;
    for (auto const& p : snap.at("participants").as_array()) {
        auto const& o = p.as_object();
        if (o.at("chair").as_bool()) {
            ++chairs;
            EXPECT_EQ(o.at("userid").as_int64(), 1);
        }
    }
    EXPECT_EQ(chairs, 1);
}

TEST_F(HttpApiTest, RemovedUserIdsAreHandedOutAgainLowestFirst)
{
    for (int i = 1; i <= 5; ++i)
        (void)call(http::verb::post, "/api/conferences/1/participants", "");
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/1/participants/4").result(),
              http::status::no_content);
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/1/participants/2").result(),
              http::status::no_content);
    for (int expected : {2, 4, 6}) {
        auto const j = json(call(http::verb::post, "/api/conferences/1/participants", ""));
        EXPECT_EQ(j.at("userid").as_int64(), expected);
    }
}

// Issue 10, defect 4: the free conference id was picked under a lock that was then released, so
// two concurrent creations could pick the same id, and the loser's failure path erased the
// winner's catalog entry.
TEST_F(HttpApiTest, ConcurrentConferenceCreationsEachGetTheirOwnConference)
{
    cfg_.io_threads = 4;
    start(cfg_); // the core and the io_context on four threads
    constexpr std::size_t threads = 8;
    constexpr int per_thread = 40;
    std::vector<std::vector<std::int64_t>> ids(threads);
    std::vector<std::thread> clients;
    std::atomic<int> failures{0};
    for (std::size_t t = 0; t < threads; ++t) {
        clients.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto const r = call(http::verb::post, "/api/conferences", "{}");
                if (r.result() != http::status::created) {
                    ++failures;
                    continue;
                }
                ids[t].push_back(json(r).at("id").as_int64());
            }
        });
    }
    for (auto& c : clients)
        c.join();
    EXPECT_EQ(failures.load(), 0);
    std::set<std::int64_t> unique;
    for (auto const& v : ids)
        unique.insert(v.begin(), v.end());
    EXPECT_EQ(unique.size(), threads * std::size_t{per_thread});
    // Every one of them is listed and known to the core.
    auto const list = json(call(http::verb::get, "/api/conferences"));
    EXPECT_EQ(list.at("conferences").as_array().size(), unique.size() + 1);
    for (auto const id : unique) {
        EXPECT_EQ(call(http::verb::get, "/api/conferences/" + std::to_string(id)).result(),
                  http::status::ok)
            << id;
    }
}

TEST_F(HttpApiTest, ExplicitUserIdConflictIs409)
{
    EXPECT_EQ(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":5})").result(),
        http::status::created);
    EXPECT_EQ(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":5})").result(),
        http::status::conflict);
}

TEST_F(HttpApiTest, BadBodiesAre400)
{
    EXPECT_EQ(call(http::verb::post, "/api/conferences/1/participants", "{").result(),
              http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, "/api/conferences/1/participants", "[]").result(),
              http::status::bad_request);
    EXPECT_EQ(
        call(http::verb::post, "/api/conferences/1/participants", R"({"user_id":0})").result(),
        http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, "/api/conferences", R"({"floors":[]})").result(),
              http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, "/api/conferences", R"({"floors":[{"id":1,"policy":"x"}]})")
                  .result(),
              http::status::bad_request);
}

TEST_F(HttpApiTest, UnknownConferenceIs404)
{
    EXPECT_EQ(call(http::verb::post, "/api/conferences/9/participants", "").result(),
              http::status::not_found);
    EXPECT_EQ(call(http::verb::get, "/api/conferences/9").result(), http::status::not_found);
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/9").result(), http::status::not_found);
}

TEST_F(HttpApiTest, RemoveParticipantRevokesItsToken)
{
    auto const j = json(call(http::verb::post, "/api/conferences/1/participants", ""));
    auto const token = std::string(j.at("token").as_string());
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/1/participants/1").result(),
              http::status::no_content);
    EXPECT_EQ(app_->tokens().check(token, clock::now()).status, token_status::revoked);
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/1/participants/1").result(),
              http::status::not_found);
}

TEST_F(HttpApiTest, FloorStateListsFloorsAndParticipants)
{
    (void)call(http::verb::post, "/api/conferences/1/participants", R"({"display_name":"Ann"})");
    auto const r = call(http::verb::get, "/api/conferences/1");
    ASSERT_EQ(r.result(), http::status::ok);
    auto const j = json(r);
    EXPECT_EQ(j.at("confid").as_int64(), 1);
    ASSERT_EQ(j.at("floors").as_array().size(), 1u);
    auto const& f = j.at("floors").as_array()[0].as_object();
    EXPECT_EQ(f.at("policy").as_string(), "queue");
    EXPECT_TRUE(f.at("holders").as_array().empty());
    ASSERT_EQ(j.at("participants").as_array().size(), 1u);
    EXPECT_EQ(j.at("participants").as_array()[0].as_object().at("display_name").as_string(), "Ann");
    auto const floors = json(call(http::verb::get, "/api/conferences/1/floors"));
    EXPECT_EQ(floors.size(), 1u);
    EXPECT_TRUE(floors.contains("floors"));
}

TEST_F(HttpApiTest, CreateListAndDeleteConferences)
{
    auto const created = call(http::verb::post, "/api/conferences",
                              R"({"name":"auto","floors":[{"id":2,"policy":"chair",
                                  "chair_timeout_ms":5000,"chair_fallback":"accept"}]})");
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    auto const c = json(created);
    EXPECT_EQ(c.at("id").as_int64(), 2); // lowest free id
    auto const& f = c.at("floors").as_array()[0].as_object();
    EXPECT_EQ(f.at("policy").as_string(), "chair");
    EXPECT_EQ(f.at("chair_timeout_ms").as_int64(), 5000);
    EXPECT_EQ(f.at("chair_fallback").as_string(), "accept");

    auto const list = json(call(http::verb::get, "/api/conferences"));
    EXPECT_EQ(list.at("conferences").as_array().size(), 2u);
    EXPECT_EQ(call(http::verb::delete_, "/api/conferences/2").result(), http::status::no_content);
    EXPECT_EQ(json(call(http::verb::get, "/api/conferences")).at("conferences").as_array().size(),
              1u);
    EXPECT_EQ(call(http::verb::put, "/api/conferences").result(), http::status::method_not_allowed);
}

TEST_F(HttpApiTest, NonLoopbackPeerIsRefusedByDefault)
{
    EXPECT_EQ(call(http::verb::get, "/api/conferences", "", "10.1.2.3").result(),
              http::status::forbidden);
    EXPECT_EQ(call(http::verb::get, "/api/conferences", "", "::1").result(), http::status::ok);
    EXPECT_EQ(call(http::verb::get, "/healthz", "", "10.1.2.3").result(), http::status::ok);
}

TEST_F(HttpApiTest, BearerKeyGuardsTheApi)
{
    cfg_.admin.bind = "0.0.0.0";
    cfg_.admin.bearer_key = "a-long-enough-secret";
    auto const missing = call(http::verb::get, "/api/conferences", "", "10.1.2.3");
    EXPECT_EQ(missing.result(), http::status::unauthorized);
    EXPECT_EQ(missing[http::field::www_authenticate], "Bearer realm=\"floorctl\"");
    EXPECT_EQ(call(http::verb::get, "/api/conferences", "", "10.1.2.3", "wrong").result(),
              http::status::unauthorized);
    EXPECT_EQ(
        call(http::verb::get, "/api/conferences", "", "10.1.2.3", "a-long-enough-secret").result(),
        http::status::ok);
}

TEST_F(HttpApiTest, DisabledAdminApiIs404)
{
    cfg_.admin.enabled = false;
    EXPECT_EQ(call(http::verb::get, "/api/conferences").result(), http::status::not_found);
}

TEST(HttpJsonTest, ConferenceBodyDefaultsToOneQueueFloor)
{
    auto const r = conference_from_json(R"({"name":"x"})");
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_EQ(r.conference->floors.size(), 1u);
    EXPECT_EQ(r.conference->floors[0].id, 1);
    EXPECT_EQ(r.conference->floors[0].policy, policy::queue);
    EXPECT_EQ(r.conference->id, 0u); // server picks
}

TEST(HttpJsonTest, ConferenceBodyErrorsNameTheField)
{
    EXPECT_EQ(conference_from_json(R"({"id":-1})").error, "id: expected a non-negative integer");
    EXPECT_EQ(conference_from_json(R"({"id":"1"})").error, "id: expected a non-negative integer");
    EXPECT_EQ(conference_from_json(R"({"floors":[{"id":70000}]})").error, "id: out of range");
    EXPECT_EQ(conference_from_json(R"({"floors":[{}]})").error, "floors: every floor needs an id");
    EXPECT_EQ(conference_from_json(R"({"floors":[{"id":1},{"id":1}]})").error,
              "floors: duplicate floor id 1");
    EXPECT_EQ(conference_from_json(R"({"floors":[{"id":1,"send_accepted":1}]})").error,
              "send_accepted: expected true or false");
    EXPECT_EQ(conference_from_json(R"({"chair_users":[0]})").error,
              "chair_users: expected user ids 1..65535");
    EXPECT_EQ(conference_from_json(R"({"floors":[{"id":1,"chair_fallback":"maybe"}]})").error,
              "chair_fallback: expected accept or deny");
}

// The API and the configuration file accept the same values (one set of bounds).
TEST(HttpJsonTest, ConferenceBodyHasTheFilesBoundsAndDefaults)
{
    auto const too_many = std::to_string(setting_bounds::max_holders + 1);
    EXPECT_EQ(conference_from_json(R"({"floors":[{"id":1,"max_holders":)" + too_many + "}]}").error,
              "max_holders: out of range");
    EXPECT_FALSE(parse_config("[[conference]]\nid = 1\n[[conference.floor]]\nid = 1\n"
                              "max_holders = " +
                              too_many + "\n")
                     .ok());
    auto const year = std::to_string(setting_bounds::max_duration.count());
    auto const more = std::to_string(setting_bounds::max_duration.count() + 1);
    EXPECT_TRUE(conference_from_json(R"({"floors":[{"id":1,"chair_timeout_ms":)" + year + "}]}")
                    .error.empty());
    EXPECT_EQ(
        conference_from_json(R"({"floors":[{"id":1,"max_hold_time_ms":)" + more + "}]}").error,
        "max_hold_time_ms: out of range");
    auto const r = conference_from_json(R"({"reconnect_grace_ms":2500,"floors":[{"id":1}]})");
    ASSERT_TRUE(r.conference) << r.error;
    EXPECT_EQ(r.conference->reconnect_grace, std::chrono::milliseconds{2500});
    EXPECT_EQ(r.conference->floors[0].fallback, floor_settings{}.fallback);
    EXPECT_EQ(conference_to_json(*r.conference).at("reconnect_grace_ms").as_int64(), 2500);
}

TEST(HttpJsonTest, ParticipantBody)
{
    auto const ok = participant_from_json(R"({"user_id":3,"display_name":"A","uri":"sip:a@b"})");
    ASSERT_TRUE(ok.info);
    EXPECT_EQ(ok.info->id, user_id{3});
    EXPECT_EQ(ok.info->display_name, "A");
    EXPECT_EQ(ok.info->uri, "sip:a@b");
    EXPECT_TRUE(participant_from_json("").info);
    EXPECT_EQ(participant_from_json(R"({"display_name":5})").error,
              "display_name: expected a string");
    EXPECT_FALSE(
        participant_from_json(std::string(R"({"uri":")") + std::string(300, 'x') + "\"}").info);
}

TEST(HttpJsonTest, TicketShape)
{
    participant_ticket t{
        "wss://h:1/bfcp?token=ab",   conference_id{4}, user_id{5}, {floor_id{1}, floor_id{2}}, "ab",
        "https://h:1/join?token=ab", std::nullopt};
    EXPECT_EQ(
        boost::json::serialize(ticket_to_json(t)),
        R"({"websocket_uri":"wss://h:1/bfcp?token=ab","confid":4,"userid":5,"floors":[1,2],"token":"ab","join_url":"https://h:1/join?token=ab"})");
    // With [turn] secret: the TURN over WebSocket URI and coturn's credentials (docs/turn.md).
    t.turn = turn_access{"wss://h:1/turn", {"1700003600:4-5", "c3VjaA==", 1700003600}};
    EXPECT_EQ(
        boost::json::serialize(ticket_to_json(t)),
        R"({"websocket_uri":"wss://h:1/bfcp?token=ab","confid":4,"userid":5,"floors":[1,2],"token":"ab","join_url":"https://h:1/join?token=ab","turn":{"websocket_uri":"wss://h:1/turn","username":"1700003600:4-5","credential":"c3VjaA==","expires_at":1700003600}})");
}

TEST(ConferenceConfigTest, ChairsByUriGetReservedIdsAndPolicyMaps)
{
    conference_settings c;
    c.id = 8;
    c.chair_users = {7};
    c.chair_uris = {"sip:a@x", "sip:b@x"};
    floor_settings f;
    f.id = 2;
    f.policy = policy::chair;
    f.fallback = chair_fallback::accept;
    f.max_holders = 3;
    c.floors.push_back(f);
    c.reconnect_grace = std::chrono::seconds{20};
    auto const cc = to_conference_config(c, true);
    EXPECT_EQ(cc.id, conference_id{8});
    EXPECT_EQ(cc.reconnect_grace, std::chrono::seconds{20});
    EXPECT_TRUE(cc.require_tls);
    ASSERT_EQ(cc.floors.size(), 1u);
    EXPECT_EQ(cc.floors[0].kind, policy::chair);
    EXPECT_EQ(cc.floors[0].fallback, floorctl::chair_fallback::accept);
    EXPECT_EQ(cc.floors[0].max_holders, 3u);
    EXPECT_EQ(cc.floors[0].chairs,
              (std::vector<user_id>{user_id{7}, user_id{65535}, user_id{65534}}));
    EXPECT_EQ(chair_user_for_uri(c, "sip:b@x"), user_id{65534});
    EXPECT_EQ(chair_user_for_uri(c, "sip:c@x"), std::nullopt);
}
