#include <floorctl/unreliable.hpp>

#include "unreliable/fragments.hpp"
#include "unreliable/outbox.hpp"
#include "unreliable/reply_cache.hpp"
#include "unreliable/server_transactions.hpp"

#include <floorctl/codec.hpp>

#include <algorithm>

namespace floorctl::unreliable {

namespace {

/// Acks a client sends to a server-initiated transaction, in RFC 8855 numbering
/// (FloorRequestStatusAck 14, FloorStatusAck 15, GoodbyeAck 17) and in the older draft numbering
/// still deployed (15 ErrorAck, 16 FloorStatusAck, 18 GoodbyeAck; protocol-notes §1). 16 is also
/// today's Goodbye and is decided by the caller.
bool is_ack(std::uint8_t prim) noexcept
{
    return prim == 14 || prim == 15 || prim == 17 || prim == 18;
}

/// Header-only vendor primitives some room systems send, among them as UDP acks.
bool is_vendor(std::uint8_t prim) noexcept
{
    return prim >= 90 && prim <= 95;
}

/// Server-initiated messages that wait for an ack (RFC 8855 §8.3.1): the notifications, which
/// the server core sends with transaction ID 0, and every Goodbye.
bool needs_ack(std::uint8_t prim, std::uint16_t transaction) noexcept
{
    if (prim == to_underlying(primitive::goodbye)) return true;
    return transaction == 0 && (prim == to_underlying(primitive::floor_request_status) ||
                                prim == to_underlying(primitive::floor_status));
}

void earliest(std::optional<clock::time_point>& acc, std::optional<clock::time_point> t) noexcept
{
    if (t && (!acc || *t < *acc)) acc = t;
}

} // namespace

char const* to_string(note n) noexcept
{
    switch (n) {
    case note::retransmitted:
        return "retransmitted";
    case note::given_up:
        return "given_up";
    case note::duplicate_request:
        return "duplicate_request";
    case note::fragments_sent:
        return "fragments_sent";
    case note::reassembled:
        return "reassembled";
    case note::fragment_dropped:
        return "fragment_dropped";
    case note::unmatched_ack:
        return "unmatched_ack";
    case note::vendor_primitive:
        return "vendor_primitive";
    case note::malformed:
        return "malformed";
    }
    return "unknown";
}

struct peer::impl {
    explicit impl(options const& o)
        : opts{o}, fragments{o.max_reassembly_octets, o.reassembly_timeout},
          replies{o.reply_lifetime, o.max_cached_replies, o.max_cached_reply_octets}, transactions{
                                                                                          o}
    {
    }

    /// Starts a call on the peer: the previous call's send_datagram views expire.
    detail::outbox start_call(std::vector<action>& out)
    {
        cut.clear();
        return {out, notes, totals};
    }

    void on_message(common_header const& h, std::span<std::byte const> message,
                    clock::time_point now, detail::outbox& box);
    void send_response(std::span<std::byte const> message, std::uint16_t transaction,
                       clock::time_point now, detail::outbox& box);
    std::size_t transmit(std::span<std::byte const> message, detail::outbox& box);
    void lose(detail::outbox& box);

