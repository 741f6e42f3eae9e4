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
#include <optional>
#include <span>
#include <unordered_map>

namespace floorctl::app {

class application;

/// Adds every counter of `c` to `sum`.
void add_counters(unreliable::counters& sum, unreliable::counters const& c) noexcept;

/// The handler of one datagram listener and the connections of its peers.
/// @par Thread Safety
/// Every member function is thread-safe: the listener calls the handler on its strand, the core
/// host calls send()/close() from its shards, the timers fire on any io thread. One mutex guards
/// the peers. The datagrams a step of the unreliable layer sends are views into it, so they are
/// handed to the listener under that mutex (which copies or sends them at once and never calls
/// back); a message for the core is handed over after it is released.
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
    /// What a step of a peer's unreliable layer leaves to do once mutex_ is released.
    struct leftover {
        /// A message for the core (only a received datagram makes one): a view of the datagram
        /// or of the peer's reassembly buffer, valid until the peer's next datagram.
        std::optional<std::span<std::byte const>> message;
        bool lost = false;  ///< the peer stopped acknowledging
        bool close = false; ///< a close the core asked for goes ahead: nothing awaits an ack
    };

    /// Under mutex_, right after a call on `s.peer` that filled `step_`: sends its datagrams,
    /// re-arms the timer, empties `step_` and says what is left to do.
    leftover carry_out(connection_id conn, conn_state& s);
    /// After mutex_ is released: the closes `left` asks for.
    void finish(connection_id conn, leftover const& left);
    /// On the listener's strand: a message for the core; the first one binds the connection.
    void deliver(connection_id conn, std::span<std::byte const> message, bool bound);
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
    // The actions of the step under way: filled by one call on a peer and emptied by
    // carry_out() before the lock is released, so its memory serves every step.
    std::vector<unreliable::action> step_;
};

} // namespace floorctl::app
