// fanout_scenario.hpp: the simulator's prediction for ipistorm-bench's
// fanout/schedule_on_each_cpu benchmark: a caller on the home CPU queues one
// work item to each of k workers and flushes them in order, again and again,
// on the run's own topology. It is built from the model's own pieces, not a
// formula: Dom0 (vCPUs, tasks, wake-ups by IPI), Hypervisor (idle vCPU
// wake) and drain_cpus() (schedule_on_each_cpu: queue each, flush each).
// Each vCPU is pinned to the CPU its benchmark thread was pinned to. The
// work item touches no pages (dom0_page_adds_per_s = 0: the user-space
// worker does nothing), so each worker's drain is the empty one.
#pragma once

#include <cstdint>
#include <vector>

#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {

struct FanoutPrediction {
  double mean_us = 0;  // per schedule_on_each_cpu call
  double p50_us = 0;
  double ipis_per_op = 0;  // reschedule IPIs sent (to workers and back to the caller)
  std::uint64_t ops = 0;
};

// `home` and `targets` are topology CPU indexes (0..num_cpus-1), targets
// distinct from home. `ops` calls are measured after `warmup` unmeasured ones.
FanoutPrediction simulate_fanout(const topo::Topology& topology, int home,
                                 const std::vector<int>& targets, const model::ParamValues& params,
                                 std::uint64_t seed = 1, int ops = 2000, int warmup = 20);

}  // namespace ipistorm::calibration
