#pragma once
// Random event sequences for floorctl::server with an invariant check after every step.
// Shared by tests/fuzz/server_sequence_fuzz.cpp (libFuzzer drives the bytes) and
// tests/floorctl/server_sequence_test.cpp (a fixed-seed generator drives them in CI).
//
// Input layout: byte 0 picks the configuration; then every 3 bytes are one step
// (operation, argument a, argument b). Invariants (issue 3):
//  - never more holders than max_holders; holders Granted, queued Pending/Accepted;
//  - every request in exactly one state per floor; live requests == requests on some floor;
//  - queue positions contiguous from 1;
//  - no message addressed to a closed connection, and every notification carries the user
//    bound to the connection it goes to;
//  - the server's timers and connections are exactly those the host was told to keep;
//  - every floor free, no request and no timer left once everyone has left.

#include <floorctl/codec.hpp>
#include <floorctl/server.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace floorctl::test {

class server_sequence {
public:
    static constexpr conference_id conf{1};
    static constexpr std::uint16_t users = 5;

    explicit server_sequence(std::uint8_t variant)
    {
        floor_config q;
        q.id = floor_id{1};
        q.kind = policy::queue;
        q.max_holders = (variant & 1) != 0 ? 2 : 1;
        if ((variant & 2) != 0) q.max_hold_time = std::chrono::seconds{10};
        q.max_requests_per_user = (variant & 4) != 0 ? 2 : 1;
        floor_config p;
        p.id = floor_id{2};
        p.kind = policy::preempt;
        p.send_accepted = (variant & 8) != 0;
        p.chairs = {user_id{2}};
        floor_config c;
        c.id = floor_id{3};
        c.kind = policy::chair;
        c.chairs = {user_id{1}};
        c.fallback = (variant & 16) != 0 ? chair_fallback::deny : chair_fallback::accept;
        c.chair_timeout = (variant & 32) != 0 ? clock::duration{} : std::chrono::seconds{5};
        c.send_accepted = (variant & 8) != 0;
        conference_config cc;
        cc.id = conf;
        cc.floors = {q, p, c};
        cc.reconnect_grace = (variant & 64) != 0 ? std::chrono::seconds{5} : clock::duration{};
        (void)core_.add_conference(cc);
        for (std::uint16_t u = 1; u <= users; ++u)
            join(u);
    }

    /// One step; returns a violation or "".
    std::string step(std::uint8_t opcode, std::uint8_t a, std::uint8_t b)
    {
        auto const u = static_cast<std::uint16_t>(a % users + 1);
        switch (opcode % 12) {
        case 0: {
            floor_request r;
            for (std::uint16_t f = 1; f <= 3; ++f) {
                if ((b >> (f - 1) & 1) != 0) r.floors.push_back(floor_id{f});
            }
            if (r.floors.empty()) r.floors.push_back(floor_id{1});
            if (((b >> 3) & 7) < 5) r.prio = priority{static_cast<std::uint8_t>((b >> 3) & 7)};
            if ((b & 0x80) != 0)
                r.beneficiary = user_id{static_cast<std::uint16_t>((a >> 3) % users + 1)};
            return send(u, r);
        }
        case 1:
            return send(u, floor_release{known_request(b)});
        case 2: {
            chair_action act;
            act.info.id = known_request(b);
            floor_request_status_group g;
            g.floor = floor_id{static_cast<std::uint16_t>(b % 3 + 1)};
            static constexpr request_status choices[] = {
                request_status::accepted, request_status::denied, request_status::granted,
                request_status::revoked, request_status::pending};
            g.status =
                request_status_value{choices[(a >> 3) % 5], static_cast<std::uint8_t>(b >> 6)};
            act.info.floors.push_back(g);
            return send((a & 0x80) != 0 ? u : std::uint16_t{1}, act);
        }
        case 3: {
            floor_query q;
            for (std::uint16_t f = 1; f <= 3; ++f) {
                if ((b >> (f - 1) & 1) != 0) q.floors.push_back(floor_id{f});
            }
            return send(u, q);
        }
        case 4:
            return send(u, floor_request_query{known_request(b)});
        case 5: {
            user_query q;
            if ((b & 1) != 0) q.beneficiary = user_id{static_cast<std::uint16_t>(b % 7)};
            return send(u, q);
        }
        case 6:
            if (auto it = conn_of_.find(u); it != conn_of_.end())
                return run(connection_closed{it->second});
            return {};
        case 7:
            if (!present_.contains(u)) {
                join(u);
                return check();
            }
            return run(connection_bound{next_conn(), conf, user_id{u}, transport_kind::wss});
        case 8:
            if (timers_.empty()) return {};
            return run(timer_fired{
                *std::next(timers_.begin(), static_cast<std::ptrdiff_t>(b % timers_.size()))});
        case 9:
            return send(u, goodbye{});
        case 10: {
            auto it = conn_of_.find(u);
            if (it == conn_of_.end()) return {};
            if ((b & 3) == 0) // a short frame: the server closes the connection
                return run(frame_received{it->second, std::vector<std::byte>(b % 12)});
            // A frame claiming another user (RFC 8857 replay defence) or plain Hello.
            auto m = header_for((b & 3) == 1 ? static_cast<std::uint16_t>(u % users + 1) : u);
            m.payload = hello{};
            return run(frame_received{it->second, encode(m)});
        }
        default: {
            if (!present_.contains(u)) return {};
            auto out = core_.remove_participant(conf, user_id{u});
            present_.erase(u);
            return absorb(out);
        }
        }
    }

