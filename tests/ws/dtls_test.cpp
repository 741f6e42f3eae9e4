// ws::datagram_listener with DTLS 1.2 on loopback port 0, against a DTLS client written here
// with OpenSSL on memory BIOs over a connected UDP socket: the stateless cookie exchange, a
// full handshake with client certificates, data both ways, the fingerprint report, a client
// that stops mid-handshake, cleartext BFCP and garbage at the DTLS port, close_notify.

#include "datagram_harness.hpp"

#include <support/dtls_client.hpp>

#include <ws/dtls.hpp>
#include <ws/tls.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace {

using namespace datagram_test;
using test_support::client_context;
using test_support::dtls_client;
using test_support::x509_deleter;
using ws::datagram_drop;

ws::pem_pair const& server_pem()
{
    static ws::pem_pair const pem = ws::make_self_signed();
    return pem;
}

std::shared_ptr<ws::dtls_context> server_context()
{
    static auto const ctx = ws::dtls_context::create(server_pem());
    return ctx;
}

ws::datagram_listener_options dtls_options()
{
    ws::datagram_listener_options o;
    o.dtls = server_context();
    return o;
}

TEST(Dtls, ContextFingerprintIsTheCertificatesSha256InRfc8122Form)
{
    // The format itself is Tls.Sha256FingerprintIsTheDigestOfTheDerInRfc8122Form's.
    auto const& fp = server_context()->fingerprint();
    EXPECT_EQ(fp.size(), 95u);
    EXPECT_EQ(fp,
              ws::sha256_fingerprint(SSL_CTX_get0_certificate(server_context()->native_handle())));
    EXPECT_THROW((void)ws::dtls_context::create({"not PEM", "not PEM"}), std::runtime_error);
}

TEST(Dtls, HandshakeThenDataBothWaysWithTheClientsFingerprintReported)
{
    server s(dtls_options(), 3);
    std::string client_fp;
    auto ctx = client_context(true, &client_fp);
    dtls_client c(ctx.get(), s.listener->port());
    ASSERT_TRUE(c.handshake());
    EXPECT_GE(s.listener->cookies_sent(), 1u); // the first ClientHello got a HelloVerifyRequest
    EXPECT_EQ(c.server_fingerprint(), server_context()->fingerprint());

    ASSERT_TRUE(s.handler->wait([&] { return s.handler->opens.size() == 1; }));
    auto const peer = s.handler->with_lock([&] { return s.handler->opens[0]; });
    EXPECT_TRUE(peer.dtls);
    EXPECT_EQ(peer.fingerprint, client_fp);
    EXPECT_EQ(peer.source.port, c.udp_.local_port());

    c.write("floor request");
    auto const echoed = c.read();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(*echoed, "floor request");
    // The echo leaves before the handler records the datagram: wait for the record.
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->datagrams.size() == 1; }));
    auto const got = s.handler->with_lock([&] { return s.handler->datagrams; });
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].second, bytes_of("floor request"));

    ASSERT_TRUE(s.listener->send(peer.conn, bytes_of("notification")));
    EXPECT_EQ(c.read(), "notification");

    c.shutdown(); // close_notify
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->closes.size() == 1; }));
    auto const closed = s.handler->with_lock([&] { return s.handler->closes[0]; });
    EXPECT_EQ(closed.info.origin, ws::close_origin::peer);
    EXPECT_EQ(s.listener->peer_count(), 0u);
}

TEST(Dtls, SeveralClientsAndAnOrderlyCloseFromTheServer)
{
    server s(dtls_options(), 4);
    auto ctx = client_context(true);
    std::vector<std::unique_ptr<dtls_client>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<dtls_client>(ctx.get(), s.listener->port()));
        ASSERT_TRUE(clients.back()->handshake());
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
        clients[i]->write("hello " + std::to_string(i));
        EXPECT_EQ(clients[i]->read(), "hello " + std::to_string(i));
    }
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->opens.size() == 4; }));
    auto const first = s.handler->with_lock([&] { return s.handler->opens[0]; });
    EXPECT_TRUE(s.listener->close(first.conn, "goodbye acked"));
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->closes.size() == 1; }));
    // The client whose peer that was reads close_notify: read() ends without data.
    for (auto& c : clients) {
        if (c->udp_.local_port() == first.source.port) {
            EXPECT_FALSE(c->read());
        }
    }
    EXPECT_EQ(s.listener->peer_count(), 3u);
}

TEST(Dtls, AClientHelloWithoutCookieCostsNoState)
{
    server s(dtls_options());
    auto ctx = client_context(true);
    dtls_client c(ctx.get(), s.listener->port());
    ASSERT_EQ(c.step(), 0); // ClientHello without cookie
    auto const hvr = c.udp_.receive();
    ASSERT_TRUE(hvr);
    EXPECT_EQ(std::to_integer<int>((*hvr)[0]), 22); // handshake record
    EXPECT_EQ(std::to_integer<int>((*hvr)[13]), 3); // HelloVerifyRequest
    EXPECT_EQ(s.listener->cookies_sent(), 1u);
    EXPECT_EQ(s.listener->peer_count(), 0u);

    // The same ClientHello replayed from another source cannot use the first one's cookie.
    c.feed(*hvr);           // take the cookie...
    ASSERT_EQ(c.step(), 0); // ...and echo it
    auto const with_cookie = c.last_sent;
    client spoofer(s.listener->port());
    spoofer.send(with_cookie);
    auto const again = spoofer.receive();
    ASSERT_TRUE(again); // a fresh HelloVerifyRequest for the spoofer's own address
    EXPECT_EQ(std::to_integer<int>((*again)[13]), 3);
    EXPECT_TRUE(eventually([&] { return s.listener->peer_count() == 1; })); // only c's
}

