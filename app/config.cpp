#include "config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

namespace floorctl::app {

char const* to_string(floor_policy p) noexcept
{
    switch (p) {
    case floor_policy::queue:
        return "queue";
    case floor_policy::preempt:
        return "preempt";
    case floor_policy::chair:
        return "chair";
    }
    return "?";
}

char const* to_string(chair_fallback f) noexcept
{
    return f == chair_fallback::accept ? "accept" : "deny";
}

std::optional<log_level> parse_log_level(std::string_view s) noexcept
{
    if (s == "trace") return log_level::trace;
    if (s == "debug") return log_level::debug;
    if (s == "info") return log_level::info;
    if (s == "warn" || s == "warning") return log_level::warn;
    if (s == "error") return log_level::error;
    if (s == "off") return log_level::off;
    return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view s) noexcept
{
    if (s == "text") return log_format::text;
    if (s == "json") return log_format::json;
    return std::nullopt;
}

unsigned config::effective_io_threads() const noexcept
{
    if (io_threads != 0) return io_threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

/// Walks one TOML document, filling a config and collecting every problem with its line.
/// Each table is read through `table_reader`, which remembers the keys it consumed so that
/// leftovers (typos) are reported as unknown keys rather than silently ignored.
class checker {
public:
    std::vector<config_error> errors;
    std::vector<config_error> warnings;
    /// Where each conference's chair_uris were written, for warn_unprovable_chairs().
    std::vector<std::pair<std::uint32_t, toml::source_region>> chair_uris_at;

    void error_at(toml::source_region const& where, std::string msg)
    {
        errors.push_back({where.begin.line, where.begin.column, std::move(msg)});
    }

    /// A SIP caller is a chair only when it proves a chair URI: it authenticated (digest) as a
    /// [[sip.user]] whose `identity` is that URI. A chair URI nothing proves is never granted
    /// over SIP (only the provisioning API can still name it): say so.
    void warn_unprovable_chairs(config const& cfg)
    {
        if (!cfg.sip.enabled) return;
        for (auto const& [id, where] : chair_uris_at) {
            auto const c = std::find_if(cfg.conferences.begin(), cfg.conferences.end(),
                                        [id = id](auto const& x) { return x.id == id; });
            if (c == cfg.conferences.end()) continue;
            for (auto const& uri : c->chair_uris) {
                auto const proven =
                    cfg.sip.digest_auth &&
                    std::any_of(cfg.sip.users.begin(), cfg.sip.users.end(),
                                [&uri](sip_user const& u) { return u.identity == uri; });
                if (proven) continue;
                warnings.push_back(
                    {where.begin.line, where.begin.column,
                     "conference.chair_uris: no SIP caller can prove '" + uri + "' (" +
                         (cfg.sip.digest_auth ? "no [[sip.user]] has identity = \"" + uri + "\""
                                              : std::string("sip.digest_auth is off")) +
                         "), so SIP callers never get its chair rights; see \"Chairs\" in "
                         "docs/configuration.md"});
            }
        }
    }

    class table_reader {
    public:
        table_reader(checker& c, toml::table const& t, std::string prefix)
            : c_(c), t_(t), prefix_(std::move(prefix))
        {
        }
        table_reader(table_reader const&) = delete;
        table_reader& operator=(table_reader const&) = delete;
        ~table_reader() { report_unknown(); }

        [[nodiscard]] std::string key_name(std::string_view k) const
        {
            return prefix_.empty() ? std::string(k) : prefix_ + "." + std::string(k);
        }

        toml::node const* get(std::string_view key)
        {
            used_.insert(std::string(key));
            return t_.get(key);
        }

        toml::source_region const& where() const { return t_.source(); }
        checker& owner() { return c_; }

        void boolean(std::string_view key, bool& out)
        {
            auto const* n = get(key);
            if (!n) return;
            if (auto v = n->value<bool>(); n->is_boolean() && v) {
                out = *v;
            } else {
                c_.error_at(n->source(), key_name(key) + ": expected true or false");
            }
        }

        void string(std::string_view key, std::string& out, bool allow_empty = true)
        {
            auto const* n = get(key);
            if (!n) return;
            if (!n->is_string()) {
                c_.error_at(n->source(), key_name(key) + ": expected a string");
                return;
            }
            auto s = *n->value<std::string>();
            if (!allow_empty && s.empty()) {
                c_.error_at(n->source(), key_name(key) + ": must not be empty");
                return;
            }
            out = std::move(s);
        }

        template <class Int>
        void integer(std::string_view key, Int& out, std::int64_t min,
                     std::int64_t max = std::numeric_limits<Int>::max())
        {
            auto const* n = get(key);
            if (!n) return;
            if (!n->is_integer()) {
                c_.error_at(n->source(), key_name(key) + ": expected an integer");
                return;
            }
            auto const v = *n->value<std::int64_t>();
            if (v < min || v > max) {
                c_.error_at(n->source(), key_name(key) + ": " + std::to_string(v) +
                                             " is out of range [" + std::to_string(min) + ", " +
                                             std::to_string(max) + "]");
                return;
            }
            out = static_cast<Int>(v);
        }

        /// Durations: an integer (seconds) or a string with a unit: "250ms", "30s", "5m", "1h".
        void duration(std::string_view key, std::chrono::milliseconds& out)
        {
            auto const* n = get(key);
            if (!n) return;
            if (n->is_integer()) {
                auto const v = *n->value<std::int64_t>();
                if (v < 0 || v > 365LL * 24 * 3600) {
                    c_.error_at(n->source(), key_name(key) + ": duration out of range");
                    return;
                }
                out = std::chrono::seconds{v};
                return;
            }
            if (n->is_string()) {
                if (auto d = parse_duration(*n->value<std::string>())) {
                    out = *d;
                    return;
                }
            }
            c_.error_at(n->source(), key_name(key) +
                                         ": expected a duration (seconds, or a string such as "
                                         "\"500ms\", \"30s\", \"5m\", \"1h\")");
        }

        void endpoints(std::string_view key, std::vector<endpoint>& out)
        {
            auto const* n = get(key);
            if (!n) return;
            auto const* arr = n->as_array();
            if (!arr) {
                c_.error_at(n->source(),
                            key_name(key) + ": expected an array of \"address:port\" strings");
                return;
            }
            std::vector<endpoint> parsed;
            for (auto const& e : *arr) {
                auto ep = e.is_string() ? parse_endpoint(*e.value<std::string>()) : std::nullopt;
                if (!ep) {
                    c_.error_at(e.source(),
                                key_name(key) +
                                    ": expected \"address:port\" (IPv6 as \"[::1]:5060\")");
                    continue;
                }
                parsed.push_back(*ep);
            }
            out = std::move(parsed);
        }

        void strings(std::string_view key, std::vector<std::string>& out)
        {
            auto const* n = get(key);
            if (!n) return;
            auto const* arr = n->as_array();
            if (!arr) {
                c_.error_at(n->source(), key_name(key) + ": expected an array of strings");
                return;
            }
            std::vector<std::string> parsed;
            for (auto const& e : *arr) {
                if (!e.is_string()) {
                    c_.error_at(e.source(), key_name(key) + ": expected a string");
                    continue;
                }
                parsed.push_back(*e.value<std::string>());
            }
            out = std::move(parsed);
        }

        /// Fails with a line-tagged error when `key` is present but is not a table.
        toml::table const* table(std::string_view key)
        {
            auto const* n = get(key);
            if (!n) return nullptr;
            if (!n->is_table()) {
                c_.error_at(n->source(), key_name(key) + ": expected a table");
                return nullptr;
            }
            return n->as_table();
        }

        /// An array of tables ([[key]]); errors on anything else.
        std::vector<toml::table const*> tables(std::string_view key)
        {
            std::vector<toml::table const*> out;
            auto const* n = get(key);
            if (!n) return out;
            auto const* arr = n->as_array();
            if (!arr) {
                c_.error_at(n->source(), key_name(key) + ": expected an array of tables ([[" +
                                             key_name(key) + "]])");
                return out;
            }
            for (auto const& e : *arr) {
                if (auto const* t = e.as_table()) {
                    out.push_back(t);
                } else {
                    c_.error_at(e.source(), key_name(key) + ": expected a table");
                }
            }
            return out;
        }

    private:
        void report_unknown()
        {
            for (auto const& [k, v] : t_) {
                if (!used_.contains(std::string(k.str()))) {
                    c_.error_at(k.source(), "unknown key '" + key_name(k.str()) + "'");
                }
            }
        }

        checker& c_;
        toml::table const& t_;
        std::string prefix_;
        std::set<std::string> used_;
    };

    static std::optional<std::chrono::milliseconds> parse_duration(std::string_view s)
    {
        std::int64_t v = 0;
        auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || v < 0) return std::nullopt;
        std::string_view const unit{end, static_cast<std::size_t>(s.data() + s.size() - end)};
        std::int64_t factor = 0;
        if (unit == "ms")
            factor = 1;
        else if (unit == "s" || unit.empty())
            factor = 1000;
        else if (unit == "m" || unit == "min")
            factor = 60'000;
        else if (unit == "h")
            factor = 3'600'000;
        else
            return std::nullopt;
        if (v > 365LL * 24 * 3'600'000 / factor) return std::nullopt;
        return std::chrono::milliseconds{v * factor};
    }

public:
    static std::optional<endpoint> parse_endpoint(std::string_view s)
    {
        std::string_view host;
        std::string_view port;
        if (!s.empty() && s.front() == '[') {
            auto const close = s.find(']');
            if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
                return std::nullopt;
            host = s.substr(1, close - 1);
            port = s.substr(close + 2);
        } else {
            auto const colon = s.rfind(':');
            if (colon == std::string_view::npos) return std::nullopt;
            host = s.substr(0, colon);
            port = s.substr(colon + 1);
            if (host.find(':') != std::string_view::npos) return std::nullopt; // bare IPv6
        }
        if (host.empty() || port.empty()) return std::nullopt;
        unsigned p = 0;
        auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc{} || end != port.data() + port.size() || p > 65535) return std::nullopt;
        return endpoint{std::string(host), static_cast<std::uint16_t>(p)};
    }

