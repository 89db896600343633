// test_hcall_buffer_cache.cpp: Xen 4.1's hypercall buffer cache on a
// scripted allocation pattern: every hit, miss and "toobig" counted as libxc
// counted them, and exactly the cached pages left locked until destruction.
#include <gtest/gtest.h>

#include <vector>

#include "locked_memory.hpp"
#include "strategies/hcall_buffer_cache.hpp"

namespace ipistorm::bench {
namespace {

TEST(HcallBufferCache, ScriptedPatternHitsAndMisses) {
  if (auto why = LockBudget::current().shortfall(12 * page_size()); !why.empty())
    GTEST_SKIP() << why;
  const std::size_t P = page_size();
  const std::uint64_t baseline = proc_status_bytes("VmLck");
  {
    HcallBufferCache c;
    // 1. first single page: miss; back into the cache.
    void* a = c.acquire(64);
    EXPECT_TRUE(range_is_locked(a, 64));
    c.release(a, 64);
    EXPECT_EQ(c.stats().cache_current, 1u);
    // 2. the next one is that same page: hit.
    void* b = c.acquire(100);
    EXPECT_EQ(b, a);
    // 3. cache empty again: miss.
    void* d = c.acquire(P);
    // 4. two pages: never cached.
    void* e = c.acquire(2 * P);
    EXPECT_TRUE(range_is_locked(e, 2 * P));
    c.release(b, 100);
    c.release(d, P);
    c.release(e, 2 * P);  // freed and unlocked, not cached
    EXPECT_EQ(c.stats().cache_current, 2u);
    // 5. six single pages at once: 2 hits, 4 misses.
    std::vector<void*> six;
    for (int i = 0; i < 6; ++i) six.push_back(c.acquire(P));
    for (void* p : six) EXPECT_TRUE(range_is_locked(p, P));
    // 6. all six back: 4 fill the cache, 2 are freed.
    for (void* p : six) c.release(p, P);

    const auto s = c.stats();
    EXPECT_EQ(s.total_allocations, 10u);
    EXPECT_EQ(s.total_releases, 10u);
    EXPECT_EQ(s.cache_hits, 3u);
    EXPECT_EQ(s.cache_misses, 6u);
    EXPECT_EQ(s.cache_toobig, 1u);
    EXPECT_EQ(s.cache_full_frees, 2u);
    EXPECT_EQ(s.current_allocations, 0u);
    EXPECT_EQ(s.maximum_allocations, 6u);
    EXPECT_EQ(s.cache_current, 4u);
    EXPECT_EQ(s.cache_maximum, 4u);
    // Exactly the 4 cached pages stay locked after release.
    EXPECT_EQ(proc_status_bytes("VmLck"), baseline + 4 * P);
    // Counters as the benchmark reports them.
    const auto counters = c.counters();
    ASSERT_EQ(counters.size(), 3u);
    EXPECT_EQ(counters[0].first, "cache_hits");
    EXPECT_EQ(counters[0].second, 3.0);
  }
  EXPECT_EQ(proc_status_bytes("VmLck"), baseline);
}

TEST(HcallBufferCache, SteadySingleBufferIsAllHitsAfterTheFirst) {
  if (auto why = LockBudget::current().shortfall(5 * page_size()); !why.empty())
    GTEST_SKIP() << why;
  HcallBufferCache c;
  for (int i = 0; i < 100; ++i) c.release(c.acquire(64), 64);
  EXPECT_EQ(c.stats().cache_misses, 1u);
  EXPECT_EQ(c.stats().cache_hits, 99u);
}

}  // namespace
}  // namespace ipistorm::bench
