#include "openssl_error.hpp"

#include <ws/dtls.hpp>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>

namespace ws {

using detail::throw_openssl;

namespace {

// The source of the ClientHello being looked at: SSL_set_app_data() of the SSL object points to
// its "address:port" text (ws/src/datagram_listener.cpp sets it before every call).
std::string_view source_of(SSL* ssl)
{
    auto const* s = static_cast<std::string const*>(SSL_get_app_data(ssl));
    return s == nullptr ? std::string_view{} : std::string_view{*s};
}

dtls_context const* context_of(SSL* ssl)
{
    return static_cast<dtls_context const*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

int generate_cookie(SSL* ssl, unsigned char* out, unsigned int* len)
{
    auto const* ctx = context_of(ssl);
    if (ctx == nullptr) return 0;
    auto const c = ctx->cookie(source_of(ssl));
    std::copy(c.begin(), c.end(), out); // DTLS1_COOKIE_LENGTH (255) leaves room
    *len = static_cast<unsigned int>(c.size());
    return 1;
}

int verify_cookie(SSL* ssl, unsigned char const* cookie, unsigned int len)
{
    auto const* ctx = context_of(ssl);
    if (ctx == nullptr) return 0;
    auto const expected = ctx->cookie(source_of(ssl));
    return len == expected.size() && CRYPTO_memcmp(cookie, expected.data(), len) == 0 ? 1 : 0;
}

// The issuer of a peer's certificate is not checked: the app compares its fingerprint with the
// one the SDP offer gave (RFC 8122 §5; self-signed certificates are the rule).
int accept_any_certificate(int, X509_STORE_CTX*)
{
    return 1;
}

struct bio_deleter {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

} // namespace

std::shared_ptr<dtls_context> dtls_context::create(pem_pair const& pem,
                                                   bool require_client_certificate)
{
    std::shared_ptr<dtls_context> self(new dtls_context());
    self->ctx_ = SSL_CTX_new(DTLS_server_method());
    if (self->ctx_ == nullptr) throw_openssl("SSL_CTX_new(DTLS_server_method)");
    SSL_CTX* ctx = self->ctx_;
    if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1)
        throw_openssl("SSL_CTX_set_min_proto_version(DTLS 1.2)");
    apply_cipher_policy(ctx);

    std::unique_ptr<BIO, bio_deleter> certs{
        BIO_new_mem_buf(pem.certificate_pem.data(), static_cast<int>(pem.certificate_pem.size()))};
    std::unique_ptr<X509, x509_deleter> leaf{
        PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)};
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) throw_openssl("DTLS certificate");
    while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            throw_openssl("DTLS certificate chain");
        }
    }
    ERR_clear_error(); // the end of the PEM text reads as an error
    std::unique_ptr<BIO, bio_deleter> keys{
        BIO_new_mem_buf(pem.private_key_pem.data(), static_cast<int>(pem.private_key_pem.size()))};
    std::unique_ptr<EVP_PKEY, pkey_deleter> key{
        PEM_read_bio_PrivateKey(keys.get(), nullptr, nullptr, nullptr)};
    if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) throw_openssl("DTLS private key");
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw_openssl("DTLS private key does not match the certificate");
    self->fingerprint_ = sha256_fingerprint(leaf.get());

    SSL_CTX_set_verify(
        ctx, SSL_VERIFY_PEER | (require_client_certificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
        accept_any_certificate);
    // RFC 6347 §4.2.1: HelloVerifyRequest with a stateless cookie before any per-peer state.
    SSL_CTX_set_options(ctx, SSL_OP_COOKIE_EXCHANGE);
    SSL_CTX_set_cookie_generate_cb(ctx, generate_cookie);
    SSL_CTX_set_cookie_verify_cb(ctx, verify_cookie);
    SSL_CTX_set_app_data(ctx, self.get());
    if (RAND_bytes(self->secret_.data(), static_cast<int>(self->secret_.size())) != 1)
        throw_openssl("RAND_bytes");
    return self;
}

dtls_context::~dtls_context()
{
    SSL_CTX_free(ctx_);
}

std::array<unsigned char, 32> dtls_context::cookie(std::string_view source) const
{
    std::array<unsigned char, 32> out{};
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<unsigned char const*>(source.data()), source.size(), out.data(), &n);
    return out;
}

} // namespace ws
