#include "participants.hpp"

#include <openssl/rand.h>

#include <array>

namespace floorctl::app {

std::optional<std::string> make_token()
{
    std::array<unsigned char, 16> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return std::nullopt;
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (auto const b : raw) {
        out += hex[b >> 4];
        out += hex[b & 0xf];
    }
    return out;
}

std::optional<std::string> token_store::issue(conference_id conf, user_id user,
                                              clock::time_point now)
{
    auto token = make_token();
    if (!token) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (++issued_since_purge_ >= 256) {
        issued_since_purge_ = 0;
        purge_locked(now);
    }
    tokens_.insert_or_assign(*token, entry{{conf, user}, now, std::nullopt, false});
    return token;
}

token_check token_store::check_locked(entry const& e, clock::time_point now) const
{
    if (e.revoked_at) return {token_status::revoked, e.binding};
    if (!e.used && now - e.issued >= lifetime_) return {token_status::expired, e.binding};
    return {token_status::valid, e.binding};
}

token_check token_store::check(std::string const& token, clock::time_point now) const
{
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(token);
    if (it == tokens_.end()) return {};
    return check_locked(it->second, now);
}

token_check token_store::use(std::string const& token, clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(token);
    if (it == tokens_.end()) return {};
    auto const c = check_locked(it->second, now);
    if (c.status == token_status::valid) it->second.used = true;
    return c;
}

bool token_store::revoke(std::string const& token)
{
    std::lock_guard lock(mutex_);
    auto const it = tokens_.find(token);
    if (it == tokens_.end()) return false;
    if (!it->second.revoked_at) it->second.revoked_at = clock::now();
    return true;
}

std::size_t token_store::revoke_user(conference_id conf, user_id user)
{
    auto const now = clock::now();
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& [k, e] : tokens_) {
        if (e.binding == token_binding{conf, user} && !e.revoked_at) {
            e.revoked_at = now;
            ++n;
        }
    }
    return n;
}

std::size_t token_store::revoke_conference(conference_id conf)
{
    auto const now = clock::now();
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& [k, e] : tokens_) {
        if (e.binding.conference == conf && !e.revoked_at) {
            e.revoked_at = now;
            ++n;
        }
    }
    return n;
}

std::size_t token_store::size() const
{
    std::lock_guard lock(mutex_);
    return tokens_.size();
}

void token_store::purge(clock::time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
}

void token_store::purge_locked(clock::time_point now)
{
    std::erase_if(tokens_, [&](auto const& kv) {
        auto const& e = kv.second;
        if (e.revoked_at) return now - *e.revoked_at > lifetime_;
        return !e.used && now - e.issued > 2 * lifetime_;
    });
}

} // namespace floorctl::app
