#pragma once
// A counting global operator new, for the tests that prove a path does not touch the heap.
// Include it in exactly one source file of a test executable: it replaces the allocation
// functions of the whole executable (forwarding to malloc). The count is only read around the
// code under test, so the other tests of the executable are unaffected.
//
// The counting operator new forwards to malloc; GCC 12 then flags inlined operator delete ->
// free pairs as mismatched (a false positive for a replaced global new).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <cstdlib>
#include <new>

namespace test_support {

/// Calls of the global operator new and new[] so far, by every thread.
inline std::atomic<long> allocations{0};

} // namespace test_support

void* operator new(std::size_t n)
{
    test_support::allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t n)
{
    return operator new(n);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}
