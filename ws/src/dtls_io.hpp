#pragma once
// The OpenSSL plumbing of ws::datagram_listener's DTLS peers: an SSL object whose input is a
// memory BIO (one received datagram is written in, then read by the record layer) and whose
// output is a sink BIO keeping every record OpenSSL writes as a datagram of its own (a memory
// BIO would run them together; handshake records are cut to the MTU, so one record per
// datagram never exceeds it). And the RFC 7983 §7 test telling a DTLS record from a BFCP
// message at a DTLS port. Strand-confined like the listener.

#include <boost/container/small_vector.hpp>

#include "openssl_error.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ws::detail {

/// Datagrams OpenSSL wrote and the listener has not sent yet.
using datagram_batch = std::vector<std::vector<std::byte>>;

struct ssl_deleter {
    void operator()(SSL* p) const noexcept { SSL_free(p); }
};
using ssl_ptr = std::unique_ptr<SSL, ssl_deleter>;

inline int sink_write(BIO* b, char const* data, int len)
{
    auto* out = static_cast<datagram_batch*>(BIO_get_data(b));
    if (out == nullptr || len < 0) return -1;
    auto const* p = reinterpret_cast<std::byte const*>(data);
    out->emplace_back(p, p + len);
    return len;
}

inline long sink_ctrl(BIO*, int cmd, long, void*)
{
    return cmd == BIO_CTRL_FLUSH ? 1 : 0; // no MTU query, no peer address, nothing pending
}

inline int sink_create(BIO* b)
{
    BIO_set_init(b, 1);
    return 1;
}

/// The sink BIO's method table (made once, kept for the life of the process).
inline BIO_METHOD const* sink_method()
{
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "datagram sink");
        BIO_meth_set_write(m, sink_write);
        BIO_meth_set_ctrl(m, sink_ctrl);
        BIO_meth_set_create(m, sink_create);
        return m;
    }();
    return method;
}

/// A server-side DTLS SSL object of `ctx` reading from a memory BIO and writing to `out`,
/// records limited to `mtu` octets. Null when OpenSSL fails (out of memory).
inline ssl_ptr make_dtls_ssl(SSL_CTX* ctx, datagram_batch& out, std::size_t mtu)
{
    ssl_ptr ssl{SSL_new(ctx)};
    if (!ssl) return nullptr;
    BIO* in = BIO_new(BIO_s_mem());
    BIO* sink = BIO_new(sink_method());
    if (in == nullptr || sink == nullptr) {
        BIO_free(in);
        BIO_free(sink);
        return nullptr;
    }
    BIO_set_mem_eof_return(in, -1); // empty: "retry", not end of stream
    BIO_set_data(sink, &out);
    SSL_set_bio(ssl.get(), in, sink);
    SSL_set_options(ssl.get(), SSL_OP_NO_QUERY_MTU);
    SSL_set_mtu(ssl.get(), static_cast<long>(mtu));
    SSL_set_accept_state(ssl.get());
    return ssl;
}

/// Hands one received datagram to `ssl`'s input, dropping whatever an earlier one left there.
inline void feed(SSL* ssl, std::span<std::byte const> datagram)
{
    BIO* in = SSL_get_rbio(ssl);
    (void)BIO_reset(in);
    BIO_write(in, datagram.data(), static_cast<int>(datagram.size()));
}

/// RFC 7983 §7: a first octet of 20-63 is a DTLS record; DTLS's version follows (0xFE..).
/// BFCP version 1 messages start with 0x20-0x3F too, but their second octet is a primitive.
[[nodiscard]] inline bool is_dtls_record(std::span<std::byte const> d) noexcept
{
    auto const type = std::to_integer<unsigned>(d[0]);
    return d.size() >= 13 && type >= 20 && type <= 63 && std::to_integer<unsigned>(d[1]) == 0xFE;
}

/// A BFCP common header's version bits (the first octet's top three) are 1 or 2 and the 12
/// octets of the header are there (RFC 8855 §5.1).
[[nodiscard]] inline bool is_bfcp_message(std::span<std::byte const> d) noexcept
{
    auto const version = std::to_integer<unsigned>(d[0]) >> 5;
    return d.size() >= 12 && (version == 1 || version == 2);
}

} // namespace ws::detail