TEST(Dtls, AClientThatStopsMidHandshakeIsExpired)
{
    auto o = dtls_options();
    o.handshake_timeout = 300ms;
    server s(o);
    auto ctx = client_context(true);
    dtls_client c(ctx.get(), s.listener->port());
    ASSERT_EQ(c.step(), 0);
    ASSERT_TRUE(c.pump(std::chrono::steady_clock::now() + bound)); // HelloVerifyRequest
    ASSERT_EQ(c.step(), 0);                                        // ClientHello + cookie
    ASSERT_TRUE(c.udp_.receive());                                 // ServerHello...: stop
    EXPECT_EQ(s.listener->peer_count(), 1u);
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->rejected.size() == 1; }));
    auto const rejected = s.handler->with_lock([&] { return s.handler->rejected[0]; });
    EXPECT_EQ(rejected.second, "DTLS handshake timeout");
    EXPECT_EQ(s.listener->peer_count(), 0u);
    EXPECT_TRUE(s.handler->with_lock([&] { return s.handler->opens.empty(); }));
}

TEST(Dtls, AClientWithoutCertificateFailsTheHandshake)
{
    server s(dtls_options());
    auto ctx = client_context(false);
    dtls_client c(ctx.get(), s.listener->port());
    EXPECT_FALSE(c.handshake());
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->rejected.size() == 1; }));
    auto const why = s.handler->with_lock([&] { return s.handler->rejected[0].second; });
    EXPECT_NE(why.find("DTLS handshake failed"), std::string::npos) << why;
    EXPECT_EQ(s.listener->peer_count(), 0u);
}

// RFC 8855 §5.1 common header, version 2, Hello (primitive 13), no attributes.
std::vector<std::byte> plain_bfcp_hello()
{
    return {std::byte{0x40}, std::byte{13}, std::byte{0}, std::byte{0},  // ver 2, Hello, len 0
            std::byte{0},    std::byte{0},  std::byte{0}, std::byte{1},  // conference 1
            std::byte{0},    std::byte{1},  std::byte{0}, std::byte{2}}; // transaction 1, user 2
}

TEST(Dtls, PlainBfcpAtTheDtlsPortGoesToTheAppWhichMayAnswer)
{
    server s(dtls_options());
    // What the app answers: here a stand-in for its Error (Use DTLS) reply.
    s.handler->answer_cleartext(bytes_of("use DTLS"));
    client c(s.listener->port());
    c.send(plain_bfcp_hello());
    auto const reply = c.receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, bytes_of("use DTLS"));
    EXPECT_EQ(s.listener->peer_count(), 0u);
    EXPECT_EQ(s.listener->cookies_sent(), 0u);
}

TEST(Dtls, UnansweredCleartextAndGarbageAreDroppedAndCounted)
{
    server s(dtls_options());
    client c(s.listener->port());
    c.send(plain_bfcp_hello());                                    // the app does not answer
    c.send(std::vector<std::byte>{std::byte{0xff}, std::byte{1}}); // neither DTLS nor BFCP
    auto hello1 = plain_bfcp_hello();
    hello1[0] = std::byte{0x20}; // version 1: inside RFC 7983's DTLS range, told apart by octet 2
    c.send(hello1);
    ASSERT_TRUE(s.handler->wait([&] { return s.handler->drops == 3; }));
    EXPECT_EQ(s.dropped(datagram_drop::cleartext), 2u);
    EXPECT_EQ(s.dropped(datagram_drop::malformed), 1u);
    EXPECT_FALSE(c.receive(100ms));
    EXPECT_EQ(s.listener->peer_count(), 0u);
}

TEST(Dtls, StopWithPeersMidHandshakeAndOpen)
{
    server s(dtls_options(), 3);
    auto ctx = client_context(true);
    dtls_client open_client(ctx.get(), s.listener->port());
    ASSERT_TRUE(open_client.handshake());
    dtls_client half(ctx.get(), s.listener->port());
    ASSERT_EQ(half.step(), 0);
    ASSERT_TRUE(half.pump(std::chrono::steady_clock::now() + bound));
    ASSERT_EQ(half.step(), 0);
    ASSERT_TRUE(eventually([&] { return s.listener->peer_count() == 2; }));
    s.stop();
    auto const [closes, rejected] = s.handler->with_lock([&] {
        return std::pair{s.handler->closes.size(), s.handler->rejected.size()};
    });
    EXPECT_EQ(closes, 1u);
    EXPECT_EQ(rejected, 1u);
    EXPECT_FALSE(open_client.read()); // close_notify
}

} // namespace
