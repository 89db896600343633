// bm_syscalls.cpp: single system calls on the home CPU, the calibration
// source for the simulator's syscall, mlock and munlock costs.
//   syscall/getppid                the cheapest real syscall (syscall_us)
//   syscall/futex_wake_no_waiter   a wake call that finds nobody to wake
//   syscall/mlock_munlock/pages:n  mlock() then munlock() of n resident pages;
//                                  counters mlock_ns and munlock_ns split them
//   syscall/mmap_locked_munmap/pages:n
//                                  mmap(MAP_LOCKED|MAP_POPULATE) of n fresh
//                                  pages (faulted in and locked) then munmap();
//                                  counters mmap_ns and munmap_ns split them
//                                  (map-locked's buffer without its madvise)
#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "benchmarks.hpp"
#include "fanout.hpp"
#include "ipi_counters.hpp"
#include "locked_memory.hpp"

namespace ipistorm::bench {
namespace {

void bm_getppid(benchmark::State& state) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  IpiCounters ipis;
  for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_getppid));
  set_label(state, {ipis.report(state)});
}

void bm_futex_wake_no_waiter(benchmark::State& state) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  std::atomic<std::uint32_t> word{0};
  IpiCounters ipis;
  for (auto _ : state) benchmark::DoNotOptimize(futex_wake(&word));
  set_label(state, {ipis.report(state)});
}

// One iteration = `acquire` (returns the region, or nullptr with errno set)
// then `release` of it, each timed apart: counters `<a>_ns` and `<b>_ns`.
template <class Acquire, class Release>
void time_pair(benchmark::State& state, const char* a, const char* b, const char* what,
               Acquire acquire, Release release) {
  std::uint64_t a_ns = 0, b_ns = 0;
  IpiCounters ipis;
  for (auto _ : state) {
    const std::uint64_t t0 = monotonic_ns();
    void* p = acquire();
    if (!p) {
      state.SkipWithError(lock_error(what, errno).c_str());
      break;
    }
    const std::uint64_t t1 = monotonic_ns();
    release(p);
    const std::uint64_t t2 = monotonic_ns();
    a_ns += t1 - t0;
    b_ns += t2 - t1;
  }
  if (state.error_occurred()) return;
  const std::string ipi_label = ipis.report(state);
  using benchmark::Counter;
  state.counters[std::string(a) + "_ns"] =
      Counter(static_cast<double>(a_ns), Counter::kAvgIterations);
  state.counters[std::string(b) + "_ns"] =
      Counter(static_cast<double>(b_ns), Counter::kAvgIterations);
  set_label(state, {ipi_label});
}

void bm_mlock_munlock(benchmark::State& state, int pages) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  const std::size_t bytes = static_cast<std::size_t>(pages) * page_size();
  if (const std::string why = LockBudget::current().shortfall(bytes); !why.empty())
    return state.SkipWithError(("mlock skipped: " + why).c_str());
  AnonymousRegion region(bytes);
  if (sys_mlock(region.data(), bytes) != 0)
    return state.SkipWithError(lock_error("mlock", errno).c_str());
  sys_munlock(region.data(), bytes);
  time_pair(
      state, "mlock", "munlock", "mlock",
      [&]() -> void* { return sys_mlock(region.data(), bytes) == 0 ? region.data() : nullptr; },
      [&](void* p) { sys_munlock(p, bytes); });
}

void bm_mmap_locked_munmap(benchmark::State& state, int pages) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  const std::size_t bytes = static_cast<std::size_t>(pages) * page_size();
  if (const std::string why = LockBudget::current().shortfall(bytes); !why.empty())
    return state.SkipWithError(("mmap(MAP_LOCKED) skipped: " + why).c_str());
  time_pair(
      state, "mmap", "munmap", "mmap(MAP_LOCKED)",
      [&]() -> void* {
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
        return p == MAP_FAILED ? nullptr : p;
      },
      [&](void* p) { munmap(p, bytes); });
}

}  // namespace

void register_syscall_benchmarks(const Machine&) {
  benchmark::RegisterBenchmark("syscall/getppid", bm_getppid)->UseRealTime();
  benchmark::RegisterBenchmark("syscall/futex_wake_no_waiter", bm_futex_wake_no_waiter)
      ->UseRealTime();
  for (int pages : {1, 2, 4, 16})
    benchmark::RegisterBenchmark(("syscall/mlock_munlock/pages:" + std::to_string(pages)).c_str(),
                                 bm_mlock_munlock, pages)
        ->UseRealTime();
  for (int pages : {1, 16})
    benchmark::RegisterBenchmark(
        ("syscall/mmap_locked_munmap/pages:" + std::to_string(pages)).c_str(),
        bm_mmap_locked_munmap, pages)
        ->UseRealTime();
}

}  // namespace ipistorm::bench
