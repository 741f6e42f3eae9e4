// codec_bench: encode and decode of FloorRequest, FloorRequestStatus (grouped attributes) and a
// UserStatus listing 10 floor requests, through floorctl and through libre 1.1.0 in the same
// binary, with heap allocations per operation counted (malloc/calloc/realloc calls, shown as the
// "allocs" counter).
//
// Instruction counts (exact, unlike timings on a shared machine): run one operation N times
// without the benchmark framework, under callgrind, for two N and take the difference:
//   codec_bench --fixed <name> <N>
// names: floorctl_decode_floor_request, libre_decode_floor_request, ... (see `fixed_ops`).
// docs/performance.md has the exact commands and the results.
#include <floorctl/codec.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <new>
#include <string>
#include <vector>

#ifdef FLOORCTL_HAVE_LIBRE
#include <netinet/in.h>
#include <sys/socket.h>

// After every C++ header: re_types.h defines true/false/bool macros.
#include <re.h>
#endif

// Heap allocations are counted at malloc, so that libre's (which calls malloc directly) and
// ours (operator new -> malloc) are counted alike: this binary interposes the four malloc entry
// points and forwards to glibc's own implementations.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
}

namespace {
std::atomic<long> g_allocs{0};
}

extern "C" void* malloc(std::size_t n)
{
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t n, std::size_t m)
{
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(n, m);
}
extern "C" void* realloc(void* p, std::size_t n)
{
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, n);
}
extern "C" void free(void* p)
{
    __libc_free(p);
}

using namespace floorctl;

namespace {

// ---- the three messages ----

message floor_request_msg()
{
    // The 20-octet reference vector of issue 2:
    // 20 01 00 02 01 02 03 04 12 34 00 2a 05 04 00 07 08 04 40 00
    message m;
    m.header.conference = conference_id{0x01020304};
    m.header.transaction = transaction_id{0x1234};
    m.header.user = user_id{42};
    auto& fr = m.payload.emplace<floor_request>();
    fr.floors.push_back(floor_id{7});
    fr.prio = priority::normal;
    return m;
}

message floor_request_status_msg()
{
    // 48 octets: FRI{5, ORS{5, Granted}, FRS{1, Granted, "ok"}, BENEFICIARY-INFO{9}, PPI}.
    message m;
    m.header.conference = conference_id{1};
    m.header.user = user_id{3};
    auto& i = m.payload.emplace<floor_request_status>().info;
    i.id = floor_request_id{5};
    i.overall = overall_request_status_group{
        floor_request_id{5}, request_status_value{request_status::granted, 0}, {}};
    i.floors.push_back({floor_id{1}, request_status_value{request_status::granted, 0}, "ok"});
    i.beneficiary = user_information{user_id{9}, {}, {}};
    i.participant_info = "hello!";
    return m;
}

message user_status_msg()
{
    // BENEFICIARY-INFO{3} then 10 x FRI{i, ORS{i, Pending q=i}, FRS{1, Pending}}: 216 octets.
    message m;
    m.header.conference = conference_id{1};
    m.header.transaction = transaction_id{9};
    m.header.user = user_id{3};
    auto& us = m.payload.emplace<user_status>();
    us.beneficiary = user_information{user_id{3}, {}, {}};
    for (std::uint16_t r = 1; r <= 10; ++r) {
        floor_request_information fri;
        fri.id = floor_request_id{r};
        fri.overall = overall_request_status_group{
            floor_request_id{r},
            request_status_value{request_status::pending, static_cast<std::uint8_t>(r)},
            {}};
        fri.floors.push_back({floor_id{1}, request_status_value{request_status::pending, 0}, {}});
        us.requests.push_back(std::move(fri));
    }
    return m;
}

// ---- floorctl operations ----

struct floorctl_ops {
    message msg;
    std::vector<std::byte> frame = encode(msg);
    std::vector<std::byte> out = [] {
        std::vector<std::byte> v;
        v.reserve(1024);
        return v;
    }();

    bool decode_once()
    {
        auto const h = decode_header(frame);
        auto const m = decode_message(*h, frame);
        benchmark::DoNotOptimize(m);
        return m.has_value();
    }
    void encode_once()
    {
        out.clear();
        encode(msg, out);
        benchmark::DoNotOptimize(out.data());
    }
};

#ifdef FLOORCTL_HAVE_LIBRE
// ---- libre operations on the same messages ----

constexpr int M = BFCP_MANDATORY;
std::uint16_t const id1 = 1, id3 = 3, id5 = 5, id7 = 7, id9 = 9;
bfcp_priority const prio_normal = BFCP_PRIO_NORMAL;
bfcp_reqstatus const granted{BFCP_GRANTED, 0}, pending{BFCP_PENDING, 0};

int libre_encode_floor_request(mbuf* mb)
{
    return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST, 0x01020304, 0x1234, 42, 2,
                           BFCP_FLOOR_ID | M, 0u, &id7, BFCP_PRIORITY, 0u, &prio_normal);
}

