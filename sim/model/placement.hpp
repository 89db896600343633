// placement.hpp: which physical CPU each dom0 vCPU runs on (the table is in
// placement.cpp):
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
  int order;
  std::vector<int> (*cpus)(const topo::Topology& t);  // every CPU, in placement order
};

// The table of placements, and their names in its order.
const std::vector<PlacementEntry>& placements();
const std::vector<std::string>& placement_names();
// Throws InputError ("did you mean ...?") for an unknown name.
void check_placement(const std::string& name);
// Throws InputError naming the accepted names (and the nearest) when unknown.
const PlacementEntry& find_placement(const std::string& name);
// Throws InputError for an unknown name.
std::vector<int> place_vcpus(const topo::Topology& t, int vcpus, const std::string& placement);

}  // namespace ipistorm::model