    options opts;
    detail::reassembly fragments;
    detail::reply_cache replies;
    detail::server_transactions transactions;
    counters totals;
    std::vector<noted> notes;
    bool is_lost = false;
    /// The last message put together from fragments (a deliver_message views it).
    std::vector<std::byte> reassembled;
    /// Fragments of the responses this call sends (send_datagram views them).
    std::vector<std::vector<std::byte>> cut;
};

void peer::impl::on_message(common_header const& h, std::span<std::byte const> message,
                            clock::time_point now, detail::outbox& box)
{
    auto const prim = h.prim;
    auto const tid = to_underlying(h.transaction);
    if (is_vendor(prim)) {
        (void)transactions.acknowledge(tid, now, box);
        return box.note(note::vendor_primitive, "header-only vendor primitive 90-95 consumed");
    }
    // An ack, or any message flagged as a response (R), answers one of our transactions: it
    // completes it or is consumed quietly; it is never handed to the server, which would answer
    // it with an Error (protocol-notes §1).
    bool const goodbye = prim == to_underlying(primitive::goodbye);
    if (is_ack(prim) || h.responder || (goodbye && (tid == 0 || transactions.outstanding(tid)))) {
        if (!transactions.acknowledge(tid, now, box))
            box.note(note::unmatched_ack, "ack for no outstanding transaction consumed");
        return;
    }
    if (tid != 0) {
        // RFC 8855 §8.3.2: a retransmitted request gets the cached response again, and is never
        // decided twice; one still being answered gets nothing (the answer is on its way).
        if (auto const* seen = replies.find(tid, prim, now)) {
            detail::reply_cache::for_each_response(
                *seen, [&](std::span<std::byte const> r) { (void)transmit(r, box); });
            return box.note(note::duplicate_request, "retransmitted request answered from cache");
        }
        replies.request_delivered(tid, prim, now);
    }
    box.out.emplace_back(deliver_message{message});
}

void peer::impl::send_response(std::span<std::byte const> message, std::uint16_t transaction,
                               clock::time_point now, detail::outbox& box)
{
    // A response is sent as the reply cache keeps it (with the R bit); a message with
    // transaction ID 0 answers nothing a client could repeat and is sent once as it is.
    auto const sent = transaction != 0 ? replies.response_sent(transaction, message, now) : message;
    if (auto const n = transmit(sent, box); n > 1) {
        totals.fragments_sent += n;
        box.note(note::fragments_sent, "a response went out in fragments");
    }
}

/// Queues the datagrams that carry `message`, which stays as it is until the call returns: the
/// message itself when it fits, else fragments cut into `cut`. Returns how many.
std::size_t peer::impl::transmit(std::span<std::byte const> message, detail::outbox& box)
{
    if (detail::fits(message, opts.max_datagram)) {
        box.send(message);
        return 1;
    }
    auto const first = cut.size();
    detail::split(message, opts.max_datagram, cut);
    for (auto i = first; i < cut.size(); ++i)
        box.send(cut[i]);
    return cut.size() - first;
}

void peer::impl::lose(detail::outbox& box)
{
    transactions.clear();
    if (is_lost) return;
    is_lost = true;
    box.out.emplace_back(peer_lost{});
}

peer::peer(options opts) : impl_{std::make_unique<impl>(opts)} {}
peer::~peer() = default;
peer::peer(peer&&) noexcept = default;
peer& peer::operator=(peer&&) noexcept = default;

void peer::on_datagram(std::span<std::byte const> datagram, clock::time_point now,
                       std::vector<action>& out)
{
    auto box = impl_->start_call(out);
    auto const h = decode_header(datagram);
    if (!h) return box.note(note::malformed, "datagram shorter than the 12-octet common header");
    if (!h->fragmented) return impl_->on_message(*h, datagram, now, box);
    std::size_t evicted = 0;
    auto r = impl_->fragments.add(*h, datagram, now, evicted);
    for (std::size_t i = 0; i < evicted; ++i)
        box.note(note::fragment_dropped, "reassembly memory full: the oldest fragment set dropped");
    using outcome = detail::reassembly::outcome;
    switch (r.what) {
    case outcome::malformed:
        return box.note(note::malformed, r.why);
    case outcome::dropped:
        ++impl_->totals.fragments_received;
        return box.note(note::fragment_dropped, r.why);
    case outcome::kept:
        ++impl_->totals.fragments_received;
        return;
    case outcome::complete:
        ++impl_->totals.fragments_received;
        box.note(note::reassembled, "fragmented message reassembled");
        auto whole = *h;
        whole.fragmented = false;
        impl_->reassembled = std::move(r.message);
        return impl_->on_message(whole, impl_->reassembled, now, box);
    }
}

void peer::on_send(std::span<std::byte const> message, clock::time_point now,
                   std::vector<action>& out)
{
    auto box = impl_->start_call(out);
    auto const h = decode_header(message);
    if (!h) return box.note(note::malformed, "the server handed over fewer than 12 octets");
    if (message.size() != common_header::size + 4 * std::size_t{h->payload_words})
        return box.note(note::malformed,
                        "the server handed over a length its header disagrees with");
    auto const tid = to_underlying(h->transaction);
    if (needs_ack(h->prim, tid)) {
        // A peer given up on cannot acknowledge anything any more.
        if (impl_->is_lost) return;
        return impl_->transactions.submit(message, now, box);
    }
    impl_->send_response(message, tid, now, box);
}

void peer::on_tick(clock::time_point now, std::vector<action>& out)
{
    auto box = impl_->start_call(out);
    if (impl_->transactions.tick(now, box)) impl_->lose(box);
    impl_->replies.expire(now);
    if (auto const n = impl_->fragments.expire(now); n > 0) {
        for (std::size_t i = 0; i < n; ++i)
            box.note(note::fragment_dropped, "fragment set incomplete when its time ran out");
    }
}

std::optional<clock::time_point> peer::next_deadline() const noexcept
{
    std::optional<clock::time_point> t;
    earliest(t, impl_->transactions.next_deadline());
    earliest(t, impl_->replies.next_deadline());
    earliest(t, impl_->fragments.next_deadline());
    return t;
}

bool peer::awaiting_acks() const noexcept
{
    return !impl_->transactions.empty();
}

std::size_t peer::reassembly_octets() const noexcept
{
    return impl_->fragments.octets();
}

std::size_t peer::cached_replies() const noexcept
{
    return impl_->replies.size();
}

std::size_t peer::cached_reply_octets() const noexcept
{
    return impl_->replies.octets();
}

bool peer::lost() const noexcept
{
    return impl_->is_lost;
}

counters const& peer::totals() const noexcept
{
    return impl_->totals;
}

std::vector<peer::noted> peer::take_notes()
{
    std::vector<noted> n;
    n.swap(impl_->notes);
    return n;
}

} // namespace floorctl::unreliable