int libre_encode_floor_request_status(mbuf* mb)
{
    return bfcp_msg_encode(mb, 1, false, BFCP_FLOOR_REQUEST_STATUS, 1, 0, 3, 1,
                           BFCP_FLOOR_REQ_INFO | M, 4u, &id5,     //
                           BFCP_OVERALL_REQ_STATUS | M, 1u, &id5, //
                           BFCP_REQUEST_STATUS | M, 0u, &granted, //
                           BFCP_FLOOR_REQ_STATUS | M, 2u, &id1,   //
                           BFCP_REQUEST_STATUS | M, 0u, &granted, //
                           BFCP_STATUS_INFO, 0u, "ok",            //
                           BFCP_BENEFICIARY_INFO | M, 0u, &id9,   //
                           BFCP_PART_PROV_INFO, 0u, "hello!");
}

bfcp_reqstatus qpos[11];
std::uint16_t rid[11];

int libre_encode_user_status(mbuf* mb)
{
    // libre's encoder takes the attribute tree as varargs: ten FRIs spelled out.
#define FLOORCTL_FRI(i)                                                                            \
    BFCP_FLOOR_REQ_INFO | M, 2u, &rid[i], BFCP_OVERALL_REQ_STATUS | M, 1u, &rid[i],                \
        BFCP_REQUEST_STATUS | M, 0u, &qpos[i], BFCP_FLOOR_REQ_STATUS | M, 1u, &id1,                \
        BFCP_REQUEST_STATUS | M, 0u, &pending
    return bfcp_msg_encode(mb, 1, false, BFCP_USER_STATUS, 1, 9, 3, 11, BFCP_BENEFICIARY_INFO | M,
                           0u, &id3, FLOORCTL_FRI(1), FLOORCTL_FRI(2), FLOORCTL_FRI(3),
                           FLOORCTL_FRI(4), FLOORCTL_FRI(5), FLOORCTL_FRI(6), FLOORCTL_FRI(7),
                           FLOORCTL_FRI(8), FLOORCTL_FRI(9), FLOORCTL_FRI(10));
#undef FLOORCTL_FRI
}

struct libre_ops {
    int (*encoder)(mbuf*);
    mbuf* in = mbuf_alloc(1024);
    mbuf* out = mbuf_alloc(1024);

    explicit libre_ops(int (*enc)(mbuf*), std::vector<std::byte> const& frame) : encoder{enc}
    {
        for (int i = 1; i <= 10; ++i) {
            qpos[i] = bfcp_reqstatus{BFCP_PENDING, static_cast<std::uint8_t>(i)};
            rid[i] = static_cast<std::uint16_t>(i);
        }
        mbuf_write_mem(in, reinterpret_cast<std::uint8_t const*>(frame.data()), frame.size());
    }
    ~libre_ops()
    {
        mem_deref(in);
        mem_deref(out);
    }
    libre_ops(libre_ops const&) = delete;
    libre_ops& operator=(libre_ops const&) = delete;

    bool decode_once()
    {
        in->pos = 0;
        bfcp_msg* m = nullptr;
        int const err = bfcp_msg_decode(&m, in);
        benchmark::DoNotOptimize(m);
        mem_deref(m);
        return err == 0;
    }
    void encode_once()
    {
        out->pos = 0;
        out->end = 0;
        encoder(out);
        benchmark::DoNotOptimize(out->buf);
    }
    std::vector<std::byte> encoded()
    {
        encode_once();
        auto const* b = reinterpret_cast<std::byte const*>(out->buf);
        return {b, b + out->end};
    }
};
#endif

template <class Op> void run(benchmark::State& state, Op&& op)
{
    auto const before = g_allocs.load();
    for (auto _ : state)
        op();
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs.load() - before),
                                                  benchmark::Counter::kAvgIterations);
}

using maker = message (*)();

void BM_floorctl_decode(benchmark::State& state, maker make)
{
    floorctl_ops o{make()};
    if (!o.decode_once()) state.SkipWithError("decode failed");
    run(state, [&] { o.decode_once(); });
}

void BM_floorctl_encode(benchmark::State& state, maker make)
{
    floorctl_ops o{make()};
    run(state, [&] { o.encode_once(); });
}

