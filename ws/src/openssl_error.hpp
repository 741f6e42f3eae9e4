#pragma once
// OpenSSL's error queue as text: for startup failures of the TLS and DTLS contexts (thrown) and
// for the log line of a failed DTLS handshake.

#include <openssl/err.h>

#include <stdexcept>
#include <string>

namespace ws::detail {

/// OpenSSL's reasons for the last failure, "; "-separated, emptying the error queue ("" when
/// there are none).
[[nodiscard]] inline std::string openssl_reasons()
{
    std::string out;
    while (unsigned long const e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += out.empty() ? "" : "; ";
        out += buf;
    }
    return out;
}

/// Throws std::runtime_error("what: <OpenSSL's reasons>").
[[noreturn]] inline void throw_openssl(std::string const& what)
{
    auto const why = openssl_reasons();
    throw std::runtime_error(why.empty() ? what : what + ": " + why);
}

} // namespace ws::detail
