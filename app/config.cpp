#include "config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

namespace floorctl::app {

namespace {

// The one vocabulary of floor policies and fallbacks, for the file, the API and their answers.
constexpr std::pair<char const*, policy> policy_names[] = {
    {"queue", policy::queue}, {"preempt", policy::preempt}, {"chair", policy::chair}};
constexpr std::pair<char const*, chair_fallback> fallback_names[] = {
    {"accept", chair_fallback::accept}, {"deny", chair_fallback::deny}};

constexpr std::pair<char const*, log_level> log_level_names[] = {
    {"trace", log_level::trace}, {"debug", log_level::debug}, {"info", log_level::info},
    {"warn", log_level::warn},   {"error", log_level::error}, {"off", log_level::off}};
constexpr std::pair<char const*, log_format> log_format_names[] = {{"text", log_format::text},
                                                                   {"json", log_format::json}};
constexpr std::pair<char const*, sdp::transport> transport_names[] = {
    {"wss", sdp::transport::wss}, {"ws", sdp::transport::ws},   {"tls", sdp::transport::tls},
    {"tcp", sdp::transport::tcp}, {"udp", sdp::transport::udp}, {"dtls", sdp::transport::udp_tls}};

template <class Enum, std::size_t N>
char const* name_of(std::pair<char const*, Enum> const (&names)[N], Enum v) noexcept
{
    for (auto const& [name, value] : names) {
        if (value == v) return name;
    }
    return "?";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(std::pair<char const*, Enum> const (&names)[N],
                             std::string_view s) noexcept
{
    for (auto const& [name, value] : names) {
        if (s == name) return value;
    }
    return std::nullopt;
}

} // namespace

char const* to_string(policy p) noexcept
{
    return name_of(policy_names, p);
}

char const* to_string(chair_fallback f) noexcept
{
    return name_of(fallback_names, f);
}

std::optional<policy> parse_policy(std::string_view s) noexcept
{
    return value_of(policy_names, s);
}

std::optional<chair_fallback> parse_chair_fallback(std::string_view s) noexcept
{
    return value_of(fallback_names, s);
}

std::vector<settings_problem> check_floors(std::vector<floor_settings> const& floors)
{
    std::vector<settings_problem> out;
    if (floors.empty()) out.push_back({std::nullopt, "needs at least one floor"});
    std::set<std::uint16_t> seen;
    for (std::size_t i = 0; i < floors.size(); ++i) {
        if (!seen.insert(floors[i].id).second)
            out.push_back({i, "duplicate floor id " + std::to_string(floors[i].id)});
    }
    return out;
}

char const* to_string(log_level l) noexcept
{
    return name_of(log_level_names, l);
}

std::optional<log_level> parse_log_level(std::string_view s) noexcept
{
    if (s == "warning") return log_level::warn; // accepted on the command line
    return value_of(log_level_names, s);
}

std::optional<log_format> parse_log_format(std::string_view s) noexcept
{
    return value_of(log_format_names, s);
}

char const* to_string(sdp::transport t) noexcept
{
    return name_of(transport_names, t);
}

std::optional<sdp::transport> parse_transport(std::string_view s) noexcept
{
    return value_of(transport_names, s);
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
                if (v < 0 || v > std::chrono::duration_cast<std::chrono::seconds>(
                                     setting_bounds::max_duration)
                                     .count()) {
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
        if (v > setting_bounds::max_duration.count() / factor) return std::nullopt;
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

    template <class Enum, std::size_t N>
    static bool enum_value(table_reader& r, std::string_view key, Enum& out,
                           std::pair<char const*, Enum> const (&values)[N])
    {
        auto const* n = r.get(key);
        if (!n) return false;
        if (n->is_string()) {
            if (auto v = value_of(values, *n->value<std::string>())) {
                out = *v;
                return true;
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
        enum_value(r, "policy", f.policy, policy_names);
        r.integer("max_holders", f.max_holders, 1, setting_bounds::max_holders);
        r.duration("max_hold_time", f.max_hold_time);
        r.integer("max_requests_per_user", f.max_requests_per_user, 1,
                  setting_bounds::max_requests_per_user);
        r.boolean("send_accepted", f.send_accepted);
        r.duration("chair_timeout", f.chair_timeout);
        enum_value(r, "chair_fallback", f.fallback, fallback_names);
        r.string("label", f.label);
        return f;
    }

    /// The [[PREFIX.floor]] tables of `parent`, checked with check_floors(); an error without a
    /// floor is reported at `parent_where` as "PREFIX: ...".
    std::vector<floor_settings> read_floors(table_reader& parent, std::string const& prefix,
                                            toml::source_region const& parent_where,
                                            bool required = true)
    {
        std::vector<floor_settings> floors;
        std::vector<toml::source_region> where;
        for (auto const* ft : parent.tables("floor")) {
            floors.push_back(read_floor(*ft, prefix + ".floor"));
            where.push_back(ft->source());
        }
        for (auto const& p : check_floors(floors)) {
            if (p.floor) {
                error_at(where[*p.floor], prefix + ".floor: " + p.message);
            } else if (required) {
                error_at(parent_where, prefix + ": " + p.message + " ([[" + prefix + ".floor]])");
            }
        }
        return floors;
    }

    void read_websocket(toml::table const& t, websocket_settings& w)
    {
        table_reader ws(*this, t, "websocket");
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
        if (auto const* n = t.get("path");
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
            auto const* n = t.get("public_tls");
            error_at(n ? n->source() : t.source(),
                     "websocket.public_tls = false hands out ws:// URIs, but require_tls = "
                     "true answers every message on plain WebSocket with Error 9; set "
                     "require_tls = false (e.g. behind a TLS-terminating proxy)");
        }
    }

    void read_tls(toml::table const& t, tls_settings& tls)
    {
        table_reader tl(*this, t, "tls");
        tl.string("certificate", tls.certificate);
        tl.string("private_key", tls.private_key);
        if (tls.certificate.empty() != tls.private_key.empty()) {
            error_at(t.source(), "tls: 'certificate' and 'private_key' must be given together");
        }
    }

    sip_user read_sip_user(toml::table const& t)
    {
        table_reader ur(*this, t, "sip.user");
        sip_user u;
        if (ur.get("name") == nullptr || ur.get("password") == nullptr) {
            error_at(t.source(), "sip.user: needs 'name' and 'password'");
        }
        ur.string("name", u.name, false);
        ur.string("password", u.password, false);
        ur.string("identity", u.identity);
        if (!u.identity.empty() && u.identity.rfind("sip:", 0) != 0 &&
            u.identity.rfind("sips:", 0) != 0) {
            error_at(t.get("identity")->source(),
                     "sip.user.identity: expected a SIP URI (\"sip:user@host\")");
        }
        return u;
    }

    void read_sip(toml::table const& t, sip_settings& s)
    {
        table_reader sr(*this, t, "sip");
        s.enabled = true; // a [sip] table means SIP unless it says enabled = false
        sr.boolean("enabled", s.enabled);
        sr.endpoints("udp", s.udp);
        sr.endpoints("tcp", s.tcp);
        sr.endpoints("tls", s.tls);
        sr.string("certificate_dir", s.certificate_dir);
        sr.boolean("digest_auth", s.digest_auth);
        sr.string("realm", s.realm, false);
        sr.integer("load_limit", s.load_limit, 0);
        // 0: the system default; at most what setsockopt's int holds.
        sr.integer("udp_receive_buffer_bytes", s.udp_receive_buffer_bytes, 0,
                   std::numeric_limits<int>::max());
        sr.integer("udp_send_buffer_bytes", s.udp_send_buffer_bytes, 0,
                   std::numeric_limits<int>::max());
        sr.duration("tcp_idle_timeout", s.tcp_idle_timeout);
        if (auto const* n = t.get("tcp_idle_timeout"); n && s.tcp_idle_timeout.count() == 0) {
            error_at(n->source(), "sip.tcp_idle_timeout: must be greater than 0");
        }
        for (auto const* ut : sr.tables("user"))
            s.users.push_back(read_sip_user(*ut));
        if (s.digest_auth && s.users.empty()) {
            error_at(t.source(), "sip: digest_auth = true needs at least one [[sip.user]]");
        }
        if (s.enabled && s.udp.empty() && s.tcp.empty() && s.tls.empty()) {
            error_at(t.source(), "sip: enabled but no udp, tcp or tls listener");
        }
        if (!s.tls.empty() && s.certificate_dir.empty()) {
            error_at(t.source(), "sip: 'tls' listeners need 'certificate_dir'");
        }
        if (auto const* at = sr.table("auto_create")) {
            table_reader ar(*this, *at, "sip.auto_create");
            s.auto_create.enabled = true;
            ar.boolean("enabled", s.auto_create.enabled);
            // A disabled template may leave its floors out.
            s.auto_create.floors =
                read_floors(ar, "sip.auto_create", at->source(), s.auto_create.enabled);
        }
    }

    /// `[bfcp] transports`: known names, each once, at least one.
    void read_transports(table_reader& br, std::vector<sdp::transport>& out)
    {
        auto const* n = br.get("transports");
        if (!n) return;
        auto const* arr = n->as_array();
        if (!arr || arr->empty()) {
            error_at(n->source(), "bfcp.transports: expected a non-empty array of transport "
                                  "names (\"wss\", \"ws\", \"tls\", \"tcp\", \"udp\", "
                                  "\"dtls\")");
            return;
        }
        std::vector<sdp::transport> parsed;
        for (auto const& e : *arr) {
            auto const t = e.is_string() ? parse_transport(*e.value<std::string>()) : std::nullopt;
            if (!t) {
                error_at(e.source(), "bfcp.transports: expected one of \"wss\", \"ws\", "
                                     "\"tls\", \"tcp\", \"udp\", \"dtls\"");
            } else if (std::find(parsed.begin(), parsed.end(), *t) != parsed.end()) {
                error_at(e.source(),
                         std::string("bfcp.transports: \"") + to_string(*t) + "\" is listed twice");
            } else {
                parsed.push_back(*t);
            }
        }
        out = std::move(parsed);
    }

    void read_bfcp(toml::table const& t, bfcp_settings& b, websocket_settings const& w)
    {
        table_reader br(*this, t, "bfcp");
        br.endpoints("tcp", b.tcp);
        br.endpoints("tls", b.tls);
        br.endpoints("udp", b.udp);
        br.endpoints("dtls", b.dtls);
        br.integer("datagram_size", b.datagram_size, 256, 65507);
        br.duration("datagram_idle_timeout", b.datagram_idle_timeout);
        if (auto const* n = t.get("datagram_idle_timeout");
            n && b.datagram_idle_timeout.count() == 0) {
            error_at(n->source(), "bfcp.datagram_idle_timeout: must be greater than 0 (a peer "
                                  "that went quiet would never be forgotten otherwise)");
        }
        br.integer("datagram_send_queue_bytes", b.datagram_send_queue_bytes, 256, 1 << 30);
        br.integer("datagram_send_queue_datagrams", b.datagram_send_queue_datagrams, 1, 1 << 20);
        // One datagram of the largest size must fit, or every fragment would be dropped.
        if (auto const* n = t.get("datagram_send_queue_bytes");
            n && b.datagram_send_queue_bytes < b.datagram_size) {
            error_at(
                n->source(),
                "bfcp.datagram_send_queue_bytes: " + std::to_string(b.datagram_send_queue_bytes) +
                    " is smaller than bfcp.datagram_size (" + std::to_string(b.datagram_size) +
                    "): no datagram could ever be sent");
        }
        read_transports(br, b.transports);
        // require_tls applies to every BFCP connection (RFC 8855 §9 Error 9), so a plain
        // TCP/BFCP or UDP/BFCP listener would answer every message with Use TLS: refuse the
        // combination.
        auto const plain = [&](char const* key, std::vector<endpoint> const& listeners,
                               char const* proto, char const* secure_key) {
            if (listeners.empty() || !w.require_tls) return;
            error_at(t.get(key)->source(),
                     std::string("bfcp.") + key + ": a plain " + proto +
                         " listener cannot serve while websocket.require_tls = true (every "
                         "message would get Error 9); set require_tls = false or use bfcp." +
                         secure_key);
        };
        plain("tcp", b.tcp, "TCP/BFCP", "tls");
        plain("udp", b.udp, "UDP/BFCP", "dtls");
        // SIP answers use a transport only when it has a listener (WebSocket: the one
        // public_tls names); a list none of which can serve would refuse every call.
        auto const serves = [&](sdp::transport kind) {
            switch (kind) {
            case sdp::transport::wss:
                return w.public_tls;
            case sdp::transport::ws:
                return !w.public_tls;
            case sdp::transport::tls:
                return !b.tls.empty();
            case sdp::transport::tcp:
                return !b.tcp.empty();
            case sdp::transport::udp:
                return !b.udp.empty();
            case sdp::transport::udp_tls:
                return !b.dtls.empty();
            case sdp::transport::tcp_dtls:
                return false;
            }
            return false;
        };
        if (auto const* n = t.get("transports");
            n && !b.transports.empty() &&
            std::none_of(b.transports.begin(), b.transports.end(), serves)) {
            error_at(n->source(), "bfcp.transports: none of these transports has a listener ("
                                  "\"wss\" needs websocket.public_tls = true, \"ws\" false; "
                                  "the others their bfcp listeners)");
        }
        // A listener no SIP answer ever names is reachable by nobody (the address binding
        // comes from the SDP exchange): say so.
        auto const unused = [&](char const* key, std::vector<endpoint> const& listeners,
                                sdp::transport kind) {
            if (listeners.empty()) return;
            if (std::find(b.transports.begin(), b.transports.end(), kind) != b.transports.end())
                return;
            auto const where = t.get(key)->source();
            warnings.push_back({where.begin.line, where.begin.column,
                                std::string("bfcp.") + key + ": \"" + to_string(kind) +
                                    "\" is not in bfcp.transports, so no SIP answer offers "
                                    "these listeners"});
        };
        unused("tcp", b.tcp, sdp::transport::tcp);
        unused("tls", b.tls, sdp::transport::tls);
        unused("udp", b.udp, sdp::transport::udp);
        unused("dtls", b.dtls, sdp::transport::udp_tls);
    }

    conference_settings read_conference(toml::table const& t)
    {
        table_reader cr(*this, t, "conference");
        conference_settings c;
        if (cr.get("id") == nullptr) error_at(t.source(), "conference: missing key 'id'");
        cr.integer("id", c.id, 1, std::numeric_limits<std::uint32_t>::max());
        cr.string("name", c.name);
        cr.strings("sip_uris", c.sip_uris);
        cr.strings("chair_uris", c.chair_uris);
        if (auto const* n = t.get("chair_uris")) chair_uris_at.emplace_back(c.id, n->source());
        if (auto const* n = cr.get("chair_users")) {
            if (auto const* arr = n->as_array()) {
                for (auto const& e : *arr) {
                    auto const v = e.value<std::int64_t>();
                    if (!e.is_integer() || *v < 1 || *v > 65535) {
                        error_at(e.source(), "conference.chair_users: expected user ids 1..65535");
                        continue;
                    }
                    c.chair_users.push_back(static_cast<std::uint16_t>(*v));
                }
            } else {
                error_at(n->source(), "conference.chair_users: expected an array of integers");
            }
        }
        cr.duration("reconnect_grace", c.reconnect_grace);
        c.floors = read_floors(cr, "conference", t.source());
        return c;
    }

    void read_conferences(table_reader& root, std::vector<conference_settings>& out)
    {
        std::set<std::uint32_t> ids;
        for (auto const* ct : root.tables("conference")) {
            auto c = read_conference(*ct);
            if (c.id != 0 && !ids.insert(c.id).second) {
                error_at(ct->source(), "conference: duplicate id " + std::to_string(c.id));
            }
            out.push_back(std::move(c));
        }
        std::set<std::string> uris;
        for (auto const& c : out) {
            for (auto const& u : c.sip_uris) {
                if (!uris.insert(u).second) {
                    errors.push_back(
                        {root.where().begin.line, 0,
                         "conference: sip_uri '" + u + "' is used by two conferences"});
                }
            }
        }
    }

    void read_limits(toml::table const& t, limits_settings& l)
    {
        table_reader lr(*this, t, "limits");
        lr.integer("max_connections", l.max_connections, 1);
        // 0: no per-address limit (clients behind one NAT or proxy address).
        lr.integer("max_connections_per_ip", l.max_connections_per_ip, 0);
        lr.integer("messages_per_second", l.messages_per_second, 0);
        lr.integer("write_queue_bytes", l.write_queue_bytes, 4096);
        lr.integer("header_bytes", l.header_bytes, 1024, 1 << 20);
    }

    void read_timeouts(toml::table const& t, timeout_settings& to)
    {
        table_reader tr(*this, t, "timeouts");
        tr.duration("handshake", to.handshake);
        tr.duration("idle", to.idle);
        tr.duration("ping", to.ping);
        if (to.handshake.count() == 0) {
            error_at(t.source(), "timeouts.handshake: must be greater than 0");
        }
    }

    void read_logging(toml::table const& t, logging_settings& l)
    {
        table_reader lg(*this, t, "logging");
        enum_value(lg, "level", l.level, log_level_names);
        enum_value(lg, "format", l.format, log_format_names);
    }

    void read_tokens(toml::table const& t, token_settings& k)
    {
        table_reader tk(*this, t, "tokens");
        tk.string("store", k.store);
    }

    void read_admin(toml::table const& t, admin_settings& a)
    {
        table_reader ad(*this, t, "admin");
        ad.boolean("enabled", a.enabled);
        ad.string("bind", a.bind, false);
        ad.string("bearer_key", a.bearer_key);
        if (a.enabled && !a.loopback_only() && a.bearer_key.empty()) {
            error_at(t.source(), "admin: a non-loopback 'bind' requires a 'bearer_key'");
        }
        if (!a.bearer_key.empty() && a.bearer_key.size() < 16) {
            error_at(t.get("bearer_key")->source(),
                     "admin.bearer_key: must be at least 16 characters");
        }
    }

    void read_turn(toml::table const& t, turn_settings& u, websocket_settings const& w)
    {
        table_reader tr(*this, t, "turn");
        tr.boolean("enabled", u.enabled);
        if (auto const* n = tr.get("server")) {
            auto ep = n->is_string() ? parse_endpoint(*n->value<std::string>()) : std::nullopt;
            if (ep && ep->port != 0) {
                u.server = *ep;
            } else {
                error_at(n->source(), "turn.server: expected \"address:port\" of the TURN "
                                      "server's TCP listener");
            }
        }
        tr.string("path", u.path, false);
        if (auto const* n = t.get("path"); n && n->is_string() && !u.path.empty()) {
            if (u.path.front() != '/') error_at(n->source(), "turn.path: must start with '/'");
            // Clients without a sub-protocol are told apart by the path alone.
            if (u.path == w.path) {
                error_at(n->source(), "turn.path: must differ from websocket.path (clients "
                                      "that offer no sub-protocol are told apart by it)");
            }
        }
        tr.integer("max_connections", u.max_connections, 1);
        tr.integer("max_message", u.max_message, 24, 65552);
        tr.integer("messages_per_second", u.messages_per_second, 0);
        tr.string("secret", u.secret);
        tr.duration("ttl", u.ttl);
        if (auto const* n = t.get("ttl"); n && u.ttl < std::chrono::seconds{1}) {
            error_at(n->source(), "turn.ttl: must be at least 1s");
        }
    }

    /// The whole document: top-level keys, then one reader per section.
    void read(toml::table const& root, config& cfg)
    {
        table_reader r(*this, root, "");
        r.integer("io_threads", cfg.io_threads, 0, 256);
        r.duration("token_lifetime", cfg.token_lifetime);
        if (auto const* t = r.table("websocket")) read_websocket(*t, cfg.websocket);
        if (auto const* t = r.table("tls")) read_tls(*t, cfg.tls);
        if (auto const* t = r.table("sip")) read_sip(*t, cfg.sip);
        if (auto const* t = r.table("bfcp")) read_bfcp(*t, cfg.bfcp, cfg.websocket);
        read_conferences(r, cfg.conferences);
        if (auto const* t = r.table("limits")) read_limits(*t, cfg.limits);
        if (auto const* t = r.table("timeouts")) read_timeouts(*t, cfg.timeouts);
        if (auto const* t = r.table("logging")) read_logging(*t, cfg.logging);
        if (auto const* t = r.table("admin")) read_admin(*t, cfg.admin);
        if (auto const* t = r.table("tokens")) read_tokens(*t, cfg.tokens);
        if (auto const* t = r.table("turn")) read_turn(*t, cfg.turn, cfg.websocket);
        warn_unprovable_chairs(cfg);
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
    // Room systems (Cisco, Poly) offer UDP/BFCP. Plain UDP needs require_tls off; the WebSocket
    // port still accepts only TLS (allow_plain = false), so nothing else changes.
    cfg.bfcp.udp = {{"127.0.0.1", 5062}};
    cfg.websocket.require_tls = false;
    return cfg;
}

token_settings default_token_settings()
{
    auto const env = [](char const* name) -> std::string {
        auto const* v = std::getenv(name);
        return v == nullptr ? std::string() : std::string(v);
    };
    std::string dir;
    if (auto const s = env("STATE_DIRECTORY"); !s.empty()) {
        // systemd may list several, separated by ':'; the first is ours.
        dir = s.substr(0, s.find(':'));
    } else if (auto const x = env("XDG_STATE_HOME"); !x.empty()) {
        dir = x + "/floorctl";
    } else if (auto const h = env("HOME"); !h.empty()) {
        dir = h + "/.local/state/floorctl";
    }
    if (dir.empty()) return {};
    return {dir + "/tokens", true};
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
