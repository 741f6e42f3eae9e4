// floorctl::server behind floorctl::unreliable peers, driven by two small BFCP clients through
// an in-memory channel that drops, duplicates, reorders and truncates datagrams (20 % loss each
// way, chosen per datagram by a seeded std::mt19937). Simulated time only: no sockets, no sleeps.
// Every FloorRequest must end in exactly one decision, no FloorRequestStatus or FloorStatus
// notification may be lost, and no floor is ever granted twice.
#include "support/server_harness.hpp"
#include "support/unreliable_peer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>

namespace floorctl::test {
namespace {

using namespace std::chrono_literals;

constexpr int rounds = 10; // FloorRequest ... FloorRelease per client
constexpr std::uint16_t users[] = {1, 2};

/// Datagrams on their way, delivered in time order.
class lossy_channel {
public:
    explicit lossy_channel(unsigned seed) : rng_{seed} {}

    struct datagram {
        clock::time_point at;
        std::uint64_t seq = 0;
        bool to_server = false;
        std::uint16_t user = 0;
        bytes data;
    };

    void carry(bool to_server, std::uint16_t user, bytes const& d, clock::time_point now)
    {
        std::uniform_real_distribution<double> p{0.0, 1.0};
        if (p(rng_) < 0.20) { // lost
            ++dropped;
            return;
        }
        int const copies = p(rng_) < 0.05 ? 2 : 1;
        duplicated += static_cast<std::size_t>(copies - 1);
        for (int i = 0; i < copies; ++i) {
            std::uniform_int_distribution<int> delay_ms{1, 60}; // different delays reorder
            auto copy = d;
            if (p(rng_) < 0.03 && !copy.empty()) {
                std::uniform_int_distribution<std::size_t> len{0, copy.size() - 1};
                copy.resize(len(rng_));
                ++truncated;
            }
            queue_.push_back(datagram{now + std::chrono::milliseconds{delay_ms(rng_)}, seq_++,
                                      to_server, user, std::move(copy)});
        }
    }

    [[nodiscard]] std::optional<clock::time_point> next() const
    {
        if (queue_.empty()) return std::nullopt;
        return std::min_element(queue_.begin(), queue_.end(), earlier)->at;
    }

    /// The earliest datagram due by `now`, removed.
    std::optional<datagram> take(clock::time_point now)
    {
        auto const it = std::min_element(queue_.begin(), queue_.end(), earlier);
        if (it == queue_.end() || it->at > now) return std::nullopt;
        auto d = std::move(*it);
        queue_.erase(it);
        return d;
    }

    [[nodiscard]] bool empty() const { return queue_.empty(); }

    std::size_t dropped = 0, duplicated = 0, truncated = 0;

private:
    static bool earlier(datagram const& a, datagram const& b)
    {
        return a.at != b.at ? a.at < b.at : a.seq < b.seq;
    }
    std::mt19937 rng_;
    std::uint64_t seq_ = 0;
    std::vector<datagram> queue_;
};

/// A BFCP client over an unreliable transport, as small as the rules allow: one request at a
/// time, retransmitted until its response; every notification acked; a request answered with
/// Error 13 (it was truncated on the way) is sent again as a new transaction.
class sim_client {
public:
    explicit sim_client(std::uint16_t user) : user_{user} {}

    void start(clock::time_point now, std::vector<bytes>& out) { request(hello{}, now, out); }