    template <class Enum>
    static bool enum_value(table_reader& r, std::string_view key, Enum& out,
                           std::initializer_list<std::pair<std::string_view, Enum>> values)
    {
        auto const* n = r.get(key);
        if (!n) return false;
        if (n->is_string()) {
            auto const s = *n->value<std::string>();
            for (auto const& [name, v] : values) {
                if (s == name) {
                    out = v;
                    return true;
                }
            }
        }
        std::string allowed;
        for (auto const& [name, v] : values) {
            allowed += allowed.empty() ? "" : ", ";
            allowed += "\"" + std::string(name) + "\"";
        }
        r.owner().error_at(n->source(), r.key_name(key) + ": expected one of " + allowed);
        return false;
    }

    floor_settings read_floor(toml::table const& t, std::string const& prefix)
    {
        floor_settings f;
        table_reader r(*this, t, prefix);
        if (r.get("id") == nullptr) error_at(t.source(), prefix + ": missing key 'id'");
        r.integer("id", f.id, 1, 65535);
        enum_value(r, "policy", f.policy,
                   {{"queue", floor_policy::queue},
                    {"preempt", floor_policy::preempt},
                    {"chair", floor_policy::chair}});
        r.integer("max_holders", f.max_holders, 1, 255);
        r.duration("max_hold_time", f.max_hold_time);
        r.integer("max_requests_per_user", f.max_requests_per_user, 1, 255);
        r.boolean("send_accepted", f.send_accepted);
        r.duration("chair_timeout", f.chair_timeout);
        enum_value(r, "chair_fallback", f.fallback,
                   {{"accept", chair_fallback::accept}, {"deny", chair_fallback::deny}});
        r.string("label", f.label);
        return f;
    }

