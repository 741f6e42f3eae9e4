#pragma once
// Helpers for the sdp/ tests: golden files from tests/data/sdp and fixed answer parameters.

#include <sdp/bfcp.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

namespace sdp_test {

/// Whole file tests/data/sdp/<name>, bytes unchanged (the files are CRLF).
inline std::string read_data(std::string_view name)
{
    std::string const path = std::string(FLOORCTL_TEST_DATA_DIR) + "/sdp/" + std::string(name);
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `text` with every "\n" turned into "\r\n" (tests write SDP with plain newlines).
inline std::string crlf(std::string_view text)
{
    std::string out;
    for (char const c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

/// The server used throughout: a public host name, wss on 443, ws on 8080, TCP 5070, TLS 5071,
/// UDP 5072 (IPv6: 5074), DTLS 5073, and a (short, well-formed) certificate fingerprint.
/// The session part of every answer and offer server_params() makes (o= from its session id
/// and version, c= its host name).
inline std::string const server_head = "v=0\n"
                                       "o=floorctl 1000 1 IN IP4 bfcp.example.com\n"
                                       "s=-\n"
                                       "c=IN IP4 bfcp.example.com\n"
                                       "t=0 0\n";

/// The floor control server's lines that close every BFCP m-line server_params() answers or
/// offers (RFC 8856 §5): `s-only`, its conference 4321 and user 1234, its two floors with their
/// mstrm labels 10 and 11, and `a=bfcpver:<versions>`.
inline std::string server_floors(std::string_view versions = "1")
{
    return "a=floorctrl:s-only\n"
           "a=confid:4321\n"
           "a=userid:1234\n"
           "a=floorid:1 mstrm:10\n"
           "a=floorid:2 mstrm:11\n"
           "a=bfcpver:" +
           std::string(versions) + "\n";
}

inline sdp::answer_params server_params()
{
    sdp::answer_params p;
    p.username = "floorctl";
    p.session_id = 1000;
    p.session_version = 1;
    p.address = "bfcp.example.com";
    p.conference = floorctl::conference_id{4321};
    p.user = floorctl::user_id{1234};
    p.floors = {{floorctl::floor_id{1}, "10", ""}, {floorctl::floor_id{2}, "11", ""}};
    p.wss = {"bfcp.example.com", 443, "/bfcp"};
    p.ws = {"bfcp.example.com", 8080, "/bfcp"};
    p.tcp = {"192.0.2.10", 5070};
    p.tls = {"192.0.2.10", 5071};
    p.udp = {{"192.0.2.10", 5072}, {"2001:db8::10", 5074}};
    p.dtls = {{"192.0.2.10", 5073}};
    p.tls_fingerprint = "SHA-256 AA:BB:CC";
    p.token = "tok-3170449312";
    p.tls_id = "floorctl-tls-id-0001"; // RFC 8842 §4: 20 characters at least
    return p;
}

} // namespace sdp_test
