#pragma once
// floorctl::server::impl — shared by server.cpp (events, lifecycle, views), server_requests.cpp
// (the primitives) and floor.cpp (queue and grant mechanics). Strand: the owning server's.

#include "conference.hpp"

#include <floorctl/action.hpp>
#include <floorctl/codec.hpp>
#include <floorctl/policy.hpp>
#include <floorctl/server.hpp>

#include <boost/container/small_vector.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace floorctl {

struct server::impl {
    struct binding {
        conference_id conf{};
        user_id user{};
        transport_kind transport = transport_kind::wss;
    };
    enum class timer_kind : std::uint8_t { hold, chair, grace };
    struct timer_target {
        timer_kind kind = timer_kind::hold;
        conference_id conf{};
        floor_request_id request{};
        floor_id floor{};
        user_id user{};
    };

    /// A floor change to report at the end of the operation (report_change).
    struct pending_report {
        change_kind kind = change_kind::floor_granted;
        floor_id floor{};
        user_id user{};
        floor_request_id request{};
    };

    /// One operation on one conference: where actions go and which floors changed.
    struct op {
        detail::conference& c;
        std::vector<action>& out;
        boost::container::small_vector<floor_id, 4> dirty{};
        // Only for a conference that reports (conference::report_changes): floor changes and
        // changed queues, reported by flush().
        boost::container::small_vector<pending_report, 4> reports{};
        boost::container::small_vector<floor_id, 4> queues{};
    };

    server_options opts;
    std::unordered_map<conference_id, detail::conference> conferences;
    std::unordered_map<connection_id, binding> bindings;
    std::unordered_map<timer_id, timer_target> timers;
    std::uint64_t next_timer = 1;
    std::uint16_t next_server_transaction = 1;
    std::size_t participants_total = 0;
    std::size_t requests_total = 0;
    std::size_t queued_total = 0;  // sum of every floor's queue length
    std::size_t holders_total = 0; // sum of every floor's holders
    std::uint64_t messages_in = 0;
    std::uint64_t errors_out = 0;
    std::uint64_t grants = 0;

    // ---- server.cpp: events and lifecycle ----
    void on_bound(connection_bound const& ev, std::vector<action>& out);
    void on_frame(frame_received const& ev, std::vector<action>& out);
    void on_closed(connection_closed const& ev, std::vector<action>& out);
    void on_timer(timer_fired const& ev, std::vector<action>& out);
    struct checked {
        detail::conference* c = nullptr;
        detail::participant* p = nullptr;
    };
    /// The checks every message passes before its body matters: bound connection, the bound
    /// conference and user (RFC 8857 §6), TLS, known participant, version. Sends the Error.
    [[nodiscard]] checked precheck(connection_id conn, common_header const& h,
                                   std::vector<action>& out);
    /// Ends everything `u` is the beneficiary of, drops its subscriptions and queries.
    void leave(op& o, user_id u);
    /// Goodbye to `p`'s connection (if any), then close it for `reason`; unbinds it.
    void say_goodbye(op& o, detail::participant& p, close_reason reason);
    /// Applies a chair floor's fallback to `rf`, which waited for a chair (timeout, no chair).
    void chair_silence(op& o, detail::floor_request_state& r, detail::request_floor& rf,
                       char const* why);
    /// After `u` lost its connection: floors it chaired with no chair connected any more get
    /// the fallback for their waiting requests.
    void chair_left(op& o, user_id u);

    // ---- server_requests.cpp: one handler per primitive (RFC 8855 §13) ----
    void dispatch(connection_id conn, detail::conference& c, detail::participant& p,
                  message const& msg, std::vector<action>& out);
    void on_floor_request(op& o, connection_id conn, common_header const& h,
                          floor_request const& m);
    void on_floor_release(op& o, connection_id conn, common_header const& h,
                          floor_release const& m);
    void on_floor_request_query(op& o, connection_id conn, common_header const& h,
                                floor_request_query const& m);
    void on_user_query(op& o, connection_id conn, common_header const& h, user_query const& m);
    void on_floor_query(op& o, connection_id conn, detail::participant& p, common_header const& h,
                        floor_query const& m);
    void on_chair_action(op& o, connection_id conn, common_header const& h, chair_action const& m);

