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
