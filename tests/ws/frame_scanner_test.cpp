// frame_scanner sees the raw RFC 6455 §5.2 headers Beast hides; bytes below are annotated.
#include "frame_scanner.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using bytes = std::vector<unsigned char>;

bool scan(bytes const& b, std::size_t chunk)
{
    ws::detail::frame_scanner s;
    for (std::size_t i = 0; i < b.size(); i += chunk)
        s.feed(b.data() + i, std::min(chunk, b.size() - i));
    return s.fragmented();
}

bytes masked(unsigned char b0, bytes payload)
{
    bytes out{b0};
    if (payload.size() < 126) {
        out.push_back(static_cast<unsigned char>(0x80 | payload.size()));
    } else if (payload.size() < 65536) {
        out.push_back(0x80 | 126);
        out.push_back(static_cast<unsigned char>(payload.size() >> 8));
        out.push_back(static_cast<unsigned char>(payload.size() & 0xff));
    } else {
        out.push_back(0x80 | 127);
        for (int i = 7; i >= 0; --i)
            out.push_back(static_cast<unsigned char>((payload.size() >> (8 * i)) & 0xff));
    }
    out.insert(out.end(), {0x11, 0x22, 0x33, 0x44}); // masking key (payload left unmasked: the
                                                     // scanner never looks at it)
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

TEST(FrameScanner, SingleFinalBinaryFrameIsNotFragmented)
{
    // 0x82: FIN=1, opcode 2 (binary)
    auto const f = masked(0x82, bytes(12, 0x20));
    for (std::size_t chunk : {1u, 3u, 100u})
        EXPECT_FALSE(scan(f, chunk)) << chunk;
}

TEST(FrameScanner, ManyWholeFramesAndControlFramesAreNotFragmented)
{
    bytes stream;
    for (int i = 0; i < 5; ++i) {
        auto const f = masked(0x82, bytes(static_cast<std::size_t>(i * 100), 0x82));
        stream.insert(stream.end(), f.begin(), f.end());
        auto const ping = masked(0x89, bytes{1, 2}); // FIN=1, opcode 9 (ping)
        stream.insert(stream.end(), ping.begin(), ping.end());
    }
    for (std::size_t chunk : {1u, 7u, 4096u})
        EXPECT_FALSE(scan(stream, chunk)) << chunk;
}

TEST(FrameScanner, Extended16And64BitLengthsAreSkippedExactly)
{
    bytes stream = masked(0x82, bytes(300, 0x81));     // 16-bit length: payload byte 0x81
    auto const big = masked(0x82, bytes(70000, 0x00)); // 64-bit length
    stream.insert(stream.end(), big.begin(), big.end());
    for (std::size_t chunk : {1u, 1000u})
        EXPECT_FALSE(scan(stream, chunk)) << chunk;
    // A continuation frame after them is found, so the lengths were followed correctly.
    auto const cont = masked(0x80, bytes(3, 0)); // FIN=1, opcode 0 (continuation)
    stream.insert(stream.end(), cont.begin(), cont.end());
    EXPECT_TRUE(scan(stream, 999));
}

TEST(FrameScanner, BinaryWithoutFinIsFragmented)
{
    // 0x02: FIN=0, opcode 2 — first fragment of a message
    EXPECT_TRUE(scan(masked(0x02, bytes(4, 1)), 1));
}

TEST(FrameScanner, TextWithoutFinIsFragmented)
{
    EXPECT_TRUE(scan(masked(0x01, bytes(4, 'a')), 2));
}

TEST(FrameScanner, ContinuationFrameIsFragmented)
{
    auto stream = masked(0x82, bytes(4, 1));
    auto const cont = masked(0x80, bytes(4, 1));
    stream.insert(stream.end(), cont.begin(), cont.end());
    EXPECT_TRUE(scan(stream, 5));
}

} // namespace