    std::vector<floor_settings> read_floors(table_reader& parent, std::string const& prefix)
    {
        std::vector<floor_settings> floors;
        std::set<std::uint16_t> seen;
        for (auto const* ft : parent.tables("floor")) {
            auto f = read_floor(*ft, prefix + ".floor");
            if (!seen.insert(f.id).second) {
                error_at(ft->source(),
                         prefix + ".floor: duplicate floor id " + std::to_string(f.id));
            }
            floors.push_back(std::move(f));
        }
        return floors;
    }

    void read(toml::table const& root, config& cfg)
    {
        table_reader r(*this, root, "");
        r.integer("io_threads", cfg.io_threads, 0, 256);
        r.duration("token_lifetime", cfg.token_lifetime);

        if (auto const* t = r.table("websocket")) {
            auto& w = cfg.websocket;
            table_reader ws(*this, *t, "websocket");
            if (auto const* n = ws.get("listen")) {
                auto ep = n->is_string() ? parse_endpoint(*n->value<std::string>()) : std::nullopt;
                if (ep) {
                    w.listen = *ep;
                } else {
                    error_at(n->source(), "websocket.listen: expected \"address:port\"");
                }
            }
            ws.boolean("allow_plain", w.allow_plain);
            ws.boolean("require_tls", w.require_tls);
            ws.string("path", w.path, false);
            if (auto const* n = t->get("path");
                n && n->is_string() && !w.path.empty() && w.path.front() != '/') {
                error_at(n->source(), "websocket.path: must start with '/'");
            }
            ws.string("public_host", w.public_host);
            ws.integer("public_port", w.public_port, 0, 65535);
            ws.boolean("public_tls", w.public_tls);
            ws.strings("origins", w.origins);
            ws.string("cookie_name", w.cookie_name, false);
            // A ws:// websocket-uri sends clients to plain WebSocket, where require_tls answers
            // every message with Error 9: the pair cannot serve anyone.
            if (!w.public_tls && w.require_tls) {
                auto const* n = t->get("public_tls");
                error_at(n ? n->source() : t->source(),
                         "websocket.public_tls = false hands out ws:// URIs, but require_tls = "
                         "true answers every message on plain WebSocket with Error 9; set "
                         "require_tls = false (e.g. behind a TLS-terminating proxy)");
            }
        }

        if (auto const* t = r.table("tls")) {
            table_reader tl(*this, *t, "tls");
            tl.string("certificate", cfg.tls.certificate);
            tl.string("private_key", cfg.tls.private_key);
            if (cfg.tls.certificate.empty() != cfg.tls.private_key.empty()) {
                error_at(t->source(),
                         "tls: 'certificate' and 'private_key' must be given together");
            }
        }

        if (auto const* t = r.table("sip")) {
            auto& s = cfg.sip;
            table_reader sr(*this, *t, "sip");
            s.enabled = true; // a [sip] table means SIP unless it says enabled = false
            sr.boolean("enabled", s.enabled);
            sr.endpoints("udp", s.udp);
            sr.endpoints("tcp", s.tcp);
            sr.endpoints("tls", s.tls);
            sr.string("certificate_dir", s.certificate_dir);
            sr.boolean("digest_auth", s.digest_auth);
            sr.string("realm", s.realm, false);
            sr.integer("load_limit", s.load_limit, 0);
            for (auto const* ut : sr.tables("user")) {
                table_reader ur(*this, *ut, "sip.user");
                sip_user u;
                if (ur.get("name") == nullptr || ur.get("password") == nullptr) {
                    error_at(ut->source(), "sip.user: needs 'name' and 'password'");
                }
                ur.string("name", u.name, false);
                ur.string("password", u.password, false);
                ur.string("identity", u.identity);
                if (!u.identity.empty() && u.identity.rfind("sip:", 0) != 0 &&
                    u.identity.rfind("sips:", 0) != 0) {
                    error_at(ut->get("identity")->source(),
                             "sip.user.identity: expected a SIP URI (\"sip:user@host\")");
                }
                s.users.push_back(std::move(u));
            }
            if (s.digest_auth && s.users.empty()) {
                error_at(t->source(), "sip: digest_auth = true needs at least one [[sip.user]]");
            }
            if (s.enabled && s.udp.empty() && s.tcp.empty() && s.tls.empty()) {
                error_at(t->source(), "sip: enabled but no udp, tcp or tls listener");
            }
            if (!s.tls.empty() && s.certificate_dir.empty()) {
                error_at(t->source(), "sip: 'tls' listeners need 'certificate_dir'");
            }
            if (auto const* at = sr.table("auto_create")) {
                table_reader ar(*this, *at, "sip.auto_create");
                s.auto_create.enabled = true;
                ar.boolean("enabled", s.auto_create.enabled);
                s.auto_create.floors = read_floors(ar, "sip.auto_create");
                if (s.auto_create.enabled && s.auto_create.floors.empty()) {
                    error_at(at->source(),
                             "sip.auto_create: needs at least one [[sip.auto_create.floor]]");
                }
            }
        }

        if (auto const* t = r.table("bfcp")) {
            table_reader br(*this, *t, "bfcp");
            br.endpoints("tcp", cfg.bfcp.tcp);
            br.endpoints("tls", cfg.bfcp.tls);
            // require_tls applies to every BFCP connection (RFC 8855 §9 Error 9), so a plain
            // TCP/BFCP listener would answer every message with Use TLS: refuse the combination.
            if (!cfg.bfcp.tcp.empty() && cfg.websocket.require_tls) {
                error_at(t->get("tcp")->source(),
                         "bfcp.tcp: a plain TCP/BFCP listener cannot serve while "
                         "websocket.require_tls = true (every message would get Error 9); "
                         "set require_tls = false or use bfcp.tls");
            }
        }

        std::set<std::uint32_t> conf_ids;
        for (auto const* ct : r.tables("conference")) {
            table_reader cr(*this, *ct, "conference");
            conference_settings c;
            if (cr.get("id") == nullptr) error_at(ct->source(), "conference: missing key 'id'");
            cr.integer("id", c.id, 1, std::numeric_limits<std::uint32_t>::max());
            if (c.id != 0 && !conf_ids.insert(c.id).second) {
                error_at(ct->source(), "conference: duplicate id " + std::to_string(c.id));
            }
            cr.string("name", c.name);
            cr.strings("sip_uris", c.sip_uris);
            cr.strings("chair_uris", c.chair_uris);
            if (auto const* n = ct->get("chair_uris"))
                chair_uris_at.emplace_back(c.id, n->source());
            if (auto const* n = cr.get("chair_users")) {
                if (auto const* arr = n->as_array()) {
                    for (auto const& e : *arr) {
                        auto const v = e.value<std::int64_t>();
                        if (!e.is_integer() || *v < 1 || *v > 65535) {
                            error_at(e.source(),
                                     "conference.chair_users: expected user ids 1..65535");
                            continue;
                        }
                        c.chair_users.push_back(static_cast<std::uint16_t>(*v));
                    }
                } else {
                    error_at(n->source(), "conference.chair_users: expected an array of integers");
                }
            }
            c.floors = read_floors(cr, "conference");
            if (c.floors.empty()) {
                error_at(ct->source(), "conference: needs at least one [[conference.floor]]");
            }
            cfg.conferences.push_back(std::move(c));
        }

        if (auto const* t = r.table("limits")) {
            auto& l = cfg.limits;
            table_reader lr(*this, *t, "limits");
            lr.integer("max_connections", l.max_connections, 1);
            // 0: no per-address limit (clients behind one NAT or proxy address).
            lr.integer("max_connections_per_ip", l.max_connections_per_ip, 0);
            lr.integer("messages_per_second", l.messages_per_second, 0);
            lr.integer("write_queue_bytes", l.write_queue_bytes, 4096);
            lr.integer("header_bytes", l.header_bytes, 1024, 1 << 20);
        }

        if (auto const* t = r.table("timeouts")) {
            table_reader tr(*this, *t, "timeouts");
            tr.duration("handshake", cfg.timeouts.handshake);
            tr.duration("idle", cfg.timeouts.idle);
            tr.duration("ping", cfg.timeouts.ping);
            if (cfg.timeouts.handshake.count() == 0) {
                error_at(t->source(), "timeouts.handshake: must be greater than 0");
            }
        }

        if (auto const* t = r.table("logging")) {
            table_reader lg(*this, *t, "logging");
            enum_value(lg, "level", cfg.logging.level,
                       {{"trace", log_level::trace},
                        {"debug", log_level::debug},
                        {"info", log_level::info},
                        {"warn", log_level::warn},
                        {"error", log_level::error},
                        {"off", log_level::off}});
            enum_value(lg, "format", cfg.logging.format,
                       {{"text", log_format::text}, {"json", log_format::json}});
        }

        if (auto const* t = r.table("admin")) {
            table_reader ad(*this, *t, "admin");
            ad.boolean("enabled", cfg.admin.enabled);
            ad.string("bind", cfg.admin.bind, false);
            ad.string("bearer_key", cfg.admin.bearer_key);
            if (cfg.admin.enabled && !cfg.admin.loopback_only() && cfg.admin.bearer_key.empty()) {
                error_at(t->source(), "admin: a non-loopback 'bind' requires a 'bearer_key'");
            }
            if (!cfg.admin.bearer_key.empty() && cfg.admin.bearer_key.size() < 16) {
                auto const* n = t->get("bearer_key");
                error_at(n->source(), "admin.bearer_key: must be at least 16 characters");
            }
        }

        // Cross-checks that need several sections.
        if (!cfg.websocket.allow_plain && !cfg.websocket.require_tls) {
            // Harmless but contradictory-looking; no error: plain connections are refused anyway.
        }
        warn_unprovable_chairs(cfg);
        std::set<std::string> uris;
        for (auto const& c : cfg.conferences) {
            for (auto const& u : c.sip_uris) {
                if (!uris.insert(u).second) {
                    errors.push_back(
                        {root.source().begin.line, 0,
                         "conference: sip_uri '" + u + "' is used by two conferences"});
                }
            }
        }
    }
};

} // namespace

