// sip::stream_reader: cutting the byte stream sofia writes on a loopback TCP connection into
// SIP messages by Content-Length (RFC 3261 §18.3), whatever the read sizes.

#include <sip/stream_reader.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kind = sip::stream_item::kind;

// 200 OK as sofia writes it: Content-Length last, body of 4 octets.
std::string const ok = "SIP/2.0 200 OK\r\n"
                       "Via: SIP/2.0/TCP a.invalid;branch=z9hG4bK1;received=127.0.0.1\r\n"
                       "Call-ID: c1\r\n"
                       "CSeq: 1 INVITE\r\n"
                       "Content-Length: 4\r\n"
                       "\r\n"
                       "v=0\n"; // the 4-octet body

std::string const bye = "BYE sip:u@127.0.0.1:4000;transport=tcp SIP/2.0\r\n"
                        "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK2\r\n"
                        "l: 0\r\n" // compact Content-Length (RFC 3261 §7.3.3)
                        "\r\n";

std::vector<std::string> drain(sip::stream_reader& r)
{
    std::vector<std::string> out;
    for (;;) {
        auto item = r.next();
        if (item.what != kind::message) {
            EXPECT_NE(item.what, kind::broken) << item.reason;
            return out;
        }
        out.push_back(std::move(item.message));
    }
}

TEST(StreamReaderTest, OneMessageInOneRead)
{
    sip::stream_reader r;
    r.append(ok);
    EXPECT_EQ(drain(r), std::vector<std::string>{ok});
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(StreamReaderTest, MessagesSplitAtEveryByteComeOutWhole)
{
    sip::stream_reader r;
    std::vector<std::string> got;
    auto const stream = ok + bye + ok;
    for (char const c : stream) {
        r.append(std::string(1, c));
        for (auto& m : drain(r))
            got.push_back(std::move(m));
    }
    EXPECT_EQ(got, (std::vector<std::string>{ok, bye, ok}));
}

TEST(StreamReaderTest, SeveralMessagesInOneReadComeOutInOrder)
{
    sip::stream_reader r;
    r.append(ok + bye + ok.substr(0, 10));
    EXPECT_EQ(drain(r), (std::vector<std::string>{ok, bye}));
    r.append(ok.substr(10));
    EXPECT_EQ(drain(r), std::vector<std::string>{ok});
}

TEST(StreamReaderTest, KeepAliveCrlfsBetweenMessagesAreSkipped)
{
    sip::stream_reader r;
    r.append("\r\n\r\n" + ok + "\r\n" + bye);
    EXPECT_EQ(drain(r), (std::vector<std::string>{ok, bye}));
    r.append("\r\n\r");
    EXPECT_EQ(r.next().what, kind::need_more);
}

TEST(StreamReaderTest, HeadWithoutBodyYetWaitsForTheBody)
{
    sip::stream_reader r;
    r.append(ok.substr(0, ok.size() - 2));
    EXPECT_EQ(r.next().what, kind::need_more);
    EXPECT_EQ(r.next().what, kind::need_more);
    r.append(ok.substr(ok.size() - 2));
    EXPECT_EQ(drain(r), std::vector<std::string>{ok});
}

struct broken_case {
    char const* name;
    std::string stream;
};

class StreamReaderBrokenTest : public ::testing::TestWithParam<broken_case> {};

TEST_P(StreamReaderBrokenTest, BrokenStreamStaysBroken)
{
    sip::stream_reader r(1024);
    r.append(GetParam().stream);
    auto const first = r.next();
    ASSERT_EQ(first.what, kind::broken) << GetParam().name;
    EXPECT_FALSE(first.reason.empty());
    r.append(ok);
    EXPECT_EQ(r.next().what, kind::broken);
}

INSTANTIATE_TEST_SUITE_P(
    Streams, StreamReaderBrokenTest,
    ::testing::Values(
        broken_case{"no Content-Length", "BYE sip:a SIP/2.0\r\nVia: x\r\n\r\n"},
        broken_case{"conflicting Content-Length",
                    "BYE sip:a SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab"},
        broken_case{"non-digit Content-Length", "BYE sip:a SIP/2.0\r\nContent-Length: 1x\r\n\r\n"},
        broken_case{"ten-digit Content-Length",
                    "BYE sip:a SIP/2.0\r\nContent-Length: 1000000000\r\n\r\n"},
        broken_case{"body beyond the limit", "BYE sip:a SIP/2.0\r\nContent-Length: 2000\r\n\r\n"},
        broken_case{"head beyond the limit without its end",
                    "BYE sip:a SIP/2.0\r\nX: " + std::string(1100, 'a')},
        broken_case{"not SIP", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
        broken_case{"lone LF in the head", "BYE sip:a SIP/2.0\nContent-Length: 0\r\n\r\n"},
        broken_case{"header without colon", "BYE sip:a SIP/2.0\r\nContent-Length 0\r\n\r\n"}),
    [](auto const& param_info) {
        std::string n;
        for (char const c : std::string(param_info.param.name))
            n += (c == ' ' || c == '-') ? '_' : c;
        return n;
    });

} // namespace
