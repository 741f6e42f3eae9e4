// The event journal as a function of what the core reports: numbering per conference, the SSE
// framing, resuming within the window, `reset` outside it, readers that end, keep-alives.
#include "event_journal.hpp"

#include <gtest/gtest.h>

#include <mutex>

using namespace floorctl;
using namespace floorctl::app;

namespace {

/// A reader that records what it is sent; `open` false makes it refuse (an ended stream).
class fake_stream : public ws::http_stream {
public:
    bool write(std::string chunk) override
    {
        std::lock_guard l(m);
        if (!open) return false;
        text += chunk;
        return true;
    }
    void close() override
    {
        std::lock_guard l(m);
        open = false;
        closed_by_app = true;
    }
    [[nodiscard]] bool closed() const noexcept override { return !open; }

    std::string take()
    {
        std::lock_guard l(m);
        return std::exchange(text, {});
    }

    std::mutex m;
    std::string text;
    bool open = true;
    bool closed_by_app = false;
};

report_change granted(std::uint32_t conf, std::uint16_t request)
{
    report_change c;
    c.kind = change_kind::floor_granted;
    c.conference = conference_id{conf};
    c.floor = floor_id{1};
    c.floor_label = "slides";
    c.user = user_id{3};
    c.display_name = "Alice \"A\"";
    c.request = floor_request_id{request};
    c.queue = {{floor_request_id{9}, user_id{4}, "Bob"}};
    return c;
}

report_change joined(std::uint32_t conf)
{
    report_change c;
    c.kind = change_kind::participant_joined;
    c.conference = conference_id{conf};
    c.user = user_id{5};
    c.display_name = "Eve";
    return c;
}

std::string granted_text(std::uint64_t id, std::uint16_t request)
{
    return "id: " + std::to_string(id) +
           "\nevent: floor_granted\ndata: {\"type\":\"floor_granted\",\"conference\":1,"
           "\"floor\":1,\"floor_label\":\"slides\",\"user\":3,\"display_name\":\"Alice \\\"A\\\"\","
           "\"request\":" +
           std::to_string(request) +
           ",\"queue\":[{\"request\":9,\"user\":4,\"display_name\":\"Bob\"}]}\n\n";
}

} // namespace

TEST(EventJournalTest, EventsAreFramedAsServerSentEvents)
{
    EXPECT_EQ(format_event(7, "x", "{}"), "id: 7\nevent: x\ndata: {}\n\n");
    EXPECT_EQ(format_event(0, "x", "{}"), "event: x\ndata: {}\n\n"); // no id: nothing to resume
}

TEST(EventJournalTest, ANewReaderGetsRetryThenLiveEventsNumberedPerConference)
{
    event_journal j;
    j.record(granted(1, 1)); // nobody reads conference 1 yet: not kept
    auto r = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, std::nullopt, r);
    EXPECT_EQ(r->take(), "retry: 2000\n\n");
    j.record(granted(1, 2));
    j.record(granted(2, 3)); // another conference
    j.record(joined(1));
    EXPECT_EQ(r->take(), granted_text(1, 2) + "id: 2\nevent: participant_joined\ndata: {\"type\":"
                                              "\"participant_joined\",\"conference\":1,\"user\":5,"
                                              "\"display_name\":\"Eve\"}\n\n");
    EXPECT_EQ(j.readers(conference_id{1}), 1u);
}

TEST(EventJournalTest, AReaderResumesWithExactlyTheEventsAfterItsLastId)
{
    event_journal j(4);
    auto first = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, std::nullopt, first);
    for (std::uint16_t i = 1; i <= 6; ++i)
        j.record(granted(1, i));
    // Window of 4: events 3..6 kept. Last seen 2: the next one (3) is kept, so resumable.
    auto r = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, 2, r);
    EXPECT_EQ(r->take(), "retry: 2000\n\n" + granted_text(3, 3) + granted_text(4, 4) +
                             granted_text(5, 5) + granted_text(6, 6));
    // Up to date: nothing to replay, no reset.
    auto current = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, 6, current);
    EXPECT_EQ(current->take(), "retry: 2000\n\n");
    // Both then get the live events.
    j.record(granted(1, 7));
    EXPECT_EQ(r->take(), granted_text(7, 7));
    EXPECT_EQ(current->take(), granted_text(7, 7));
}

TEST(EventJournalTest, AnIdOutsideTheWindowGetsResetWithTheLastId)
{
    event_journal j(4);
    auto first = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, std::nullopt, first);
    for (std::uint16_t i = 1; i <= 6; ++i)
        j.record(granted(1, i));
    std::string const reset = "retry: 2000\n\nid: 6\nevent: reset\ndata: {\"type\":\"reset\","
                              "\"conference\":1,\"last_id\":6}\n\n";
    // Too old (event 2 is gone), from the future (a restart numbered again), or not a number
    // (the HTTP layer passes the largest id).
    for (std::uint64_t const last : {std::uint64_t{1}, std::uint64_t{7}, ~std::uint64_t{0}}) {
        auto r = std::make_shared<fake_stream>();
        j.subscribe(conference_id{1}, last, r);
        EXPECT_EQ(r->take(), reset) << last;
    }
    j.record(granted(1, 7)); // every reader that got `reset` goes on with the live events
    EXPECT_EQ(j.readers(conference_id{1}), 4u);
}

