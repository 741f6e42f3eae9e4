#include "log.hpp"

#include <chrono>
#include <ctime>

namespace floorctl::app {

namespace {

void json_escape(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (char const ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
            } else {
                out += ch;
            }
        }
    }
}

/// Text values are quoted when they contain a space, a quote or '=' so lines stay parseable.
void text_value(std::string& out, std::string_view s)
{
    bool const quote = s.empty() || s.find_first_of(" \"=\t\n") != std::string_view::npos;
    if (!quote) {
        out += s;
        return;
    }
    out += '"';
    json_escape(out, s);
    out += '"';
}

std::string timestamp()
{
    auto const now = std::chrono::system_clock::now();
    auto const secs = std::chrono::system_clock::to_time_t(now);
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    auto const n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf,
                  static_cast<int>(ms.count()));
    return out;
}

/// The app's level for an adapter's: ws/ and sip/ name the same four levels.
template <class AdapterLevel> log_level app_level(AdapterLevel l) noexcept
{
    switch (l) {
    case AdapterLevel::debug:
        return log_level::debug;
    case AdapterLevel::info:
        return log_level::info;
    case AdapterLevel::warning:
        return log_level::warn;
    case AdapterLevel::error:
        return log_level::error;
    }
    return log_level::error;
}

} // namespace

std::string logger::format(log_level l, std::string_view message, log_context const& ctx) const
{
    std::vector<std::pair<std::string_view, std::string>> fields;
    if (ctx.conn) fields.emplace_back("conn", std::to_string(to_underlying(*ctx.conn)));
    if (ctx.conference) fields.emplace_back("conf", std::to_string(to_underlying(*ctx.conference)));
    if (ctx.user) fields.emplace_back("user", std::to_string(to_underlying(*ctx.user)));
    for (auto const& e : ctx.extra)
        fields.push_back(e);

    std::string line;
    line.reserve(128);
    if (format_ == log_format::json) {
        line += "{\"ts\":\"" + timestamp() + "\",\"level\":\"";
        line += to_string(l);
        line += "\",\"msg\":\"";
        json_escape(line, message);
        line += '"';
        for (auto const& [k, v] : fields) {
            line += ",\"";
            json_escape(line, k);
            line += "\":";
            bool const numeric = k == "conn" || k == "conf" || k == "user";
            if (numeric) {
                line += v;
            } else {
                line += '"';
                json_escape(line, v);
                line += '"';
            }
        }
        line += '}';
    } else {
        line += "ts=" + timestamp() + " level=";
        line += to_string(l);
        line += " msg=";
        text_value(line, message);
        for (auto const& [k, v] : fields) {
            line += ' ';
            line += k;
            line += '=';
            text_value(line, v);
        }
    }
    return line;
}

void logger::write(log_level l, std::string_view message, log_context const& ctx)
{
    if (!enabled(l)) return;
    auto line = format(l, message, ctx);
    line += '\n';
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
}

logger& logger::global() noexcept
{
    static logger instance;
    return instance;
}

log_level to_log_level(ws::log_level l) noexcept
{
    return app_level(l);
}

log_level to_log_level(sip::log_level l) noexcept
{
    return app_level(l);
}

ws::log_sink ws_log_sink()
{
    return [](ws::log_level l, std::string_view msg, ws::log_fields const& f) {
        auto const level = to_log_level(l);
        auto& lg = logger::global();
        if (!lg.enabled(level)) return;
        log_context ctx{.conn = f.conn, .conference = f.conference, .user = f.user};
        if (!f.remote.empty()) ctx.extra.emplace_back("remote", std::string(f.remote));
        if (!f.local.empty()) ctx.extra.emplace_back("local", std::string(f.local));
        lg.write(level, msg, ctx);
    };
}

std::function<void(sip::log_level, std::string_view)> sip_log_sink()
{
    return [](sip::log_level l, std::string_view msg) {
        logger::global().write(to_log_level(l), msg, {.extra = {{"component", "sip"}}});
    };
}

} // namespace floorctl::app
