#pragma once
// The bounded outgoing queue of every session kind (WebSocket and TCP/TLS BFCP): messages wait
// here, each with its kind (text or binary frame), while one is being written; a peer that does not
// read cannot make it grow beyond max_bytes or max_messages (the session then cuts the connection).
// Strand-confined.

#include <ws/registry.hpp>

#include <boost/container/deque.hpp>
#include <boost/container/options.hpp>

#include <cstddef>

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

    void push(outgoing_message m)
    {
        bytes_ += m.frame->size();
        frames_.push_back(std::move(m));
    }

    [[nodiscard]] bool empty() const noexcept { return frames_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return frames_.size(); }
    /// The frame being written (or next to be).
    [[nodiscard]] frame_bytes const& front() const noexcept { return *frames_.front().frame; }
    /// How the front frame is framed on a WebSocket.
    [[nodiscard]] message_kind front_kind() const noexcept { return frames_.front().kind; }

    /// The front frame was written (or its write failed).
    void pop()
    {
        bytes_ -= frames_.front().frame->size();
        frames_.pop_front();
    }

    /// Forgets every frame not yet being written; `writing`: the front one is in flight and
    /// stays until its write completes.
    void drop_waiting(bool writing)
    {
        auto const keep = writing && !frames_.empty() ? 1u : 0u;
        while (frames_.size() > keep) {
            bytes_ -= frames_.back().frame->size();
            frames_.pop_back();
        }
    }

private:
    std::size_t const max_bytes_;
    std::size_t const max_messages_;
    // A FIFO deque allocates one block each time its tail crosses into a new one. libstdc++'s
    // std::deque sizes blocks at 512 octets: 32 frame_ptrs, but only 21 outgoing_messages (24
    // octets with the kind). Blocks of 32 elements keep one allocation per 32 messages, as
    // before the kind travelled with each message.
    boost::container::deque<outgoing_message, void,
                            boost::container::deque_options_t<boost::container::block_size<32u>>>
        frames_;
    std::size_t bytes_ = 0;
};

} // namespace ws::detail
