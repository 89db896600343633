// topology_check.hpp: what every loaded topology must satisfy, whatever
// the text it came from (the topology harnesses).
#pragma once

#include <algorithm>
#include <vector>

#include "harness.hpp"
#include "topology/topology.hpp"

namespace ipistorm::fuzz {

inline void check_topology(const topo::Topology& t) {
  const int n = t.num_cpus();
  IPISTORM_FUZZ_CHECK(n >= 1 && n <= topo::kMaxCpus);
  IPISTORM_FUZZ_CHECK(t.ghz() > 0);
  IPISTORM_FUZZ_CHECK(t.num_numa_nodes() >= 1);
  // CPUs in OS-index order, each OS index once; logical_order a permutation.
  for (int i = 1; i < n; ++i) IPISTORM_FUZZ_CHECK(t.cpu(i - 1).os_index < t.cpu(i).os_index);
  std::vector<int> order = t.logical_order();
  IPISTORM_FUZZ_CHECK(static_cast<int>(order.size()) == n);
  std::sort(order.begin(), order.end());
  for (int i = 0; i < n; ++i) IPISTORM_FUZZ_CHECK(order[static_cast<std::size_t>(i)] == i);
  for (int i = 0; i < n; ++i) {
    const topo::Cpu& c = t.cpu(i);
    IPISTORM_FUZZ_CHECK(c.package >= 0 && c.package < t.num_packages());
    IPISTORM_FUZZ_CHECK(c.core >= 0 && c.core < std::max(t.num_cores(), n));
    IPISTORM_FUZZ_CHECK(c.numa >= 0 && c.numa < t.num_numa_nodes());
    // What the model asks of any two CPUs (first, last and this one).
    IPISTORM_FUZZ_CHECK(t.distance(i, i) == topo::DistanceClass::kSameCpu);
    IPISTORM_FUZZ_CHECK(t.distance(0, i) == t.distance(i, 0));
    t.numa_distance(0, i);
    t.numa_distance(i, n - 1);
  }
}

}  // namespace ipistorm::fuzz
