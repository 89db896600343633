// grid.hpp: the cartesian product of lists of topologies, kernels,
// strategies, placements, vCPU counts, seeds and any parameter. Points are
// expanded in one fixed order, so a sweep's output is a pure function of
// its grid.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::study {

struct Grid {
  model::Config base;  // everything not swept
  std::vector<std::string> topologies, kernels, strategies, placements;
  std::vector<int> dom0_vcpus;  // 0 = all CPUs of the topology
  std::vector<std::uint64_t> seeds;
  std::vector<std::pair<std::string, std::vector<double>>> params;  // swept parameters
};

// Build a grid from JSON: {"topology": [...], "kernel": [...], "strategy": [...],
// "placement": [...], "dom0_vcpus": [...], "seed": [...], "params": {name: [values]},
// "base": {config object}}. A scalar is a one-element list. Unknown keys, empty
// lists and unknown names are InputErrors.
Grid grid_from_json(const nlohmann::json& j, const model::Config& base);
// The keys grid_from_json() takes: the swept rows of the config field
// table (run/config_fields.hpp), then "base".
std::vector<std::string> grid_keys();
// Fill empty lists from the base config (one value each).
void complete_grid(Grid& g);
// Check every name in the grid before anything runs (InputError).
void validate_grid(const Grid& g);
std::uint64_t grid_size(const Grid& g);
// Point i of the grid (i < grid_size(g)), in the one order: topology,
// kernel, strategy, placement, vCPUs, params (in the order given, first
// varies slowest), seed (fastest). A mixed-radix number over the lists, so
// a sweep needs no list of its points: memory does not grow with the runs.
model::Config grid_point(const Grid& g, std::uint64_t i);
// Every point, in that order, for the studies that hold all their runs
// (compare, the uncertainty studies, Python).
std::vector<model::Config> expand(const Grid& g);

}  // namespace ipistorm::study
