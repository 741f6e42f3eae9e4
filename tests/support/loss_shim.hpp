#pragma once
/// @file loss_shim.hpp
/// A loopback UDP proxy that mistreats datagrams the way a bad network does: it drops,
/// duplicates, reorders, delays and truncates them, each datagram's fate drawn from a seeded
/// generator (one per direction), so a failing run can be replayed with its seed. Clients send
/// to port(); each client source gets its own upstream socket, so the server sees one source per
/// client as it would without the shim. Runs on its own thread; the destructor stops it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

/// What may happen to a datagram; the probabilities are exclusive (at most one fate each) and
/// their sum must not exceed 1. The rest pass unharmed.
struct loss_profile {
    double drop = 0;      ///< never delivered
    double duplicate = 0; ///< delivered twice
    double reorder = 0;   ///< held back and delivered after the next datagram of its flow
    double delay = 0;     ///< delivered after a random 1..max_delay
    double truncate = 0;  ///< delivered cut to a random shorter length (possibly 0)
    std::chrono::milliseconds max_delay{40};

    /// `p` of every fate: drop p, duplicate p, reorder p, delay p, truncate p.
    [[nodiscard]] static loss_profile uniform(double drop, double each_other)
    {
        return {drop,       each_other, each_other,
                each_other, each_other, std::chrono::milliseconds{40}};
    }
};

/// The fates, in the order a draw tests them.
enum class fate : std::uint8_t { pass, drop, duplicate, reorder, delay, truncate };
inline constexpr std::size_t fate_count = 6;

/// Direction of a datagram through the shim.
enum class direction : std::uint8_t { to_server, to_client };

class loss_shim {
public:
    struct options {
        std::uint16_t server_port = 0;
        std::string server_address = "127.0.0.1";
        loss_profile to_server;
        loss_profile to_client;
        std::uint64_t seed = 1;
    };

