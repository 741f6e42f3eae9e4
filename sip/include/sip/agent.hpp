#pragma once
/// @file agent.hpp
/// sip::agent — the sofia-sip user agent server of floorctl, on a thread of its own.
///
/// One std::thread owns su_root, nua and every nua handle; it creates and destroys them itself
/// (sofia-sip asserts its owner thread). Other threads enter it only through su_msg (agent::post),
/// so every public member function except the constructor/destructor is thread-safe.
/// sofia's SDP engine is off (NUTAG_MEDIA_ENABLE(0)): bodies are handed over as text and the
/// answer comes back as text — caller SDP is never parsed by sofia (its m-line parser can be made
/// to allocate without end; see docs/sip.md).

#include <sip/event.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sip {

/// Severity passed to config::log.
enum class log_level : std::uint8_t { error, warning, info, debug };

/// Configuration of the agent. Read once by the constructor.
struct config {
    /// UDP *and* TCP listener (sofia binds both from one URL without ;transport=).
    /// Port 0 picks a free port; read it back with agent::port().
    std::string url = "sip:127.0.0.1:5060";
    /// Optional TLS listener, e.g. "sips:127.0.0.1:5061". Empty: no TLS.
    std::string sips_url;
    /// Directory with agent.pem (key then certificate) and cafile.pem; required with sips_url.
    std::string certificate_dir;
    /// User-Agent / Server header value.
    std::string user_agent = "floorctl";
    /// Digest authentication of callers (RFC 3261 §22, MD5 only in this sofia build): when
    /// `auth_realm` is set, every initial INVITE must carry credentials found in
    /// `auth_passwd_file` ("user:password:" lines, read by sofia's auth module).
    std::string auth_realm;
    std::string auth_passwd_file;
    /// Host written in Warning headers ("304 <host> \"...\""). Empty: the host of `url`.
    std::string warning_host;
    /// Concurrent calls accepted; a new INVITE beyond it is answered 503 with Retry-After
    /// by the agent itself (no event). 0: unlimited.
    std::size_t max_calls = 10000;
    /// Bound on what sofia buffers for incoming messages (NTATAG_MAXSIZE). An INVITE with a
    /// BFCP offer is 1-3 KiB, but sofia applies the bound to what one TCP read has pipelined
    /// (measured: 64 KiB gave 413 to BYEs on one busy sipp connection at 2000 calls/s), so keep
    /// room for a burst. Without any bound a broken stream grew the server to 21 GB.
    std::size_t max_message_bytes = 256 * 1024;
    /// Kernel buffers of the UDP socket (SO_RCVBUF / SO_SNDBUF, via sofia's TPTAG_UDP_RMEM /
    /// TPTAG_UDP_WMEM). Every request, ACK and BYE of every UDP caller queues in the one receive
    /// buffer while the SIP thread is off the CPU; the system default (about 208 KiB, a few
    /// hundred datagrams) overflowed at 1,500 calls/s (issue 11). Linux caps the size at
    /// net.core.rmem_max / wmem_max unless the process may force it (CAP_NET_ADMIN). 0: the
    /// system default.
    std::size_t udp_receive_buffer_bytes = 4 * 1024 * 1024;
    std::size_t udp_send_buffer_bytes = 4 * 1024 * 1024;
    /// How long sofia keeps a TCP or TLS connection that carries no message (TPTAG_IDLE; nta's
    /// own default is 30 minutes). A connection still used by a transaction is kept; a dialog
    /// does not keep it. The SIP-over-WebSocket flows are kept open past it by the edge's
    /// keep-alive (docs/sip-over-websocket.md, "Long-lived flows").
    std::chrono::milliseconds tcp_idle_timeout{std::chrono::minutes(30)};
    /// Longest wait for sofia's orderly shutdown (nua gives up after about 30 s itself).
    std::chrono::seconds shutdown_timeout{35};
    /// Receives sofia's own log lines and the agent's. Called on the SIP thread. May be empty.
    std::function<void(log_level, std::string_view)> log;
};

