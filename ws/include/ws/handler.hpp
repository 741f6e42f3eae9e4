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
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace ws {

/// The body of a streamed HTTP response (http_responder::stream()), written over time: e.g. a
/// text/event-stream. ws/ knows nothing of what the chunks mean; it frames them (chunked
/// transfer coding on HTTP/1.1), writes them in order and bounds what waits: a reader that falls
/// behind by more than listener_options::max_write_queue_bytes, or does not take a write within
/// listener_options::handshake_timeout, is closed.
/// @par Thread Safety
/// Every member function is thread-safe.
class http_stream {
public:
    virtual ~http_stream() = default;
    /// Queues `chunk` (empty chunks are ignored). False once the stream has ended (the peer
    /// closed, it fell behind, the listener stopped, or close()): the caller forgets the stream.
    virtual bool write(std::string chunk) = 0;
    /// Ends the response after the queued chunks and closes the connection. Idempotent.
    virtual void close() = 0;
    /// Whether the stream has ended.
    [[nodiscard]] virtual bool closed() const noexcept = 0;
};

/// Completes an HTTP request: with one response (call it), or with a streamed one (stream()).
/// Use it exactly once, from any thread, now or later (e.g. after a round trip to the core's
/// strand). Dropping every copy without using it answers 500.
class http_responder {
public:
    using answer_function = std::function<void(http_response)>;
    using stream_function = std::function<std::shared_ptr<http_stream>(http_response)>;

    http_responder() = default;
    /// A responder that only answers (no streaming; stream() gives nullptr). For tests and for
    /// callers that wrap another responder's answer.
    template <class F>
    requires(std::is_invocable_v<F&, http_response> &&
             !std::is_same_v<std::decay_t<F>, http_responder>) http_responder(F answer)
        : answer_(std::move(answer))
    {
    }
    http_responder(answer_function answer, stream_function stream)
        : answer_(std::move(answer)), stream_(std::move(stream))
    {
    }

    /// Answers with `res` (the listener sets Content-Length and keep-alive).
    void operator()(http_response res) const { answer_(std::move(res)); }

    /// Starts a streamed answer: `head`'s status and fields are sent at once (its body is
    /// ignored; no Content-Length), then every chunk written to the returned stream. The
    /// connection carries nothing else and closes when the stream ends. nullptr when this
    /// responder cannot stream or was already used.
    [[nodiscard]] std::shared_ptr<http_stream> stream(http_response head) const
    {
        return stream_ ? stream_(std::move(head)) : nullptr;
    }

private:
    answer_function answer_;
    stream_function stream_;
};

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
