// msrp_parse_fuzz: any bytes -> no crash, hang or leak in msrp::parse, msrp::stream_reader or the
// chunking checks; what parses is written back to a chunk that parses to the same message; what
// the stream reader cuts is one chunk within the limit that msrp::parse reads the same way.
//
// Input: byte 0 = read size - 1 for the stream reader (1 to 256), then the bytes, parsed whole
// (one WebSocket message) and streamed (MSRP over TCP).

#include <msrp/chunking.hpp>
#include <msrp/parse.hpp>
#include <msrp/stream_reader.hpp>
#include <msrp/write.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

msrp::limits const small{4096, 1024, 32}; // small, so that the limits are reached too

void whole(std::string_view chunk)
{
    auto const m = msrp::parse(chunk, small);
    if (!m) return;
    auto const again = msrp::parse(msrp::write(*m)); // default limits: writing may add bytes
    if (!again || *again != *m) std::abort();
    (void)msrp::check_range(*m);
    msrp::reassembler r({64, 2, 128});
    (void)r.add(*m);
    if (r.buffered() > 128) std::abort();
}

void streamed(std::string_view bytes, std::size_t read_size)
{
    msrp::stream_reader reader(small);
    while (!bytes.empty()) {
        auto const n = std::min(read_size, bytes.size());
        reader.append(bytes.substr(0, n));
        bytes.remove_prefix(n);
        for (;;) {
            auto const item = reader.next();
            if (item.what == msrp::stream_item::kind::need_more) break;
            if (item.what == msrp::stream_item::kind::broken) return;
            if (item.chunk.size() > small.max_chunk) std::abort();
            // A chunk the reader cut ends with its own end line: parse never says otherwise.
            auto const m = msrp::parse(item.chunk, small);
            if (!m && (m.error().code == msrp::error::missing_end_line ||
                       m.error().code == msrp::error::trailing_data)) {
                std::abort();
            }
        }
        if (reader.buffered() > small.max_chunk + read_size) std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 1) return 0;
    std::size_t const read_size = std::size_t{data[0]} + 1;
    std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
    whole(bytes);
    streamed(bytes, read_size);
    return 0;
}
