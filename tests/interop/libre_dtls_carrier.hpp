#pragma once
/// @file libre_dtls_carrier.hpp
/// Carries the datagrams of a libre `bfcp_conn` (libre's BFCP has UDP only: `bfcp_listen` with
/// BFCP_DTLS answers ENOSYS) inside a libre DTLS client connection on the same UDP socket, so
/// that libre's own transactions, retransmissions and reply cache run over UDP/TLS/BFCP.
///
/// Two layers on the socket (`udp_register_helper`; libre calls their receive handlers lowest
/// layer first and their send handlers highest first): libre's DTLS socket, and below it this
/// carrier. Receiving, the carrier hands every DTLS record to the DTLS socket and, when that
/// yields application data, replaces the datagram with the plaintext, which then reaches the
/// BFCP connection. Sending, a datagram that is not a DTLS record (RFC 7983: BFCP version 2
/// starts at octet 0x40) is written into the DTLS connection; DTLS records pass through to the
/// socket.

#include <cstdint>
#include <string>
#include <vector>

struct bfcp_conn;
struct dtls_sock;
struct mbuf;
struct sa;
struct tls;
struct tls_conn;
struct udp_helper;

namespace interop {

class libre_dtls_carrier {
public:
    /// Called once when the handshake completes (true) or fails (false, with libre's errno).
    using established_handler = void (*)(bool ok, int err, void* arg);

    /// Takes over the datagrams of `bc`'s socket; `tls` holds our certificate. libre errno in
    /// `err` (0 when both layers were registered).
    libre_dtls_carrier(bfcp_conn* bc, tls* context, int& err);
    ~libre_dtls_carrier();
    libre_dtls_carrier(libre_dtls_carrier const&) = delete;
    libre_dtls_carrier& operator=(libre_dtls_carrier const&) = delete;

    /// Starts the handshake with `server` (we are the DTLS client: the answer says
    /// a=setup:passive). libre errno.
    int connect(sa const& server, established_handler on_established, void* arg);

    /// The SHA-256 fingerprint of the server's certificate, "AB:CD:..." (empty before).
    [[nodiscard]] std::string peer_fingerprint() const;

private:
    static bool on_send(int* err, sa* dst, mbuf* mb, void* arg);
    static bool on_receive(sa* src, mbuf* mb, void* arg);
    static void on_dtls_established(void* arg);
    static void on_dtls_data(mbuf* mb, void* arg);
    static void on_dtls_closed(int err, void* arg);

    tls* tls_ = nullptr;
    dtls_sock* dtls_ = nullptr;
    tls_conn* conn_ = nullptr;
    udp_helper* helper_ = nullptr;
    established_handler on_established_ = nullptr;
    void* arg_ = nullptr;
    bool up_ = false;
    std::vector<std::uint8_t> plaintext_; ///< what the DTLS record being received carried
    bool got_plaintext_ = false;
};

/// "AB:CD:..." for `n` octets (the SDP a=fingerprint form, RFC 8122).
std::string hex_fingerprint(std::uint8_t const* md, std::size_t n);

} // namespace interop
