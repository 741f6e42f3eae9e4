#pragma once
/// @file log.hpp
/// The logging hook of ws/: one std::function sink. ws/ never formats output itself; the app
/// turns (level, message, fields) into its structured text or JSON lines.

#include <floorctl/types.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ws {

/// Severity of a log record.
enum class log_level : std::uint8_t {
    debug,   ///< per-message detail (off in production)
    info,    ///< connection opened/closed, listener started
    warning, ///< a peer broke a rule: handshake rejected, limit exceeded, protocol violation
    error,   ///< a local failure: accept error, TLS context problem
};

/// Key-value fields attached to a record. Absent values are std::nullopt / empty.
struct log_fields {
    std::optional<floorctl::connection_id> conn;       ///< the connection, when there is one
    std::optional<floorctl::conference_id> conference; ///< bound conference (after upgrade)
    std::optional<floorctl::user_id> user;             ///< bound user (after upgrade)
    std::string_view remote;                           ///< "address:port" of the peer, or empty
    /// "address:port" of our own socket (a listener's bound address), or empty: never the
    /// peer's, so that a reader does not take one for the other.
    std::string_view local;
};

/// Receives every log record of ws/.
/// @par Thread Safety
/// Called concurrently from any io_context thread (each connection logs from its own strand):
/// the sink must be thread-safe. The string_views are valid only for the duration of the call.
/// An empty sink discards everything.
using log_sink = std::function<void(log_level, std::string_view message, log_fields const&)>;

/// Hands one record about connection `conn` (if any) with peer `remote` to `sink` (if set).
inline void write_log(log_sink const& sink, log_level level, std::string_view message,
                      std::optional<floorctl::connection_id> conn, std::string_view remote)
{
    if (!sink) return;
    log_fields f;
    f.conn = conn;
    f.remote = remote;
    sink(level, message, f);
}

/// "address:port" as log_fields::remote carries it, the address in brackets for IPv6.
[[nodiscard]] inline std::string remote_text(std::string_view address, std::uint16_t port)
{
    std::string out;
    bool const v6 = address.find(':') != std::string_view::npos;
    out.reserve(address.size() + 8);
    if (v6) out += '[';
    out += address;
    if (v6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

} // namespace ws