    explicit loss_shim(options o)
        : opts_(std::move(o)),
          front_(ioc_, udp_t::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
          server_(boost::asio::ip::make_address(opts_.server_address), opts_.server_port),
          rng_{std::mt19937_64{opts_.seed * 2 + 1}, std::mt19937_64{opts_.seed * 2 + 2}}
    {
        port_ = front_.local_endpoint().port();
        receive_front();
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~loss_shim()
    {
        boost::asio::post(ioc_, [this] {
            boost::system::error_code ignored;
            front_.close(ignored);
            for (auto& [ep, f] : flows_)
                f->upstream.close(ignored);
            for (auto& t : timers_)
                t->cancel();
        });
        thread_.join();
    }

    loss_shim(loss_shim const&) = delete;
    loss_shim& operator=(loss_shim const&) = delete;

    /// Where clients send.
    [[nodiscard]] std::uint16_t port() const { return port_; }

    /// How many datagrams met `f` in direction `d` so far.
    [[nodiscard]] std::uint64_t count(direction d, fate f) const
    {
        return tally_[static_cast<std::size_t>(d)][static_cast<std::size_t>(f)].load();
    }

private:
    using udp_t = boost::asio::ip::udp;
    using datagram = std::vector<std::byte>;

    struct flow {
        explicit flow(boost::asio::io_context& ioc) : upstream(ioc) {}
        udp_t::socket upstream;                      // to the server, one per client source
        udp_t::endpoint client;                      // the client's address at the shim
        std::array<std::optional<datagram>, 2> held; // reordered datagram, per direction
        std::array<std::byte, 65'535> buf{};
    };

    void receive_front()
    {
        front_.async_receive_from(boost::asio::buffer(front_buf_), from_,
                                  [this](boost::system::error_code ec, std::size_t n) {
                                      if (ec) return;
                                      auto& f = flow_of(from_);
                                      datagram d(front_buf_.begin(), front_buf_.begin() + long(n));
                                      treat(f, direction::to_server, std::move(d));
                                      receive_front();
                                  });
    }

    flow& flow_of(udp_t::endpoint const& client)
    {
        auto& slot = flows_[client];
        if (!slot) {
            slot = std::make_unique<flow>(ioc_);
            slot->client = client;
            slot->upstream.open(server_.protocol());
            slot->upstream.connect(server_);
            receive_upstream(*slot);
        }
        return *slot;
    }

    void receive_upstream(flow& f)
    {
        f.upstream.async_receive(boost::asio::buffer(f.buf),
                                 [this, &f](boost::system::error_code ec, std::size_t n) {
                                     if (ec) return;
                                     datagram d(f.buf.begin(), f.buf.begin() + long(n));
                                     treat(f, direction::to_client, std::move(d));
                                     receive_upstream(f);
                                 });
    }

    // Draws the datagram's fate and carries it out.
    void treat(flow& f, direction d, datagram bytes)
    {
        auto const i = static_cast<std::size_t>(d);
        auto const& p = d == direction::to_server ? opts_.to_server : opts_.to_client;
        auto& rng = rng_[i];
        double const u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        double edge = 0;
        fate what = fate::pass;
        for (auto [f_, prob] :
             {std::pair{fate::drop, p.drop}, std::pair{fate::duplicate, p.duplicate},
              std::pair{fate::reorder, p.reorder}, std::pair{fate::delay, p.delay},
              std::pair{fate::truncate, p.truncate}}) {
            edge += prob;
            if (u < edge) {
                what = f_;
                break;
            }
        }
        ++tally_[i][static_cast<std::size_t>(what)];
        switch (what) {
        case fate::drop:
            return;
        case fate::duplicate:
            deliver(f, d, bytes);
            deliver(f, d, bytes);
            break;
        case fate::reorder:
            if (!f.held[i]) {
                f.held[i] = std::move(bytes);
                // Not held for ever: released after max_delay when nothing follows.
                later(f, d, std::nullopt, p.max_delay);
                return;
            }
            deliver(f, d, bytes);
            break;
        case fate::delay: {
            auto const ms = std::uniform_int_distribution<long>(1, long(p.max_delay.count()))(rng);
            later(f, d, std::move(bytes), std::chrono::milliseconds{ms});
            return;
        }
        case fate::truncate:
            if (!bytes.empty())
                bytes.resize(std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(rng));
            deliver(f, d, bytes);
            break;
        case fate::pass:
            deliver(f, d, bytes);
            break;
        }
        release_held(f, d);
    }

    void release_held(flow& f, direction d)
    {
        auto& h = f.held[static_cast<std::size_t>(d)];
        if (!h) return;
        auto bytes = std::move(*h);
        h.reset();
        deliver(f, d, bytes);
    }

    // `bytes` after `wait`; nullopt: release the held datagram then.
    void later(flow& f, direction d, std::optional<datagram> bytes, std::chrono::milliseconds wait)
    {
        auto t = std::make_shared<boost::asio::steady_timer>(ioc_, wait);
        timers_.push_back(t);
        t->async_wait([this, &f, d, t, b = std::move(bytes)](boost::system::error_code ec) {
            std::erase(timers_, t);
            if (ec) return;
            if (b)
                deliver(f, d, *b);
            else
                release_held(f, d);
        });
    }

    void deliver(flow& f, direction d, datagram const& bytes)
    {
        boost::system::error_code ignored;
        if (d == direction::to_server)
            f.upstream.send(boost::asio::buffer(bytes), 0, ignored);
        else
            front_.send_to(boost::asio::buffer(bytes), f.client, 0, ignored);
    }

    options const opts_;
    boost::asio::io_context ioc_;
    udp_t::socket front_;
    udp_t::endpoint const server_;
    std::array<std::mt19937_64, 2> rng_;
    // Only touched on the shim's thread.
    udp_t::endpoint from_;
    std::array<std::byte, 65'535> front_buf_{};
    std::map<udp_t::endpoint, std::unique_ptr<flow>> flows_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;
    std::array<std::array<std::atomic<std::uint64_t>, fate_count>, 2> tally_{};
    std::uint16_t port_ = 0;
    std::thread thread_;
};

} // namespace test_support
