#pragma once
/// @file fingerprint.hpp
/// Certificate fingerprints (RFC 8122 §5) for both secure BFCP transports: SDP answers name our
/// TLS/DTLS certificate by it (RFC 8856 §8, RFC 8842), and a DTLS client is recognised by its
/// certificate's fingerprint matching the one its offer gave.

#include <openssl/x509.h>

#include <string>

namespace ws {

/// The SHA-256 fingerprint of `certificate`'s DER encoding in RFC 8122 §5 form: the 32 octets in
/// upper-case hex separated by colons ("AB:01:..."), 95 characters, without the hash name (SDP's
/// a=fingerprint writes "SHA-256 " before it). Empty for a null certificate or when OpenSSL
/// cannot digest it.
/// @par Thread Safety
/// Safe to call from any thread while no other thread changes `certificate`.
[[nodiscard]] std::string sha256_fingerprint(X509 const* certificate);

} // namespace ws
