// Streamed HTTP responses (ws::http_responder::stream): the head at once, chunks in order with
// the chunked coding, the end on close(), and the bounds: a reader that leaves, falls behind or
// outlives the listener ends the stream, and the app learns it from write() and closed().
#include "harness.hpp"

namespace {

using namespace ws_test;

class HttpStream : public ::testing::TestWithParam<int> {
protected:
    std::unique_ptr<harness> start(ws::listener_options o = test_options())
    {
        return std::make_unique<harness>(std::move(o), GetParam());
    }

    /// Connects, sends GET /stream (HTTP/1.`minor`) and waits for the app's stream handle.
    std::shared_ptr<ws::http_stream> open(harness& h, tcp::socket& s, int minor = 1)
    {
        // Counted before the request is sent (under the recorder's lock, as wait() reads it).
        std::size_t before = 0;
        EXPECT_TRUE(h.app->wait([&] {
            before = h.app->streams.size();
            return true;
        }));
        EXPECT_FALSE(await_op([&](auto done) { s.async_connect(h.endpoint(), done); }));
        auto const req = "GET /stream HTTP/1." + std::to_string(minor) + "\r\nHost: x\r\n\r\n";
        EXPECT_FALSE(await_op([&](auto done) { net::async_write(s, net::buffer(req), done); }));
        EXPECT_TRUE(h.app->wait([&] { return h.app->streams.size() > before; }));
        std::shared_ptr<ws::http_stream> last;
        EXPECT_TRUE(h.app->wait([&] {
            last = h.app->streams.back();
            return true;
        }));
        return last;
    }

    /// Reads until `needle` has arrived (or the connection ends / the bound passes).
    static std::string read_until(tcp::socket& s, std::string& got, std::string_view needle)
    {
        while (got.find(needle) == std::string::npos) {
            std::array<char, 4096> buf{};
            std::size_t n = 0;
            auto const ec = await_op([&](auto done) {
                s.async_read_some(net::buffer(buf), [&n, done](beast::error_code e, std::size_t k) {
                    n = k;
                    done(e);
                });
            });
            got.append(buf.data(), n);
            if (ec) return ec.message();
        }
        return {};
    }
};

INSTANTIATE_TEST_SUITE_P(IoThreads, HttpStream, ::testing::Values(1, 4),
                         [](auto const& p) { return std::to_string(p.param) + "Threads"; });

TEST_P(HttpStream, HeadThenChunksInOrderThenTheEndOnClose)
{
    auto h = start();
    tcp::socket s{h->cioc};
    auto stream = open(*h, s);
    ASSERT_TRUE(stream);
    EXPECT_TRUE(h->app->second_stream_refused);
    std::string got;
    ASSERT_EQ(read_until(s, got, "\r\n\r\n"), "");
    auto const head = got.substr(0, got.find("\r\n\r\n") + 4);
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    got.erase(0, head.size());

    EXPECT_TRUE(stream->write("data: one\n\n"));
    EXPECT_TRUE(stream->write("")); // nothing to send
    EXPECT_TRUE(stream->write(std::string(300, 'x')));
    stream->close();
    EXPECT_FALSE(stream->write("late"));             // after close() nothing is taken
    ASSERT_NE(read_until(s, got, "0\r\n\r\n"), "x"); // ends with the connection
    // size in hex, CRLF, data, CRLF — then the last chunk.
    EXPECT_EQ(got, "b\r\ndata: one\n\n\r\n12c\r\n" + std::string(300, 'x') + "\r\n0\r\n\r\n");
    char byte = 0;
    auto const ec = await_op([&](auto done) { s.async_read_some(net::buffer(&byte, 1), done); });
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    EXPECT_TRUE(stream->closed());
}

TEST_P(HttpStream, Http10ReaderGetsTheBodyUntilTheClose)
{
    auto h = start();
    tcp::socket s{h->cioc};
    auto stream = open(*h, s, 0);
    ASSERT_TRUE(stream);
    ASSERT_TRUE(stream->write("raw bytes"));
    stream->close();
    std::string got;
    read_until(s, got, "never");
    EXPECT_EQ(got.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << got;
    EXPECT_EQ(got.find("chunked"), std::string::npos) << got;
    EXPECT_EQ(got.substr(got.size() - 9), "raw bytes");
}

TEST_P(HttpStream, ReaderThatLeavesEndsTheStream)
{
    auto h = start();
    tcp::socket s{h->cioc};
    auto stream = open(*h, s);
    ASSERT_TRUE(stream);
    std::string got;
    ASSERT_EQ(read_until(s, got, "\r\n\r\n"), "");
    s.close();
    ASSERT_TRUE(h->app->wait([&] { return stream->closed(); }));
    EXPECT_FALSE(stream->write("data: nobody\n\n"));
}

TEST_P(HttpStream, ReaderThatFallsBehindIsClosed)
{
    auto o = test_options();
    o.max_write_queue_bytes = 64 * 1024;
    auto h = start(std::move(o));
    tcp::socket s{h->cioc};
    auto stream = open(*h, s);
    ASSERT_TRUE(stream);
    // The client never reads: once the socket buffers are full the queue grows past its bound
    // (64 MiB offered, far beyond what loopback socket buffers hold).
    std::string const chunk(64 * 1024, 'e');
    for (int i = 0; i < 1024 && !stream->closed(); ++i)
        (void)stream->write(chunk);
    ASSERT_TRUE(h->app->wait([&] { return stream->closed(); }));
    EXPECT_TRUE(h->logged("fell behind"));
    EXPECT_FALSE(stream->write("more"));
}

TEST_P(HttpStream, StoppingTheListenerEndsTheStream)
{
    auto h = start();
    tcp::socket s{h->cioc};
    auto stream = open(*h, s);
    ASSERT_TRUE(stream);
    h->listener->stop();
    ASSERT_TRUE(h->app->wait([&] { return stream->closed(); }));
    std::string got;
    EXPECT_NE(read_until(s, got, "never"), "");
}

TEST_P(HttpStream, AnAnswerOnlyResponderCannotStream)
{
    ws::http_responder r{[](ws::http_response) {}};
    EXPECT_EQ(r.stream(ws::http_response{}), nullptr);
}

} // namespace
