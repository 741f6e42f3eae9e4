#include "sofia.hpp"

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <future>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include <arpa/inet.h> // ntohs

namespace sip {

namespace detail {

/// One INVITE dialog. Lives on the SIP thread only, owned by agent::impl::calls_.
struct call {
    call_id id{};
    nua_handle_t* nh = nullptr;
    bool silent = false;        // answered by the agent itself (limit, auth): no events
    bool invite_pending = true; // an INVITE (initial or re-) waits for our final answer
    bool answered = false;      // the initial INVITE got a 2xx
    bool reason_set = false;
    end_reason reason = end_reason::failed;

    void set_reason(end_reason r)
    {
        if (!reason_set) {
            reason = r;
            reason_set = true;
        }
    }
};

namespace {

// su_log is process-global: the most recently started agent's hook receives sofia's lines.
std::mutex log_mutex;
std::function<void(log_level, std::string_view)> log_hook; // guarded by log_mutex
void const* log_owner = nullptr;                           // guarded by log_mutex

void sofia_logger(void*, char const* fmt, va_list ap)
{
    char line[1024];
    int const n = std::vsnprintf(line, sizeof line, fmt, ap);
    if (n <= 0) return;
    std::string_view text(line, std::min(static_cast<std::size_t>(n), sizeof line - 1));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.empty()) return;
    std::lock_guard lock(log_mutex);
    if (log_hook) log_hook(log_level::debug, text);
}

// setsockopt takes an int: larger requests are capped there (the kernel caps far below).
unsigned socket_buffer_bytes(std::size_t bytes)
{
    return static_cast<unsigned>(
        std::min<std::size_t>(bytes, static_cast<std::size_t>(std::numeric_limits<int>::max())));
}

// TPTAG_IDLE is in milliseconds; UINT_MAX means never, so anything at or above it is capped
// just below (a configured duration always closes eventually).
unsigned idle_milliseconds(std::chrono::milliseconds idle)
{
    auto const ms = std::max<std::chrono::milliseconds::rep>(idle.count(), 0);
    return static_cast<unsigned>(
        std::min<std::chrono::milliseconds::rep>(ms, std::numeric_limits<unsigned>::max() - 1));
}

std::string url_text(url_t const* url)
{
    if (url == nullptr) return {};
    su_home_t home[1] = {SU_HOME_INIT(home)};
    char* s = url_as_string(home, url);
    std::string out = s != nullptr ? s : "";
    su_home_deinit(home);
    return out;
}

// RFC 3261 §25.1 quoted-string: strip the quotes and the backslash escapes.
std::string display_text(char const* raw)
{
    if (raw == nullptr) return {};
    std::string_view v(raw);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
    v = v.substr(1, v.size() - 2);
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        out.push_back(v[i]);
    }
    return out;
}

signalling_transport transport_of(sip_t const* sip)
{
    if (sip == nullptr || sip->sip_via == nullptr || sip->sip_via->v_protocol == nullptr)
        return signalling_transport::other;
    std::string_view p(sip->sip_via->v_protocol);
    auto ends = [&](std::string_view s) {
        return p.size() >= s.size() &&
               strncasecmp(p.data() + p.size() - s.size(), s.data(), s.size()) == 0;
    };
    if (ends("/UDP")) return signalling_transport::udp;
    if (ends("/TCP")) return signalling_transport::tcp;
    if (ends("/TLS")) return signalling_transport::tls;
    return signalling_transport::other;
}

/// Source address and port of the request being handled.
struct source {
    std::string address;
    std::uint16_t port = 0;
};

source peer_of(nua_t* nua)
{
    msg_t* msg = nua_current_request(nua);
    if (msg == nullptr) return {};
    su_addrinfo_t const* ai = msg_addrinfo(msg);
    if (ai == nullptr || ai->ai_addr == nullptr) return {};
    auto const* su = reinterpret_cast<su_sockaddr_t const*>(ai->ai_addr);
    char buf[64] = {};
    if (su_inet_ntop(su->su_family, SU_ADDR(su), buf, sizeof buf) == nullptr) return {};
    return {buf, ntohs(su->su_port)};
}

// A Warning's warn-text is a quoted-string (RFC 3261 §20.43): keep it printable, no quotes.
std::string warning_value(warning const& w, std::string const& host)
{
    std::string text;
    for (char ch : w.text) {
        if (ch == '"' || ch == '\\')
            text.push_back('\'');
        else if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f)
            text.push_back(ch);
    }
    int code = w.code;
    if (code < 300 || code > 399) code = 399;
    return std::to_string(code) + " " + host + " \"" + text + "\"";
}

