// placement.hpp: which physical CPU each dom0 vCPU runs on.
//   pinned  - vCPU v on CPU v in OS (Linux) numbering, as dom0_vcpus_pin does
//   compact - fill one package first, SMT siblings together (hwloc logical order)
//   spread  - one thread per core, round-robin over packages, siblings last
#pragma once

#include <string>
#include <vector>

#include "topology/topology.hpp"

namespace ipistorm::model {

struct PlacementEntry {
  const char* name;
  const char* summary;
};
// The registry: every placement, in the order above.
const std::vector<PlacementEntry>& placements();
const std::vector<std::string>& placement_names();
// Throws InputError ("did you mean ...?") for an unknown name.
void check_placement(const std::string& name);
// Throws InputError for an unknown name.
std::vector<int> place_vcpus(const topo::Topology& t, int vcpus, const std::string& placement);

}  // namespace ipistorm::model