    // ---- floor.cpp: queue and grant mechanics; each marks the floor dirty ----
    [[nodiscard]] floor_load load_of(detail::conference const& c, detail::floor_state const& f,
                                     priority prio) const;
    [[nodiscard]] bool chair_connected(detail::conference const& c, floor_config const& cfg) const;
    void grant(op& o, detail::floor_request_state& r, detail::request_floor& rf);
    void enqueue(op& o, detail::floor_request_state& r, detail::request_floor& rf, bool eligible);
    /// Takes `rf` off its floor (holders or queue), cancels its timers, sets `status`.
    void end_floor(op& o, detail::floor_request_state& r, detail::request_floor& rf,
                   request_status status, std::optional<text> info);
    /// Revokes the oldest holder of `f` whose priority is not above `prio`; notifies it.
    void preempt_one(op& o, detail::floor_state& f, priority prio, std::string const& why);
    /// Grants queued eligible requests while holder slots are free; notifies each.
    void promote(op& o, floor_id f);
    void move_in_queue(op& o, detail::floor_state& f, floor_request_id id, std::size_t pos);
    /// Erases `r` once none of its floors is active.
    void finish_if_done(op& o, floor_request_id id);
    /// Announces queue position changes and sends FloorStatus for every dirty floor.
    void flush(op& o);
    void mark_dirty(op& o, floor_id f);
    /// Notes a floor change for flush() to report (report_changes only).
    void note_change(op& o, change_kind kind, floor_id f, floor_request_id request, user_id user);
    /// Notes that the queue of `f` changed (report_changes only).
    void note_queue(op& o, floor_id f);
    /// Reports that participant `u` joined or left, at once (report_changes only).
    void report_participant(op& o, change_kind kind, user_id u);
    /// The report_change actions of the operation, then clears its notes.
    void flush_reports(op& o);

    // ---- messages ----
    timer_id start(op& o, clock::duration after, timer_target t);
    void cancel(op& o, timer_id& id);
    [[nodiscard]] floor_request_information info_of(detail::conference const& c,
                                                    detail::floor_request_state const& r) const;
    /// info_of() written into `info` (default-constructed), for bodies built in place.
    void fill_info(detail::conference const& c, detail::floor_request_state const& r,
                   floor_request_information& info) const;
    [[nodiscard]] floor_status floor_status_of(detail::conference const& c,
                                               detail::floor_state const& f) const;
    /// FloorRequestStatus (transaction 0) to requester, beneficiary and queriers except `skip`.
    void notify(op& o, detail::floor_request_state const& r, user_id skip = user_id{});
    /// A server-initiated message to user `u`; dropped when `u` has no connection.
    void push(op& o, user_id u, message_body b);
    void reply(std::vector<action>& out, connection_id conn, common_header const& h,
               message_body b);
    /// Makes `slot`, a fresh `out.emplace_back()` (an empty send_message), the answer to `h` on
    /// `conn` with the header filled in; the caller sets the body, in place where it is large.
    message& answer_in(action& slot, connection_id conn, common_header const& h, primitive prim);
    /// The FloorRequestStatus answering `h` about `r`, built in place at the end of `out`
    /// (no move of its body: docs/performance.md, "The whole server over WSS").
    void reply_status(std::vector<action>& out, connection_id conn, common_header const& h,
                      detail::floor_request_state const& r, detail::conference const& c);
    void send_error(std::vector<action>& out, connection_id conn, common_header const& h,
                    error_code code, std::string info, std::vector<std::uint8_t> unknown = {});
    [[nodiscard]] timer_id new_timer_id();
};

} // namespace floorctl
