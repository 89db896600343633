// placement.cpp: vCPU -> CPU maps.
#include "model/placement.hpp"

#include <algorithm>
#include <tuple>

#include "did_you_mean.hpp"
#include "errors.hpp"

namespace ipistorm::model {

const std::vector<PlacementEntry>& placements() {
  static const std::vector<PlacementEntry> table = {
      {"pinned", "vCPU v on CPU v in OS numbering, as Xen's dom0_vcpus_pin does"},
      {"compact", "fill one package first, SMT siblings together (hwloc logical order)"},
      {"spread", "one thread per core, round-robin over packages, SMT siblings last"},
  };
  return table;
}

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& p : placements()) n.emplace_back(p.name);
    return n;
  }();
  return names;
}

void check_placement(const std::string& name) {
  const auto& names = placement_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw InputError(unknown_name_message("placement", name, names));
}

std::vector<int> place_vcpus(const topo::Topology& t, int vcpus, const std::string& placement) {
  check_placement(placement);
  const int n = t.num_cpus();
  std::vector<int> order;
  if (placement == "pinned") {
    for (int i = 0; i < n; ++i) order.push_back(i);
  } else if (placement == "compact") {
    order = t.logical_order();
  } else if (placement == "spread") {
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
    for (const auto& k : keys) order.push_back(std::get<3>(k));
  }
  order.resize(static_cast<std::size_t>(vcpus));
  return order;
}

}  // namespace ipistorm::model
