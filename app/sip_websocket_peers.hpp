#pragma once
/// @file sip_websocket_peers.hpp
/// floorctl::app::sip_websocket_peers — which WebSocket client each loopback flow of the `sip`
/// service stands for (docs/sip-over-websocket.md, §8). sofia sees a SIP-over-WebSocket caller
/// as a TCP peer at 127.0.0.1:E; this table turns an event from that flow back into the
/// client's own address, port and transport (ws or wss), and reports the client's WebSocket
/// closing so that its calls end.

#include <sip/event.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace floorctl::app {

/// A SIP-over-WebSocket client as the edge sees it.
struct websocket_client {
    std::string address;                                                  ///< no brackets for IPv6
    std::uint16_t port = 0;                                               ///< its TCP source port
    sip::signalling_transport transport = sip::signalling_transport::wss; ///< ws or wss
};

/// Flow (the edge's end of a loopback connection to sofia) -> WebSocket client.
/// @par Thread Safety
/// Every member is thread-safe. The closed-client callback runs on the thread that calls
/// closed(), under the table's lock: it must only hand the work over (post), never call back.
class sip_websocket_peers {
public:
    /// Called with the client whose flow closed.
    using closed_callback = std::function<void(websocket_client const&)>;

    /// The flow `flow_address`:`flow_port` carries `client`'s messages.
    void opened(std::string const& flow_address, std::uint16_t flow_port, websocket_client client);

    /// The flow is gone: forgets it and tells the callback (if it was known).
    void closed(std::string const& flow_address, std::uint16_t flow_port);

    /// Who gets told of closed clients; an empty function stops it.
    void set_closed_callback(closed_callback cb);

    /// The client behind a flow, if it is one.
    [[nodiscard]] std::optional<websocket_client> find(std::string const& flow_address,
                                                       std::uint16_t flow_port) const;

    /// An INVITE that came over a flow gets its client's address, port and transport; any other
    /// is left alone. Returns whether it was a flow's.
    bool resolve(sip::invite& inv) const;

    /// Number of flows known.
    [[nodiscard]] std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, websocket_client> flows_; ///< "address port" -> client
    closed_callback on_closed_;                               ///< guarded by mutex_
};

} // namespace floorctl::app
