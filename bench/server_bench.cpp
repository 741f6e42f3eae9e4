// floorctl::server::handle() throughput: FloorRequest/FloorRelease cycles from many participants
// spread over many conferences, with heap allocations per decision (one decision = one handled
// BFCP message). Results and commands: docs/performance.md.
#include <floorctl/codec.hpp>
#include <floorctl/server.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

namespace {

std::atomic<std::uint64_t> allocations{0};

} // namespace

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 flags free() on memory from the *replaced* operator new below at its inlined call
// sites; the pair is consistent (malloc/free), so the warning is a false positive here.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Counts every heap allocation of the process; the benchmark reads the difference around its
// timed loop. Replacing the global operator new is the standard-sanctioned hook for this.
void* operator new(std::size_t n)
{
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

using namespace floorctl;

struct member {
    conference_id conf{};
    user_id user{};
    connection_id conn{};
    // Stored as `event` so handle() does not copy the frame into a temporary variant.
    event request;
    event release;
};

struct world {
    server core;
    std::vector<member> members;
};

std::vector<std::byte> frame_of(conference_id c, user_id u, message_body b)
{
    message m;
    m.header.conference = c;
    m.header.user = u;
    m.header.transaction = transaction_id{1};
    m.payload = std::move(b);
    return encode(m);
}

// `participants` spread evenly over `conferences` (each with one queue floor). A conference
// holds at most 65,000 participants here (User IDs are 16 bits, RFC 8855 §5.1), so 100,000
// participants "in one conference" really run in two; the counter "conferences" says so.
// `reported`: every conference returns report_change actions (as one with an event reader).
world build(std::size_t participants, std::size_t conferences, bool reported = false)
{
    world w{server{server_options{0, reported}}, {}};
    conferences = std::max<std::size_t>(1, std::min(conferences, participants));
    conferences = std::max(conferences, (participants + 64'999) / 65'000);
    auto const per = (participants + conferences - 1) / conferences;
    for (std::size_t c = 0; c < conferences; ++c) {
        conference_config cfg;
        cfg.id = conference_id{static_cast<std::uint32_t>(c + 1)};
        floor_config f;
        f.id = floor_id{1};
        cfg.floors = {f};
        (void)w.core.add_conference(cfg);
    }
    w.members.reserve(participants);
    for (std::size_t i = 0; i < participants; ++i) {
        auto const c = conference_id{static_cast<std::uint32_t>(i / per + 1)};
        auto const u = user_id{static_cast<std::uint16_t>(i % per + 1)};
        auto const conn = connection_id{i + 1};
        participant_info p;
        p.id = u;
        std::vector<action> joined;
        (void)w.core.add_participant(c, p, joined);
        (void)w.core.handle(connection_bound{conn, c, u, transport_kind::wss});
        floor_request r;
        r.floors.push_back(floor_id{1});
        w.members.push_back(member{c, u, conn, frame_received{conn, frame_of(c, u, r)},
                                   frame_received{conn, frame_of(c, u, floor_release{})}});
    }
    return w;
}

floor_request_id granted_id(std::vector<action> const& out)
{
    auto const& m = std::get<send_message>(out.front()).msg;
    return std::get<floor_request_status>(m.payload).info.id;
}

void patch_release(member& m, floor_request_id id)
{
    // FLOOR-REQUEST-ID contents sit right after the header and the attribute's 2-octet TLV head.
    auto& frame = std::get<frame_received>(m.release).frame;
    frame[14] = static_cast<std::byte>(to_underlying(id) >> 8);
    frame[15] = static_cast<std::byte>(to_underlying(id) & 0xFF);
}

// One iteration = one FloorRequest (Granted) + one FloorRelease (Released) = 2 decisions.
// `reported`: with the report_change actions of a conference that has an event reader.
template <bool reported> void BM_RequestReleaseCycle(benchmark::State& state)
{
    auto w = build(static_cast<std::size_t>(state.range(0)),
                   static_cast<std::size_t>(state.range(1)), reported);
    std::vector<action> out;
    out.reserve(16);
    std::size_t next = 0;
    auto const before = allocations.load();
    for (auto _ : state) {
        auto& m = w.members[next];
        next = next + 1 == w.members.size() ? 0 : next + 1;
        out.clear();
        w.core.handle(m.request, out);
        patch_release(m, granted_id(out));
        out.clear();
        w.core.handle(m.release, out);
        benchmark::DoNotOptimize(out.data());
    }
    auto const allocs = allocations.load() - before;
    auto const decisions = static_cast<double>(state.iterations()) * 2;
    state.counters["decisions/s"] = benchmark::Counter(decisions, benchmark::Counter::kIsRate);
    state.counters["allocs/decision"] = static_cast<double>(allocs) / decisions;
    state.counters["conferences"] = static_cast<double>(w.core.stats().conferences);
}

// Same cycle through the convenience overload that returns a fresh vector per event.
void BM_RequestReleaseCycleReturningVector(benchmark::State& state)
{
    auto w =
        build(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    std::size_t next = 0;
    auto const before = allocations.load();
    for (auto _ : state) {
        auto& m = w.members[next];
        next = next + 1 == w.members.size() ? 0 : next + 1;
        auto const granted = w.core.handle(m.request);
        patch_release(m, granted_id(granted));
        auto const released = w.core.handle(m.release);
        benchmark::DoNotOptimize(released.data());
    }
    auto const allocs = allocations.load() - before;
    auto const decisions = static_cast<double>(state.iterations()) * 2;
    state.counters["decisions/s"] = benchmark::Counter(decisions, benchmark::Counter::kIsRate);
    state.counters["allocs/decision"] = static_cast<double>(allocs) / decisions;
}

void sizes(benchmark::internal::Benchmark* b)
{
    for (std::int64_t p : {10, 1'000, 100'000}) {
        for (std::int64_t c : {1, 1'000})
            b->Args({p, c});
    }
    b->ArgNames({"participants", "conferences"});
}

BENCHMARK(BM_RequestReleaseCycle<false>)->Apply(sizes);
BENCHMARK(BM_RequestReleaseCycle<true>)->Apply(sizes);
BENCHMARK(BM_RequestReleaseCycleReturningVector)->Apply(sizes);

} // namespace

BENCHMARK_MAIN();
