#pragma once
// How outgoing frames reach a connection's strand from any thread, in order, without one
// asio::post per frame (docs/performance.md, "The adapter's hops").
//
// - inbox: a small mutex-guarded list. registry::send() appends; the first append after a drain
//   asks the caller to post one drain to the strand, later appends ride along with it.
// - current_reader: the connection whose read handler is running on this thread, set only
//   around the synchronous hand-over of a received message to the app. A frame the app sends to
//   that same connection from inside that call (the usual reply, when the core runs inline on
//   the reader's thread) is already on the connection's strand and is drained at once.
//
// Order is the inbox's append order in both cases: an inline drain takes every frame appended
// before it, including ones whose posted drain has not run yet (that drain then finds nothing).

#include <ws/registry.hpp>

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace ws::detail {

/// The session whose received message is being handed to the app on this thread, or nullptr,
/// and its connection id (registry::send() uses it to skip the lookup for the usual reply).
inline thread_local session_base* current_reader = nullptr;
inline thread_local floorctl::connection_id current_reader_id{};

class inbox {
public:
    /// Appends `m`. Returns true when no drain is scheduled: the caller must schedule one (or
    /// drain now, if it is on the strand).
    [[nodiscard]] bool push(outgoing_message m)
    {
        std::lock_guard lock(mutex_);
        items_.push_back(std::move(m));
        nonempty_.store(true, std::memory_order_release);
        if (scheduled_) return false;
        scheduled_ = true;
        return true;
    }

    /// Swaps everything appended so far into `out` (which must be empty) and marks no drain as
    /// scheduled. On the strand.
    void take(std::vector<outgoing_message>& out)
    {
        std::lock_guard lock(mutex_);
        out.swap(items_);
        scheduled_ = false;
        nonempty_.store(false, std::memory_order_relaxed);
    }

    /// False when every frame appended before this call (by any thread whose append happened
    /// before it) has been taken: the strand may then write a new frame directly, skipping the
    /// lock, without passing anything already sent.
    [[nodiscard]] bool nonempty() const noexcept
    {
        return nonempty_.load(std::memory_order_acquire);
    }

    /// session_base::deliver() of `session`, whose strand-side write is
    /// `write(outgoing_message)` and which posts drain() to its strand with `post_drain()`.
    /// Inside the session's own hand-over (current_reader) the message is written at once, after
    /// anything appended before it; otherwise it is appended and the first append after a drain
    /// posts one.
    template <class Write, class PostDrain>
    void deliver(session_base const* session, outgoing_message m, Write&& write,
                 PostDrain&& post_drain)
    {
        if (current_reader == session) { // on the session's strand already
            if (!nonempty()) return write(std::move(m));
            (void)push(std::move(m));
            return drain(write);
        }
        if (push(std::move(m))) post_drain();
    }

    /// On the strand: hands every message appended so far to `write`, in order.
    template <class Write> void drain(Write&& write)
    {
        take(drained_);
        for (auto& m : drained_)
            write(std::move(m));
        drained_.clear();
    }

private:
    std::mutex mutex_;
    // guarded by mutex_
    std::vector<outgoing_message> items_;
    bool scheduled_ = false;
    std::atomic<bool> nonempty_{false}; // written under mutex_; read without it
    // drain()'s scratch (strand only), kept for its capacity
    std::vector<outgoing_message> drained_;
};

/// Sets current_reader for the duration of a hand-over (nests: restores the previous value).
class reader_scope {
public:
    reader_scope(session_base* s, floorctl::connection_id id) noexcept
        : previous_(current_reader), previous_id_(current_reader_id)
    {
        current_reader = s;
        current_reader_id = id;
    }
    ~reader_scope()
    {
        current_reader = previous_;
        current_reader_id = previous_id_;
    }
    reader_scope(reader_scope const&) = delete;
    reader_scope& operator=(reader_scope const&) = delete;

private:
    session_base* previous_;
    floorctl::connection_id previous_id_;
};

} // namespace ws::detail
