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
