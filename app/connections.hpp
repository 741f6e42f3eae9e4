#pragma once
/// @file connections.hpp
/// app::connections — what the core host needs from the transports: send an encoded BFCP message
/// to a connection, close a connection for a reason the core gave. The core host knows no
/// transport; registry_connections serves every session ws/ holds (WebSocket and TCP/TLS BFCP
/// alike), and a further transport (UDP, DTLS) implements the same two calls.

#include <floorctl/action.hpp>
#include <floorctl/types.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace ws {
class registry;
}

namespace floorctl::app {

/// The connections of every transport, addressed by connection_id.
/// @par Thread Safety
/// Implementations are thread-safe: the core host calls them from every shard's strand.
class connections {
public:
    virtual ~connections() = default;
    /// Queues one encoded BFCP message on `conn` (copied before the call returns). False when
    /// `conn` is not open: the message is dropped.
    virtual bool send(connection_id conn, std::span<std::byte const> message) = 0;
    /// Closes `conn` after the messages already queued; `why` is the core's reason, which the
    /// transport turns into its own close (a WebSocket close code, an orderly TCP close). False
    /// when `conn` is not open.
    virtual bool close(connection_id conn, close_reason why) = 0;
};

/// connections over ws::registry: a close reason becomes ws::close_code_for(why) with the
/// reason's name as the close reason text.
class registry_connections final : public connections {
public:
    explicit registry_connections(std::shared_ptr<ws::registry> reg) : reg_(std::move(reg)) {}
    bool send(connection_id conn, std::span<std::byte const> message) override;
    bool close(connection_id conn, close_reason why) override;

private:
    std::shared_ptr<ws::registry> reg_;
};

/// Several transports' connections as one: each call goes to the first that knows `conn` (ids
/// are process-wide, ws::allocate_connection_id, so at most one does).
class routed_connections final : public connections {
public:
    explicit routed_connections(std::vector<std::shared_ptr<connections>> all)
        : all_(std::move(all))
    {
    }
    bool send(connection_id conn, std::span<std::byte const> message) override;
    bool close(connection_id conn, close_reason why) override;

private:
    std::vector<std::shared_ptr<connections>> const all_;
};

} // namespace floorctl::app
