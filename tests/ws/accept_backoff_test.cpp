// The accept loop when the process runs out of descriptors (EMFILE): it pauses instead of
// retrying at once, logs once per interval with a count, and serves again once descriptors are
// free. The descriptors are exhausted inside this test process (a low RLIMIT_NOFILE and dup()),
// restored before the test ends; ctest runs every test in its own process.
#include "harness.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace {

using namespace ws_test;

/// Takes every free descriptor below a lowered soft limit; gives them back when destroyed.
class descriptor_famine {
public:
    descriptor_famine()
    {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit low = saved_;
        low.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 256);
        ::setrlimit(RLIMIT_NOFILE, &low);
        for (int fd = ::dup(0); fd >= 0; fd = ::dup(0))
            held_.push_back(fd);
        exhausted_ = errno == EMFILE;
    }
    ~descriptor_famine() { end(); }
    descriptor_famine(descriptor_famine const&) = delete;
    descriptor_famine& operator=(descriptor_famine const&) = delete;

    [[nodiscard]] bool exhausted() const { return exhausted_; }

    void end()
    {
        for (int fd : held_)
            ::close(fd);
        held_.clear();
        ::setrlimit(RLIMIT_NOFILE, &saved_);
    }

private:
    rlimit saved_{};
    std::vector<int> held_;
    bool exhausted_ = false;
};

TEST(AcceptBackoff, DescriptorExhaustionPausesAcceptLogsWithACountAndRecovers)
{
    harness h(test_options(), 1);
    beast::tcp_stream s{h.cioc};
    s.socket().open(tcp::v4()); // the client's descriptor, taken before the famine

    descriptor_famine famine;
    ASSERT_TRUE(famine.exhausted());
    // The kernel completes the TCP handshake; the listener's accept() then fails with EMFILE.
    ASSERT_FALSE(connect_stream(h, s));
    ASSERT_TRUE(h.app->wait([&] { return h.logged("accept failed"); }));
    // A measured window, not a wait for a condition: how often the listener retries and logs
    // while nothing can change. Retrying at once logs thousands of lines in this time.
    std::this_thread::sleep_for(300ms);
    EXPECT_LE(h.count_logged("accept failed"), 2u);

    famine.end();
    http::response<http::string_body> res;
    ASSERT_FALSE(http_get(s, "/healthz", res));
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_TRUE(h.logged("accepting again"));
}

} // namespace