TEST(EventJournalTest, ResetOnAConferenceNotReadBefore)
{
    event_journal j;
    auto r = std::make_shared<fake_stream>();
    j.subscribe(conference_id{3}, 12, r);
    EXPECT_EQ(r->take(), "retry: 2000\n\nevent: reset\ndata: {\"type\":\"reset\","
                         "\"conference\":3,\"last_id\":0}\n\n");
    j.record(joined(3));
    EXPECT_NE(r->take().find("id: 1\n"), std::string::npos);
}

TEST(EventJournalTest, EndedReadersAreDroppedAndKeepAlivesFindThem)
{
    event_journal j;
    auto a = std::make_shared<fake_stream>();
    auto b = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, std::nullopt, a);
    j.subscribe(conference_id{1}, std::nullopt, b);
    a->take();
    b->take();
    j.keep_alive();
    EXPECT_EQ(a->take(), ": keep-alive\n\n");
    a->open = false; // the peer left
    j.keep_alive();
    EXPECT_EQ(j.readers(conference_id{1}), 1u);
    b->open = false;
    j.record(joined(1));
    EXPECT_EQ(j.readers(conference_id{1}), 0u);
}

TEST(EventJournalTest, ForgettingAConferenceEndsItsStreams)
{
    event_journal j;
    auto r = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, std::nullopt, r);
    j.forget(conference_id{1});
    EXPECT_TRUE(r->closed_by_app);
    EXPECT_EQ(j.readers(conference_id{1}), 0u);
    j.record(joined(1)); // no journal any more: nothing kept, nothing written
    auto again = std::make_shared<fake_stream>();
    j.subscribe(conference_id{1}, 1, again);
    EXPECT_NE(again->take().find("event: reset"), std::string::npos);
}

TEST(EventJournalTest, TheCapOverAllConferencesDropsTheOldestEventsFirst)
{
    event_journal j(4, 6); // 4 per conference, 6 in all
    for (std::uint32_t conf = 1; conf <= 3; ++conf)
        j.subscribe(conference_id{conf}, std::nullopt, std::make_shared<fake_stream>());
    for (std::uint16_t i = 1; i <= 4; ++i)
        j.record(granted(1, i)); // conference 1: ids 1..4
    j.record(granted(2, 5));     // conference 2: ids 1, 2
    j.record(granted(2, 6));
    EXPECT_EQ(j.kept(), 6u);
    j.record(granted(3, 7)); // the 7th: conference 1's id 1, the oldest of all, goes
    EXPECT_EQ(j.kept(), 6u);

    auto const resumed = [&](std::uint32_t conf, std::uint64_t last) {
        auto r = std::make_shared<fake_stream>();
        j.subscribe(conference_id{conf}, last, r);
        return r->take();
    };
    EXPECT_EQ(resumed(1, 1),
              "retry: 2000\n\n" + granted_text(2, 2) + granted_text(3, 3) + granted_text(4, 4));
    EXPECT_EQ(resumed(1, 0), "retry: 2000\n\nid: 4\nevent: reset\ndata: {\"type\":\"reset\","
                             "\"conference\":1,\"last_id\":4}\n\n")
        << "id 1 was dropped: the reader re-reads the state";

    // Four more on conference 3: conference 1's 2..4 go for the cap; at the 4th conference 3's
    // own window drops its id 1.
    for (std::uint16_t i = 8; i <= 11; ++i)
        j.record(granted(3, i));
    EXPECT_EQ(j.kept(), 6u);
    EXPECT_NE(resumed(1, 3).find("event: reset"), std::string::npos);
    EXPECT_EQ(resumed(1, 4), "retry: 2000\n\n") << "up to date: nothing missed";
    auto const three = resumed(3, 1);
    EXPECT_EQ(three.find("event: reset"), std::string::npos);
    EXPECT_EQ(three.find("id: 1\n"), std::string::npos);
    EXPECT_NE(three.find("id: 5\n"), std::string::npos);

    // Conference 1 again: now conference 2's id 1 is the oldest of all.
    EXPECT_EQ(resumed(2, 0).find("event: reset"), std::string::npos);
    j.record(granted(1, 12));
    EXPECT_EQ(j.kept(), 6u);
    EXPECT_NE(resumed(2, 0).find("event: reset"), std::string::npos);
    auto const two = resumed(2, 1);
    EXPECT_EQ(two.find("event: reset"), std::string::npos);
    EXPECT_NE(two.find("id: 2\n"), std::string::npos);

    // A deleted conference gives its share back.
    j.forget(conference_id{3});
    EXPECT_EQ(j.kept(), 2u);
    j.record(granted(1, 13));
    EXPECT_EQ(j.kept(), 3u);
}
