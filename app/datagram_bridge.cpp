#include "datagram_bridge.hpp"

#include "application.hpp"
#include "log.hpp"
#include "metrics.hpp"

#include <floorctl/codec.hpp>
#include <floorctl/message.hpp>
#include <floorctl/to_string.hpp>

#include <algorithm>

namespace floorctl::app {

void add_counters(unreliable::counters& sum, unreliable::counters const& c) noexcept
{
    sum.retransmitted += c.retransmitted;
    sum.given_up += c.given_up;
    sum.duplicate_requests += c.duplicate_requests;
    sum.fragments_sent += c.fragments_sent;
    sum.fragments_received += c.fragments_received;
    sum.reassembled += c.reassembled;
    sum.fragments_dropped += c.fragments_dropped;
    sum.unmatched_acks += c.unmatched_acks;
    sum.vendor_primitives += c.vendor_primitives;
    sum.malformed += c.malformed;
}

/// One datagram connection. Guarded by datagram_bridge::mutex_.
struct datagram_bridge::conn_state {
    conn_state(boost::asio::io_context& ioc, unreliable::options const& o) : peer(o), timer(ioc) {}

    unreliable::peer peer;
    boost::asio::steady_timer timer;
    std::optional<clock::time_point> armed; // when timer fires; nullopt: not waiting
    std::string address;                    // the source's IP address (the binding's check)
    std::string fingerprint;                // DTLS: the peer certificate's SHA-256
    bool bound = false;
    bool closing = false;    // the core closed it: forget it once nothing awaits an ack
    bool close_sent = false; // the listener was told to forget it
};

datagram_bridge::datagram_bridge(application& app, boost::asio::io_context& ioc,
                                 transport_kind transport, unreliable::options opts)
    : app_(app), ioc_(ioc), transport_(transport), opts_(std::move(opts))
{
}

datagram_bridge::~datagram_bridge() = default;

void datagram_bridge::attach(std::shared_ptr<ws::datagram_listener> listener)
{
    listener_ = listener;
}

bool datagram_bridge::accept_source(ws::datagram_source const& source)
{
    // Strangers get nothing: no peer, no cookie, no Error (counted as unknown_source).
    return app_.expects_datagram_source(source.address);
}

void datagram_bridge::on_open(ws::datagram_peer const& peer)
{
    auto s = std::make_unique<conn_state>(ioc_, opts_);
    s->address = peer.source.address;
    s->fingerprint = peer.fingerprint;
    std::lock_guard lock(mutex_);
    conns_.insert_or_assign(to_underlying(peer.conn), std::move(s));
}

void datagram_bridge::on_datagram(connection_id conn, std::span<std::byte const> payload)
{
    leftover left;
    bool bound = false;
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        auto& s = *it->second;
        s.peer.on_datagram(payload, clock::now(), step_);
        left = carry_out(conn, s);
        bound = s.bound;
    }
    // The message stays valid: only this strand hands the peer datagrams, and the core's
    // answers (send(), on any thread) leave it alone.
    if (left.message) deliver(conn, *left.message, bound);
    finish(conn, left);
}

void datagram_bridge::on_close(connection_id conn, ws::close_info const& info)
{
    bool bound = false;
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        bound = it->second->bound;
        add_counters(closed_totals_, it->second->peer.totals());
        conns_.erase(it); // its timer is cancelled with it
    }
    if (!bound) return;
    log_info("connection closed", {.conn = conn, .extra = {{"reason", info.reason}}});
    app_.host().connection_closed(conn);
}

std::vector<std::byte> datagram_bridge::on_cleartext(ws::datagram_source const& source,
                                                     std::span<std::byte const> message)
{
    // RFC 8855 Error 11 (Use DTLS) to a source a participant negotiated; strangers get nothing.
    if (!app_.expects_datagram_source(source.address)) return {};
    auto const h = decode_header(message);
    if (!h) return {};
    return encode(error_reply_to(*h, error_code::use_dtls, "this port carries BFCP over DTLS"));
}

void datagram_bridge::on_rejected(ws::datagram_source const& source, std::string const& reason)
{
    log_warn("datagram peer refused", {.extra = {{"remote", source.remote()}, {"reason", reason}}});
}

bool datagram_bridge::send(connection_id conn, std::span<std::byte const> message)
{
    leftover left;
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return false;
        it->second->peer.on_send(message, clock::now(), step_);
        left = carry_out(conn, *it->second);
    }
    finish(conn, left);
    return true;
}

bool datagram_bridge::close(connection_id conn, close_reason why)
{
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return false;
        auto& s = *it->second;
        s.closing = true;
        // The Goodbye (or whatever else is in flight) is retransmitted until acked or given up.
        if (s.peer.awaiting_acks() || s.close_sent) return true;
        s.close_sent = true;
    }
    if (auto l = listener_.lock()) l->close(conn, std::string{to_string(why)});
    return true;
}

