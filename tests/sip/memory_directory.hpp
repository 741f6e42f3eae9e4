#pragma once
/// @file memory_directory.hpp
/// An in-memory floorctl::app::participant_directory for the SIP tests and the SIP load server:
/// fixed conferences, sequential user IDs, tokens of 128 bits from a seeded PRNG (NOT a CSPRNG: the
/// real participant service in app/ draws tokens from a cryptographic source).
/// Not thread-safe: use it on the call controller's strand only.

#include "call_controller.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>

namespace sip_test {

class memory_directory final : public floorctl::app::participant_directory {
public:
    /// Adds conference `name` with ID `id` and one floor 1 linked to a=content:slides.
    void add_conference(std::string name, std::uint32_t id)
    {
        floorctl::app::conference_info info;
        info.id = floorctl::conference_id{id};
        info.floors.push_back({floorctl::floor_id{1}, "", "slides"});
        conferences_[std::move(name)] = std::move(info);
    }

    std::optional<floorctl::app::conference_info> lookup(std::string_view name) override
    {
        auto it = conferences_.find(std::string(name));
        if (it == conferences_.end()) return std::nullopt;
        return it->second;
    }

    boost::system::result<floorctl::app::participant_grant, floorctl::app::refusal>
    create(floorctl::app::participant_request const& r) override
    {
        if (next_user_ == 0xffff) next_user_ = 1;
        auto const user = floorctl::user_id{next_user_++};
        auto token = draw_token();
        live_[{r.conference, user}] = token;
        ++created_;
        return floorctl::app::participant_grant{user, std::move(token)};
    }

    boost::system::result<std::string, floorctl::app::refusal>
    renew_token(floorctl::conference_id c, floorctl::user_id u, floorctl::transport_kind) override
    {
        auto it = live_.find({c, u});
        if (it == live_.end()) return floorctl::app::refusal::internal;
        it->second = draw_token();
        return it->second;
    }

    void expect_peer(floorctl::conference_id, floorctl::user_id, std::string const&,
                     std::vector<std::string> const&) override
    {
    }

    void revoke(floorctl::conference_id c, floorctl::user_id u) override
    {
        live_.erase({c, u});
        ++revoked_;
    }

    [[nodiscard]] std::size_t live() const noexcept { return live_.size(); }
    [[nodiscard]] std::uint64_t created() const noexcept { return created_; }
    [[nodiscard]] std::uint64_t revoked() const noexcept { return revoked_; }
    /// The token of a live participant, empty if none.
    [[nodiscard]] std::string token_of(floorctl::conference_id c, floorctl::user_id u) const
    {
        auto it = live_.find({c, u});
        return it == live_.end() ? std::string() : it->second;
    }

private:
    std::string draw_token()
    {
        static constexpr char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string t;
        for (int i = 0; i < 2; ++i) { // 2 x 64 bits -> 22 base64url characters (>= 128 bits)
            std::uint64_t v = rng_();
            for (int k = 0; k < 11; ++k, v >>= 6)
                t.push_back(alphabet[v & 63u]);
        }
        return t;
    }

    std::map<std::string, floorctl::app::conference_info> conferences_;
    std::map<std::pair<floorctl::conference_id, floorctl::user_id>, std::string> live_;
    std::mt19937_64 rng_{0x5eed};
    std::uint16_t next_user_ = 1;
    std::uint64_t created_ = 0;
    std::uint64_t revoked_ = 0;
};

} // namespace sip_test
