// placement.cpp: vCPU -> CPU maps.
#include "model/placement.hpp"

#include <algorithm>
#include <tuple>

#include "model/registry.hpp"

namespace ipistorm::model {

namespace {

std::vector<int> pinned(const topo::Topology& t) {
  std::vector<int> order;
  for (int i = 0; i < t.num_cpus(); ++i) order.push_back(i);
  return order;
}

std::vector<int> compact(const topo::Topology& t) { return t.logical_order(); }

std::vector<int> spread(const topo::Topology& t) {
  const int n = t.num_cpus();
  // Rank of each CPU among its core's threads and of its core in its package.
  std::vector<std::tuple<int, int, int, int>> keys;  // smt rank, core rank, package, cpu
  for (int i = 0; i < n; ++i) {
    const auto& c = t.cpu(i);
    int smt_rank = 0, core_rank = 0;
    for (int j = 0; j < n; ++j) {
      const auto& o = t.cpu(j);
      if (o.core == c.core && o.os_index < c.os_index) ++smt_rank;
    }
    std::vector<int> cores;
    for (int j = 0; j < n; ++j)
      if (t.cpu(j).package == c.package) cores.push_back(t.cpu(j).core);
    std::sort(cores.begin(), cores.end());
    cores.erase(std::unique(cores.begin(), cores.end()), cores.end());
    core_rank =
        static_cast<int>(std::lower_bound(cores.begin(), cores.end(), c.core) - cores.begin());
    keys.emplace_back(smt_rank, core_rank, c.package, i);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<int> order;
  for (const auto& k : keys) order.push_back(std::get<3>(k));
  return order;
}

const Registry<PlacementEntry>& registry() {
  static const Registry<PlacementEntry> r = [] {
    Registry<PlacementEntry> reg("placement");
    reg.add(
        {"pinned", "vCPU v on CPU v in OS numbering, as Xen's dom0_vcpus_pin does", 10, pinned});
    reg.add({"compact", "fill one package first, SMT siblings together (hwloc logical order)", 20,
             compact});
    reg.add({"spread", "one thread per core, round-robin over packages, SMT siblings last", 30,
             spread});
    return reg;
  }();
  return r;
}

}  // namespace

const std::vector<PlacementEntry>& placements() { return registry().entries(); }

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names = registry().names();
  return names;
}

void check_placement(const std::string& name) { find_placement(name); }

const PlacementEntry& find_placement(const std::string& name) { return registry().find(name); }

std::vector<int> place_vcpus(const topo::Topology& t, int vcpus, const std::string& placement) {
  std::vector<int> order = find_placement(placement).cpus(t);
  order.resize(static_cast<std::size_t>(vcpus));
  return order;
}

}  // namespace ipistorm::model