datagram_bridge::leftover datagram_bridge::carry_out(connection_id conn, conn_state& s)
{
    leftover left;
    auto const l = listener_.lock();
    for (auto const& a : step_) {
        if (auto const* d = std::get_if<unreliable::send_datagram>(&a)) {
            if (l) l->send(conn, d->bytes);
        } else if (auto const* m = std::get_if<unreliable::deliver_message>(&a)) {
            left.message = m->message;
        } else { // peer_lost: its floors are released as for a closed connection
            left.lost = true;
        }
    }
    step_.clear();
    arm(conn, s);
    // A close the core asked for goes ahead once nothing awaits an ack: decided under the same
    // lock as the step, so a close() that saw acks awaited is carried out by the step that
    // completes them.
    if (s.closing && !s.close_sent && !s.peer.awaiting_acks()) {
        s.close_sent = true;
        left.close = true;
    }
    return left;
}

void datagram_bridge::finish(connection_id conn, leftover const& left)
{
    if (!left.lost && !left.close) return;
    auto const l = listener_.lock();
    if (left.lost) {
        log_warn("datagram peer stopped acknowledging", {.conn = conn});
        if (l) l->close(conn, "peer stopped acknowledging");
    }
    if (left.close && l) l->close(conn, "closed after the last acknowledgement");
}

// On the listener's strand (messages are delivered only from on_datagram): binds the
// connection with its first message, then hands messages to the core.
void datagram_bridge::deliver(connection_id conn, std::span<std::byte const> message, bool bound)
{
    auto const now = clock::now();
    if (bound) return app_.host().frame_received(conn, message, now); // the usual case
    std::string address;
    std::string fingerprint;
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        address = it->second->address;
        fingerprint = it->second->fingerprint;
    }
    auto verdict = app_.decide_stream(message, address);
    if (auto* r = std::get_if<stream_refused>(&verdict)) return refuse(conn, address, *r, now);
    auto const accepted = std::get<stream_accepted>(verdict);
    // DTLS: the certificate must be the one the participant's SDP offer named (RFC 8842).
    if (transport_ == transport_kind::dtls &&
        !app_.fingerprint_matches(accepted.conference, accepted.user, fingerprint))
        return refuse(conn, address,
                      stream_refused{{}, "DTLS certificate does not match the offer's fingerprint"},
                      now);
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        it->second->bound = true;
    }
    app_.counters().connection_opened(transport_);
    log_info("connection open",
             {.conn = conn,
              .conference = accepted.conference,
              .user = accepted.user,
              .extra = {{"remote", address},
                        {"transport", transport_labels[static_cast<std::size_t>(transport_)]}}});
    app_.host().connection_opened(conn, accepted.conference, accepted.user, transport_);
    app_.host().frame_received(conn, message, now);
}

void datagram_bridge::refuse(connection_id conn, std::string const& address,
                             stream_refused const& r, clock::time_point now)
{
    log_warn("datagram connection refused",
             {.conn = conn, .extra = {{"remote", address}, {"reason", r.reason}}});
    if (!r.reply.empty()) {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        it->second->peer.on_send(r.reply, now, step_);
        (void)carry_out(conn, *it->second); // the listener is told to forget it just below
    }
    if (auto l = listener_.lock()) l->close(conn, r.reason);
}

void datagram_bridge::arm(connection_id conn, conn_state& s)
{
    auto const due = s.peer.next_deadline();
    if (!due) {
        if (s.armed) s.timer.cancel();
        s.armed.reset();
        return;
    }
    if (s.armed && *s.armed <= *due) return; // fires first; on_timer re-arms
    s.armed = *due;
    s.timer.expires_at(*due);
    s.timer.async_wait([self = weak_from_this(), conn](boost::system::error_code ec) {
        if (ec) return;
        if (auto b = self.lock()) b->on_timer(conn);
    });
}

void datagram_bridge::on_timer(connection_id conn)
{
    leftover left;
    {
        std::lock_guard lock(mutex_);
        auto const it = conns_.find(to_underlying(conn));
        if (it == conns_.end()) return;
        auto& s = *it->second;
        s.armed.reset();
        s.peer.on_tick(clock::now(), step_);
        left = carry_out(conn, s);
    }
    finish(conn, left);
}

unreliable::counters datagram_bridge::totals() const
{
    std::lock_guard lock(mutex_);
    auto sum = closed_totals_;
    for (auto const& [id, s] : conns_)
        add_counters(sum, s->peer.totals());
    return sum;
}

std::size_t datagram_bridge::bound_count() const
{
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(conns_.begin(), conns_.end(), [](auto const& e) { return e.second->bound; }));
}

std::size_t datagram_bridge::peer_count() const
{
    std::lock_guard lock(mutex_);
    return conns_.size();
}

} // namespace floorctl::app
