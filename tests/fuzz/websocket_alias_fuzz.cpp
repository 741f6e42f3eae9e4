// websocket_alias_fuzz: any WebSocket message from a client and any byte stream from sofia ->
// no crash, hang or leak in sip::from_websocket, sip::to_websocket or sip::stream_reader; what
// the edge writes to sofia or answers is one well-framed SIP message.
//
// Input: byte 0 = flags (bit 0: text frame, bit 1: wss, bit 2: the bytes are sofia's stream,
// bits 3-7: read size - 1 for the stream), then the bytes.

#include <sip/stream_reader.hpp>
#include <sip/websocket_alias.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

namespace {

/// `bytes` must be exactly one message for sofia's stream framing.
void require_one_message(std::string const& bytes)
{
    sip::stream_reader r;
    r.append(bytes);
    auto const item = r.next();
    if (item.what != sip::stream_item::kind::message || item.message != bytes) std::abort();
    if (r.buffered() != 0) std::abort();
}

void client_message(std::string_view message, bool text, sip::websocket_peer const& peer)
{
    sip::websocket_limits limits;
    limits.max_message = 4096;
    auto const d = sip::from_websocket(message, text, peer, limits);
    if (auto const* f = std::get_if<sip::forward_to_sip>(&d)) {
        require_one_message(f->bytes);
        // What sofia gets back from itself must survive the way out too.
        (void)sip::to_websocket(f->bytes, peer);
    } else if (auto const* a = std::get_if<sip::answer_client>(&d)) {
        if (a->message != "\r\n") {
            if (!a->message.starts_with("SIP/2.0 4")) std::abort();
            require_one_message(a->message);
        }
    } else if (auto const* c = std::get_if<sip::close_client>(&d)) {
        if (c->code != 1007 && c->code != 1009) std::abort();
    }
}

void sofia_stream(std::string_view bytes, std::size_t read_size, sip::websocket_peer const& peer)
{
    sip::stream_reader reader(8192);
    for (std::size_t at = 0; at < bytes.size(); at += read_size) {
        reader.append(bytes.substr(at, read_size));
        for (;;) {
            auto const item = reader.next();
            if (item.what == sip::stream_item::kind::need_more) break;
            if (item.what == sip::stream_item::kind::broken) {
                if (item.reason.empty()) std::abort();
                return;
            }
            auto const d = sip::to_websocket(item.message, peer);
            if (auto const* s = std::get_if<sip::answer_sip>(&d)) require_one_message(s->bytes);
            if (auto const* s = std::get_if<sip::send_to_client>(&d)) {
                if (s->message.empty()) std::abort();
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    auto const flags = data[0];
    std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
    sip::websocket_peer peer;
    peer.transport = (flags & 2) ? sip::websocket_transport::wss : sip::websocket_transport::ws;
    peer.address = (flags & 8) ? "2001:db8::7" : "198.51.100.7";
    peer.port = 53124;
    peer.alias_port = 40001;
    peer.connection = "7";
    if (flags & 4)
        sofia_stream(bytes, static_cast<std::size_t>(flags >> 3) + 1, peer);
    else
        client_message(bytes, (flags & 1) != 0, peer);
    return 0;
}
