#include "connections.hpp"

#include <floorctl/to_string.hpp>
#include <ws/close.hpp>
#include <ws/registry.hpp>

#include <algorithm>
#include <string>

namespace floorctl::app {

bool registry_connections::send(connection_id conn, std::span<std::byte const> message)
{
    return reg_->send(conn, message);
}

bool registry_connections::close(connection_id conn, close_reason why)
{
    return reg_->close(conn, ws::close_code_for(why), std::string{to_string(why)});
}

bool routed_connections::send(connection_id conn, std::span<std::byte const> message)
{
    return std::any_of(all_.begin(), all_.end(),
                       [&](auto const& c) { return c->send(conn, message); });
}

bool routed_connections::close(connection_id conn, close_reason why)
{
    return std::any_of(all_.begin(), all_.end(),
                       [&](auto const& c) { return c->close(conn, why); });
}

} // namespace floorctl::app
