#include <ws/fingerprint.hpp>

#include <openssl/evp.h>

namespace ws {

std::string sha256_fingerprint(X509 const* certificate)
{
    if (certificate == nullptr) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(certificate, EVP_sha256(), md, &n) != 1) return {};
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(n * 3);
    for (unsigned int i = 0; i < n; ++i) {
        if (i != 0) out += ':';
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0x0F];
    }
    return out;
}

} // namespace ws
