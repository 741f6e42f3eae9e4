#pragma once
// The real `floorctl` binary started on loopback port 0 with a SIP configuration, for the
// end-to-end and interoperability tests that call it: conference 4321 reached as
// sip:demo@127.0.0.1 with floor 1, the WebSocket port and SIP over UDP and TCP, JSON logs; the
// ports it logged are read (bounded). Killed (SIGKILL) if still running at the end.

#include "binary_process.hpp"

#include <cstdint>
#include <regex>
#include <string>

namespace e2e {

/// What the tests change in the binary's configuration (TOML lines, each ending in a newline).
struct server_setup {
    int io_threads = 2;
    std::string websocket;  ///< more [websocket] keys
    std::string after_sip;  ///< more [sip] keys, then further tables such as [[sip.user]], [bfcp]
    std::string conference; ///< more keys of conference 4321
    std::string floor;      ///< more keys of its floor 1
};

/// The WebSocket port and SIP over UDP and TCP on 127.0.0.1 port 0, conference 4321 reached
/// as sip:demo@127.0.0.1 with floor 1, JSON logs; with `s`'s changes.
inline std::string config_text(server_setup const& s)
{
    return "io_threads = " + std::to_string(s.io_threads) +
           "\n[websocket]\nlisten = \"127.0.0.1:0\"\npublic_host = \"localhost\"\n" + s.websocket +
           "[sip]\nudp = [\"127.0.0.1:0\"]\ntcp = [\"127.0.0.1:0\"]\n" + s.after_sip +
           "[[conference]]\nid = 4321\nsip_uris = [\"sip:demo@127.0.0.1\"]\n" + s.conference +
           "[[conference.floor]]\nid = 1\n" + s.floor + "[logging]\nformat = \"json\"\n";
}

/// The binary started with config_text(`setup`) (a temporary file named after `name`, removed
/// at the end), and the WebSocket and SIP ports it logged (0 when it did not).
class running_server : public configured_binary {
public:
    running_server(std::string const& name, server_setup const& setup)
        : configured_binary(name, config_text(setup)),
          ws_port_(port_in(std::regex(R"re("msg":"listening".*"port":"(\d+)")re"))),
          sip_port_(port_in(std::regex(R"re("msg":"SIP listening".*"port":"(\d+)")re")))
    {
    }

    /// Both ports were logged.
    [[nodiscard]] bool ready() const { return ws_port_ != 0 && sip_port_ != 0; }
    [[nodiscard]] std::uint16_t ws_port() const { return ws_port_; }
    [[nodiscard]] std::uint16_t sip_port() const { return sip_port_; }
    [[nodiscard]] std::string const& log() const { return proc().output(); }
    /// Reads its output until a line matches `pattern` (at most `timeout_ms`).
    bool wait_for_log(std::string const& pattern, int timeout_ms = 15000)
    {
        return proc().wait_for_line(std::regex(pattern), timeout_ms).has_value();
    }

private:
    std::uint16_t ws_port_ = 0;
    std::uint16_t sip_port_ = 0;
};

} // namespace e2e
