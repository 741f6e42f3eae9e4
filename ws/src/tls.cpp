#include "openssl_error.hpp"

#include <ws/tls.hpp>

#include <boost/asio/buffer.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ws {

namespace ssl = boost::asio::ssl;

namespace {

using detail::throw_openssl;

struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct bio_deleter {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

void add_extension(X509* cert, int nid, std::string const& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) throw_openssl("X509V3_EXT_conf_nid(" + value + ")");
    int const ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) throw_openssl("X509_add_ext");
}

std::string bio_to_string(BIO* bio)
{
    char* data = nullptr;
    long const len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string read_file(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// RFC 9325 §4.2: TLS 1.2 only with ECDHE and AEAD. Listed explicitly so a distribution default
// of the day cannot widen it. TLS 1.3 suites (all AEAD) stay at OpenSSL's defaults.
constexpr char const* tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                      "ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:"
                                      "ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:"
                                      "ECDHE-RSA-CHACHA20-POLY1305";

} // namespace

pem_pair make_self_signed(self_signed_options const& opts)
{
    pkey_ptr key{EVP_EC_gen("P-256")};
    if (!key) throw_openssl("EVP_EC_gen(P-256)");
    x509_ptr cert{X509_new()};
    if (!cert) throw_openssl("X509_new");

    X509_set_version(cert.get(), 2); // v3: extensions below
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) throw_openssl("RAND_bytes");
    serial[0] &= 0x7f; // RFC 5280 §4.1.2.2: positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    if (bn == nullptr || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) == nullptr) {
        BN_free(bn);
        throw_openssl("serial");
    }
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60); // tolerate small clock skew
    X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                    static_cast<long>(std::chrono::seconds{opts.validity}.count()));
    if (X509_set_pubkey(cert.get(), key.get()) != 1) throw_openssl("X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<unsigned char const*>(opts.common_name.c_str()), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), name);

    std::string san;
    for (auto const& d : opts.dns_names)
        san += (san.empty() ? "" : ",") + std::string{"DNS:"} + d;
    for (auto const& ip : opts.ip_addresses)
        san += (san.empty() ? "" : ",") + std::string{"IP:"} + ip;
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    if (!san.empty()) add_extension(cert.get(), NID_subject_alt_name, san);

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw_openssl("X509_sign");

    pem_pair out;
    {
        bio_ptr bio{BIO_new(BIO_s_mem())};
        if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1)
            throw_openssl("PEM_write_bio_X509");
        out.certificate_pem = bio_to_string(bio.get());
    }
    {
        bio_ptr bio{BIO_new(BIO_s_mem())};
        if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                             nullptr) != 1)
            throw_openssl("PEM_write_bio_PrivateKey");
        out.private_key_pem = bio_to_string(bio.get());
    }
    return out;
}

void apply_modern_policy(ssl::context& ctx)
{
    SSL_CTX* native = ctx.native_handle();
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use | ssl::context::no_compression);
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
        throw_openssl("SSL_CTX_set_min_proto_version");
    apply_cipher_policy(native);
}

void apply_cipher_policy(SSL_CTX* native)
{
    // RFC 9325 §4.2: ephemeral ECDH only; renegotiation is an attack surface we never need.
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_NO_COMPRESSION | SSL_OP_SINGLE_ECDH_USE);
    // An idle BFCP connection spends most of its life between messages: let OpenSSL free its
    // ~34 KB of record buffers while nothing is pending (docs/performance.md, idle memory).
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1)
        throw_openssl("SSL_CTX_set_cipher_list");
    if (SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384") != 1)
        throw_openssl("SSL_CTX_set1_groups_list");
}

pem_pair load_pem_pair(std::filesystem::path const& certificate_file,
                       std::filesystem::path const& private_key_file)
{
    return pem_pair{read_file(certificate_file), read_file(private_key_file)};
}

std::shared_ptr<ssl::context> make_server_context(pem_pair const& pem)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    apply_modern_policy(*ctx);
    boost::system::error_code ec;
    ctx->use_certificate_chain(boost::asio::buffer(pem.certificate_pem), ec);
    if (ec) throw std::runtime_error("TLS certificate: " + ec.message());
    ctx->use_private_key(boost::asio::buffer(pem.private_key_pem), ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS private key: " + ec.message());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw_openssl("TLS private key does not match the certificate");
    return ctx;
}

std::shared_ptr<ssl::context> make_server_context(std::filesystem::path const& certificate_file,
                                                  std::filesystem::path const& private_key_file)
{
    return make_server_context(load_pem_pair(certificate_file, private_key_file));
}

std::shared_ptr<ssl::context> make_client_context(std::string const& trusted_ca_pem)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    apply_modern_policy(*ctx);
    if (trusted_ca_pem.empty()) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    boost::system::error_code ec;
    ctx->add_certificate_authority(boost::asio::buffer(trusted_ca_pem), ec);
    if (ec) throw std::runtime_error("TLS trusted CA: " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

} // namespace ws
