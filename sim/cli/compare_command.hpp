// compare_command.hpp: `ipistorm compare`, every strategy side by side
// against a baseline run.
#pragma once

#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/subcommand.hpp"
#include "cli/uncertainty_commands.hpp"

namespace ipistorm::cli {

struct CompareOptions {
  RunFlags run;  // --topology, --dom0-vcpus, --placement, --set, --config, --json ...
  std::vector<std::string> kernels;     // repeatable / comma list
  std::vector<std::string> strategies;  // default: every strategy in the registry
  std::vector<std::string> seeds;       // default: the config's seed
  std::string baseline;                 // KERNEL[/STRATEGY] (study::parse_baseline)
  std::string csv_file;
  bool wide = false;  // --csv one row per run, one column per figure
  int jobs = 0;
  UncertaintyFlags uncertainty;
  bool breakdown = false;  // also the ioport latency breakdown per strategy
};
int run_compare(const CompareOptions& o);

// The row of main.cpp's subcommand table.
Subcommand compare_command();

}  // namespace ipistorm::cli
