#pragma once
/// @file dtls.hpp
/// The DTLS 1.2 server context of BFCP over DTLS (RFC 8855 §4, RFC 8842): the certificate the
/// TCP/TLS side uses, the RFC 9325 cipher policy (ws::apply_cipher_policy), client certificates
/// requested and accepted whoever issued them (the app compares their fingerprint with the SDP
/// offer's a=fingerprint, RFC 8122 §5), and the secret of the stateless cookie exchange
/// (RFC 6347 §4.2.1) that keeps a spoofed source from costing more than one HMAC.

#include <ws/fingerprint.hpp>
#include <ws/tls.hpp>

#include <openssl/ssl.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace ws {

/// A DTLS 1.2 server context (DTLS_server_method) for ws::datagram_listener.
/// @par Thread Safety
/// Immutable after create(); shared by every DTLS peer of every listener, from any thread.
class dtls_context {
public:
    /// Holds `pem` (chain + key, checked to match). `require_client_certificate`: a client
    /// without a certificate fails the handshake (BFCP over DTLS identifies the client by its
    /// certificate's fingerprint, RFC 8855 §4); its issuer is never checked.
    /// @throws std::runtime_error on invalid PEM, a key that does not match, or an OpenSSL
    /// failure (startup error).
    [[nodiscard]] static std::shared_ptr<dtls_context>
    create(pem_pair const& pem, bool require_client_certificate = true);

    ~dtls_context();
    dtls_context(dtls_context const&) = delete;
    dtls_context& operator=(dtls_context const&) = delete;

    /// The OpenSSL context (for SSL_new).
    [[nodiscard]] SSL_CTX* native_handle() const noexcept { return ctx_; }

    /// sha256_fingerprint() of our certificate: what the SDP answer's a=fingerprint carries.
    [[nodiscard]] std::string const& fingerprint() const noexcept { return fingerprint_; }

    /// The cookie for a client at `source` ("address:port"): HMAC-SHA-256 of it under this
    /// context's random secret. Stateless: the same source always gets the same cookie for
    /// the life of the process.
    [[nodiscard]] std::array<unsigned char, 32> cookie(std::string_view source) const;

private:
    dtls_context() = default;
    SSL_CTX* ctx_ = nullptr;
    std::string fingerprint_;
    std::array<unsigned char, 32> secret_{};
};

} // namespace ws