/// Monotonic counters, readable from any thread (relaxed snapshots).
struct statistics {
    std::uint64_t invites = 0;   ///< initial INVITEs reported to the application
    std::uint64_t reinvites = 0; ///< re-INVITEs reported
    std::uint64_t acks = 0;
    std::uint64_t terminated = 0; ///< terminated events delivered
    std::uint64_t options = 0;
    std::uint64_t over_limit = 0;      ///< INVITEs answered 503 by the agent (max_calls)
    std::uint64_t auth_challenges = 0; ///< INVITEs answered 401/403 by the agent
    std::uint64_t late_commands = 0;   ///< respond/bye addressed to a call that was gone
    std::uint64_t active_calls = 0;    ///< calls between invite and terminated (a gauge)
};

/// A Warning header (RFC 3261 §20.43): code 3xx and free text, e.g. {304, "Media type not
/// available"}. The agent adds its host and the quotes.
struct warning {
    int code = 399;
    std::string text;
};

/// The SIP user agent server. See the file comment for the threading model.
///
/// @par Thread safety
/// respond(), bye(), post(), port(), contact(), stats() and stop() may be called from any thread,
/// including from inside the event handler. The destructor must not run on the SIP thread
/// (i.e. never destroy the agent from inside its own event handler).
class agent {
public:
    /// Called on the SIP thread for every event, in order. Must not block: hand the event to
    /// your own executor (e.g. asio::post) and return.
    using event_handler = std::function<void(event)>;

    /// Starts the SIP thread and binds the listeners. Returns once they are bound.
    /// @throws std::runtime_error if sofia cannot start (bad URL, port in use, TLS files missing).
    agent(config cfg, event_handler on_event);

    /// stop(), then joins the SIP thread.
    ~agent();

    agent(agent const&) = delete;
    agent& operator=(agent const&) = delete;

    /// Answers the pending (re-)INVITE of `call` with `status` (100..699; the reason phrase is
    /// the standard one). With `sdp`, the body is sent as application/sdp. With `warn`, a Warning
    /// header is added. 415 also gets `Accept: application/sdp`, 503 gets `Retry-After`.
    /// Dropped (counted in late_commands) when the call is gone or already has its final answer.
    void respond(call_id call, int status, std::optional<std::string> sdp = std::nullopt,
                 std::optional<warning> warn = std::nullopt);

    /// Ends the dialog of `call` with BYE (or, if its INVITE has no final answer yet, answers it
    /// 480). Dropped when the call is gone. A `terminated` event with local_bye follows.
    void bye(call_id call);

    /// Runs `fn` on the SIP thread. Returns false if the agent is stopping (fn is destroyed
    /// unrun). For tests and advanced wiring; fn must not block.
    bool post(std::function<void()> fn);

    /// The UDP/TCP port actually bound (useful with port 0).
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// The Contact URI sofia advertises, e.g. "sip:127.0.0.1:40076".
    [[nodiscard]] std::string const& contact() const noexcept;

    /// Counter snapshot.
    [[nodiscard]] statistics stats() const noexcept;

    /// Orderly shutdown: nua_shutdown (sends BYE on live calls), waits for it (bounded by
    /// config::shutdown_timeout), delivers `terminated{shutdown}` for calls still known, destroys
    /// sofia on its thread. Idempotent. Blocks until the SIP thread has finished.
    /// Must not be called on the SIP thread.
    void stop();

    class impl; ///< private; public only so the sofia callback can name it

private:
    std::unique_ptr<impl> impl_;
};

/// The standard reason phrase of a SIP status ("Not Acceptable Here"); "Unknown" if none.
/// The returned string has static storage (nua_respond does not copy phrases).
[[nodiscard]] char const* reason_phrase(int status) noexcept;

} // namespace sip
