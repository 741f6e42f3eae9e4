#pragma once
// Test helpers for floorctl::server: frames built with the production encoder, and builders for the
// exact messages the server must send.

#include <floorctl/codec.hpp>
#include <floorctl/server.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace floorctl::test {

/// A message the server asked to send, comparable as a whole (header and every attribute).
struct sent {
    connection_id conn{};
    message msg;
    friend bool operator==(sent const&, sent const&) = default;
};

inline void PrintTo(sent const& s, std::ostream* os)
{
    auto const bytes = encode(s.msg);
    *os << "{conn " << to_underlying(s.conn) << ", prim " << int{s.msg.header.prim} << ", tid "
        << to_underlying(s.msg.header.transaction) << ", user " << to_underlying(s.msg.header.user)
        << ", bytes";
    for (auto const b : bytes) {
        char hex[4];
        std::snprintf(hex, sizeof hex, " %02x", static_cast<unsigned>(b));
        *os << hex;
    }
    *os << "}";
}

/// The send_message actions of `out`, in order.
inline std::vector<sent> sends(std::vector<action> const& out)
{
    std::vector<sent> s;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<send_message>(&a)) s.push_back(sent{m->conn, m->msg});
    }
    return s;
}

/// The connections `out` closes, in order.
inline std::vector<connection_id> closes(std::vector<action> const& out)
{
    std::vector<connection_id> c;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<close_connection>(&a)) c.push_back(m->conn);
    }
    return c;
}

/// The close actions of `out` (connection and reason), in order.
inline std::vector<close_connection> close_actions(std::vector<action> const& out)
{
    std::vector<close_connection> c;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<close_connection>(&a)) c.push_back(*m);
    }
    return c;
}

/// The timers `out` starts, in order.
inline std::vector<start_timer> starts(std::vector<action> const& out)
{
    std::vector<start_timer> t;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<start_timer>(&a)) t.push_back(*m);
    }
    return t;
}

/// The timers `out` cancels, in order.
inline std::vector<timer_id> cancels(std::vector<action> const& out)
{
    std::vector<timer_id> t;
    for (auto const& a : out) {
        if (auto const* m = std::get_if<cancel_timer>(&a)) t.push_back(m->id);
    }
    return t;
}

/// A whole message with the given header fields (version 1 unless told).
inline message make(conference_id conf, user_id user, std::uint16_t tid, message_body b,
                    std::uint8_t version = 1)
{
    message m;
    m.header.version = version;
    m.header.prim = primitive_of(b);
    m.header.conference = conf;
    m.header.transaction = transaction_id{tid};
    m.header.user = user;
    m.payload = std::move(b);
    return m;
}

/// One floor's expected status inside a FLOOR-REQUEST-INFORMATION.
struct fl {
    std::uint16_t floor;
    request_status status;
    std::uint8_t pos = 0;
    char const* info = nullptr;
};

/// FLOOR-REQUEST-INFORMATION as the server builds it for a first-party request.
inline floor_request_information fri(std::uint16_t id, request_status overall,
                                     std::uint8_t overall_pos, std::initializer_list<fl> floors)
{
    floor_request_information i;
    i.id = floor_request_id{id};
    overall_request_status_group o;
    o.id = i.id;
    o.status = request_status_value{overall, overall_pos};
    i.overall = o;
    for (auto const& f : floors) {
        floor_request_status_group g;
        g.floor = floor_id{f.floor};
        g.status = request_status_value{f.status, f.pos};
        if (f.info != nullptr) g.status_info = f.info;
        i.floors.push_back(g);
    }
    return i;
}

/// Single-floor FLOOR-REQUEST-INFORMATION.
inline floor_request_information fri1(std::uint16_t id, std::uint16_t floor, request_status st,
                                      std::uint8_t pos = 0, char const* info = nullptr)
{
    return fri(id, st, pos, {fl{floor, st, pos, info}});
}

inline floor_request make_request(std::initializer_list<std::uint16_t> floors)
{
    floor_request r;
    for (auto const f : floors)
        r.floors.push_back(floor_id{f});
    return r;
}

inline error_reply make_error(error_code code, std::string info)
{
    error_reply e;
    e.code = code;
    e.info = std::move(info);
    return e;
}

/// A server with one conference; participants are bound on connection id
/// equal to their user id unless told otherwise.
class server_harness {
public:
    static constexpr conference_id conf{7};

    explicit server_harness(std::vector<floor_config> floors, bool require_tls = false,
                            clock::duration grace = {}, server_options opts = {})
        : core(opts)
    {
        conference_config c;
        c.id = conf;
        c.floors = std::move(floors);
        c.require_tls = require_tls;
        c.reconnect_grace = grace;
        EXPECT_TRUE(core.add_conference(std::move(c)));
    }

    /// Adds user `u` and binds connection `u` to it (over wss).
    void join(std::uint16_t u, std::string name = {}, std::string uri = {},
              transport_kind t = transport_kind::wss)
    {
        participant_info p;
        p.id = user_id{u};
        p.display_name = std::move(name);
        p.uri = std::move(uri);
        std::vector<action> out;
        auto const r = core.add_participant(conf, std::move(p), out);
        ASSERT_TRUE(r);
        ASSERT_EQ(*r, user_id{u});
        bind(u, u, t);
    }

    std::vector<action> bind(std::uint64_t conn, std::uint16_t u,
                             transport_kind t = transport_kind::wss)
    {
        return core.handle(connection_bound{connection_id{conn}, conf, user_id{u}, t});
    }

    /// Encodes `m` with the production encoder and delivers it on `conn`.
    std::vector<action> frame(std::uint64_t conn, message const& m)
    {
        return core.handle(frame_received{connection_id{conn}, encode(m)});
    }

    /// User `u` sends `b` with transaction `tid` on its own connection.
    std::vector<action> send(std::uint16_t u, std::uint16_t tid, message_body b)
    {
        return frame(u, make(conf, user_id{u}, tid, std::move(b)));
    }

    std::vector<action> close(std::uint64_t conn)
    {
        return core.handle(connection_closed{connection_id{conn}});
    }

    std::vector<action> fire(timer_id id) { return core.handle(timer_fired{id}); }

    /// Expected message to user `u` (on connection `u`).
    static sent to(std::uint16_t u, std::uint16_t tid, message_body b, std::uint8_t version = 1)
    {
        return sent{connection_id{u}, make(conf, user_id{u}, tid, std::move(b), version)};
    }

    server core;
};

inline floor_config queue_floor(std::uint16_t id, unsigned holders = 1)
{
    floor_config f;
    f.id = floor_id{id};
    f.kind = policy::queue;
    f.max_holders = holders;
    return f;
}

} // namespace floorctl::test
