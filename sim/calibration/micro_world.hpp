// micro_world.hpp: the pieces of the simulator a lab micro-scenario runs on
// (fanout_scenario, strategy_scenario): a dom0 whose vCPU i is pinned to
// topology CPU pcpus[i] (vCPU 0 is the benchmark's home CPU), on a
// hypervisor, with no background page activity and no other drain callers
// (the benchmark machine's CPUs run nothing but the benchmark).
#pragma once

#include <string>
#include <vector>

#include "engine/simulator.hpp"
#include "errors.hpp"
#include "model/costs.hpp"
#include "model/dom0.hpp"
#include "model/metrics.hpp"
#include "model/xen.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {

// {home, others...}; throws InputError when a CPU of `others` is not a CPU
// of the topology other than `home` (`what` names them in the message).
inline std::vector<int> home_and(const topo::Topology& t, int home, const std::vector<int>& others,
                                 const std::string& what) {
  std::vector<int> pcpus{home};
  for (int c : others) {
    if (c < 0 || c >= t.num_cpus() || c == home)
      throw InputError(what + " CPU index " + std::to_string(c) + " is not a CPU of " + t.spec() +
                       " other than the home CPU");
    pcpus.push_back(c);
  }
  return pcpus;
}

inline model::ParamValues quiet(model::ParamValues p) {
  p.set("dom0_page_adds_per_s", 0);
  p.set("other_drain_all_per_s", 0);
  return p;
}

struct MicroWorld {
  MicroWorld(const topo::Topology& t, const std::vector<int>& pcpus, const model::ParamValues& p,
             std::uint64_t seed)
      : costs(quiet(p)),
        metrics(engine::kNsPerSec),
        xen(costs, t.num_cpus(), seed),
        dom0(sim, costs, xen, metrics, t, pcpus, seed) {}
  const model::Costs costs;
  model::Metrics metrics;
  engine::Simulator sim;
  model::Hypervisor xen;
  model::Dom0 dom0;
};

}  // namespace ipistorm::calibration
