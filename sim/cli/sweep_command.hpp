// sweep_command.hpp: `ipistorm sweep`, any grid on a thread pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/subcommand.hpp"
#include "cli/uncertainty_commands.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

struct SweepOptions {
  std::string config_file, calibration_file, grid_file, csv_file, json_file;
  std::vector<std::string> topologies, kernels, strategies, placements, vcpus, seeds, sets;
  int jobs = 0;
  bool yes = false;
  UncertaintyFlags uncertainty;
};
// The grid `sweep` runs: the config and grid files, then the flags
// (`--set NAME=V1,V2,...`, comma lists) over them; every value checked,
// InputError otherwise (fuzz/sweep_flags feeds it).
study::Grid sweep_grid(const SweepOptions& o);
int run_sweep_command(const SweepOptions& o);

// The row of main.cpp's subcommand table.
Subcommand sweep_command();

// Grids larger than this need --yes.
constexpr std::uint64_t kMaxRunsWithoutYes = 1000000;

}  // namespace ipistorm::cli
