#pragma once
/// @file config.hpp
/// Configuration of the floor control server: conferences, their floors and the granting policy
/// of each floor. Plain value types filled by the host (app/ reads them from the configuration
/// file, the admin API or a conference template) and handed to floorctl::server.
/// Thread safety: value types with no thread affinity.
/// See docs/policies.md for the behaviour behind every setting.

#include <floorctl/types.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace floorctl {

/// How a floor decides who holds it (docs/policies.md).
enum class policy : std::uint8_t {
    /// First come first served, ordered by PRIORITY; up to floor_config::max_holders holders.
    queue,
    /// A new request takes the floor: when every holder slot is taken, the oldest holder whose
    /// priority is not higher than the new request's gets Revoked (content sharing in rooms).
    preempt,
    /// Requests wait for a chair's ChairAction (RFC 8855 §13.4). Without a connected chair, or
    /// when no chair acts within floor_config::chair_timeout, `chair_fallback` applies.
    chair,
};

/// What a `policy::chair` floor does when no chair decides (docs/policies.md).
enum class chair_fallback : std::uint8_t {
    accept, ///< the request is handled as on a `policy::queue` floor
    deny,   ///< the request is Denied
};

/// One floor of a conference (RFC 8855 §3: a floor is a shared resource).
struct floor_config {
    /// FLOOR-ID (RFC 8855 §5.2.2). Non-zero and unique within its conference.
    floor_id id{};
    /// The granting policy of this floor.
    policy kind = policy::queue;
    /// Concurrent holders (Granted requests). At least 1.
    unsigned max_holders = 1;
    /// A holder is Revoked after holding this long; zero means unlimited.
    clock::duration max_hold_time{0};
    /// Ongoing (not yet finished) requests one beneficiary may have on this floor; a further
    /// FloorRequest gets Error 8 (RFC 8855 §5.2.6). Zero means unlimited.
    unsigned max_requests_per_user = 1;
    /// Automatic decisions go Pending → Accepted → Granted instead of straight to Granted
    /// (some endpoints wait for Accepted before they show "request accepted").
    bool send_accepted = false;
    /// `policy::chair`: how long a chair may leave a request undecided; zero means forever
    /// (as long as a chair is connected when the request arrives).
    clock::duration chair_timeout = std::chrono::seconds{30};
    /// `policy::chair`: what happens without a chair decision. Deny by default: a moderated
    /// floor is not handed out just because no chair is there.
    chair_fallback fallback = chair_fallback::deny;
    /// Users that are floor chairs of this floor (RFC 8855 §3). They may send ChairAction for
    /// it, make third-party requests (BENEFICIARY-ID) and release anybody's request on it.
    std::vector<user_id> chairs;
    /// The `a=label` of the media stream this floor controls (RFC 8856 `mstrm`); informational.
    std::string label;
};

/// One conference: its floors and connection rules.
struct conference_config {
    /// Conference ID (RFC 8855 §5.1). Unique within one floorctl::server.
    conference_id id{};
    /// The floors; their ids must be unique.
    std::vector<floor_config> floors;
    /// Every message on a connection that is not TLS-protected gets Error 9 Use TLS (ws, tcp) or,
    /// on plain UDP, Error 11 Use DTLS.
    bool require_tls = false;
    /// After a participant's connection closes, its floor requests survive this long; a new
    /// connection_bound for the same user within it keeps them. Zero: released at once.
    clock::duration reconnect_grace{0};
};

/// A participant as the signalling side (SIP/SDP, admin API) knows it.
struct participant_info {
    /// User ID (RFC 8855 §5.1). 0 asks floorctl::server::add_participant to pick a free one.
    user_id id{};
    /// USER-DISPLAY-NAME (§5.2.12) in BENEFICIARY-/REQUESTED-BY-INFORMATION; empty: omitted.
    std::string display_name;
    /// USER-URI (§5.2.13), e.g. the SIP From URI; empty: omitted.
    std::string uri;
};

} // namespace floorctl
