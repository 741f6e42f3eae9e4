// Several WebSocket sub-protocols on one listener: BFCP (the handler) and the "echo" test
// service (tests/ws/echo/), reached by real WebSocket clients.
#include "echo/echo_service.hpp"
#include "harness.hpp"

namespace {

using namespace ws_test;

struct with_echo {
    explicit with_echo(std::string const& path, int threads = 1)
    {
        auto o = test_options();
        o.services.push_back(echo::entry(svc, path));
        h = std::make_unique<harness>(std::move(o), threads);
        svc->registry = h->listener->connections_ptr();
    }
    std::shared_ptr<echo::service> svc = std::make_shared<echo::service>();
    std::unique_ptr<harness> h;
};

TEST(Subprotocols, EchoAndBfcpShareOnePathAndThePort)
{
    with_echo e{"/bfcp"};
    client<false> c{*e.h};
    ASSERT_FALSE(c.connect("/bfcp", "echo")); // no token: echo does not require one
    EXPECT_EQ(c.res[http::field::sec_websocket_protocol], "echo");
    std::vector<std::uint8_t> const msg{1, 2, 3, 4, 5};
    ASSERT_FALSE(c.send(msg));
    ASSERT_FALSE(c.read());
    EXPECT_EQ(c.last(), std::string("\x01\x02\x03\x04\x05", 5));
    ASSERT_EQ(e.svc->open_count(), 1u);
    EXPECT_TRUE(e.h->app->opens.empty()); // BFCP saw nothing

    client<false> b{*e.h};
    ASSERT_FALSE(b.connect("/bfcp?token=good", "BFCP"));
    EXPECT_EQ(b.res[http::field::sec_websocket_protocol], "BFCP");
    ASSERT_TRUE(e.h->app->wait([&] { return e.h->app->opens.size() == 1; }));
    EXPECT_EQ(e.h->listener->connections().count(), 2u);
}

TEST(Subprotocols, TheClientsFirstOfferedMatchIsChosenAndEchoedInItsSpelling)
{
    with_echo e{"/bfcp"};
    client<false> c{*e.h};
    ASSERT_FALSE(c.connect("/bfcp?token=good", "chat, ECHO, bfcp"));
    EXPECT_EQ(c.res[http::field::sec_websocket_protocol], "ECHO");
    client<false> b{*e.h};
    ASSERT_FALSE(b.connect("/bfcp?token=good", "chat, bfcp, echo"));
    EXPECT_EQ(b.res[http::field::sec_websocket_protocol], "bfcp");
    ASSERT_TRUE(e.h->app->wait([&] { return e.h->app->opens.size() == 1; }));
    EXPECT_EQ(e.svc->open_count(), 1u);
}

TEST(Subprotocols, NoRegisteredSubprotocolOfferedIs400)
{
    with_echo e{"/bfcp"};
    client<false> c{*e.h};
    EXPECT_TRUE(c.connect("/bfcp?token=good", "chat, superchat"));
    ASSERT_TRUE(e.h->app->wait([&] { return e.h->app->rejects.size() == 1; }));
    EXPECT_EQ(e.h->app->rejects[0].first, ws::upgrade_failure::no_subprotocol);
    EXPECT_EQ(e.h->app->rejects[0].second, http::status::bad_request);
    EXPECT_TRUE(e.h->logged("Sec-WebSocket-Protocol must offer BFCP or echo"));
}

TEST(Subprotocols, EachPathServesOnlyItsOwnServices)
{
    with_echo e{"/echo"};
    client<false> bfcp_on_echo{*e.h};
    EXPECT_TRUE(bfcp_on_echo.connect("/echo?token=good", "BFCP"));
    client<false> echo_on_bfcp{*e.h};
    EXPECT_TRUE(echo_on_bfcp.connect("/bfcp?token=good", "echo"));
    ASSERT_TRUE(e.h->app->wait([&] { return e.h->app->rejects.size() == 2; }));
    EXPECT_EQ(e.h->app->rejects[0].first, ws::upgrade_failure::no_subprotocol);
    EXPECT_EQ(e.h->app->rejects[1].first, ws::upgrade_failure::no_subprotocol);

    client<false> c{*e.h};
    ASSERT_FALSE(c.connect("/echo", "echo"));
    // The service's own rules: text and fragmented messages, which BFCP closes on, are echoed.
    c.ws.text(true);
    std::string const text = "hello";
    ASSERT_FALSE(await_op([&](auto done) { c.ws.async_write(net::buffer(text), done); }));
    ASSERT_FALSE(c.read());
    EXPECT_EQ(c.last(), text);
    c.ws.binary(true);
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_write_some(false, net::buffer(text), done); }));
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_write_some(true, net::buffer(text), done); }));
    ASSERT_FALSE(c.read());
    EXPECT_EQ(c.last(), text + text);
    ASSERT_FALSE(
        await_op([&](auto done) { c.ws.async_close(websocket::close_code::normal, done); }));
    ASSERT_TRUE(e.h->app->wait([&] { return e.svc->closed.load() == 1; }));
}

TEST(Subprotocols, InconsistentRegistrationsThrowAtStartup)
{
    net::io_context ioc;
    auto const app = std::make_shared<recorder>();
    auto o = test_options();
    o.services.push_back(echo::entry(std::make_shared<echo::service>(), "/bfcp"));
    o.services.push_back(echo::entry(std::make_shared<echo::service>(), "/bfcp"));
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), std::invalid_argument);
    o.services = {echo::entry(nullptr, "/echo")};
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), std::invalid_argument);
    o.services = {echo::entry(std::make_shared<echo::service>(), "echo")};
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), std::invalid_argument);
    auto bfcp_twice = echo::entry(std::make_shared<echo::service>(), "/bfcp");
    bfcp_twice.route.name = "bfcp";
    o.services = {bfcp_twice};
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), std::invalid_argument);
}

} // namespace