    /// Everyone leaves; returns a violation or "".
    std::string finish()
    {
        for (std::uint16_t u = 1; u <= users; ++u) {
            if (!present_.contains(u)) continue;
            auto out = core_.remove_participant(conf, user_id{u});
            present_.erase(u);
            if (auto v = absorb(out); !v.empty()) return v;
        }
        auto const snap = core_.snapshot(conf);
        if (!snap) return "conference vanished";
        for (auto const& f : snap->floors) {
            if (!f.holders.empty() || !f.queue.empty() || !f.subscribers.empty())
                return "floor " + std::to_string(to_underlying(f.id)) + " not free after all left";
        }
        if (snap->active_requests != 0) return "requests left after all left";
        if (core_.stats().timers != 0 || !timers_.empty()) return "timers left after all left";
        if (core_.stats().connections != 0) return "connections left after all left";
        return {};
    }

    /// What all sequences run so far produced (for the coverage test).
    struct seen_set {
        std::set<request_status> statuses;
        std::set<error_code> errors;
    };
    static seen_set& coverage()
    {
        static seen_set s;
        return s;
    }

    /// Runs one fuzz input; returns a violation or "".
    static std::string run_input(std::span<std::uint8_t const> data)
    {
        if (data.empty()) return {};
        server_sequence s{data[0]};
        for (std::size_t i = 1; i + 2 < data.size(); i += 3) {
            if (auto v = s.step(data[i], data[i + 1], data[i + 2]); !v.empty())
                return "step " + std::to_string(i / 3) + ": " + v;
        }
        return s.finish();
    }

private:
    void join(std::uint16_t u)
    {
        participant_info p;
        p.id = user_id{u};
        p.display_name = "user " + std::to_string(u);
        std::vector<action> out;
        (void)core_.add_participant(conf, p, out);
        present_.insert(u);
        (void)run(connection_bound{next_conn(), conf, user_id{u}, transport_kind::wss});
    }

    connection_id next_conn() { return connection_id{++last_conn_}; }

    message header_for(std::uint16_t u)
    {
        message m;
        m.header.conference = conf;
        m.header.user = user_id{u};
        m.header.transaction = transaction_id{static_cast<std::uint16_t>(++tid_ % 0xFFFF + 1)};
        return m;
    }

    floor_request_id known_request(std::uint8_t b) const
    {
        if (known_.empty() || (b & 0x20) != 0)
            return floor_request_id{static_cast<std::uint16_t>(b % 9)};
        return *std::next(known_.begin(), static_cast<std::ptrdiff_t>(b % known_.size()));
    }

    std::string send(std::uint16_t u, message_body b)
    {
        auto it = conn_of_.find(u);
        if (it == conn_of_.end()) return {};
        auto m = header_for(u);
        m.payload = std::move(b);
        return run(frame_received{it->second, encode(m)});
    }

