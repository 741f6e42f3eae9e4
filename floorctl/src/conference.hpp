#pragma once
// Internal state of floorctl::server: one conference, its floors, participants and floor
// requests. Lives on the strand of the server that owns it; never shared between instances.

#include <floorctl/config.hpp>
#include <floorctl/message.hpp>
#include <floorctl/types.hpp>

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace floorctl::detail {

/// One floor of one floor request (RFC 8855 §5.2.17 FLOOR-REQUEST-STATUS).
struct request_floor {
    floor_id floor{};
    request_status status = request_status::pending;
    std::uint8_t queue_position = 0; // last value announced; 0 when not queued
    // Whether the request may be promoted to Granted when a slot frees. False only while a
    // chair-policy floor waits for its chair (RFC 8855 §13.4: Pending until a chair acts).
    bool eligible = true;
    std::optional<text> status_info;
    timer_id hold_timer{};  // 0: none
    timer_id chair_timer{}; // 0: none
};

[[nodiscard]] constexpr bool is_active(request_status s) noexcept
{
    return s == request_status::pending || s == request_status::accepted ||
           s == request_status::granted;
}

/// One floor request (RFC 8855 §3: the unit a participant asks for, over one or more floors).
struct floor_request_state {
    floor_request_id id{};
    user_id requester{};
    user_id beneficiary{};
    std::optional<priority> prio; // as sent; ordering uses effective_priority()
    std::optional<text> participant_info;
    boost::container::small_vector<request_floor, 2> floors;
    // Users that sent FloorRequestQuery for it: they get every later FloorRequestStatus too.
    boost::container::small_vector<user_id, 2> queriers;

    [[nodiscard]] priority effective_priority() const noexcept
    {
        return prio.value_or(priority::normal);
    }
    [[nodiscard]] request_floor* find(floor_id f) noexcept
    {
        for (auto& rf : floors) {
            if (rf.floor == f) return &rf;
        }
        return nullptr;
    }
    [[nodiscard]] request_floor const* find(floor_id f) const noexcept
    {
        for (auto const& rf : floors) {
            if (rf.floor == f) return &rf;
        }
        return nullptr;
    }
    [[nodiscard]] bool finished() const noexcept
    {
        for (auto const& rf : floors) {
            if (is_active(rf.status)) return false;
        }
        return true;
    }
};

/// One floor: its configuration, who holds it and who waits.
struct floor_state {
    floor_config cfg;
    std::vector<floor_request_id> holders; // grant order
    std::vector<floor_request_id> queue;   // queue order; position = index + 1
    std::vector<user_id> subscribers;      // FloorQuery senders (RFC 8855 §13.5)
};

/// One participant (RFC 8855 §3 floor participant or chair).
struct participant {
    participant_info info;
    std::optional<connection_id> conn;
    std::uint8_t version = 1; // the BFCP version this participant last used
    floor_list subscriptions;
    timer_id grace_timer{}; // 0: none
};

/// One conference (RFC 8855 §5.1 Conference ID).
struct conference {
    conference_config cfg; // `floors` moved out into `floors` below
    std::unordered_map<floor_id, floor_state> floors;
    std::vector<floor_id> floor_order; // configuration order, for snapshots
    std::unordered_map<user_id, participant> participants;
    std::unordered_map<floor_request_id, floor_request_state> requests;
    // The node of the last finished request, reused by the next one: a request/release cycle
    // then allocates nothing for the map (docs/performance.md).
    std::unordered_map<floor_request_id, floor_request_state>::node_type spare_request;
    // Connections bound to a user the conference does not know (yet): add_participant claims
    // them in O(1); their frames get Error 2 meanwhile.
    std::unordered_map<user_id, connection_id> unclaimed;
    std::uint16_t next_request = 1;
    std::uint16_t next_user = 1;
    /// Return report_change actions for this conference (server::report_changes()).
    bool report_changes = false;
};

} // namespace floorctl::detail