    void on_datagram(bytes const& d, clock::time_point now, std::vector<bytes>& out)
    {
        auto const h = decode_header(d);
        if (!h) return;
        auto const m = decode_message(*h, d);
        if (!m) return; // truncated on the way: the sender retransmits
        auto const tid = to_underlying(h->transaction);
        if (h->responder) {
            auto const [seen, fresh] = responses_.emplace(tid, d);
            // A retransmitted request gets the very same answer: one decision per request.
            if (!fresh) {
                EXPECT_EQ(seen->second, d) << "user " << user_ << " tid " << tid;
            }
            if (!pending_ || pending_->tid != tid) return;
            pending_.reset();
            return on_response(*m, now, out);
        }
        int ack = 0;
        if (h->prim == to_underlying(primitive::floor_request_status)) ack = 14;
        if (h->prim == to_underlying(primitive::floor_status)) ack = 15;
        if (h->prim == to_underlying(primitive::goodbye)) ack = 17;
        ASSERT_NE(ack, 0) << "unexpected server-initiated primitive " << int{h->prim};
        ASSERT_NE(tid, 0);
        auto a =
            encode(make(server_harness::conf, user_id{user_}, tid, floor_request_status_ack{}));
        a[0] |= std::byte{0x10};
        a[1] = static_cast<std::byte>(ack);
        out.push_back(a);
        if (!notifications_.insert(tid).second) return; // a retransmission already seen
        auto const* frs = std::get_if<floor_request_status>(&m->payload);
        if (frs == nullptr || !frs->info.overall || !frs->info.overall->status) return;
        if (frs->info.overall->status->status != request_status::granted) return;
        granted_.insert(frs->info.id);
        if (phase_ == phase::waiting && frs->info.id == floor_request_) release(now, out);
    }

    void tick(clock::time_point now, std::vector<bytes>& out)
    {
        if (!pending_ || pending_->due > now) return;
        if (pending_->sent >= 12) {
            ADD_FAILURE() << "user " << user_ << ": no answer after 12 transmissions";
            pending_.reset();
            return;
        }
        ++pending_->sent;
        pending_->interval = std::min<clock::duration>(2 * pending_->interval, 2s);
        pending_->due = now + pending_->interval;
        out.push_back(pending_->msg);
    }

    [[nodiscard]] std::optional<clock::time_point> due() const
    {
        if (!pending_) return std::nullopt;
        return pending_->due;
    }
    [[nodiscard]] bool done() const { return phase_ == phase::done; }
    [[nodiscard]] std::size_t notifications() const { return notifications_.size(); }
    [[nodiscard]] int decisions() const { return decisions_; }

private:
    enum class phase { hello, subscribing, requesting, waiting, releasing, done };

    void request(message_body b, clock::time_point now, std::vector<bytes>& out)
    {
        auto const tid = next_tid_++;
        auto msg = encode(make(server_harness::conf, user_id{user_}, tid, b));
        pending_ = outstanding{msg, tid, now + 500ms, 500ms, 1};
        last_body_ = std::move(b);
        out.push_back(std::move(msg));
    }

    void release(clock::time_point now, std::vector<bytes>& out)
    {
        phase_ = phase::releasing;
        request(floor_release{floor_request_}, now, out);
    }

    void on_response(message const& m, clock::time_point now, std::vector<bytes>& out)
    {
        if (auto const* e = std::get_if<error_reply>(&m.payload)) {
            // Error 13: our request was cut short on the way; ask again in a new transaction.
            ASSERT_EQ(e->code, error_code::incorrect_message_length) << "user " << user_;
            return request(last_body_, now, out);
        }
        if (std::holds_alternative<hello_ack>(m.payload)) {
            // Subscribe to the floor: every change then brings a FloorStatus notification too.
            phase_ = phase::subscribing;
            floor_query q;
            q.floors.push_back(floor_id{1});
            return request(q, now, out);
        }
        if (std::holds_alternative<floor_status>(m.payload)) {
            phase_ = phase::requesting;
            return request(make_request({1}), now, out);
        }
        auto const* frs = std::get_if<floor_request_status>(&m.payload);
        ASSERT_NE(frs, nullptr);
        auto const status = frs->info.overall->status->status;
        if (phase_ == phase::requesting) {
            ++decisions_;
            floor_request_ = frs->info.id;
            if (status == request_status::granted || granted_.count(floor_request_) > 0)
                return release(now, out);
            phase_ = phase::waiting;
            return;
        }
        ASSERT_EQ(phase_, phase::releasing);
        EXPECT_EQ(status, request_status::released);
        if (++round_ == rounds) {
            phase_ = phase::done;
            return;
        }
        phase_ = phase::requesting;
        request(make_request({1}), now, out);
    }

