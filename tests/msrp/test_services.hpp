#pragma once
// The relay's services for tests: MD5 from OpenSSL (as the adapter will compute it), tokens from
// a counter (tok00001, tok00002, …) so that expected bytes can be written down, and a password
// table.

#include <msrp/relay.hpp>

#include <openssl/evp.h>

#include <cstdio>
#include <map>
#include <string>

namespace msrp_test {

class test_services final : public msrp::relay_services {
public:
    std::string md5_hex(std::string_view data) const override
    {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
        std::string out;
        char buf[3];
        for (unsigned int i = 0; i < n; ++i) {
            std::snprintf(buf, sizeof buf, "%02x", md[i]);
            out += buf;
        }
        return out;
    }
    std::string random_token() override
    {
        char buf[16];
        std::snprintf(buf, sizeof buf, "tok%05d", ++tokens);
        return buf;
    }
    std::optional<std::string> password(std::string_view username, std::string_view) override
    {
        auto const it = passwords.find(std::string(username));
        if (it == passwords.end()) return std::nullopt;
        return it->second;
    }

    int tokens = 0;
    std::map<std::string, std::string> passwords{{"alice", "secret"}};
};

} // namespace msrp_test
