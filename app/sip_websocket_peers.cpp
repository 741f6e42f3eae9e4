#include "sip_websocket_peers.hpp"

namespace floorctl::app {

namespace {

std::string key_of(std::string const& address, std::uint16_t port)
{
    return address + ' ' + std::to_string(port);
}

} // namespace

void sip_websocket_peers::opened(std::string const& flow_address, std::uint16_t flow_port,
                                 websocket_client client)
{
    std::lock_guard lock(mutex_);
    flows_[key_of(flow_address, flow_port)] = std::move(client);
}

void sip_websocket_peers::closed(std::string const& flow_address, std::uint16_t flow_port)
{
    std::lock_guard lock(mutex_);
    auto const it = flows_.find(key_of(flow_address, flow_port));
    if (it == flows_.end()) return;
    auto const client = std::move(it->second);
    flows_.erase(it);
    if (on_closed_) on_closed_(client);
}

void sip_websocket_peers::set_closed_callback(closed_callback cb)
{
    std::lock_guard lock(mutex_);
    on_closed_ = std::move(cb);
}

std::optional<websocket_client> sip_websocket_peers::find(std::string const& flow_address,
                                                          std::uint16_t flow_port) const
{
    std::lock_guard lock(mutex_);
    auto const it = flows_.find(key_of(flow_address, flow_port));
    if (it == flows_.end()) return std::nullopt;
    return it->second;
}

bool sip_websocket_peers::resolve(sip::invite& inv) const
{
    // Only a TCP peer can be a flow; a UDP or TLS caller at the same address and port is not.
    if (inv.transport != sip::signalling_transport::tcp) return false;
    auto client = find(inv.peer_address, inv.peer_port);
    if (!client) return false;
    inv.peer_address = std::move(client->address);
    inv.peer_port = client->port;
    inv.transport = client->transport;
    return true;
}

std::size_t sip_websocket_peers::size() const
{
    std::lock_guard lock(mutex_);
    return flows_.size();
}

} // namespace floorctl::app
