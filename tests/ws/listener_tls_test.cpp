// ws::listener over TLS (WSS/HTTPS) on the same port as plain, with the self-signed certificate.
#include "harness.hpp"

#include <openssl/ssl.h>

namespace {

using namespace ws_test;

class ListenerTls : public ::testing::TestWithParam<int> {
protected:
    std::unique_ptr<harness> start(ws::listener_options o = test_options())
    {
        return std::make_unique<harness>(std::move(o), GetParam());
    }
};

INSTANTIATE_TEST_SUITE_P(IoThreads, ListenerTls, ::testing::Values(1, 4),
                         [](auto const& p) { return std::to_string(p.param) + "Threads"; });

TEST_P(ListenerTls, WssHandshakeVerifiesAndBindsAsWss)
{
    auto h = start();
    client<true> c{*h};
    ASSERT_FALSE(c.connect("/bfcp?token=good", "bfcp"));
    EXPECT_EQ(c.res[http::field::sec_websocket_protocol], "bfcp");
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 1; }));
    EXPECT_EQ(h->app->opens[0].transport, floorctl::transport_kind::wss);
    // Negotiated TLS is 1.2 or newer with an AEAD suite.
    SSL* ssl = c.ws.next_layer().native_handle();
    EXPECT_GE(SSL_version(ssl), TLS1_2_VERSION);
    EXPECT_TRUE(SSL_CIPHER_is_aead(SSL_get_current_cipher(ssl)));
}

TEST_P(ListenerTls, PlainAndTlsShareThePort)
{
    auto h = start();
    client<true> secure{*h};
    client<false> plain{*h};
    ASSERT_FALSE(secure.connect());
    ASSERT_FALSE(plain.connect());
    ASSERT_TRUE(h->app->wait([&] { return h->app->opens.size() == 2; }));
    int wss = 0;
    for (auto const& o : h->app->opens)
        wss += o.transport == floorctl::transport_kind::wss ? 1 : 0;
    EXPECT_EQ(wss, 1);
}

TEST_P(ListenerTls, MessagesBothWaysOverWss)
{
    auto h = start();
    client<true> c{*h};
    ASSERT_FALSE(c.connect());
    std::vector<std::uint8_t> const msg{0x20, 0x01, 0x00, 0x01, 0, 0, 0, 7,
                                        0,    1,    0,    42,   1, 2, 3, 4};
    ASSERT_FALSE(c.send(msg));
    ASSERT_TRUE(h->app->wait([&] { return h->app->frames.size() == 1; }));
    EXPECT_EQ(h->app->frames[0].second.size(), msg.size());
    auto const conn = h->app->frames[0].first;
    EXPECT_TRUE(h->listener->connections().send(conn, h->app->frames[0].second));
    ASSERT_FALSE(c.read());
    EXPECT_EQ(c.buffer.size(), msg.size());
    EXPECT_TRUE(h->listener->connections().close(conn, ws::close_code::going_away, "bye"));
    EXPECT_EQ(c.read_until_closed(), 1001);
}

TEST_P(ListenerTls, TextFrameOverWssIsClosedWith1003)
{
    auto h = start();
    client<true> c{*h};
    ASSERT_FALSE(c.connect());
    c.ws.text(true);
    std::string const text = "{}";
    ASSERT_FALSE(await_op([&](auto done) { c.ws.async_write(net::buffer(text), done); }));
    EXPECT_EQ(c.read_until_closed(), 1003);
}

TEST_P(ListenerTls, HandshakeRejectionOverTls)
{
    auto h = start();
    client<true> c{*h};
    EXPECT_EQ(c.connect("/bfcp?token=expired"), websocket::error::upgrade_declined);
    EXPECT_EQ(c.res.result(), http::status::forbidden);
}

TEST_P(ListenerTls, Tls11IsRefused)
{
    auto h = start();
    // A client that offers TLS 1.1 only (OpenSSL's security level lowered so it even tries).
    ssl::context old{ssl::context::tls_client};
    SSL_CTX_set_security_level(old.native_handle(), 0);
    SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(old.native_handle(), "DEFAULT:@SECLEVEL=0");
    old.set_verify_mode(ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> s{net::make_strand(h->cioc), old};
    ASSERT_FALSE(await_op(
        [&](auto done) { beast::get_lowest_layer(s).async_connect(h->endpoint(), done); }));
    EXPECT_TRUE(await_op([&](auto done) { s.async_handshake(ssl::stream_base::client, done); }));
    EXPECT_TRUE(h->app->wait([&] { return h->logged("TLS handshake failed"); }));
    EXPECT_TRUE(h->app->opens.empty());
}

TEST_P(ListenerTls, PlainIsRefusedWhenDisabled)
{
    auto o = test_options();
    o.allow_plain = false;
    auto h = start(std::move(o));
    client<false> plain{*h};
    EXPECT_TRUE(plain.connect());
    EXPECT_TRUE(h->app->wait([&] { return h->logged("plain connection refused"); }));
    client<true> secure{*h};
    EXPECT_FALSE(secure.connect());
}

TEST_P(ListenerTls, TlsIsDroppedWhenNoCertificateIsConfigured)
{
    auto o = test_options();
    o.tls = nullptr;
    auto h = start(std::move(o));
    client<true> secure{*h};
    EXPECT_TRUE(secure.connect());
    EXPECT_TRUE(h->app->wait([&] { return h->logged("no certificate configured"); }));
    client<false> plain{*h};
    EXPECT_FALSE(plain.connect());
}

TEST_P(ListenerTls, HttpsRequestReachesTheAppMarkedSecure)
{
    auto h = start();
    beast::ssl_stream<beast::tcp_stream> s{net::make_strand(h->cioc), *client_tls()};
    ASSERT_FALSE(connect_stream(*h, s));
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/healthz", res));
    EXPECT_EQ(res.result(), http::status::ok);
    ASSERT_TRUE(h->app->wait([&] { return h->app->http_secure.size() == 1; }));
    EXPECT_TRUE(h->app->http_secure[0]);
}

TEST_P(ListenerTls, TlsConnectionOverTheTotalLimitIsAnswered503AfterTheHandshake)
{
    auto o = test_options();
    o.max_connections = 1;
    auto h = start(std::move(o));
    beast::ssl_stream<beast::tcp_stream> s{net::make_strand(h->cioc), *client_tls()};
    (void)expect_503_beyond_the_limit(*h, s);
    EXPECT_TRUE(h->app->http_targets.empty());
}

TEST(ListenerOptions, InconsistentOptionsThrowAtStartup)
{
    net::io_context ioc;
    auto app = std::make_shared<recorder>();
    ws::listener_options o;
    o.allow_plain = false; // and no TLS
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), std::invalid_argument);
    ws::listener_options p;
    p.upgrade.path = "bfcp";
    EXPECT_THROW((void)ws::listener::create(ioc, p, app), std::invalid_argument);
    ws::listener_options q;
    q.address = "not-an-address";
    EXPECT_THROW((void)ws::listener::create(ioc, q, app), boost::system::system_error);
}

TEST(ListenerOptions, BusyPortThrowsAtStartup)
{
    net::io_context ioc;
    auto app = std::make_shared<recorder>();
    auto first = ws::listener::create(ioc, ws::listener_options{}, app);
    ws::listener_options o;
    o.port = first->port();
    EXPECT_NE(o.port, 0);
    // SO_REUSEADDR does not allow two listeners on one port.
    EXPECT_THROW((void)ws::listener::create(ioc, o, app), boost::system::system_error);
}

} // namespace
