// ipi_counters.hpp: the IPIs a benchmark's measured loop caused, as
// Google Benchmark counters. Construct just before the loop (it samples
// /proc/interrupts), call report() just after. Counters, per operation:
//   ipis_per_op = RES + CAL + TLB over all CPUs (RES + CAL on x86 since
//   Linux 3.6, where each TLB shootdown is a CAL counted again in TLB:
//   tlb_within_cal), res_per_op, cal_per_op, tlb_per_op (kAvgIterations).
//   If /proc/interrupts cannot be read the counters are absent, not zero.
// The CPUs that received them go into the label ("ipi_to=1:0.98,0:0.01").
// Also run_delay_ns_per_op: the time the benchmark thread spent runnable but
// not running (another process on its CPU), from the run_delay field of
// /proc/thread-self/schedstat (kernel/sched/stats.h, sched_info); absent
// when the kernel has no sched_info; and sleeps_per_op, the thread's
// voluntary context switches (/proc/thread-self/status). When the thread
// never slept, all of its run delay was another process holding its CPU,
// and real time minus it is what the operation itself took; `ipistorm
// calibrate`/`validate` then use that difference. (A thread that sleeps
// also waits on the run queue to be woken: part of the operation.)
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>

#include "proc_interrupts.hpp"

namespace ipistorm::bench {

class IpiCounters {
 public:
  IpiCounters()
      : before_(InterruptSample::read()),
        delay_before_(run_delay_ns()),
        sleeps_before_(voluntary_switches()) {}
  // Adds the counters to `state` and returns the label fragment ("" if none).
  std::string report(benchmark::State& state) const;

  // The calling thread's run_delay in ns; nullopt without sched_info.
  static std::optional<std::uint64_t> run_delay_ns();
  // The calling thread's voluntary context switches; nullopt if unreadable.
  static std::optional<std::uint64_t> voluntary_switches();

 private:
  std::optional<InterruptSample> before_;
  std::optional<std::uint64_t> delay_before_, sleeps_before_;
};

// Sets the label from space-separated fragments (empty ones dropped).
void set_label(benchmark::State& state, std::initializer_list<std::string> parts);
// "1,2,5"
std::string cpu_list(const std::vector<int>& cpus);

}  // namespace ipistorm::bench