#ifdef FLOORCTL_HAVE_LIBRE
void BM_libre_decode(benchmark::State& state, maker make, int (*enc)(mbuf*))
{
    floorctl_ops f{make()};
    libre_ops o{enc, f.frame};
    if (!o.decode_once()) state.SkipWithError("libre decode failed");
    run(state, [&] { o.decode_once(); });
}

void BM_libre_encode(benchmark::State& state, maker make, int (*enc)(mbuf*))
{
    floorctl_ops f{make()};
    libre_ops o{enc, f.frame};
    if (o.encoded() != f.frame) // same wire bytes: the comparison is like for like
        state.SkipWithError("libre encodes different bytes");
    run(state, [&] { o.encode_once(); });
}
#endif

BENCHMARK_CAPTURE(BM_floorctl_decode, floor_request, floor_request_msg);
BENCHMARK_CAPTURE(BM_floorctl_encode, floor_request, floor_request_msg);
BENCHMARK_CAPTURE(BM_floorctl_decode, floor_request_status, floor_request_status_msg);
BENCHMARK_CAPTURE(BM_floorctl_encode, floor_request_status, floor_request_status_msg);
BENCHMARK_CAPTURE(BM_floorctl_decode, user_status_10, user_status_msg);
BENCHMARK_CAPTURE(BM_floorctl_encode, user_status_10, user_status_msg);
#ifdef FLOORCTL_HAVE_LIBRE
BENCHMARK_CAPTURE(BM_libre_decode, floor_request, floor_request_msg, libre_encode_floor_request);
BENCHMARK_CAPTURE(BM_libre_encode, floor_request, floor_request_msg, libre_encode_floor_request);
BENCHMARK_CAPTURE(BM_libre_decode, floor_request_status, floor_request_status_msg,
                  libre_encode_floor_request_status);
BENCHMARK_CAPTURE(BM_libre_encode, floor_request_status, floor_request_status_msg,
                  libre_encode_floor_request_status);
BENCHMARK_CAPTURE(BM_libre_decode, user_status_10, user_status_msg, libre_encode_user_status);
BENCHMARK_CAPTURE(BM_libre_encode, user_status_10, user_status_msg, libre_encode_user_status);
#endif

/// `--fixed <name> <N>`: run one operation N times, nothing else, for callgrind.
int run_fixed(std::string const& name, long n)
{
    floorctl_ops fr{floor_request_msg()}, frs{floor_request_status_msg()}, us{user_status_msg()};
    std::map<std::string, std::function<void()>> ops{
        {"floorctl_decode_floor_request", [&] { fr.decode_once(); }},
        {"floorctl_encode_floor_request", [&] { fr.encode_once(); }},
        {"floorctl_decode_floor_request_status", [&] { frs.decode_once(); }},
        {"floorctl_encode_floor_request_status", [&] { frs.encode_once(); }},
        {"floorctl_decode_user_status_10", [&] { us.decode_once(); }},
        {"floorctl_encode_user_status_10", [&] { us.encode_once(); }},
    };
#ifdef FLOORCTL_HAVE_LIBRE
    libre_ops lfr{libre_encode_floor_request, fr.frame};
    libre_ops lfrs{libre_encode_floor_request_status, frs.frame};
    libre_ops lus{libre_encode_user_status, us.frame};
    ops.emplace("libre_decode_floor_request", [&] { lfr.decode_once(); });
    ops.emplace("libre_encode_floor_request", [&] { lfr.encode_once(); });
    ops.emplace("libre_decode_floor_request_status", [&] { lfrs.decode_once(); });
    ops.emplace("libre_encode_floor_request_status", [&] { lfrs.encode_once(); });
    ops.emplace("libre_decode_user_status_10", [&] { lus.decode_once(); });
    ops.emplace("libre_encode_user_status_10", [&] { lus.encode_once(); });
#endif
    auto const it = ops.find(name);
    if (it == ops.end()) {
        std::fprintf(stderr, "unknown op %s; known:\n", name.c_str());
        for (auto const& [k, v] : ops)
            std::fprintf(stderr, "  %s\n", k.c_str());
        return 2;
    }
    auto const before = g_allocs.load();
    for (long i = 0; i < n; ++i)
        it->second();
    std::printf("%s x%ld: %.2f allocs/op\n", name.c_str(), n,
                n > 0 ? static_cast<double>(g_allocs.load() - before) / static_cast<double>(n)
                      : 0.0);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 4 && std::strcmp(argv[1], "--fixed") == 0)
        return run_fixed(argv[2], std::atol(argv[3]));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