    std::string run(event const& ev)
    {
        if (auto const* bound = std::get_if<connection_bound>(&ev)) {
            open_[bound->conn] = bound->user;
            conn_of_[to_underlying(bound->user)] = bound->conn;
        }
        if (auto const* closed = std::get_if<connection_closed>(&ev)) forget(closed->conn);
        if (auto const* fired = std::get_if<timer_fired>(&ev)) timers_.erase(fired->id);
        std::vector<action> out;
        core_.handle(ev, out);
        return absorb(out);
    }

    void forget(connection_id c)
    {
        if (auto it = open_.find(c); it != open_.end()) {
            if (auto u = conn_of_.find(to_underlying(it->second));
                u != conn_of_.end() && u->second == c)
                conn_of_.erase(u);
            open_.erase(it);
        }
    }

    std::string absorb(std::vector<action> const& out)
    {
        std::vector<connection_id> closed_now;
        for (auto const& a : out) {
            if (auto const* m = std::get_if<send_message>(&a)) {
                auto it = open_.find(m->conn);
                if (it == open_.end())
                    return "message to closed connection " + std::to_string(to_underlying(m->conn));
                // Replies echo the request's header (even a forged user ID, for the Error 5);
                // what the server pushes on its own must name the connection's user.
                if (m->msg.header.transaction == transaction_id{} &&
                    it->second != m->msg.header.user)
                    return "message for user " + std::to_string(to_underlying(m->msg.header.user)) +
                           " on the connection of user " +
                           std::to_string(to_underlying(it->second));
                if (auto const* frs = std::get_if<floor_request_status>(&m->msg.payload)) {
                    known_.insert(frs->info.id);
                    for (auto const& g : frs->info.floors) {
                        if (g.status) coverage().statuses.insert(g.status->status);
                    }
                }
                if (auto const* e = std::get_if<error_reply>(&m->msg.payload))
                    coverage().errors.insert(e->code);
            } else if (auto const* c = std::get_if<close_connection>(&a)) {
                forget(c->conn);
                closed_now.push_back(c->conn);
            } else if (auto const* t = std::get_if<start_timer>(&a)) {
                timers_.insert(t->id);
            } else if (auto const* x = std::get_if<cancel_timer>(&a)) {
                timers_.erase(x->id);
            }
        }
        // The adapter reports every close it was asked for, as ws/ does from its read loop.
        for (auto const c : closed_now) {
            if (auto v = run(connection_closed{c}); !v.empty()) return v;
        }
        return check();
    }

    std::string check() const
    {
        auto const snap = core_.snapshot(conf);
        if (!snap) return "conference vanished";
        std::set<floor_request_id> live;
        for (auto const& f : snap->floors) {
            auto const where = "floor " + std::to_string(to_underlying(f.id)) + ": ";
            if (f.holders.size() > f.max_holders) return where + "more holders than max_holders";
            std::set<floor_request_id> ids;
            for (auto const& r : f.holders) {
                if (r.status != request_status::granted || r.queue_position != 0)
                    return where + "holder not Granted";
                if (!ids.insert(r.id).second) return where + "request twice";
                live.insert(r.id);
            }
            for (std::size_t i = 0; i < f.queue.size(); ++i) {
                auto const& r = f.queue[i];
                if (r.status != request_status::pending && r.status != request_status::accepted)
                    return where + "queued request neither Pending nor Accepted";
                if (r.queue_position != i + 1)
                    return where + "queue positions not contiguous from 1";
                if (!ids.insert(r.id).second) return where + "request twice";
                live.insert(r.id);
            }
        }
        if (live.size() != snap->active_requests) return "a live request is on no floor";
        auto const st = core_.stats();
        if (st.timers != timers_.size())
            return "server timers " + std::to_string(st.timers) + " != host timers " +
                   std::to_string(timers_.size());
        if (st.connections != open_.size())
            return "server connections " + std::to_string(st.connections) +
                   " != open connections " + std::to_string(open_.size());
        return {};
    }

    server core_;
    std::map<connection_id, user_id> open_;
    std::map<std::uint16_t, connection_id> conn_of_;
    std::set<std::uint16_t> present_;
    std::set<timer_id> timers_;
    std::set<floor_request_id> known_;
    std::uint64_t last_conn_ = 0;
    std::uint32_t tid_ = 0;
};

} // namespace floorctl::test
