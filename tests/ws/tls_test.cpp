// The self-signed certificate maker, the RFC 9325 context builders and the certificate
// fingerprint of both secure transports.
#include <ws/fingerprint.hpp>
#include <ws/tls.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

TEST(Tls, SelfSignedCertificateIsPemAndLoadsIntoAServerContext)
{
    auto const pem = ws::make_self_signed();
    EXPECT_EQ(pem.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_NE(pem.private_key_pem.find("PRIVATE KEY-----"), std::string::npos);
    auto ctx = ws::make_server_context(pem);
    ASSERT_TRUE(ctx);
    X509* cert = SSL_CTX_get0_certificate(ctx->native_handle());
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
    EXPECT_NE(X509_check_host(cert, "example.com", 0, 0, nullptr), 1);
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ASSERT_NE(key, nullptr);
    EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
}

TEST(Tls, TwoSelfSignedCertificatesDiffer)
{
    EXPECT_NE(ws::make_self_signed().certificate_pem, ws::make_self_signed().certificate_pem);
}

TEST(Tls, ServerContextRefusesTls11)
{
    auto ctx = ws::make_server_context(ws::make_self_signed());
    EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->native_handle()), TLS1_2_VERSION);
}

TEST(Tls, MismatchedKeyIsRefused)
{
    auto const a = ws::make_self_signed();
    auto const b = ws::make_self_signed();
    EXPECT_THROW((void)ws::make_server_context(ws::pem_pair{a.certificate_pem, b.private_key_pem}),
                 std::runtime_error);
}

TEST(Tls, GarbagePemIsRefused)
{
    EXPECT_THROW((void)ws::make_server_context(ws::pem_pair{"not a cert", "not a key"}),
                 std::runtime_error);
    EXPECT_THROW((void)ws::make_client_context("not a CA"), std::runtime_error);
}

TEST(Tls, ContextFromFiles)
{
    auto const pem = ws::make_self_signed();
    auto const dir = std::filesystem::temp_directory_path();
    auto const cert = dir / ("ws_tls_test_cert_" + std::to_string(::getpid()) + ".pem");
    auto const key = dir / ("ws_tls_test_key_" + std::to_string(::getpid()) + ".pem");
    std::ofstream(cert) << pem.certificate_pem;
    std::ofstream(key) << pem.private_key_pem;
    EXPECT_NO_THROW((void)ws::make_server_context(cert, key));
    EXPECT_THROW((void)ws::make_server_context(cert, dir / "does-not-exist.pem"),
                 std::runtime_error);
    std::filesystem::remove(cert);
    std::filesystem::remove(key);
}

// RFC 8122 §5: the SHA-256 digest of the certificate's DER form, upper-case hex octets joined by
// colons. The oracle digests the DER itself and formats it another way.
TEST(Tls, Sha256FingerprintIsTheDigestOfTheDerInRfc8122Form)
{
    auto ctx = ws::make_server_context(ws::make_self_signed());
    X509 const* cert = SSL_CTX_get0_certificate(ctx->native_handle());
    ASSERT_NE(cert, nullptr);

    unsigned char* der = nullptr;
    int const der_size = i2d_X509(cert, &der);
    ASSERT_GT(der_size, 0);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_size = 0;
    ASSERT_EQ(
        EVP_Digest(der, static_cast<std::size_t>(der_size), md, &md_size, EVP_sha256(), nullptr),
        1);
    OPENSSL_free(der);
    ASSERT_EQ(md_size, 32u);
    std::string expected;
    for (unsigned int i = 0; i < md_size; ++i) {
        char octet[4];
        std::snprintf(octet, sizeof octet, "%s%02X", i == 0 ? "" : ":", md[i]);
        expected += octet;
    }

    EXPECT_EQ(ws::sha256_fingerprint(cert), expected);
    EXPECT_EQ(ws::sha256_fingerprint(cert).size(), 95u); // "XX" and 31 ":XX"
    EXPECT_EQ(ws::sha256_fingerprint(nullptr), "");
}

} // namespace