config_result parse_config(std::string_view toml_text)
{
    config_result out;
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (toml::parse_error const& e) {
        out.errors.push_back(
            {e.source().begin.line, e.source().begin.column, std::string(e.description())});
        return out;
    }
    config cfg;
    cfg.sip.udp.clear(); // start from an empty config: only what the file says
    cfg.sip.tcp.clear();
    cfg.sip.enabled = false;
    checker c;
    c.read(root, cfg);
    out.errors = std::move(c.errors);
    out.warnings = std::move(c.warnings);
    auto const by_line = [](config_error const& a, config_error const& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    };
    std::stable_sort(out.errors.begin(), out.errors.end(), by_line);
    std::stable_sort(out.warnings.begin(), out.warnings.end(), by_line);
    if (out.errors.empty()) out.cfg = std::move(cfg);
    return out;
}

config_result load_config_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        config_result out;
        out.errors.push_back({0, 0, "cannot read file"});
        return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str());
}

config default_config()
{
    config cfg;
    conference_settings demo;
    demo.id = 1;
    demo.name = "demo";
    demo.sip_uris = {"sip:demo@127.0.0.1:5060"};
    demo.floors.push_back(floor_settings{});
    cfg.conferences.push_back(std::move(demo));
    return cfg;
}

std::string format_error(std::string_view file, config_error const& e)
{
    std::string out(file);
    if (e.line != 0) {
        out += ":" + std::to_string(e.line);
        if (e.column != 0) out += ":" + std::to_string(e.column);
    }
    out += ": " + e.message;
    return out;
}

std::string format_warning(std::string_view file, config_error const& w)
{
    auto copy = w;
    copy.message = "warning: " + w.message;
    return format_error(file, copy);
}

} // namespace floorctl::app
