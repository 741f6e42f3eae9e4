// sdp_bench: cost of the SDP work done per INVITE — parse a real offer, build the answer.
// Run: build/bench/sdp_bench --benchmark_min_time=1

#include <sdp/bfcp.hpp>
#include <sdp/parse.hpp>
#include <sdp/write.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>

namespace {

// bench/CMakeLists.txt defines no source-dir macro; CMake compiles with absolute paths, so the
// tree root is two levels above this file.
std::string source_root()
{
    std::string f = __FILE__;
    for (int i = 0; i < 2; ++i)
        f.erase(f.find_last_of('/'));
    return f;
}

std::string read_offer(char const* name)
{
    std::ifstream in(source_root() + "/tests/data/sdp/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

sdp::answer_params params()
{
    sdp::answer_params p;
    p.address = "bfcp.example.com";
    p.session_id = 1000;
    p.session_version = 1;
    p.conference = floorctl::conference_id{4321};
    p.user = floorctl::user_id{1234};
    p.floors = {{floorctl::floor_id{1}, "", "slides"}};
    p.wss = {"bfcp.example.com", 443, "/bfcp"};
    p.ws = {"bfcp.example.com", 8080, "/bfcp"};
    p.tcp = {"192.0.2.10", 5070};
    p.tls = {"192.0.2.10", 5071};
    p.udp = {{"192.0.2.10", 5072}};
    p.dtls = {{"192.0.2.10", 5073}};
    p.tls_id = "bench-tls-id-0000000";
    p.tls_fingerprint =
        "SHA-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:D0:25:"
        "9E:51:3D:C3:CD:B2:5C:BD:F5";
    p.token = "Zm9vYmFyYmF6cXV4cXV1eA";
    return p;
}

void parse_only(benchmark::State& state, char const* file)
{
    auto const text = read_offer(file);
    if (text.empty()) state.SkipWithError("offer file not found");
    for (auto _ : state) {
        auto d = sdp::parse(text);
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void parse_and_answer(benchmark::State& state, char const* file)
{
    auto const text = read_offer(file);
    auto const p = params();
    for (auto _ : state) {
        auto a = sdp::answer_offer(text, p);
        if (!a) state.SkipWithError("offer refused");
        benchmark::DoNotOptimize(a);
    }
}

} // namespace

BENCHMARK_CAPTURE(parse_only, poly, "poly_two_bfcp_lines.sdp");
BENCHMARK_CAPTURE(parse_only, webrtc, "webrtc_wss_offer.sdp");
BENCHMARK_CAPTURE(parse_and_answer, poly, "poly_two_bfcp_lines.sdp");
BENCHMARK_CAPTURE(parse_and_answer, webrtc, "webrtc_wss_offer.sdp");
BENCHMARK_CAPTURE(parse_and_answer, rfc8857, "rfc8857_browser_offer.sdp");
BENCHMARK_CAPTURE(parse_and_answer, cisco_udp, "cisco_udp_bfcp.sdp");
BENCHMARK_MAIN();
