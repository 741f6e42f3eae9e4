#include "turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace floorctl::app {

turn_credentials make_turn_credentials(std::string_view secret, std::string_view user,
                                       std::int64_t now, std::chrono::seconds ttl)
{
    turn_credentials out;
    out.expires_at = now + ttl.count();
    out.username = std::to_string(out.expires_at) + ":" + std::string(user);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_size = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<unsigned char const*>(out.username.data()), out.username.size(),
         mac.data(), &mac_size);
    std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
    auto const n = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_size));
    out.credential.assign(reinterpret_cast<char const*>(text.data()), static_cast<std::size_t>(n));
    return out;
}

} // namespace floorctl::app
