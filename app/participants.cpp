#include "participants.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace floorctl::app {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Share of the expiry work issue() does per call: each token adds at most one item to each
// queue, so a few steps per call keep both queues drained in the steady state.
constexpr std::size_t expiry_steps_per_issue = 8;

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/// The token's text form: 32 lowercase hex digits.
std::string to_hex(std::array<std::uint8_t, 16> const& raw)
{
    std::string out;
    out.reserve(raw.size() * 2);
    for (auto const b : raw) {
        out += hex_digits[b >> 4];
        out += hex_digits[b & 0xf];
    }
    return out;
}

} // namespace

std::optional<std::string> make_token()
{
    std::array<std::uint8_t, 16> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return std::nullopt;
    return to_hex(raw);
}

std::size_t token_store::key_hash::operator()(key const& k) const noexcept
{
    // The bytes come from the RNG: any 8 of them are a uniform hash. Keys that a client sends
    // are only looked up, never inserted, so they cannot crowd a bucket.
    std::uint64_t h = 0;
    std::memcpy(&h, k.data(), sizeof h);
    return static_cast<std::size_t>(h);
}

std::optional<token_store::key> token_store::parse(std::string_view token)
{
    key k{};
    if (token.size() != k.size() * 2) return std::nullopt;
    for (std::size_t i = 0; i < k.size(); ++i) {
        auto const hi = hex_value(token[2 * i]);
        auto const lo = hex_value(token[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        k[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return k;
}

std::optional<std::string> token_store::issue(conference_id conf, user_id user,
                                              clock::time_point now, bool until_used)
{
    auto token = make_token();
    if (!token) return std::nullopt;
    auto const k = *parse(*token);
    std::lock_guard lock(mutex_);
    expire_locked(now, expiry_steps_per_issue);
    // A repeated 128-bit random value means a broken RNG: refuse rather than rebind.
    if (!insert_locked(k, *token, {conf, user}, now, until_used)) return std::nullopt;
    return token;
}

bool token_store::adopt(std::string_view token, token_owner owner, clock::time_point issued,
                        bool until_used)
{
    auto const k = parse(token);
    if (!k) return false;
    std::lock_guard lock(mutex_);
    return insert_locked(*k, token, owner, issued, until_used);
}

bool token_store::insert_locked(key const& k, std::string_view token, token_owner owner,
                                clock::time_point issued, bool until_used)
{
    if (tokens_.contains(k)) return false;
    if (listener_ && !listener_({token_event::issued, token, owner, issued, until_used}))
        return false;
    tokens_.emplace(k, entry{owner, issued, phase::unused, until_used});
    live_[owner.conference][owner.user].push_back(k);
    // Issue times come in order, except from a caller's clock that steps back: then this one
    // waits for its predecessor, so the queue stays sorted (as by_forget_ in end_locked).
    if (!until_used) {
        auto const at = by_issue_.empty() ? issued : std::max(issued, by_issue_.back().at);
        by_issue_.push_back({at, k});
    }
    ++counts_.unused;
    return true;
}

void token_store::on_change(std::function<bool(token_change const&)> listener)
{
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
}

bool token_store::notify_locked(token_event what, key const& k, token_owner const& owner,
                                clock::time_point at, bool until_used) const
{
    if (!listener_) return true;
    auto const text = to_hex(k);
    return listener_({what, text, owner, at, until_used});
}

std::vector<std::string> token_store::lasting_tokens(conference_id conf) const
{
    std::vector<std::pair<clock::time_point, std::string>> found;
    std::lock_guard lock(mutex_);
    if (auto const c = live_.find(conf); c != live_.end()) {
        for (auto const& [user, keys] : c->second) {
            for (auto const& k : keys) {
                auto const it = tokens_.find(k);
                if (it != tokens_.end() && it->second.until_used)
                    found.emplace_back(it->second.issued, to_hex(k));
            }
        }
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    out.reserve(found.size());
    for (auto& f : found)
        out.push_back(std::move(f.second));
    return out;
}

token_check token_store::check_locked(entry const& e, clock::time_point now) const
{
    switch (e.state) {
    case phase::revoked:
        return {token_status::revoked, e.owner, std::nullopt};
    case phase::expired:
        return {token_status::expired, e.owner, std::nullopt};
    case phase::unused:
        if (e.until_used) break;
        if (now - e.issued >= lifetime_) return {token_status::expired, e.owner, std::nullopt};
        return {token_status::valid, e.owner, lifetime_ - (now - e.issued)};
    case phase::used:
        break;
    }
    return {token_status::valid, e.owner, std::nullopt};
}

token_check token_store::check(std::string_view token, clock::time_point now) const
{
    auto const k = parse(token);
    if (!k) return {};
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(*k);
    if (it == tokens_.end()) return {};
    return check_locked(it->second, now);
}

token_check token_store::use(std::string_view token, clock::time_point now)
{
    auto const k = parse(token);
    if (!k) return {};
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(*k);
    if (it == tokens_.end()) return {};
    auto c = check_locked(it->second, now);
    if (c.status == token_status::valid && it->second.state == phase::unused) {
        c.expires_in.reset();
        it->second.state = phase::used;
        --counts_.unused;
        ++counts_.used;
        notify_locked(token_event::used, *k, it->second.owner, now);
    }
    return c;
}

void token_store::unindex_locked(key const& k, token_owner const& b)
{
    auto const conf = live_.find(b.conference);
    if (conf == live_.end()) return;
    auto const user = conf->second.find(b.user);
    if (user == conf->second.end()) return;
    auto& keys = user->second;
    std::erase(keys, k);
    if (!keys.empty()) return;
    conf->second.erase(user);
    if (conf->second.empty()) live_.erase(conf);
}

void token_store::end_locked(key const& k, entry& e, phase why, clock::time_point forget_at)
{
    if (e.state == phase::unused) --counts_.unused;
    if (e.state == phase::used) --counts_.used;
    ++counts_.ended;
    e.state = why;
    // Ends come in time order; a caller's clock that steps back only makes this one wait for
    // its predecessor, so the queue stays sorted and its front is always the next one due.
    // A revocation is forgotten one lifetime after it (the time a replay needs).
    if (why == phase::revoked)
        notify_locked(token_event::revoked, k, e.owner, forget_at - lifetime_);
    if (!by_forget_.empty()) forget_at = std::max(forget_at, by_forget_.back().at);
    by_forget_.push_back({forget_at, k});
}

bool token_store::revoke(std::string_view token, clock::time_point now)
{
    auto const k = parse(token);
    if (!k) return false;
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(*k);
    if (it == tokens_.end()) return false;
    auto& e = it->second;
    switch (e.state) {
    case phase::unused:
    case phase::used:
        unindex_locked(*k, e.owner);
        end_locked(*k, e, phase::revoked, now + lifetime_);
        break;
    case phase::expired:
        e.state = phase::revoked; // already queued to be forgotten
        notify_locked(token_event::revoked, *k, e.owner, now);
        break;
    case phase::revoked:
        break;
    }
    return true;
}

std::size_t token_store::revoke_user(conference_id conf, user_id user, clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto const c = live_.find(conf);
    if (c == live_.end()) return 0;
    auto const u = c->second.find(user);
    if (u == c->second.end()) return 0;
    std::size_t n = 0;
    for (auto const& k : u->second) {
        ++touched_;
        if (auto const it = tokens_.find(k); it != tokens_.end()) {
            end_locked(k, it->second, phase::revoked, now + lifetime_);
            ++n;
        }
    }
    c->second.erase(u);
    if (c->second.empty()) live_.erase(c);
    return n;
}

std::size_t token_store::revoke_conference(conference_id conf, clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto const c = live_.find(conf);
    if (c == live_.end()) return 0;
    std::size_t n = 0;
    for (auto const& [user, keys] : c->second) {
        for (auto const& k : keys) {
            ++touched_;
            if (auto const it = tokens_.find(k); it != tokens_.end()) {
                end_locked(k, it->second, phase::revoked, now + lifetime_);
                ++n;
            }
        }
    }
    live_.erase(c);
    return n;
}

std::size_t token_store::size() const
{
    std::lock_guard lock(mutex_);
    return tokens_.size();
}

token_counts token_store::counts() const
{
    std::lock_guard lock(mutex_);
    return counts_;
}

std::uint64_t token_store::entries_touched() const
{
    std::lock_guard lock(mutex_);
    return touched_;
}

void token_store::purge(clock::time_point now)
{
    std::lock_guard lock(mutex_);
    expire_locked(now, std::numeric_limits<std::size_t>::max());
}

void token_store::expire_locked(clock::time_point now, std::size_t limit)
{
    // Unused tokens whose lifetime is over end (check() already answers "expired" for them);
    // the others in this queue were used or revoked meanwhile and only leave it.
    for (std::size_t i = 0; i < limit && !by_issue_.empty(); ++i) {
        auto const& front = by_issue_.front();
        if (now - front.at < lifetime_) break;
        ++touched_;
        if (auto const it = tokens_.find(front.token);
            it != tokens_.end() && it->second.state == phase::unused) {
            unindex_locked(front.token, it->second.owner);
            end_locked(front.token, it->second, phase::expired, front.at + 2 * lifetime_);
        }
        by_issue_.pop_front();
    }
    for (std::size_t i = 0; i < limit && !by_forget_.empty(); ++i) {
        auto const& front = by_forget_.front();
        if (now <= front.at) break;
        ++touched_;
        if (auto const it = tokens_.find(front.token); it != tokens_.end()) {
            notify_locked(token_event::forgotten, front.token, it->second.owner, now);
            tokens_.erase(it);
            --counts_.ended;
        }
        by_forget_.pop_front();
    }
}

} // namespace floorctl::app
