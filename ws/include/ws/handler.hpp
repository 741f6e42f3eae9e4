#pragma once
/// @file handler.hpp
/// The interface the app implements: HTTP requests, handshake outcomes, and (as a ws::service)
/// BFCP over WebSocket. ws/ translates; every decision about BFCP (and about supersede) is the
/// app's.

#include <ws/close.hpp>
#include <ws/http.hpp>
#include <ws/service.hpp>
#include <ws/upgrade.hpp>

#include <floorctl/event.hpp>
#include <floorctl/types.hpp>

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ws {

/// Completes an HTTP request with a response. Call exactly once, from any thread, now or later
/// (e.g. after a round trip to the core's strand). Dropping it without a call answers 500.
using http_responder = std::function<void(http_response)>;

/// Implemented by the app: the HTTP side of the listener and the BFCP over WebSocket service
/// (RFC 8857, the sub-protocol "BFCP" at upgrade_config::path, message_rules defaults). Further
/// sub-protocols register as services of their own (listener_options::services). Kept alive by
/// the listener (shared_ptr) until the listener and all its connections are gone.
/// @par Thread Safety
/// As service; on_http() and on_handshake_rejected() likewise run on the connection's strand.
class handler : public service {
public:
    /// A non-upgrade HTTP request (any path other than the WebSocket path): /healthz, /metrics,
    /// /api/..., the demo page. Answer through `respond`. HTTP/1.1 keep-alive is handled by the
    /// listener (it honours `Connection: close` in either message).
    virtual void on_http(http_request req, request_context const& ctx, http_responder respond) = 0;

    /// Every refused handshake, for metrics (the listener already logged and answered it).
    /// Default: nothing.
    virtual void on_handshake_rejected(upgrade_failure /*failure*/, http_status /*status*/,
                                       request_context const& /*ctx*/)
    {
    }
};

} // namespace ws
