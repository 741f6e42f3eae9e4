#pragma once
/// @file datagram_bridge.hpp
/// app::datagram_bridge — BFCP over UDP and DTLS (RFC 8855 unreliable transports) between a
/// ws::datagram_listener (datagrams per peer) and the core host (messages per connection). It
/// runs one floorctl::unreliable::peer per datagram connection (acks, retransmission, fragments,
/// the reply cache) with one timer each, binds a connection by its first message like a TCP one
/// (floorctl::stream_bindings, address only: the source that sent the first valid message is
/// latched), and is the app::connections of its connections. It translates; the unreliable
/// layer and the core decide.

#include "connections.hpp"

#include <ws/datagram_listener.hpp>

#include <floorctl/event.hpp>
#include <floorctl/stream_binding.hpp>
#include <floorctl/unreliable.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace floorctl::app {

class application;

/// Adds every counter of `c` to `sum`.
void add_counters(unreliable::counters& sum, unreliable::counters const& c) noexcept;

/// The handler of one datagram listener and the connections of its peers.
/// @par Thread Safety
/// Every member function is thread-safe: the listener calls the handler on its strand, the core
/// host calls send()/close() from its shards, the timers fire on any io thread. One mutex guards
/// the peers; actions are carried out after it is released.
class datagram_bridge final : public ws::datagram_handler,
                              public connections,
                              public std::enable_shared_from_this<datagram_bridge> {
public:
    /// `transport`: transport_kind::udp or ::dtls.
    datagram_bridge(application& app, boost::asio::io_context& ioc, transport_kind transport,
                    unreliable::options opts);
    ~datagram_bridge() override;

    /// The listener this bridge serves (set once, before it runs).
    void attach(std::shared_ptr<ws::datagram_listener> listener);

    // ws::datagram_handler
    bool accept_source(ws::datagram_source const& source) override;
    void on_open(ws::datagram_peer const& peer) override;
    void on_datagram(connection_id conn, std::span<std::byte const> payload) override;
    void on_close(connection_id conn, ws::close_info const& info) override;
    std::vector<std::byte> on_cleartext(ws::datagram_source const& source,
                                        std::span<std::byte const> message) override;
    void on_rejected(ws::datagram_source const& source, std::string const& reason) override;

    // connections: the core host's sends go through the unreliable layer.
    bool send(connection_id conn, std::span<std::byte const> message) override;
    /// Waits for the acks of what is in flight (the Goodbye), then forgets the peer.
    bool close(connection_id conn, close_reason why) override;

    /// The unreliable layer's counters summed over every peer so far, closed ones included.
    [[nodiscard]] unreliable::counters totals() const;
    [[nodiscard]] transport_kind transport() const noexcept { return transport_; }
    /// Peers bound to a participant (the `connections` gauge of this transport).
    [[nodiscard]] std::size_t bound_count() const;
    /// Peers of any state (shutdown waits for none to be left).
    [[nodiscard]] std::size_t peer_count() const;

private:
    struct conn_state;
    using actions = std::vector<unreliable::action>;

    /// Carries out `todo`; `closing`: the connection's `closing` when `todo` was made (then a
    /// close waiting for the last ack may go ahead).
    void run(connection_id conn, actions& todo, bool closing);
    void deliver(connection_id conn, std::span<std::byte const> message);
    void refuse(connection_id conn, std::string const& address, stream_refused const& r,
                clock::time_point now);
    void arm(connection_id conn, conn_state& s);
    void on_timer(connection_id conn);

    application& app_;
    boost::asio::io_context& ioc_;
    transport_kind const transport_;
    unreliable::options const opts_;
    std::weak_ptr<ws::datagram_listener> listener_;

    mutable std::mutex mutex_;
    // guarded by mutex_
    std::unordered_map<std::uint64_t, std::unique_ptr<conn_state>> conns_;
    unreliable::counters closed_totals_; // of the peers already forgotten
};

} // namespace floorctl::app
