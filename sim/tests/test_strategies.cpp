// test_strategies.cpp: each hypercall-buffer strategy's cost for one IDE
// status poll on a fixed-cost toy, worked out by hand; the hypercall buffer
// cache's hit/miss bookkeeping on a scripted pattern.
//
// Toy: linux-2.6.18-xen (mlock never drains, pages never pass through the
// pagevecs), 4 CPUs, every cost 0 except
//   xen_vcpu_wake_us 10, evtchn_send_us 1, syscall_us 1      -> base 12 us:
//     the ioreq wakes the device model (10), the notify is syscall + send (2)
//   hypercall_us 0.5 + set_irq_level_us 0.5                   -> trap 1 us
//   copy_per_kib_us 256: the 4-byte argument copies in 1 us   -> in+out 2 us
//   mlock_page_us 2 (each further page of a range: mlock_next_page_us 1.5),
//   munlock_page_us 3 (munlock_next_page_us 2.5), mutex_us 0.25, alloc_us 0.5,
//   mmap_us 4, munmap_us 5, page_fault_us 6, tlb_flush_per_cpu_us 7 (x2 CPUs),
//   dm_process_bytes 8192 (two pages).
// So: hypercall H = 2 + 1 = 3; mlock(1 page) M = 1 + 2 = 3; munlock U = 1 + 3 = 4.
#include <gtest/gtest.h>

#include <set>

#include "errors.hpp"
#include "model/scenario.hpp"
#include "model/strategies/hcall_buffer_cache.hpp"
#include "model/strategies/strategy.hpp"
#include "run/world.hpp"
#include "toy.hpp"

namespace model = ipistorm::model;
namespace run = ipistorm::run;