std::string host_of_url(std::string const& url)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    std::string out = "floorctl";
    if (url_t* u = url_make(home, url.c_str()); u != nullptr && u->url_host != nullptr)
        out = u->url_host;
    su_home_deinit(home);
    return out;
}

bool is_incoming_request(nua_event_t e)
{
    switch (e) {
    case nua_i_info:
    case nua_i_message:
    case nua_i_notify:
    case nua_i_publish:
    case nua_i_refer:
    case nua_i_register:
    case nua_i_subscribe:
    case nua_i_update:
    case nua_i_prack:
    case nua_i_method:
        return true;
    default:
        return false;
    }
}

} // namespace
} // namespace detail

/// The agent's state. Everything but the members marked "any thread" lives on the SIP thread.
class agent::impl {
public:
    impl(config cfg, event_handler handler)
        : cfg_(std::move(cfg)), handler_(std::move(handler)),
          warning_host_(cfg_.warning_host.empty() ? detail::host_of_url(cfg_.url)
                                                  : cfg_.warning_host)
    {
    }

    void start()
    {
        std::promise<void> started;
        auto ready = started.get_future();
        thread_ = std::thread([this, p = std::move(started)]() mutable { run(std::move(p)); });
        try {
            ready.get();
        } catch (...) {
            thread_.join();
            throw;
        }
    }

    // Any thread (see the su_msg notes in docs/sip.md): su_msg_send_to appends under the port
    // mutex and wakes the root, which is how nua itself signals its stack.
    bool post(std::function<void()> fn)
    {
        struct thunk {
            std::function<void()> fn;
        };
        auto deliver = [](impl*, su_msg_r, su_msg_arg_t* arg) {
            (*static_cast<thunk**>(arg))->fn();
        };
        auto deinit = [](su_msg_arg_t* arg) { delete *static_cast<thunk**>(arg); };
        std::lock_guard lock(post_mutex_);
        if (!accepting_) return false;
        su_msg_r m = SU_MSG_R_INIT;
        if (su_msg_new(m, sizeof(thunk*)) != 0) return false;
        *static_cast<thunk**>(su_msg_data(m)) = new thunk{std::move(fn)};
        su_msg_deinitializer(m, deinit);
        return su_msg_send_to(m, su_root_task(root_), deliver) == 0;
    }

    void respond(call_id id, int status, std::optional<std::string> sdp,
                 std::optional<warning> warn)
    {
        bool const posted = post([this, id, status, sdp = std::move(sdp), warn = std::move(warn)] {
            do_respond(id, status, sdp, warn);
        });
        if (!posted) late_commands_.fetch_add(1, std::memory_order_relaxed);
    }

    void bye(call_id id)
    {
        if (!post([this, id] { do_bye(id); }))
            late_commands_.fetch_add(1, std::memory_order_relaxed);
    }

    void stop()
    {
        std::lock_guard lock(stop_mutex_);
        if (!thread_.joinable()) return;
        if (thread_.get_id() == std::this_thread::get_id())
            std::terminate(); // documented precondition: never stop from the SIP thread
        (void)post([this] { begin_shutdown(); });
        thread_.join();
    }

    statistics stats() const noexcept
    {
        auto r = [](std::atomic<std::uint64_t> const& a) {
            return a.load(std::memory_order_relaxed);
        };
        return {r(invites_),    r(reinvites_),       r(acks_),          r(terminated_), r(options_),
                r(over_limit_), r(auth_challenges_), r(late_commands_), r(active_)};
    }

    std::uint16_t port() const noexcept { return port_; }
    std::string const& contact() const noexcept { return contact_; }

    static void callback(nua_event_t ev, int status, char const* phrase, nua_t* nua, impl* self,
                         nua_handle_t* nh, detail::call* c, sip_t const* sip, tagi_t tags[])
    {
        self->on_event(ev, status, phrase, nua, nh, c, sip, tags);
    }

private:
    void log(log_level level, std::string_view text) const
    {
        if (cfg_.log) cfg_.log(level, text);
    }

