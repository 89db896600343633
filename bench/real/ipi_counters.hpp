// ipi_counters.hpp: the IPIs a benchmark's measured loop caused, as
// Google Benchmark counters. Construct just before the loop (it samples
// /proc/interrupts), call report() just after. Counters, per operation:
//   ipis_per_op = RES + CAL + TLB over all CPUs, res_per_op, cal_per_op,
//   tlb_per_op (kAvgIterations). If /proc/interrupts cannot be read the
//   counters are absent, not zero.
// The CPUs that received them go into the label ("ipi_to=1:0.98,0:0.01").
#pragma once

#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "proc_interrupts.hpp"

namespace ipistorm::bench {

class IpiCounters {
 public:
  IpiCounters() : before_(InterruptSample::read()) {}
  // Adds the counters to `state` and returns the label fragment ("" if none).
  std::string report(benchmark::State& state) const;

 private:
  std::optional<InterruptSample> before_;
};

// Sets the label from space-separated fragments (empty ones dropped).
void set_label(benchmark::State& state, std::initializer_list<std::string> parts);
// "1,2,5"
std::string cpu_list(const std::vector<int>& cpus);

}  // namespace ipistorm::bench