namespace {

model::Config toy(const std::string& strategy) {
  model::Config c = model::testing::zero_cost_toy("linux-2.6.18-xen", strategy);
  c.params.set("xen_vcpu_wake_us", 10);
  c.params.set("evtchn_send_us", 1);
  c.params.set("syscall_us", 1);
  c.params.set("hypercall_us", 0.5);
  c.params.set("set_irq_level_us", 0.5);
  c.params.set("copy_per_kib_us", 256);
  c.params.set("mlock_page_us", 2);
  c.params.set("munlock_page_us", 3);
  c.params.set("mlock_next_page_us", 1.5);
  c.params.set("munlock_next_page_us", 2.5);
  c.params.set("mutex_us", 0.25);
  c.params.set("alloc_us", 0.5);
  c.params.set("mmap_us", 4);
  c.params.set("munmap_us", 5);
  c.params.set("page_fault_us", 6);
  c.params.set("tlb_flush_per_cpu_us", 7);
  c.params.set("dm_mm_other_cpus", 2);
  c.params.set("dm_process_bytes", 8192);
  return c;
}

struct Expect {
  const char* strategy;
  double latency_us;         // the single status poll
  std::int64_t locked_peak;  // bytes
  std::uint64_t buffer_syscalls;
  std::uint64_t irq_hypercalls;
};

TEST(Strategies, OneStatusPollCostsWhatTheHandCountSays) {
  const std::vector<Expect> cases = {
      // M + H + U = 3 + 3 + 4 = 10
      {"mlock-per-call", 12 + 10, 4096, 2, 1},
      // H = 3
      {"no-lock", 12 + 3, 0, 0, 1},
      // first use: alloc 0.5 + M 3, then H 3 = 6.5 (the page stays locked)
      {"prelocked-page", 12 + 6.5, 4096, 1, 1},
      // miss: mutex 0.25 + alloc 0.5 + M 3; H 3; back to the cache: mutex 0.25 = 7
      {"hcall-buffer-cache", 12 + 7, 4096, 1, 1},
      // mmap+madvise 2 + mmap 4 + fault 6 + mlock_page 2 = 14; H 3;
      // munmap 1 + 5 + munlock_page 3 + TLB 2 x 7 = 23  -> 40
      {"map-locked", 12 + 40, 4096, 3, 1},
      // open+mmap 2 + mmap 4 + alloc 0.5 = 6.5; H 3 -> 9.5
      {"kernel-buffer", 12 + 9.5, 4096, 2, 1},
      // mlockall of two pages: 1 + 2 + 1.5 (the second page) = 4.5; H 3 -> 7.5
      {"mlockall", 12 + 7.5, 8192, 1, 1},
      // a status poll leaves the (already low) line low: no hypercall at all
      {"irq-level-filter", 12 + 0, 0, 0, 0},
      // first of a batch of 4: queued, no hypercall yet
      {"multicall-batch", 12 + 0, 0, 0, 0},
      // H = 3 (test_only_strategy.cpp: registered from its own file)
      {"test-only-copy", 12 + 3, 0, 0, 1},
  };
  ASSERT_EQ(cases.size(), model::strategies().size()) << "a new strategy needs a hand count";
  for (const auto& e : cases) {
    SCOPED_TRACE(e.strategy);
    model::Result r = run::run(toy(e.strategy));
    EXPECT_EQ(r.metrics.ioport_accesses, 1u);
    EXPECT_EQ(r.metrics.ioport_ns.max(), static_cast<std::int64_t>(e.latency_us * 1000));
    EXPECT_EQ(r.metrics.peak_locked_bytes, e.locked_peak);
    EXPECT_EQ(r.metrics.buffer_syscalls, e.buffer_syscalls);
    EXPECT_EQ(r.metrics.irq_hypercalls, e.irq_hypercalls);
    EXPECT_EQ(r.metrics.failed_hypercalls, 0u);
    EXPECT_EQ(r.metrics.ipis_total, 0u);
  }
}

// Two back-to-back polls, batches of two. The first is queued (12 us). The
// second arrives at t=12 while the device model's vCPU is still in its
// SCHEDOP_block hypercall (0.5 us, the trap cost), so it needs no wake-up
// from Xen: it runs at 12.5 and sends one multicall of 2 x 4 bytes under
// mlock: M 3 + copies 2 x 2 + trap 1 + U 4 = 12, then the notify (2):
// latency 0.5 + 12 + 2 = 14.5 us. Boot = 12 + 14.5 = 26.5 us.
TEST(Strategies, MulticallBatchSendsOneHypercallPerBatch) {
  model::Config c = toy("multicall-batch");
  c.params.set("multicall_batch", 2);
  c.params.set("boot_probe_polls", 2);
  model::Result r = run::run(c);
  EXPECT_EQ(r.metrics.ioport_ns.min(), 12000);
  EXPECT_EQ(r.metrics.ioport_ns.max(), 14500);
  EXPECT_EQ(r.metrics.boot_time_ns, 26500);
  EXPECT_EQ(r.metrics.irq_hypercalls, 1u);
  EXPECT_EQ(r.metrics.bytes_copied, 16u);  // (2 x 4 bytes) in and out
}

// A sector read raises the line: a change, so irq-level-filter makes the
// call, through mlock-per-call (10 us).
TEST(Strategies, IrqLevelFilterCallsOnAChange) {
  model::Config c = toy("irq-level-filter");
  c.params.set("boot_probe_polls", 0);
  c.params.set("boot_firmware_sectors", 1);
  model::Result r = run::run(c);
  EXPECT_EQ(r.metrics.ioport_ns.max(), 22000);
  EXPECT_EQ(r.metrics.irq_hypercalls, 1u);
  EXPECT_EQ(r.metrics.irq_updates, 1u);
}

// Unlocked arguments fail and are retried: with a fault chance of one half
// over 200 polls, some fail, every failure costs one more hypercall, and
// nothing is ever locked.
TEST(Strategies, NoLockFailuresAreRetried) {
  model::Config c = toy("no-lock");
  c.params.set("nolock_fault_prob", 0.5);
  c.params.set("boot_probe_polls", 200);
  model::Result r = run::run(c);
  EXPECT_GT(r.metrics.failed_hypercalls, 50u);
  EXPECT_EQ(r.metrics.irq_hypercalls, 200u + r.metrics.failed_hypercalls);
  EXPECT_EQ(r.metrics.peak_locked_bytes, 0);
  EXPECT_FALSE(model::find_strategy("no-lock").safe);
}

// The cache keeps up to 4 single pages; multi-page buffers bypass it.
TEST(Strategies, HcallBufferCacheHitsAndMisses) {
  using C = model::HcallBufferCache;
  C cache;
  // Six nested single-page allocations: all miss (the cache starts empty).
  for (int i = 0; i < 6; ++i) EXPECT_EQ(cache.acquire(1), C::Alloc::kMiss);
  // Freeing them: the first four are kept, the last two released.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(cache.release(1), C::Free::kCached);
  EXPECT_EQ(cache.release(1), C::Free::kReleased);
  EXPECT_EQ(cache.release(1), C::Free::kReleased);
  EXPECT_EQ(cache.cached(), 4);
  // Five allocations now: four hits, then a miss.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(cache.acquire(1), C::Alloc::kHit);
  EXPECT_EQ(cache.acquire(1), C::Alloc::kMiss);
  // A two-page buffer is never cached, either way.
  EXPECT_EQ(cache.acquire(2), C::Alloc::kUncached);
  EXPECT_EQ(cache.release(2), C::Free::kReleased);
  EXPECT_EQ(cache.hits(), 4u);
  EXPECT_EQ(cache.misses(), 7u);
}

// In a whole boot the device model makes one call at a time: one miss, then
// hits only; one mlock for the whole boot.
TEST(Strategies, HcallBufferCacheLocksOncePerBoot) {
  model::Config c = toy("hcall-buffer-cache");
  c.params.set("boot_probe_polls", 50);
  model::Result r = run::run(c);
  EXPECT_EQ(r.metrics.mlock_calls, 1u);
  EXPECT_EQ(r.metrics.munlock_calls, 0u);
  EXPECT_EQ(r.metrics.irq_hypercalls, 50u);
}

TEST(Strategies, RegistryNamesAreUniqueAndRejectUnknown) {
  std::set<std::string> names;
  for (const auto& s : model::strategies()) EXPECT_TRUE(names.insert(s.name).second) << s.name;
  EXPECT_THROW(model::find_strategy("pray"), ipistorm::InputError);
}

// A strategy is one file: test_only_strategy.cpp, linked into this binary
// only, registers itself and is listed (in its order: last) like the rest.
TEST(Strategies, AFileThatRegistersAStrategyIsListed) {
  const auto& all = model::strategies();
  ASSERT_FALSE(all.empty());
  EXPECT_STREQ(all.back().name, "test-only-copy");
  EXPECT_EQ(std::string(model::find_strategy("test-only-copy").mirrors),
            "sim/tests/test_only_strategy.cpp");
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].order, all[i].order);
}

TEST(Strategies, UnknownNameSuggestsTheNearest) {
  try {
    model::find_strategy("mlock-per-cal");
    FAIL() << "accepted an unknown strategy";
  } catch (const ipistorm::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("did you mean 'mlock-per-call'?"), std::string::npos) << msg;
    EXPECT_NE(msg.find("accepted: mlock-per-call, no-lock"), std::string::npos) << msg;
  }
  try {
    model::find_strategy("zzzzzzzzzzzz");
    FAIL() << "accepted an unknown strategy";
  } catch (const ipistorm::InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
}

}  // namespace
