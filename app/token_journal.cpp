#include "token_journal.hpp"

#include "log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace floorctl::app {

namespace {

constexpr std::string_view header = "floorctl-tokens 1";
/// Records a compaction may leave behind on top of twice the live set: a small journal is not
/// rewritten on every change.
constexpr std::size_t compaction_floor = 64;

std::string errno_text()
{
    return std::strerror(errno);
}

/// Percent-encodes `s` so that it is one field: no space, no control byte; "-" is empty.
std::string encode_field(std::string_view s)
{
    if (s.empty()) return "-";
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (auto const ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        bool const plain = c > 0x20 && c < 0x7f && c != '%' && c != '-';
        if (plain) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::optional<std::string> decode_field(std::string_view s)
{
    if (s == "-") return std::string();
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        auto const hi = hex_digit(s[i + 1]);
        auto const lo = hex_digit(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return out;
}

template <class T> std::optional<T> parse_number(std::string_view s)
{
    T v{};
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::optional<bool> parse_flag(std::string_view s)
{
    if (s == "0") return false;
    if (s == "1") return true;
    return std::nullopt;
}

/// A token as the store makes them: 32 lowercase hex digits.
bool is_token(std::string_view s)
{
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::vector<std::string_view> split_fields(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= line.size()) {
        auto const sp = line.find(' ', pos);
        auto const end = sp == std::string_view::npos ? line.size() : sp;
        out.push_back(line.substr(pos, end - pos));
        if (sp == std::string_view::npos) break;
        pos = sp + 1;
    }
    return out;
}

std::int64_t unix_ms(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The wall-clock time of steady time `at`, by the clocks as they read now.
std::int64_t wall_ms(clock::time_point at)
{
    auto const back =
        std::chrono::duration_cast<std::chrono::system_clock::duration>(clock::now() - at);
    return unix_ms(std::chrono::system_clock::now() - back);
}

/// Writes all of `data` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        auto const n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string participant_record(journal_participant const& p)
{
    return "P " + std::to_string(to_underlying(p.conference)) + " " +
           std::to_string(to_underlying(p.info.id)) + " " + (p.chair ? "1 " : "0 ") +
           encode_field(p.info.display_name) + " " + encode_field(p.info.uri);
}

std::string issue_record(std::string_view token, token_owner const& o, std::int64_t ms,
                         bool until_used)
{
    return "I " + std::string(token) + " " + std::to_string(to_underlying(o.conference)) + " " +
           std::to_string(to_underlying(o.user)) + " " + std::to_string(ms) +
           (until_used ? " 1" : " 0");
}

} // namespace

token_journal::token_journal(std::filesystem::path path) : path_(std::move(path))
{
    std::lock_guard lock(mutex_);
    load();
    if (!compact_locked())
        throw std::runtime_error(path_.string() +
                                 ": cannot write the token store: " + errno_text());
}

token_journal::~token_journal()
{
    if (fd_ >= 0) ::close(fd_);
}

void token_journal::load()
{
    auto const name = path_.string();
    int const fd = ::open(name.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error(name + ": cannot open the token store: " + errno_text());
    std::string text;
    char buf[65536];
    for (;;) {
        auto const n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            auto const why = errno_text();
            ::close(fd);
            throw std::runtime_error(name + ": cannot read the token store: " + why);
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (text.empty()) return;

    std::string_view rest = text;
    // A crash while the file was first written leaves a prefix of the header: start afresh.
    auto const full_header = std::string(header) + "\n";
    if (rest.size() < full_header.size() && full_header.starts_with(rest)) {
        log_warn("token store header cut short; starting empty", {.extra = {{"path", name}}});
        return;
    }
    if (!rest.starts_with(full_header))
        throw std::runtime_error(name + ": not a token store (expected the header \"" +
                                 std::string(header) + "\")");
    rest.remove_prefix(full_header.size());
    std::size_t line_no = 1;
    while (!rest.empty()) {
        ++line_no;
        auto const nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            // The last write was cut by a crash: it was never acknowledged.
            log_warn("token store: last line cut short, skipped",
                     {.extra = {{"path", name}, {"line", std::to_string(line_no)}}});
            break;
        }
        auto const line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        if (apply(line)) continue;
        if (rest.empty()) {
            log_warn("token store: last line malformed, skipped",
                     {.extra = {{"path", name}, {"line", std::to_string(line_no)}}});
            break;
        }
        throw std::runtime_error(name + ":" + std::to_string(line_no) +
                                 ": malformed token store record");
    }
}

bool token_journal::apply(std::string_view line)
{
    auto const f = split_fields(line);
    if (f.empty()) return false;
    auto const owner = [&](std::size_t at) -> std::optional<token_owner> {
        auto const conf = parse_number<std::uint32_t>(f[at]);
        auto const user = parse_number<std::uint16_t>(f[at + 1]);
        if (!conf || !user) return std::nullopt;
        return token_owner{conference_id{*conf}, user_id{*user}};
    };
    if (f[0] == "P" && f.size() == 6) {
        auto const o = owner(1);
        auto const chair = parse_flag(f[3]);
        auto name = decode_field(f[4]);
        auto uri = decode_field(f[5]);
        if (!o || !chair || !name || !uri) return false;
        journal_participant p;
        p.conference = o->conference;
        p.info.id = o->user;
        p.info.display_name = std::move(*name);
        p.info.uri = std::move(*uri);
        p.chair = *chair;
        participants_[{to_underlying(o->conference), to_underlying(o->user)}] = std::move(p);
        return true;
    }
    if (f[0] == "X" && f.size() == 3) {
        auto const o = owner(1);
        if (!o) return false;
        participants_.erase({to_underlying(o->conference), to_underlying(o->user)});
        return true;
    }
    if (f[0] == "I" && f.size() == 6) {
        auto const o = owner(2);
        auto const ms = parse_number<std::int64_t>(f[4]);
        auto const until_used = parse_flag(f[5]);
        if (!is_token(f[1]) || !o || !ms || !until_used) return false;
        tokens_.try_emplace(std::string(f[1]), token_line{*o, *ms, *until_used, false, {}});
        return true;
    }
    if (f[0] == "U" && f.size() == 2) {
        if (!is_token(f[1])) return false;
        if (auto const it = tokens_.find(std::string(f[1])); it != tokens_.end())
            it->second.used = true;
        return true;
    }
    if (f[0] == "R" && f.size() == 3) {
        auto const ms = parse_number<std::int64_t>(f[2]);
        if (!is_token(f[1]) || !ms) return false;
        if (auto const it = tokens_.find(std::string(f[1]));
            it != tokens_.end() && !it->second.revoked_ms) {
            it->second.revoked_ms = *ms;
        }
        return true;
    }
    return false;
}

std::vector<journal_participant>
token_journal::attach(token_store& store, std::chrono::system_clock::time_point wall_now,
                      clock::time_point now)
{
    std::vector<std::pair<std::string, token_line>> tokens;
    std::vector<journal_participant> participants;
    {
        std::lock_guard lock(mutex_);
        tokens.assign(tokens_.begin(), tokens_.end());
        for (auto const& [key, p] : participants_)
            participants.push_back(p);
    }
    auto const wall_now_ms = unix_ms(wall_now);
    auto const steady = [&](std::int64_t ms) {
        return now - std::chrono::milliseconds{wall_now_ms - ms};
    };
    // In the order they happened: issues, then first uses (at the issue time, when the token
    // was surely valid), then revocations.
    std::sort(tokens.begin(), tokens.end(),
              [](auto const& a, auto const& b) { return a.second.issued_ms < b.second.issued_ms; });
    for (auto const& [token, t] : tokens)
        store.adopt(token, t.owner, steady(t.issued_ms), t.until_used);
    for (auto const& [token, t] : tokens) {
        if (t.used) (void)store.use(token, steady(t.issued_ms));
    }
    std::stable_sort(tokens.begin(), tokens.end(), [](auto const& a, auto const& b) {
        return a.second.revoked_ms.value_or(0) < b.second.revoked_ms.value_or(0);
    });
    for (auto const& [token, t] : tokens) {
        if (t.revoked_ms) store.revoke(token, steady(*t.revoked_ms));
    }
    store.on_change([this](token_change const& c) {
        std::lock_guard lock(mutex_);
        return on_change_locked(c);
    });
    // What ended long enough ago is forgotten now, here as well (the listener hears it), and
    // the file is rewritten without it.
    store.purge(now);
    std::lock_guard lock(mutex_);
    if (records_ > live_locked()) (void)compact_locked();
    return participants;
}

bool token_journal::on_change_locked(token_change const& c)
{
    switch (c.event) {
    case token_event::issued: {
        // Only tokens of participants the journal knows (not the SIP side's).
        if (!participants_.contains(
                {to_underlying(c.owner.conference), to_underlying(c.owner.user)}))
            return true;
        auto const ms = wall_ms(c.at);
        if (!append_locked(issue_record(c.token, c.owner, ms, c.until_used))) return false;
        tokens_.insert_or_assign(std::string(c.token),
                                 token_line{c.owner, ms, c.until_used, false, {}});
        return true;
    }
    case token_event::used: {
        auto const it = tokens_.find(std::string(c.token));
        if (it == tokens_.end() || it->second.used) return true;
        it->second.used = true;
        return append_locked("U " + std::string(c.token));
    }
    case token_event::revoked: {
        auto const it = tokens_.find(std::string(c.token));
        if (it == tokens_.end() || it->second.revoked_ms) return true;
        auto const ms = wall_ms(c.at);
        it->second.revoked_ms = ms;
        return append_locked("R " + std::string(c.token) + " " + std::to_string(ms));
    }
    case token_event::forgotten:
        tokens_.erase(std::string(c.token));
        return true;
    }
    return true;
}

bool token_journal::participant_added(journal_participant const& p)
{
    std::lock_guard lock(mutex_);
    if (!append_locked(participant_record(p))) return false;
    participants_[{to_underlying(p.conference), to_underlying(p.info.id)}] = p;
    return true;
}

void token_journal::participant_removed(conference_id conf, user_id user)
{
    std::lock_guard lock(mutex_);
    if (participants_.erase({to_underlying(conf), to_underlying(user)}) == 0) return;
    (void)append_locked("X " + std::to_string(to_underlying(conf)) + " " +
                        std::to_string(to_underlying(user)));
}

void token_journal::conference_removed(conference_id conf)
{
    std::lock_guard lock(mutex_);
    auto const c = to_underlying(conf);
    auto it = participants_.lower_bound({c, 0});
    while (it != participants_.end() && it->first.first == c) {
        auto const user = it->first.second;
        it = participants_.erase(it);
        (void)append_locked("X " + std::to_string(c) + " " + std::to_string(user));
    }
}

std::size_t token_journal::records() const
{
    std::lock_guard lock(mutex_);
    return records_;
}

std::size_t token_journal::live() const
{
    std::lock_guard lock(mutex_);
    return live_locked();
}

std::size_t token_journal::live_locked() const
{
    std::size_t n = participants_.size();
    for (auto const& [token, t] : tokens_)
        n += 1 + (t.used ? 1 : 0) + (t.revoked_ms ? 1 : 0);
    return n;
}

bool token_journal::append_locked(std::string const& line)
{
    auto const data = line + "\n";
    if (fd_ < 0 || !write_all(fd_, data) || ::fdatasync(fd_) != 0) {
        log_error("token store write failed",
                  {.extra = {{"path", path_.string()}, {"error", errno_text()}}});
        return false;
    }
    ++records_;
    if (records_ > 2 * live_locked() + compaction_floor) (void)compact_locked();
    return true;
}

bool token_journal::compact_locked()
{
    std::string out = std::string(header) + "\n";
    std::size_t lines = 0;
    for (auto const& [key, p] : participants_) {
        out += participant_record(p) + "\n";
        ++lines;
    }
    std::vector<std::pair<std::string const*, token_line const*>> order;
    order.reserve(tokens_.size());
    for (auto const& [token, t] : tokens_)
        order.emplace_back(&token, &t);
    std::sort(order.begin(), order.end(), [](auto const& a, auto const& b) {
        return a.second->issued_ms < b.second->issued_ms;
    });
    for (auto const& [token, t] : order) {
        out += issue_record(*token, t->owner, t->issued_ms, t->until_used) + "\n";
        ++lines;
        if (t->used) {
            out += "U " + *token + "\n";
            ++lines;
        }
        if (t->revoked_ms) {
            out += "R " + *token + " " + std::to_string(*t->revoked_ms) + "\n";
            ++lines;
        }
    }

    auto const tmp = path_.string() + ".tmp";
    int const fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("token store compaction failed",
                  {.extra = {{"path", tmp}, {"error", errno_text()}}});
        return false;
    }
    bool const written = write_all(fd, out) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(tmp.c_str(), path_.c_str()) != 0) {
        log_error("token store compaction failed",
                  {.extra = {{"path", tmp}, {"error", errno_text()}}});
        ::unlink(tmp.c_str());
        return false;
    }
    // The rename is durable once the directory is.
    auto const dir = path_.has_parent_path() ? path_.parent_path().string() : std::string(".");
    if (int const d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        (void)::fsync(d);
        ::close(d);
    }
    int const next = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (next < 0) {
        log_error("token store reopen failed",
                  {.extra = {{"path", path_.string()}, {"error", errno_text()}}});
        return false;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = next;
    records_ = lines;
    return true;
}

} // namespace floorctl::app
