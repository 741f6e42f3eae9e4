#pragma once
/// @file tls.hpp
/// TLS contexts for WSS (and for the TCP/TLS/BFCP listener): RFC 9325 policy, PEM loading, and a
/// self-signed certificate generator for the embedded default configuration.
/// Startup code: every function here throws std::runtime_error (with OpenSSL's reason) on failure.

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ws {

/// A certificate chain and its private key, both PEM text.
struct pem_pair {
    std::string certificate_pem; ///< leaf first, then intermediates
    std::string private_key_pem; ///< PKCS#8 or traditional PEM, unencrypted
};

/// Parameters of make_self_signed().
struct self_signed_options {
    std::string common_name = "localhost";                      ///< subject CN
    std::vector<std::string> dns_names = {"localhost"};         ///< subjectAltName DNS entries
    std::vector<std::string> ip_addresses = {"127.0.0.1"};      ///< subjectAltName IP entries
    std::chrono::hours validity = std::chrono::hours{24 * 365}; ///< notAfter - notBefore
};

/// Makes a fresh EC P-256 key and a self-signed X.509 v3 certificate (SHA-256, serverAuth,
/// subjectAltName from `opts`), valid from now for `opts.validity`. For the embedded default
/// and for tests; never for production.
/// @throws std::runtime_error when OpenSSL fails.
/// @par Thread Safety
/// Safe to call from any thread.
[[nodiscard]] pem_pair make_self_signed(self_signed_options const& opts = {});

/// Applies the RFC 9325 policy to `ctx`: TLS 1.2 minimum (no SSLv3, TLS 1.0, 1.1), TLS 1.2
/// cipher suites limited to ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305),
/// TLS 1.3 suites left at OpenSSL's defaults, compression and renegotiation off, server cipher
/// preference, record buffers released while idle (SSL_MODE_RELEASE_BUFFERS). Shared by the WSS
/// listener and the TCP/TLS/BFCP listener.
/// @throws std::runtime_error when OpenSSL rejects the cipher list.
void apply_modern_policy(boost::asio::ssl::context& ctx);

/// The version-independent part of apply_modern_policy(), shared with the DTLS context
/// (ws::dtls_context): the TLS 1.2 / DTLS 1.2 cipher list, key exchange groups, compression and
/// renegotiation off, server cipher preference, record buffers released while idle.
/// @throws std::runtime_error when OpenSSL rejects the cipher list.
void apply_cipher_policy(SSL_CTX* ctx);

/// Reads a certificate chain file and its private key file (PEM).
/// @throws std::runtime_error when a file cannot be read.
[[nodiscard]] pem_pair load_pem_pair(std::filesystem::path const& certificate_file,
                                     std::filesystem::path const& private_key_file);

/// A server context holding `pem` (chain + key, checked to match) with apply_modern_policy().
/// @throws std::runtime_error on unreadable PEM or a key that does not match the certificate.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_server_context(pem_pair const& pem);

/// As make_server_context(pem_pair), reading both PEM files.
/// @throws std::runtime_error when a file cannot be read or is invalid.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context>
make_server_context(std::filesystem::path const& certificate_file,
                    std::filesystem::path const& private_key_file);

/// A client context for tests, tools and the load generator: apply_modern_policy(), and peer
/// verification against `trusted_ca_pem` when non-empty (else verification is off).
/// @throws std::runtime_error on invalid PEM.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context>
make_client_context(std::string const& trusted_ca_pem = {});

} // namespace ws
