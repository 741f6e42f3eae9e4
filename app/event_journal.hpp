#pragma once
/// @file event_journal.hpp
/// app::event_journal — the server-sent event streams of GET /api/conferences/{id}/events
/// (docs/http-api.md, "Events"): what the core reported (floorctl::report_change), numbered per
/// conference, written to every reader of that conference, and kept for a bounded window so
/// that a reader that reconnects with Last-Event-ID gets exactly what it missed. The core
/// decides what happened; this only numbers, keeps and forwards it.

#include <floorctl/action.hpp>
#include <floorctl/types.hpp>

#include <ws/handler.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace floorctl::app {

/// The text/event-stream framing of one event: `id: N`, `event: NAME`, `data: JSON`, blank line.
[[nodiscard]] std::string format_event(std::uint64_t id, std::string_view name,
                                       std::string_view json);

/// The journals of every conference that has (or had) a reader.
///
/// A conference's events are numbered 1, 2, ... from its first reader on (a conference nobody
/// reads costs nothing). The last `window` events are kept, and at most `max_events` over all
/// conferences: past that, the oldest kept event of all goes first, whichever conference it
/// belongs to (so a busy conference shortens the windows of quiet ones, never the other way
/// round). A reader that gives the id of the last event it saw gets every later one, then the
/// live ones. An id that is not kept (too old, dropped for the cap, or from before a restart:
/// ids then start again) gets a `reset` event first: the reader re-reads the state
/// (GET /api/conferences/{id}) and goes on from there.
///
/// @par Thread Safety
/// Every member function is thread-safe (one mutex). Streams are written under the lock, so
/// each reader sees the events in order with no gap or repeat; ws::http_stream::write() only
/// queues, it does not block.
class event_journal {
public:
    /// How many events per conference a reader may resume from.
    static constexpr std::size_t default_window = 256;
    /// How many events all conferences keep together: 64 full windows (a few MB: an event is
    /// some hundred octets).
    static constexpr std::size_t default_max_events = 64 * default_window;

    /// `window` and `max_events` are at least 1.
    explicit event_journal(std::size_t window = default_window,
                           std::size_t max_events = default_max_events);

    /// Numbers `c`, keeps it and writes it to the conference's readers (a reader whose stream
    /// has ended is dropped). Nothing when the conference has no journal (never read).
    void record(report_change const& c);

    /// Adds `reader` to conference `conf`'s readers. `last_id`: the id the reader saw last
    /// (Last-Event-ID), nullopt for a new reader (only live events). Writes `retry`, then the
    /// `reset` event or the missed events, in the same step.
    void subscribe(conference_id conf, std::optional<std::uint64_t> last_id,
                   std::shared_ptr<ws::http_stream> reader);

    /// A comment line to every reader, so that proxies and clients see the stream is alive
    /// (and ended streams are found and dropped). Call every 15 s.
    void keep_alive();

    /// The conference was deleted: its readers' streams end, its journal goes.
    void forget(conference_id conf);

    /// Readers of `conf` now (tests, metrics).
    [[nodiscard]] std::size_t readers(conference_id conf) const;

    /// Events kept now over all conferences (tests, metrics): at most `max_events`.
    [[nodiscard]] std::size_t kept() const;

private:
    struct entry {
        std::uint64_t id = 0;
        std::uint64_t order = 0; ///< when it was recorded, over all conferences
        std::string text;        ///< format_event()
    };
    struct journal {
        std::uint64_t last_id = 0; ///< of the newest event; 0: none yet
        std::deque<entry> events;  ///< the window, oldest first
        std::vector<std::shared_ptr<ws::http_stream>> readers;
    };

    /// Drops the oldest event `j` (conference `conf`) keeps. Needs mutex_.
    void drop_oldest(conference_id conf, journal& j);

    std::size_t const window_;
    std::size_t const max_events_;
    mutable std::mutex mutex_;
    // Guarded by mutex_:
    std::unordered_map<conference_id, journal> journals_;
    std::size_t kept_ = 0;         ///< events in all journals
    std::uint64_t next_order_ = 0; ///< entry::order of the next event
    /// (order of its oldest event, conference) for every journal that keeps events: the first
    /// is the oldest event of all.
    std::set<std::pair<std::uint64_t, conference_id>> oldest_;
};

} // namespace floorctl::app
