#include "conference_catalog.hpp"

#include <charconv>

namespace floorctl::app {

namespace {

/// The first user id reserved for chairs named by URI: 65535 for the first, counting down.
constexpr std::uint16_t chair_uri_id(std::size_t index) noexcept
{
    return static_cast<std::uint16_t>(65535 - index);
}

} // namespace

floor_config to_floor_config(floor_settings const& f)
{
    floor_config out;
    out.id = floor_id{f.id};
    out.kind = f.policy;
    out.max_holders = f.max_holders;
    out.max_hold_time = f.max_hold_time;
    out.max_requests_per_user = f.max_requests_per_user;
    out.send_accepted = f.send_accepted;
    out.chair_timeout = f.chair_timeout;
    out.fallback = f.fallback;
    out.label = f.label;
    return out;
}

std::optional<user_id> chair_user_for_uri(conference_settings const& c, std::string const& uri)
{
    for (std::size_t i = 0; i < c.chair_uris.size(); ++i) {
        if (c.chair_uris[i] == uri) return user_id{chair_uri_id(i)};
    }
    return std::nullopt;
}

conference_config to_conference_config(conference_settings const& c, bool require_tls)
{
    conference_config out;
    out.id = conference_id{c.id};
    out.require_tls = require_tls;
    out.reconnect_grace = c.reconnect_grace;
    std::vector<user_id> chairs;
    for (auto const u : c.chair_users)
        chairs.push_back(user_id{u});
    // The core knows chairs only by user id; a chair named by SIP URI gets a reserved id that
    // the catalog hands out only to a proven claim of that URI.
    for (std::size_t i = 0; i < c.chair_uris.size(); ++i)
        chairs.push_back(user_id{chair_uri_id(i)});
    for (auto const& f : c.floors) {
        auto fc = to_floor_config(f);
        fc.chairs = chairs;
        out.floors.push_back(std::move(fc));
    }
    return out;
}

conference_catalog::added conference_catalog::insert_locked(conference_settings& c)
{
    entry e;
    e.generation = ++generations_;
    for (auto const u : c.chair_users)
        e.chairs.insert(u);
    for (std::size_t i = 0; i < c.chair_uris.size(); ++i)
        e.chairs.insert(chair_uri_id(i));
    names_[c.name].insert(c.id);
    auto const id = c.id;
    auto const generation = e.generation;
    e.settings = c;
    conferences_.emplace(id, std::move(e));
    return {conference_id{id}, generation};
}

std::optional<conference_catalog::added> conference_catalog::add(conference_settings& c)
{
    std::lock_guard lock(mutex_);
    if (c.id != 0) {
        if (conferences_.contains(c.id)) return std::nullopt;
    } else {
        // Ids count up and are not reused until the counter wraps, so the loop only steps over
        // ids that were given explicitly: amortised O(1).
        if (conferences_.size() == 0xFFFF'FFFFu) return std::nullopt;
        while (next_id_ == 0 || conferences_.contains(next_id_))
            ++next_id_;
        c.id = next_id_++;
    }
    return insert_locked(c);
}

conference_catalog::added conference_catalog::find_or_add(std::string const& name,
                                                          conference_settings templ, bool& created)
{
    std::lock_guard lock(mutex_);
    if (auto it = names_.find(name); it != names_.end() && !it->second.empty()) {
        auto const id = *it->second.begin();
        created = false;
        return {conference_id{id}, conferences_.at(id).generation};
    }
    while (next_id_ == 0 || conferences_.contains(next_id_))
        ++next_id_;
    templ.id = next_id_++;
    templ.name = name;
    created = true;
    return insert_locked(templ);
}

bool conference_catalog::remove(conference_id id, std::optional<std::uint64_t> generation)
{
    std::lock_guard lock(mutex_);
    auto const it = conferences_.find(to_underlying(id));
    if (it == conferences_.end()) return false;
    if (generation && it->second.generation != *generation) return false;
    if (auto n = names_.find(it->second.settings.name); n != names_.end()) {
        n->second.erase(it->first);
        if (n->second.empty()) names_.erase(n);
    }
    conferences_.erase(it);
    return true;
}

std::optional<conference_settings> conference_catalog::find(conference_id id) const
{
    std::lock_guard lock(mutex_);
    auto const it = conferences_.find(to_underlying(id));
    if (it == conferences_.end()) return std::nullopt;
    return it->second.settings;
}

bool conference_catalog::contains(conference_id id) const
{
    std::lock_guard lock(mutex_);
    return conferences_.contains(to_underlying(id));
}

std::optional<conference_id> conference_catalog::by_name_locked(std::string_view name) const
{
    std::optional<std::uint32_t> best;
    if (auto it = names_.find(std::string(name)); it != names_.end() && !it->second.empty()) {
        best = *it->second.begin();
    }
    std::uint32_t v = 0;
    auto const [end, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
    // Only the canonical decimal form names an id ("007" does not name 7).
    if (ec == std::errc{} && end == name.data() + name.size() && !name.empty() &&
        (name.size() == 1 || name.front() != '0') && conferences_.contains(v)) {
        if (!best || v < *best) best = v;
    }
    if (!best) return std::nullopt;
    return conference_id{*best};
}

std::optional<conference_id> conference_catalog::by_name(std::string_view name) const
{
    std::lock_guard lock(mutex_);
    return by_name_locked(name);
}

std::vector<conference_settings> conference_catalog::list() const
{
    std::lock_guard lock(mutex_);
    std::vector<conference_settings> out;
    out.reserve(conferences_.size());
    for (auto const& [id, e] : conferences_)
        out.push_back(e.settings);
    return out;
}

std::variant<std::vector<floor_id>, participant_failure>
conference_catalog::allocate_user(conference_id conf, participant_info& info,
                                  participant_claim claim)
{
    std::lock_guard lock(mutex_);
    auto const it = conferences_.find(to_underlying(conf));
    if (it == conferences_.end()) return participant_failure::no_such_conference;
    auto& e = it->second;
    auto id = to_underlying(info.id);
    if (claim.chair) {
        if (id == 0) {
            auto const chair = chair_user_for_uri(e.settings, info.uri);
            if (!chair) return participant_failure::not_a_chair;
            id = to_underlying(*chair);
        } else if (!e.chairs.contains(id)) {
            return participant_failure::not_a_chair;
        }
        if (e.users.contains(id)) return participant_failure::user_taken;
    } else if (id != 0) {
        if (e.chairs.contains(id)) return participant_failure::reserved;
        if (e.users.contains(id)) return participant_failure::user_taken;
    } else if (!e.free.empty()) {
        id = *e.free.begin();
    } else {
        // next_fresh only grows: the loop steps over each reserved or explicitly taken id once.
        while (e.next_fresh <= 65535 &&
               (e.chairs.contains(static_cast<std::uint16_t>(e.next_fresh)) ||
                e.users.contains(static_cast<std::uint16_t>(e.next_fresh)))) {
            ++e.next_fresh;
        }
        if (e.next_fresh > 65535) return participant_failure::full;
        id = static_cast<std::uint16_t>(e.next_fresh++);
    }
    e.free.erase(id);
    e.users.insert(id);
    info.id = user_id{id};
    std::vector<floor_id> floors;
    floors.reserve(e.settings.floors.size());
    for (auto const& f : e.settings.floors)
        floors.push_back(floor_id{f.id});
    return floors;
}

bool conference_catalog::release_user(conference_id conf, user_id user)
{
    std::lock_guard lock(mutex_);
    auto const it = conferences_.find(to_underlying(conf));
    if (it == conferences_.end()) return false;
    auto& e = it->second;
    auto const id = to_underlying(user);
    if (e.users.erase(id) == 0) return false;
    // An id at or above next_fresh was requested explicitly; the counter will reach it again.
    if (id < e.next_fresh && !e.chairs.contains(id)) e.free.insert(id);
    return true;
}

bool conference_catalog::has_user(conference_id conf, user_id user) const
{
    std::lock_guard lock(mutex_);
    auto const it = conferences_.find(to_underlying(conf));
    return it != conferences_.end() && it->second.users.contains(to_underlying(user));
}

std::size_t conference_catalog::size() const
{
    std::lock_guard lock(mutex_);
    return conferences_.size();
}

} // namespace floorctl::app
