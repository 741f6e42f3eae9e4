// libFuzzer target: the input drives a sequence of events for five participants on three floors
// (queue, preempt, chair) — who acts, which primitive, which floor, disconnects, reconnects,
// timers — and the invariants of tests/support/server_sequence.hpp are checked after every step.
#include "support/server_sequence.hpp"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const violation = floorctl::test::server_sequence::run_input({data, size});
    if (!violation.empty()) {
        std::fprintf(stderr, "invariant violated: %s\n", violation.c_str());
        std::abort();
    }
    return 0;
}
