#pragma once
/// @file log.hpp
/// Structured log lines for the whole binary: `key=value` text or one JSON object per line,
/// each record optionally carrying the connection, conference and user it concerns.

#include "config.hpp"

#include <floorctl/types.hpp>

#include <sip/agent.hpp>
#include <ws/log.hpp>

#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floorctl::app {

/// Fields attached to one record. Absent ids are left out of the line.
struct log_context {
    std::optional<connection_id> conn = std::nullopt;
    std::optional<conference_id> conference = std::nullopt;
    std::optional<user_id> user = std::nullopt;
    /// Further key/value pairs, in order ("remote", "127.0.0.1:5000").
    std::vector<std::pair<std::string_view, std::string>> extra = {};
};

/// Writes log records to a FILE (stderr by default), one line each.
/// @par Thread Safety
/// All member functions are thread-safe; a mutex keeps lines whole. Level and format are set
/// before the io threads start (configure() is not meant to race with write()).
class logger {
public:
    explicit logger(std::FILE* out = stderr) noexcept : out_(out) {}

    /// Sets level and format.
    void configure(log_level level, log_format format) noexcept
    {
        level_ = level;
        format_ = format;
    }

    [[nodiscard]] bool enabled(log_level l) const noexcept
    {
        return l >= level_ && level_ != log_level::off;
    }

    /// Writes one record if `l` is enabled.
    void write(log_level l, std::string_view message, log_context const& ctx = {});

    /// The line write() would produce (no trailing newline); for tests.
    [[nodiscard]] std::string format(log_level l, std::string_view message,
                                     log_context const& ctx) const;

    /// The process-wide logger used by main and the core host.
    static logger& global() noexcept;

private:
    std::FILE* out_;
    log_level level_ = log_level::info;
    log_format format_ = log_format::text;
    std::mutex mutex_; // serialises fwrite so lines never interleave
};

/// Shorthands on logger::global().
inline void log_info(std::string_view m, log_context const& c = {})
{
    logger::global().write(log_level::info, m, c);
}
inline void log_warn(std::string_view m, log_context const& c = {})
{
    logger::global().write(log_level::warn, m, c);
}
inline void log_error(std::string_view m, log_context const& c = {})
{
    logger::global().write(log_level::error, m, c);
}
inline void log_debug(std::string_view m, log_context const& c = {})
{
    logger::global().write(log_level::debug, m, c);
}

/// floorctl's level of an adapter's log record. ws/ and sip/ keep their own small vocabulary
/// (they do not depend on app/); this is the one place it is mapped.
[[nodiscard]] log_level to_log_level(ws::log_level l) noexcept;
[[nodiscard]] log_level to_log_level(sip::log_level l) noexcept;

/// ws/'s records into logger::global(): connection, conference, user and remote as fields.
[[nodiscard]] ws::log_sink ws_log_sink();

/// sip/'s records (sofia's and the agent's) into logger::global(), with component=sip.
[[nodiscard]] std::function<void(sip::log_level, std::string_view)> sip_log_sink();

} // namespace floorctl::app