    struct outstanding {
        bytes msg;
        std::uint16_t tid = 0;
        clock::time_point due;
        clock::duration interval{};
        int sent = 0;
    };

    std::uint16_t user_;
    std::uint16_t next_tid_ = 1;
    phase phase_ = phase::hello;
    int round_ = 0;
    int decisions_ = 0;
    floor_request_id floor_request_{};
    std::optional<outstanding> pending_;
    message_body last_body_;
    std::map<std::uint16_t, bytes> responses_;
    std::set<std::uint16_t> notifications_;
    std::set<floor_request_id> granted_;
};

/// The server, one unreliable peer per client, the clients and the channel between them.
class simulation {
public:
    explicit simulation(unsigned seed) : channel_{seed}
    {
        // Loss is 20 % each way, so an ack round trip fails 36 % of the time: the simulation
        // allows more transmissions (and a reply cache that outlives the clients' longer
        // retransmission) than RFC 8855's defaults, so that what is measured is correctness,
        // not the odds of a peer being given up.
        opts_.max_transmissions = 12;
        opts_.reply_lifetime = 60s;
        for (auto const u : users) {
            h_.join(u, {}, {}, transport_kind::udp);
            peers_.emplace(u, ur::peer{opts_});
            clients_.emplace(u, sim_client{u});
        }
    }

    void run()
    {
        auto now = clock::time_point{} + 1h;
        for (auto const u : users)
            to_channel_from_client(
                u, [&](auto& out) { clients_.at(u).start(now, out); }, now);
        for (int step = 0; step < 200'000 && !finished(); ++step) {
            auto const t = next_time();
            ASSERT_TRUE(t) << "nothing left to happen, yet not finished";
            now = std::max(now, *t);
            while (auto d = channel_.take(now)) {
                if (d->to_server) {
                    std::vector<ur::action> out;
                    peers_.at(d->user).on_datagram(d->data, now, out);
                    carry_out(d->user, out, now);
                } else {
                    to_channel_from_client(
                        d->user,
                        [&](auto& out) { clients_.at(d->user).on_datagram(d->data, now, out); },
                        now);
                }
            }
            for (auto const u : users) {
                to_channel_from_client(
                    u, [&](auto& out) { clients_.at(u).tick(now, out); }, now);
                std::vector<ur::action> out;
                peers_.at(u).on_tick(now, out);
                carry_out(u, out, now);
            }
        }
        ASSERT_TRUE(finished());
    }

    void check() const
    {
        EXPECT_EQ(lost_, 0u);
        for (auto const& [key, n] : floor_requests_delivered_)
            EXPECT_EQ(n, 1) << "FloorRequest of user " << key.first << " tid " << key.second;
        for (auto const u : users) {
            EXPECT_TRUE(clients_.at(u).done()) << u;
            EXPECT_EQ(clients_.at(u).decisions(), rounds) << u;
            // Every notification (FloorRequestStatus, FloorStatus) the server sent reached its
            // client, counted once per transaction ID.
            EXPECT_EQ(clients_.at(u).notifications(),
                      notifications_sent_.count(u) > 0 ? notifications_sent_.at(u) : 0u)
                << u;
        }
        EXPECT_EQ(h_.core.stats().grants, std::size(users) * std::size_t{rounds});
        EXPECT_EQ(max_holders_, 1u);
        // The channel did its worst, and the layer had to work for the result.
        EXPECT_GT(channel_.dropped, 0u);
        EXPECT_GT(channel_.duplicated + channel_.truncated, 0u);
        std::uint64_t retransmitted = 0, duplicates = 0;
        for (auto const& [u, p] : peers_) {
            retransmitted += p.totals().retransmitted;
            duplicates += p.totals().duplicate_requests;
        }
        EXPECT_GT(retransmitted, 0u);
        EXPECT_GT(duplicates, 0u);
        std::printf("channel: %zu dropped, %zu duplicated, %zu truncated; layer: %llu "
                    "retransmissions, %llu duplicate requests\n",
                    channel_.dropped, channel_.duplicated, channel_.truncated,
                    static_cast<unsigned long long>(retransmitted),
                    static_cast<unsigned long long>(duplicates));
    }

private:
    template <class F> void to_channel_from_client(std::uint16_t u, F&& f, clock::time_point now)
    {
        std::vector<bytes> out;
        f(out);
        for (auto const& d : out)
            channel_.carry(true, u, d, now);
    }