    void emit(event e)
    {
        if (handler_) handler_(std::move(e));
    }

    void run(std::promise<void> started)
    {
        su_init();
        {
            std::lock_guard lock(detail::log_mutex);
            detail::log_hook = cfg_.log;
            detail::log_owner = this;
        }
        su_log_redirect(nullptr, detail::sofia_logger, nullptr);
        root_ = su_root_create(this);
        if (root_ == nullptr) {
            su_deinit();
            started.set_exception(
                std::make_exception_ptr(std::runtime_error("sip: su_root_create failed")));
            return;
        }
        // Before nua_create: the nua stack then runs in this thread instead of a second sofia
        // thread (measured: -21 % CPU, and no cross-thread handle unrefs).
        su_root_threading(root_, 0);
        bool const tls = !cfg_.sips_url.empty();
        nua_ = nua_create(
            root_, &impl::callback, this, NUTAG_URL(cfg_.url.c_str()),
            TAG_IF(tls, NUTAG_SIPS_URL(cfg_.sips_url.c_str())),
            TAG_IF(tls && !cfg_.certificate_dir.empty(),
                   NUTAG_CERTIFICATE_DIR(cfg_.certificate_dir.c_str())),
            // sofia's SDP engine off: it would parse caller SDP (remote allocation loop in this
            // build) and answer offers by itself.
            NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0),
            // Replaces (NUTAG_ALLOW would merge with) the default list: only what we handle.
            SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS"),
            // No "timer": nua would send its own offerless refresh re-INVITE and ACK the
            // peer's offer without an answer (RFC 3264 violation) when media is off.
            SIPTAG_SUPPORTED_STR("100rel"), SIPTAG_USER_AGENT_STR(cfg_.user_agent.c_str()),
            // Bounds what one peer can make us buffer for a single message.
            NTATAG_MAXSIZE(static_cast<usize_t>(cfg_.max_message_bytes)),
            // 0 leaves the system default (sofia skips the setsockopt).
            TPTAG_UDP_RMEM(detail::socket_buffer_bytes(cfg_.udp_receive_buffer_bytes)),
            TPTAG_UDP_WMEM(detail::socket_buffer_bytes(cfg_.udp_send_buffer_bytes)),
            TPTAG_IDLE(detail::idle_milliseconds(cfg_.tcp_idle_timeout)), TAG_NULL());
        if (nua_ == nullptr) {
            su_root_destroy(root_);
            root_ = nullptr;
            su_deinit();
            started.set_exception(std::make_exception_ptr(std::runtime_error(
                "sip: cannot bind " + cfg_.url + (tls ? " / " + cfg_.sips_url : std::string()))));
            return;
        }
        if (!cfg_.auth_realm.empty()) {
            auth_ = auth_mod_create(root_, AUTHTAG_METHOD("Digest"),
                                    AUTHTAG_REALM(cfg_.auth_realm.c_str()),
                                    AUTHTAG_DB(cfg_.auth_passwd_file.c_str()), AUTHTAG_QOP("auth"),
                                    AUTHTAG_ALGORITHM("MD5"), AUTHTAG_EXPIRES(300), TAG_END());
            if (auth_ == nullptr) {
                teardown();
                started.set_exception(std::make_exception_ptr(
                    std::runtime_error("sip: cannot load " + cfg_.auth_passwd_file)));
                return;
            }
        }
        {
            std::lock_guard lock(post_mutex_);
            accepting_ = true;
        }
        started_ = &started;
        // The bound port (port 0 in tests) is only known to nta: read it back as the contact.
        nua_get_params(nua_, NTATAG_CONTACT(nullptr), TAG_END());
        su_root_run(root_);
        {
            std::lock_guard lock(post_mutex_);
            accepting_ = false;
        }
        if (started_ != nullptr) { // never got the parameters (should not happen)
            started_->set_exception(
                std::make_exception_ptr(std::runtime_error("sip: start-up interrupted")));
            started_ = nullptr;
        }
        // P9: nua_shutdown delivers no per-call terminated events; close them for the app.
        for (auto& [key, c] : calls_) {
            if (!c->silent) finish_event(*c, end_reason::shutdown, 0);
        }
        calls_.clear();
        teardown();
    }

    void teardown()
    {
        if (safety_timer_ != nullptr) {
            su_timer_destroy(safety_timer_);
            safety_timer_ = nullptr;
        }
        if (nua_ != nullptr) {
            nua_destroy(nua_); // frees every handle; logs and leaks only after a failed shutdown
            nua_ = nullptr;
        }
        if (auth_ != nullptr) {
            auth_mod_destroy(auth_);
            auth_ = nullptr;
        }
        su_root_destroy(root_); // destroys unsent su_msgs (their deinitializer frees the thunk)
        root_ = nullptr;
        {
            std::lock_guard lock(detail::log_mutex);
            if (detail::log_owner == this) {
                detail::log_hook = nullptr;
                detail::log_owner = nullptr;
            }
        }
        su_deinit();
    }

    void begin_shutdown()
    {
        if (shutdown_started_) return;
        shutdown_started_ = true;
        nua_shutdown(nua_);
        safety_timer_ = su_timer_create(
            su_root_task(root_), static_cast<su_duration_t>(cfg_.shutdown_timeout.count()) * 1000);
        if (safety_timer_ != nullptr) {
            su_timer_set(
                safety_timer_,
                [](impl* self, su_timer_t*, void*) {
                    self->log(log_level::error, "sip: shutdown timed out");
                    su_root_break(self->root_);
                },
                nullptr);
        }
    }

    detail::call* find(call_id id)
    {
        auto it = calls_.find(static_cast<std::uint64_t>(id));
        return it == calls_.end() ? nullptr : it->second.get();
    }

    void do_respond(call_id id, int status, std::optional<std::string> const& sdp,
                    std::optional<warning> const& warn)
    {
        detail::call* c = find(id);
        if (c == nullptr || !c->invite_pending || shutdown_started_ || status < 100 ||
            status > 699) {
            late_commands_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (status >= 200) {
            c->invite_pending = false;
            if (status < 300)
                c->answered = true;
            else if (!c->answered)
                c->set_reason(end_reason::rejected);
        }
        std::string const warning_hdr =
            warn ? detail::warning_value(*warn, warning_host_) : std::string();
        // The phrase must outlive the call (nua_signal keeps the pointer): reason_phrase is static.
        nua_respond(c->nh, status, reason_phrase(status),
                    TAG_IF(sdp.has_value(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                    TAG_IF(sdp.has_value(), SIPTAG_PAYLOAD_STR(sdp ? sdp->c_str() : "")),
                    TAG_IF(warn.has_value(), SIPTAG_WARNING_STR(warning_hdr.c_str())),
                    TAG_IF(status == 415, SIPTAG_ACCEPT_STR("application/sdp")),
                    TAG_IF(status == 503, SIPTAG_RETRY_AFTER_STR("5")), TAG_END());
    }

    void do_bye(call_id id)
    {
        detail::call* c = find(id);
        if (c == nullptr || shutdown_started_) {
            late_commands_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        c->set_reason(end_reason::local_bye);
        if (!c->answered) {
            if (c->invite_pending) {
                c->invite_pending = false;
                nua_respond(c->nh, 480, reason_phrase(480), TAG_END());
            }
            return;
        }
        nua_bye(c->nh, TAG_END());
    }

    // Delivers terminated for `c` if the application saw the call. Does not free anything.
    void finish_event(detail::call& c, end_reason reason, int status)
    {
        if (c.silent) return;
        active_.fetch_sub(1, std::memory_order_relaxed);
        terminated_.fetch_add(1, std::memory_order_relaxed);
        emit(terminated{c.id, reason, status});
    }

    void on_invite(int status, nua_t* nua, nua_handle_t* nh, detail::call* c, sip_t const* sip)
    {
        (void)status;
        if (sip == nullptr) return;
        if (c != nullptr) { // bound handle: a re-INVITE within the dialog
            c->invite_pending = true;
            if (c->silent) return;
            reinvites_.fetch_add(1, std::memory_order_relaxed);
            emit(make_invite(*c, true, nua, sip, std::nullopt));
            return;
        }
        auto owned = std::make_unique<detail::call>();
        owned->id = call_id{next_id_++};
        owned->nh = nh;
        c = owned.get();
        calls_.emplace(static_cast<std::uint64_t>(c->id), std::move(owned));
        nua_handle_bind(nh, c);

        std::optional<std::string> user;
        if (auth_ != nullptr) {
            auto* home = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
            auth_status_t* as = auth_status_new(home);
            as->as_realm = cfg_.auth_realm.c_str();
            as->as_user_uri = sip->sip_from != nullptr ? sip->sip_from->a_url : nullptr;
            auth_mod_check(auth_, as, sip, auth_server);
            if (as->as_status != 0) {
                c->silent = true;
                c->invite_pending = false;
                auth_challenges_.fetch_add(1, std::memory_order_relaxed);
                // as_phrase points into sofia's static tables (auth_module.c).
                nua_respond(nh, as->as_status, as->as_phrase,
                            SIPTAG_WWW_AUTHENTICATE(
                                reinterpret_cast<sip_www_authenticate_t*>(as->as_response)),
                            TAG_END());
                su_home_unref(home);
                return;
            }
            if (as->as_user != nullptr) user = as->as_user;
            su_home_unref(home);
        }
        if (cfg_.max_calls != 0 && active_.load(std::memory_order_relaxed) >= cfg_.max_calls) {
            c->silent = true;
            c->invite_pending = false;
            over_limit_.fetch_add(1, std::memory_order_relaxed);
            nua_respond(nh, 503, reason_phrase(503), SIPTAG_RETRY_AFTER_STR("5"), TAG_END());
            return;
        }
        active_.fetch_add(1, std::memory_order_relaxed);
        invites_.fetch_add(1, std::memory_order_relaxed);
        emit(make_invite(*c, false, nua, sip, std::move(user)));
    }

    invite make_invite(detail::call const& c, bool reinvite, nua_t* nua, sip_t const* sip,
                       std::optional<std::string> user)
    {
        invite e;
        e.call = c.id;
        e.is_reinvite = reinvite;
        if (sip->sip_request != nullptr) {
            e.request_uri = detail::url_text(sip->sip_request->rq_url);
            if (sip->sip_request->rq_url->url_user != nullptr)
                e.request_user = sip->sip_request->rq_url->url_user;
        }
        if (sip->sip_from != nullptr) {
            e.from_uri = detail::url_text(sip->sip_from->a_url);
            e.from_display = detail::display_text(sip->sip_from->a_display);
        }
        if (sip->sip_to != nullptr) e.to_uri = detail::url_text(sip->sip_to->a_url);
        if (sip->sip_call_id != nullptr && sip->sip_call_id->i_id != nullptr)
            e.sip_call_id = sip->sip_call_id->i_id;
        fill_body(sip, e.content_type, e.body);
        e.transport = detail::transport_of(sip);
        auto peer = detail::peer_of(nua);
        e.peer_address = std::move(peer.address);
        e.peer_port = peer.port;
        e.authenticated_user = std::move(user);
        return e;
    }

    static void fill_body(sip_t const* sip, std::string& type, std::string& body)
    {
        // pl_data is not NUL-terminated: use the length.
        if (sip->sip_payload != nullptr && sip->sip_payload->pl_data != nullptr)
            body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
        if (sip->sip_content_type != nullptr && sip->sip_content_type->c_type != nullptr)
            type = sip->sip_content_type->c_type;
        else if (!body.empty())
            type = "application/octet-stream"; // RFC 3261 §20.15: a body without a type
    }

    void on_event(nua_event_t ev, int status, char const* phrase, nua_t* nua, nua_handle_t* nh,
                  detail::call* c, sip_t const* sip, tagi_t tags[])
    {
        switch (ev) {
        case nua_i_invite:
            if (shutdown_started_) return;
            on_invite(status, nua, nh, c, sip);
            return;
        case nua_i_ack:
            if (c != nullptr && !c->silent && sip != nullptr) {
                acks_.fetch_add(1, std::memory_order_relaxed);
                ack a{c->id, {}, {}};
                fill_body(sip, a.content_type, a.body);
                emit(std::move(a));
            }
            return;
        case nua_i_cancel:
            if (c != nullptr) {
                c->set_reason(end_reason::cancelled);
                c->invite_pending = false;
                if (!c->silent) emit(cancelled{c->id});
            }
            return;
        case nua_i_bye:
            if (c != nullptr) c->set_reason(end_reason::remote_bye);
            return;
        case nua_i_state: {
            int state = nua_callstate_init;
            tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
            if (state != nua_callstate_terminated) return;
            if (c == nullptr) {
                if (nh != nullptr) nua_handle_destroy(nh);
                return;
            }
            std::unique_ptr<detail::call> owned;
            if (auto it = calls_.find(static_cast<std::uint64_t>(c->id)); it != calls_.end()) {
                owned = std::move(it->second);
                calls_.erase(it);
            }
            finish_event(*c, c->reason_set ? c->reason : end_reason::failed, status);
            nua_handle_destroy(nh); // P2: the application owns every incoming handle
            return;
        }
        case nua_i_options:
            options_.fetch_add(1, std::memory_order_relaxed);
            if (sip != nullptr && sip->sip_from != nullptr)
                emit(options{detail::url_text(sip->sip_from->a_url)});
            if (c == nullptr && nh != nullptr)
                nua_handle_destroy(nh); // P2: auto-answered, but the handle is ours
            return;
        case nua_r_get_params:
            if (started_ != nullptr) {
                sip_contact_t const* m = nullptr;
                tl_gets(tags, NTATAG_CONTACT_REF(m), TAG_END());
                if (m != nullptr) {
                    contact_ = detail::url_text(m->m_url);
                    port_ = static_cast<std::uint16_t>(
                        m->m_url->url_port != nullptr ? std::atoi(m->m_url->url_port) : 5060);
                }
                started_->set_value();
                started_ = nullptr;
            }
            return;
        case nua_r_shutdown:
            if (status >= 200) su_root_break(root_);
            return;
        case nua_i_error:
            log(log_level::warning, std::string("sip: nua error ") + std::to_string(status) + " " +
                                        (phrase != nullptr ? phrase : ""));
            return;
        default:
            if (nh != nullptr && c == nullptr && detail::is_incoming_request(ev))
                nua_handle_destroy(nh);
            return;
        }
    }

    config cfg_;
    event_handler handler_;
    std::string const warning_host_;
    std::thread thread_;
    std::mutex stop_mutex_; // serialises stop()

    std::mutex post_mutex_;
    bool accepting_ = false;    // guarded by post_mutex_
    su_root_t* root_ = nullptr; // written before accepting_ becomes true, read by post()

    // Set before the constructor returns, then read-only (any thread).
    std::string contact_;
    std::uint16_t port_ = 0;

    // SIP thread only.
    std::promise<void>* started_ = nullptr;
    nua_t* nua_ = nullptr;
    auth_mod_t* auth_ = nullptr;
    su_timer_t* safety_timer_ = nullptr;
    bool shutdown_started_ = false;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<detail::call>> calls_;

    // Counters (any thread).
    std::atomic<std::uint64_t> invites_{0}, reinvites_{0}, acks_{0}, terminated_{0}, options_{0},
        over_limit_{0}, auth_challenges_{0}, late_commands_{0}, active_{0};
};

agent::agent(config cfg, event_handler on_event)
    : impl_(std::make_unique<impl>(std::move(cfg), std::move(on_event)))
{
    impl_->start();
}

agent::~agent()
{
    impl_->stop();
}

void agent::respond(call_id call, int status, std::optional<std::string> sdp,
                    std::optional<warning> warn)
{
    impl_->respond(call, status, std::move(sdp), std::move(warn));
}

void agent::bye(call_id call)
{
    impl_->bye(call);
}

bool agent::post(std::function<void()> fn)
{
    return impl_->post(std::move(fn));
}

std::uint16_t agent::port() const noexcept
{
    return impl_->port();
}

std::string const& agent::contact() const noexcept
{
    return impl_->contact();
}

statistics agent::stats() const noexcept
{
    return impl_->stats();
}

void agent::stop()
{
    impl_->stop();
}

char const* reason_phrase(int status) noexcept
{
    char const* p = sip_status_phrase(status);
    return p != nullptr ? p : "Unknown";
}

char const* event_name(event const& e) noexcept
{
    static constexpr char const* names[] = {"invite", "ack", "cancelled", "terminated", "options"};
    return names[e.index()];
}

char const* to_string(end_reason r) noexcept
{
    switch (r) {
    case end_reason::remote_bye:
        return "remote_bye";
    case end_reason::local_bye:
        return "local_bye";
    case end_reason::cancelled:
        return "cancelled";
    case end_reason::rejected:
        return "rejected";
    case end_reason::failed:
        return "failed";
    case end_reason::shutdown:
        return "shutdown";
    }
    return "unknown";
}

} // namespace sip
