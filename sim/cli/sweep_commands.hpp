// sweep_commands.hpp: `ipistorm compare` (every strategy side by side) and
// `ipistorm sweep` (any grid, on a thread pool).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/subcommand.hpp"
#include "cli/uncertainty_commands.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

struct CompareOptions {
  RunFlags run;  // --topology, --dom0-vcpus, --placement, --set, --config, --json ...
  std::vector<std::string> kernels;     // repeatable / comma list
  std::vector<std::string> strategies;  // default: every strategy in the registry
  std::vector<std::string> seeds;       // default: the config's seed
  std::string baseline;                 // KERNEL[/STRATEGY]; default kDefaultBaseline
  std::string csv_file;
  bool wide = false;  // --csv one row per run, one column per figure
  int jobs = 0;
  UncertaintyFlags uncertainty;
  bool breakdown = false;  // also the ioport latency breakdown per strategy
};
// The run every compare row is divided by ("x baseline"): the 2.6.18 kernel,
// whose mlock drains nothing remote, with the strategy the report's libxc used.
constexpr const char* kDefaultBaseline = "linux-2.6.18-xen/mlock-per-call";
int run_compare(const CompareOptions& o);

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
model::Grid sweep_grid(const SweepOptions& o);
int run_sweep_command(const SweepOptions& o);

// A study of `total` progress steps with Ctrl-C handling and a progress bar
// (stderr, when a terminal): body(stop flag, progress callback). `unit` names
// the steps on the bar ("runs", "samples"), as the command's summary counts them.
void run_study(std::size_t total,
               const std::function<void(const std::atomic<bool>*, model::Progress)>& body,
               const char* unit = "runs");

// The rows of main.cpp's subcommand table.
Subcommand compare_command();
Subcommand sweep_command();

// Grids larger than this need --yes.
constexpr std::uint64_t kMaxRunsWithoutYes = 1000000;

}  // namespace ipistorm::cli
