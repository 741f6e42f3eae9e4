// app::core_host: transport events reach the core in the order they were raised, both with one io
// thread (run inline, no strand) and with the shard strand used for several io threads.
#include "core_host.hpp"
#include "metrics.hpp"

#include <floorctl/codec.hpp>

#include <ws/registry.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace floorctl;
using namespace floorctl::app;
namespace net = boost::asio;

namespace {

constexpr conference_id conf{7};
constexpr user_id alice{1};
constexpr connection_id conn{42};

std::vector<std::byte> wire(std::uint16_t tx, message_body body)
{
    message m;
    m.header.prim = primitive_of(body);
    m.header.conference = conf;
    m.header.transaction = transaction_id{tx};
    m.header.user = alice;
    m.payload = std::move(body);
    return encode(m);
}

floor_request request()
{
    floor_request r;
    r.floors.push_back(floor_id{1});
    return r;
}

// Sum of the values of the Prometheus lines starting with `prefix`.
std::uint64_t counted(metrics const& m, std::string const& prefix)
{
    std::istringstream text{m.format(gauge_values{})};
    std::uint64_t sum = 0;
    for (std::string line; std::getline(text, line);) {
        if (line.rfind(prefix, 0) == 0) sum += std::stoull(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

// The parameter is core_host's one_io_thread flag. Both run the io_context on this one thread,
// which is what one_io_thread requires and what the strand path must also handle.
class CoreHost : public ::testing::TestWithParam<bool> {
protected:
    CoreHost()
        : host_(ioc_, 1, std::make_shared<registry_connections>(registry_), metrics_, GetParam(),
                [this](report_change const& c) { changes_.push_back(c); })
    {
        conference_config c;
        c.id = conf;
        floor_config f;
        f.id = floor_id{1};
        c.floors.push_back(f);
        // Counted and checked after the run: an assertion inside a callback that never runs
        // would pass silently.
        int added = 0;
        host_.add_conference(c, [&](result<void> r) { added += r.has_value() ? 1 : 0; });
        participant_info p;
        p.id = alice;
        host_.add_participant(conf, p, [&](result<user_id> r) { added += r.has_value() ? 1 : 0; });
        ioc_.run();
        ioc_.restart();
        EXPECT_EQ(added, 2) << "the conference and its participant were not both added";
    }

    // Runs `raise` as a handler on the io thread (where the listeners raise transport events),
    // then everything it caused, and returns the conference afterwards.
    template <class F> conference_snapshot after(F raise)
    {
        net::post(ioc_, raise);
        ioc_.run();
        ioc_.restart();
        std::optional<conference_snapshot> snap;
        host_.snapshot(conf, [&](std::optional<conference_snapshot> s) { snap = std::move(s); });
        ioc_.run();
        ioc_.restart();
        EXPECT_TRUE(snap.has_value());
        return snap.value_or(conference_snapshot{});
    }

    net::io_context ioc_{1};
    metrics metrics_;
    std::shared_ptr<ws::registry> registry_ = std::make_shared<ws::registry>();
    std::vector<report_change> changes_; ///< what the core reported, in order
    core_host host_;
};

/// A connection as the registry sees it: records what the core host sends and how it closes.
struct recording_session final : ws::session_base {
    void deliver(ws::outgoing_message message) override
    {
        auto const& frame = message.frame;
        auto const bytes = std::span<std::byte const>(frame->data(), frame->size());
        auto const h = decode_header(bytes);
        ASSERT_TRUE(h);
        auto m = decode_message(*h, bytes);
        ASSERT_TRUE(m);
        received.push_back(*m);
    }
    void close(ws::close_code code, std::string reason) override
    {
        closes.emplace_back(code, std::move(reason));
    }
    std::vector<message> received;
    std::vector<std::pair<ws::close_code, std::string>> closes;
};

using close_record = std::pair<ws::close_code, std::string>;

TEST_P(CoreHost, AFrameRaisedRightAfterTheBindingIsHandledAfterIt)
{
    // Bound, then FloorRequest in the same handler: answered as bound (Granted), not with the
    // Error an unbound connection gets.
    auto const snap = after([&] {
        host_.connection_opened(conn, conf, alice, transport_kind::wss);
        host_.frame_received(conn, wire(1, request()), clock::now());
    });
    ASSERT_EQ(snap.floors.size(), 1u);
    ASSERT_EQ(snap.floors[0].holders.size(), 1u);
    EXPECT_EQ(snap.floors[0].holders[0].beneficiary, alice);
    EXPECT_EQ(counted(metrics_, "floorctl_errors_total{"), 0u);
    EXPECT_EQ(counted(metrics_, "floorctl_messages_total{primitive=\"FloorRequestStatus\","
                                "direction=\"out\"}"),
              1u);
}

TEST_P(CoreHost, ReleaseAndCloseRaisedTogetherAreHandledInOrder)
{
    (void)after([&] {
        host_.connection_opened(conn, conf, alice, transport_kind::wss);
        host_.frame_received(conn, wire(1, request()), clock::now());
    });
    auto const snap = after([&] {
        host_.frame_received(conn, wire(2, floor_release{floor_request_id{1}}), clock::now());
        host_.frame_received(conn, wire(3, request()), clock::now());
        host_.connection_closed(conn);
    });
    // Released, requested again (Granted), then the close ended that second request.
    EXPECT_TRUE(snap.floors.at(0).holders.empty());
    EXPECT_EQ(snap.active_requests, 0u);
    EXPECT_EQ(counted(metrics_, "floorctl_errors_total{"), 0u);
    // Request, release, request: three answers, each a FloorRequestStatus.
    EXPECT_EQ(counted(metrics_, "floorctl_messages_total{primitive=\"FloorRequestStatus\","
                                "direction=\"out\"}"),
              3u);
}

// The same translation serves every transport (a stream session ignores the code and ends the
// TCP connection in order); only the WebSocket one is told a code.
TEST_P(CoreHost, AClientGoodbyeIsClosedNormallyForClientGoodbyeOnEveryTransport)
{
    for (auto const t : {transport_kind::wss, transport_kind::tcp, transport_kind::tls}) {
        auto const session = std::make_shared<recording_session>();
        registry_->attach(conn, session, t);
        (void)after([&] {
            host_.connection_opened(conn, conf, alice, t);
            host_.frame_received(conn, wire(5, goodbye{}), clock::now());
        });
        ASSERT_EQ(session->received.size(), 1u);
        EXPECT_TRUE(std::holds_alternative<goodbye_ack>(session->received[0].payload));
        EXPECT_EQ(session->closes,
                  (std::vector<close_record>{{ws::close_code::normal, "client goodbye"}}));
        (void)after([&] { host_.connection_closed(conn); });
        registry_->detach(conn);
    }
}

TEST_P(CoreHost, ShutdownCarriesOutTheCoresGoodbyeInThePeersVersionThenClosesGoingAway)
{
    auto const session = std::make_shared<recording_session>();
    registry_->attach(conn, session, transport_kind::wss);
    (void)after([&] {
        host_.connection_opened(conn, conf, alice, transport_kind::wss);
        message hello_v2;
        hello_v2.header.version = 2;
        hello_v2.header.conference = conf;
        hello_v2.header.transaction = transaction_id{1};
        hello_v2.header.user = alice;
        hello_v2.payload = hello{};
        host_.frame_received(conn, encode(hello_v2), clock::now());
    });
    bool done = false;
    host_.shutdown([&] { done = true; });
    ioc_.run();
    ioc_.restart();
    EXPECT_TRUE(done);
    ASSERT_EQ(session->received.size(), 2u); // HelloAck, Goodbye
    auto const& bye = session->received[1];
    EXPECT_TRUE(std::holds_alternative<goodbye>(bye.payload));
    EXPECT_EQ(bye.header.version, 2);
    EXPECT_NE(bye.header.transaction, transaction_id{0});
    EXPECT_EQ(session->closes,
              (std::vector<close_record>{{ws::close_code::going_away, "shutdown"}}));
    EXPECT_EQ(counted(metrics_, "floorctl_messages_total{primitive=\"Goodbye\","
                                "direction=\"out\"}"),
              1u);
    registry_->detach(conn);
}

// A connection bound before its user is a participant (e.g. the participant was added again
// after the client reconnected) joins when add_participant claims it: the event stream must say
// so, or integrators would miss a participant that is present.
TEST_P(CoreHost, AConnectionThatCameBeforeItsParticipantJoinsWhenTheParticipantIsAdded)
{
    constexpr user_id bob{2};
    constexpr connection_id bob_conn{43};
    host_.report_changes(conf); // an event stream reads conference 7
    (void)after([&] { host_.connection_opened(bob_conn, conf, bob, transport_kind::wss); });
    EXPECT_TRUE(changes_.empty()) << "not a participant yet";
    participant_info p;
    p.id = bob;
    p.display_name = "Bob";
    auto const snap = after([&] { host_.add_participant(conf, p, {}); });
    ASSERT_EQ(changes_.size(), 1u);
    EXPECT_EQ(changes_[0].kind, change_kind::participant_joined);
    EXPECT_EQ(changes_[0].conference, conf);
    EXPECT_EQ(changes_[0].user, bob);
    EXPECT_EQ(changes_[0].display_name, "Bob");
    ASSERT_EQ(snap.participants.size(), 2u);
    EXPECT_TRUE(snap.participants[1].connected);
}

// A conference nobody reads is not reported on: the core copies no names for it.
TEST_P(CoreHost, OnlyConferencesWithAReaderAreReported)
{
    (void)after([&] {
        host_.connection_opened(conn, conf, alice, transport_kind::wss);
        host_.frame_received(conn, wire(1, request()), clock::now());
    });
    EXPECT_TRUE(changes_.empty());
    host_.report_changes(conf);
    (void)after([&] {
        host_.frame_received(conn, wire(2, floor_release{floor_request_id{1}}), clock::now());
    });
    ASSERT_EQ(changes_.size(), 1u);
    EXPECT_EQ(changes_[0].kind, change_kind::floor_released);
}

INSTANTIATE_TEST_SUITE_P(Threads, CoreHost, ::testing::Values(true, false),
                         [](::testing::TestParamInfo<bool> const& p) {
                             return p.param ? std::string{"OneIoThread"} : std::string{"Strand"};
                         });

} // namespace
