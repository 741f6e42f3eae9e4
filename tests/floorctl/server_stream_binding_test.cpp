// floorctl::stream_bindings: the RFC 8856 §7 decision on a TCP/BFCP connection's first message
// (only a participant whose SDP negotiated the stream, only from the negotiated address), with
// the Error bytes the transport writes before it closes.
#include "support/server_harness.hpp"

#include <floorctl/stream_binding.hpp>

#include <gtest/gtest.h>

namespace floorctl::test {
namespace {

constexpr conference_id conf{7};

std::vector<std::byte> hello_from(std::uint16_t user, std::uint8_t version = 1)
{
    return encode(make(conf, user_id{user}, 9, hello{}, version));
}

TEST(StreamBindings, ANegotiatedParticipantFromItsAddressIsAccepted)
{
    stream_bindings b;
    b.expect(conf, user_id{3}, "192.0.2.7");
    auto const v = b.decide(hello_from(3), "192.0.2.7");
    ASSERT_TRUE(std::holds_alternative<stream_accepted>(v));
    EXPECT_EQ(std::get<stream_accepted>(v).conference, conf);
    EXPECT_EQ(std::get<stream_accepted>(v).user, user_id{3});
}

TEST(StreamBindings, AnEmptyAddressAcceptsAnySource)
{
    stream_bindings b;
    b.expect(conf, user_id{3}, "");
    EXPECT_TRUE(std::holds_alternative<stream_accepted>(b.decide(hello_from(3), "::1")));
}

TEST(StreamBindings, AnUnnegotiatedParticipantGetsError2EchoingTheHeader)
{
    stream_bindings b;
    b.expect(conf, user_id{3}, "192.0.2.7");
    auto const v = b.decide(hello_from(4, 2), "192.0.2.7");
    ASSERT_TRUE(std::holds_alternative<stream_refused>(v));
    auto const& r = std::get<stream_refused>(v);
    EXPECT_EQ(r.reason, "unknown participant");
    EXPECT_EQ(r.reply,
              encode(make(conf, user_id{4}, 9,
                          make_error(error_code::user_does_not_exist,
                                     "no TCP/BFCP participant with these conference and user IDs"),
                          2)));
}

TEST(StreamBindings, AnotherSourceAddressGetsError5)
{
    stream_bindings b;
    b.expect(conf, user_id{3}, "192.0.2.7");
    auto const v = b.decide(hello_from(3), "192.0.2.8");
    ASSERT_TRUE(std::holds_alternative<stream_refused>(v));
    auto const& r = std::get<stream_refused>(v);
    EXPECT_EQ(r.reason, "wrong source address");
    EXPECT_EQ(r.reply, encode(make(conf, user_id{3}, 9,
                                   make_error(error_code::unauthorized_operation,
                                              "connection from an address the SDP did not "
                                              "negotiate"))));
}

TEST(StreamBindings, NoHeaderIsRefusedWithoutAReply)
{
    stream_bindings b;
    auto const v = b.decide(std::vector<std::byte>(11), "192.0.2.7");
    ASSERT_TRUE(std::holds_alternative<stream_refused>(v));
    EXPECT_TRUE(std::get<stream_refused>(v).reply.empty());
}

TEST(StreamBindings, AForgottenParticipantIsRefusedAndExpectReplacesTheAddress)
{
    stream_bindings b;
    b.expect(conf, user_id{3}, "192.0.2.7");
    b.expect(conf, user_id{3}, "192.0.2.9");
    EXPECT_EQ(b.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<stream_refused>(b.decide(hello_from(3), "192.0.2.7")));
    EXPECT_TRUE(std::holds_alternative<stream_accepted>(b.decide(hello_from(3), "192.0.2.9")));
    b.forget(conf, user_id{3});
    EXPECT_TRUE(std::holds_alternative<stream_refused>(b.decide(hello_from(3), "192.0.2.9")));
}

TEST(StreamBindings, ExpectsAddressCountsEveryParticipantFromIt)
{
    stream_bindings b;
    EXPECT_FALSE(b.expects_address("192.0.2.7"));
    b.expect(conf, user_id{3}, "192.0.2.7");
    b.expect(conf, user_id{4}, "192.0.2.7");
    EXPECT_TRUE(b.expects_address("192.0.2.7"));
    EXPECT_FALSE(b.expects_address("192.0.2.8"));
    b.expect(conf, user_id{3}, "192.0.2.9"); // moved: 192.0.2.7 still has user 4
    b.forget(conf, user_id{4});
    EXPECT_FALSE(b.expects_address("192.0.2.7"));
    EXPECT_TRUE(b.expects_address("192.0.2.9"));
    b.forget(conf, user_id{3});
    b.forget(conf, user_id{3}); // twice: harmless
    EXPECT_FALSE(b.expects_address("192.0.2.9"));
    b.expect(conf, user_id{5}, ""); // from anywhere
    EXPECT_TRUE(b.expects_address("198.51.100.1"));
}

} // namespace
} // namespace floorctl::test
