#pragma once
// The bounded outgoing queue of every session kind (WebSocket and TCP/TLS BFCP): frames wait
// here while one is being written; a peer that does not read cannot make it grow beyond
// max_bytes or max_messages (the session then cuts the connection). Strand-confined.

#include <ws/registry.hpp>

#include <cstddef>
#include <deque>

namespace ws::detail {

class write_queue {
public:
    write_queue(std::size_t max_bytes, std::size_t max_messages) noexcept
        : max_bytes_(max_bytes), max_messages_(max_messages)
    {
    }

    /// False when `f` would exceed a bound: the caller closes the connection.
    [[nodiscard]] bool fits(frame_bytes const& f) const noexcept
    {
        return frames_.size() + 1 <= max_messages_ && bytes_ + f.size() <= max_bytes_;
    }

    void push(frame_ptr f)
    {
        bytes_ += f->size();
        frames_.push_back(std::move(f));
    }

    [[nodiscard]] bool empty() const noexcept { return frames_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return frames_.size(); }
    /// The frame being written (or next to be).
    [[nodiscard]] frame_bytes const& front() const noexcept { return *frames_.front(); }

    /// The front frame was written (or its write failed).
    void pop()
    {
        bytes_ -= frames_.front()->size();
        frames_.pop_front();
    }

    /// Forgets every frame not yet being written; `writing`: the front one is in flight and
    /// stays until its write completes.
    void drop_waiting(bool writing)
    {
        auto const keep = writing && !frames_.empty() ? 1u : 0u;
        while (frames_.size() > keep) {
            bytes_ -= frames_.back()->size();
            frames_.pop_back();
        }
    }

private:
    std::size_t const max_bytes_;
    std::size_t const max_messages_;
    std::deque<frame_ptr> frames_;
    std::size_t bytes_ = 0;
};

} // namespace ws::detail
