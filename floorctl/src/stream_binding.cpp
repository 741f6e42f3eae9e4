// floorctl::stream_bindings: the RFC 8856 §7 decision on a stream connection's first message.
#include <floorctl/codec.hpp>
#include <floorctl/stream_binding.hpp>

namespace floorctl {

void stream_bindings::expect(conference_id conf, user_id user, std::string address)
{
    forget(conf, user);
    ++per_address_[address];
    expected_.emplace(key(conf, user), std::move(address));
}

void stream_bindings::forget(conference_id conf, user_id user)
{
    auto const it = expected_.find(key(conf, user));
    if (it == expected_.end()) return;
    if (auto a = per_address_.find(it->second); a != per_address_.end() && --a->second == 0)
        per_address_.erase(a);
    expected_.erase(it);
}

bool stream_bindings::expects_address(std::string_view address) const
{
    // The empty address stands for "from anywhere" (expect()).
    return per_address_.contains(std::string{}) || per_address_.contains(std::string{address});
}

stream_verdict stream_bindings::decide(std::span<std::byte const> first_message,
                                       std::string_view remote_address) const
{
    auto const header = decode_header(first_message);
    if (!header) return stream_refused{{}, "first message has no BFCP header"};
    auto const it = expected_.find(key(header->conference, header->user));
    if (it == expected_.end()) {
        // Only a participant whose SDP negotiated this transport may connect.
        return stream_refused{
            encode(error_reply_to(*header, error_code::user_does_not_exist,
                                  "no TCP/BFCP participant with these conference and user IDs")),
            "unknown participant"};
    }
    if (!it->second.empty() && it->second != remote_address) {
        return stream_refused{
            encode(error_reply_to(*header, error_code::unauthorized_operation,
                                  "connection from an address the SDP did not negotiate")),
            "wrong source address"};
    }
    return stream_accepted{header->conference, header->user};
}

} // namespace floorctl
