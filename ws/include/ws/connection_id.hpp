#pragma once
/// @file connection_id.hpp
/// Process-wide source of floorctl::connection_id values, shared by every listener in ws/
/// (WebSocket and TCP/TLS BFCP) so that ids never collide in the core.

#include <floorctl/types.hpp>

namespace ws {

/// A new id: unique for the life of the process, increasing, never 0.
/// @par Thread Safety
/// Lock-free; callable from any thread.
[[nodiscard]] floorctl::connection_id allocate_connection_id() noexcept;

} // namespace ws
