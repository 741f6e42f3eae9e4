#include "libre_dtls_carrier.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

// libre's headers last: re_types.h defines macros that break C++ standard headers after it.
#include <re.h>

namespace interop {

namespace {

/// Layers on the BFCP socket: the carrier below libre's DTLS socket.
constexpr int carrier_layer = 10;
constexpr int dtls_layer = 20;

/// RFC 7983 §7: a first octet of 20..63 is a DTLS record.
bool is_dtls_record(mbuf const* mb)
{
    if (mbuf_get_left(mb) < 1) return false;
    auto const b = mb->buf[mb->pos];
    return b >= 20 && b <= 63;
}

} // namespace

std::string hex_fingerprint(std::uint8_t const* md, std::size_t n)
{
    std::string out;
    char part[4];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(part, sizeof part, i == 0 ? "%02X" : ":%02X", md[i]);
        out += part;
    }
    return out;
}

libre_dtls_carrier::libre_dtls_carrier(bfcp_conn* bc, tls* context, int& err) : tls_(context)
{
    auto* us = static_cast<udp_sock*>(bfcp_sock(bc));
    err = dtls_listen(&dtls_, nullptr, us, 4, dtls_layer, nullptr, nullptr);
    if (err == 0)
        err = udp_register_helper(&helper_, us, carrier_layer, &on_send, &on_receive, this);
}

libre_dtls_carrier::~libre_dtls_carrier()
{
    mem_deref(conn_);
    mem_deref(helper_);
    mem_deref(dtls_);
}

int libre_dtls_carrier::connect(sa const& server, established_handler on_established, void* arg)
{
    on_established_ = on_established;
    arg_ = arg;
    return dtls_connect(&conn_, tls_, dtls_, &server, &on_dtls_established, &on_dtls_data,
                        &on_dtls_closed, this);
}

std::string libre_dtls_carrier::peer_fingerprint() const
{
    std::uint8_t md[32];
    if (conn_ == nullptr || tls_peer_fingerprint(conn_, TLS_FINGERPRINT_SHA256, md, sizeof md))
        return {};
    return hex_fingerprint(md, sizeof md);
}

bool libre_dtls_carrier::on_send(int* err, sa* dst, mbuf* mb, void* arg)
{
    (void)dst;
    auto* self = static_cast<libre_dtls_carrier*>(arg);
    if (is_dtls_record(mb)) return false; // the DTLS socket's own output: to the wire
    // BFCP from the connection above: into the DTLS connection (never in the clear).
    *err = self->up_ ? dtls_send(self->conn_, mb) : ENOTCONN;
    return true;
}

bool libre_dtls_carrier::on_receive(sa* src, mbuf* mb, void* arg)
{
    auto* self = static_cast<libre_dtls_carrier*>(arg);
    if (!is_dtls_record(mb)) return true; // cleartext from the network: not ours to pass on
    self->got_plaintext_ = false;
    dtls_recv_packet(self->dtls_, src, mb);
    if (!self->got_plaintext_) return true; // handshake, alert, or nothing readable
    // Hand the plaintext on to the layers above and the BFCP connection.
    mbuf_rewind(mb);
    (void)mbuf_write_mem(mb, self->plaintext_.data(), self->plaintext_.size());
    mbuf_set_pos(mb, 0);
    return false;
}

void libre_dtls_carrier::on_dtls_established(void* arg)
{
    auto* self = static_cast<libre_dtls_carrier*>(arg);
    self->up_ = true;
    if (self->on_established_) self->on_established_(true, 0, self->arg_);
}

void libre_dtls_carrier::on_dtls_data(mbuf* mb, void* arg)
{
    auto* self = static_cast<libre_dtls_carrier*>(arg);
    auto const* p = mbuf_buf(mb);
    self->plaintext_.assign(p, p + mbuf_get_left(mb));
    self->got_plaintext_ = true;
}

void libre_dtls_carrier::on_dtls_closed(int err, void* arg)
{
    auto* self = static_cast<libre_dtls_carrier*>(arg);
    bool const was_up = self->up_;
    self->up_ = false;
    if (!was_up && self->on_established_) self->on_established_(false, err, self->arg_);
}

} // namespace interop
