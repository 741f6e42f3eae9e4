#pragma once
/// @file dtls_client.hpp
/// A DTLS 1.2 client for tests, written with OpenSSL on memory BIOs over a connected UDP socket
/// (datagram_test::client): the handshake step by step or at once, records both ways,
/// close_notify, and the server's certificate fingerprint. Every wait is bounded.

#include <support/udp_client.hpp>

#include <ws/dtls.hpp>
#include <ws/tls.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

namespace test_support {

using namespace std::chrono_literals;

struct ssl_ctx_deleter {
    void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
};
struct ssl_deleter {
    void operator()(SSL* p) const noexcept { SSL_free(p); }
};
struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};

/// A DTLS client context; with a fresh self-signed certificate unless `with_certificate` is
/// false. The server's certificate is checked by fingerprint (below), not by a CA.
std::unique_ptr<SSL_CTX, ssl_ctx_deleter> client_context(bool with_certificate,
                                                         std::string* fingerprint = nullptr)
{
    std::unique_ptr<SSL_CTX, ssl_ctx_deleter> ctx{SSL_CTX_new(DTLS_client_method())};
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (!with_certificate) return ctx;
    ws::self_signed_options so;
    so.common_name = "participant";
    auto const pem = ws::make_self_signed(so);
    BIO* c = BIO_new_mem_buf(pem.certificate_pem.data(), int(pem.certificate_pem.size()));
    std::unique_ptr<X509, x509_deleter> cert{PEM_read_bio_X509(c, nullptr, nullptr, nullptr)};
    BIO_free(c);
    BIO* k = BIO_new_mem_buf(pem.private_key_pem.data(), int(pem.private_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(k, nullptr, nullptr, nullptr);
    BIO_free(k);
    EXPECT_EQ(SSL_CTX_use_certificate(ctx.get(), cert.get()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx.get(), key), 1);
    EVP_PKEY_free(key);
    if (fingerprint != nullptr) *fingerprint = ws::sha256_fingerprint(cert.get());
    return ctx;
}

/// The DTLS client: OpenSSL on memory BIOs; every record it writes goes out in one datagram
/// per flush (several records in one datagram, as RFC 6347 §4.1.1 allows).
class dtls_client {
public:
    dtls_client(SSL_CTX* ctx, std::uint16_t port, char const* address = "127.0.0.1")
        : udp_(port, address), ssl_(SSL_new(ctx))
    {
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in_, -1);
        SSL_set_bio(ssl_.get(), in_, out_);
        SSL_set_options(ssl_.get(), SSL_OP_NO_QUERY_MTU);
        SSL_set_mtu(ssl_.get(), 1200);
        SSL_set_connect_state(ssl_.get());
    }

    /// One handshake step: SSL_do_handshake() and send what it wrote. 1: done; 0: waiting;
    /// -1: failed (an alert from the server).
    int step()
    {
        int const r = SSL_do_handshake(ssl_.get());
        flush();
        if (r == 1) return 1;
        int const e = SSL_get_error(ssl_.get(), r);
        ERR_clear_error();
        return e == SSL_ERROR_WANT_READ ? 0 : -1;
    }

    /// Waits (bounded) for one datagram and hands it to OpenSSL; on a 50 ms silence, lets
    /// OpenSSL retransmit. False when the bound passed.
    bool pump(std::chrono::steady_clock::time_point until)
    {
        if (std::chrono::steady_clock::now() > until) return false;
        if (auto d = udp_.receive(50ms)) {
            BIO_write(in_, d->data(), int(d->size()));
        } else if (DTLSv1_handle_timeout(ssl_.get()) > 0) {
            flush();
        }
        return true;
    }

    /// Hands a datagram received elsewhere to OpenSSL.
    void feed(std::vector<std::byte> const& d) { BIO_write(in_, d.data(), int(d.size())); }

    bool handshake()
    {
        auto const until = std::chrono::steady_clock::now() + bound;
        for (;;) {
            int const r = step();
            if (r != 0) return r == 1;
            if (!pump(until)) return false;
        }
    }

    void write(std::string_view text)
    {
        ASSERT_GT(SSL_write(ssl_.get(), text.data(), int(text.size())), 0);
        flush();
    }

    /// The next application record's plaintext, or nullopt after the bound (or close_notify).
    std::optional<std::string> read()
    {
        auto const until = std::chrono::steady_clock::now() + bound;
        for (;;) {
            char buf[2048];
            int const n = SSL_read(ssl_.get(), buf, sizeof buf);
            flush();
            if (n > 0) return std::string(buf, std::size_t(n));
            if (SSL_get_error(ssl_.get(), n) != SSL_ERROR_WANT_READ) return std::nullopt;
            if (!pump(until)) return std::nullopt;
        }
    }

    void shutdown()
    {
        (void)SSL_shutdown(ssl_.get());
        flush();
    }

    [[nodiscard]] std::string server_fingerprint() const
    {
        std::unique_ptr<X509, x509_deleter> c{SSL_get1_peer_certificate(ssl_.get())};
        return ws::sha256_fingerprint(c.get());
    }

    /// The last datagram flush() sent.
    std::vector<std::byte> last_sent;
    udp_client udp_;

private:
    void flush()
    {
        char buf[4096];
        std::vector<std::byte> d;
        for (int n; (n = BIO_read(out_, buf, sizeof buf)) > 0;) {
            auto const* p = reinterpret_cast<std::byte const*>(buf);
            d.insert(d.end(), p, p + n);
        }
        if (d.empty()) return;
        udp_.send(d);
        last_sent = std::move(d);
    }

    std::unique_ptr<SSL, ssl_deleter> ssl_;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
};

} // namespace test_support