    void carry_out(std::uint16_t u, std::vector<ur::action> const& out, clock::time_point now)
    {
        for (auto const& a : out) {
            if (auto const* s = std::get_if<ur::send_datagram>(&a)) {
                channel_.carry(false, u, {s->bytes.begin(), s->bytes.end()}, now);
            } else if (auto const* m = std::get_if<ur::deliver_message>(&a)) {
                to_core(u, {m->message.begin(), m->message.end()}, now);
            } else {
                ++lost_;
            }
        }
    }

    void to_core(std::uint16_t u, bytes const& msg, clock::time_point now)
    {
        if (msg.size() >= 12 && msg[1] == std::byte{1})
            ++floor_requests_delivered_[{u, tid_of(msg)}];
        auto const actions = h_.core.handle(frame_received{connection_id{u}, msg});
        for (auto const& s : sends(actions)) {
            auto const to = static_cast<std::uint16_t>(to_underlying(s.conn));
            auto const prim = s.msg.header.prim;
            if ((prim == to_underlying(primitive::floor_request_status) ||
                 prim == to_underlying(primitive::floor_status)) &&
                s.msg.header.transaction == transaction_id{})
                ++notifications_sent_[to];
            std::vector<ur::action> out;
            peers_.at(to).on_send(encode(s.msg), now, out);
            carry_out(to, out, now);
        }
        auto const snap = h_.core.snapshot(server_harness::conf);
        max_holders_ = std::max(max_holders_, snap->floors.at(0).holders.size());
    }

    [[nodiscard]] std::optional<clock::time_point> next_time() const
    {
        std::optional<clock::time_point> t = channel_.next();
        auto take = [&t](std::optional<clock::time_point> c) {
            if (c && (!t || *c < *t)) t = c;
        };
        for (auto const u : users) {
            take(clients_.at(u).due());
            take(peers_.at(u).next_deadline());
        }
        return t;
    }

    [[nodiscard]] bool finished() const
    {
        if (!channel_.empty()) return false;
        return std::all_of(std::begin(users), std::end(users), [this](std::uint16_t u) {
            return clients_.at(u).done() && !peers_.at(u).awaiting_acks();
        });
    }

    server_harness h_{{queue_floor(1)}};
    ur::options opts_;
    lossy_channel channel_;
    std::map<std::uint16_t, ur::peer> peers_;
    std::map<std::uint16_t, sim_client> clients_;
    std::map<std::pair<std::uint16_t, std::uint16_t>, int> floor_requests_delivered_;
    std::map<std::uint16_t, std::size_t> notifications_sent_;
    std::size_t lost_ = 0;
    std::size_t max_holders_ = 0;
};

TEST(UnreliableSimulation, LossyChannelNeitherLosesNotificationsNorDecidesTwice)
{
    for (unsigned seed : {1u, 2u, 3u, 42u, 2026u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        simulation sim{seed};
        sim.run();
        sim.check();
    }
}

} // namespace
} // namespace floorctl::test
