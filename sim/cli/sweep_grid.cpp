// sweep_grid.cpp: the grid `ipistorm sweep` runs, from its files and flags
// (a file of its own so that fuzz/sweep_flags links it without the rest of
// the command).
#include <string>
#include <vector>

#include "cli/sweep_command.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "model/params.hpp"
#include "run/config_fields.hpp"
#include "study/grid.hpp"

namespace ipistorm::cli {

study::Grid sweep_grid(const SweepOptions& o) {
  RunFlags base_flags;
  base_flags.config_file = o.config_file;
  base_flags.calibration_file = o.calibration_file;
  const model::Config base = build_config(base_flags);
  study::Grid g;
  if (!o.grid_file.empty()) {
    const std::string what = "grid file '" + o.grid_file + "'";
    g = study::grid_from_json(io::parse_json(read_input_file(o.grid_file, "grid file"), what),
                              base);
  } else {
    g.base = base;
  }
  // Flags override or extend the grid file's lists.
  if (!o.topologies.empty()) g.topologies = o.topologies;
  if (!o.kernels.empty()) g.kernels = split_list(o.kernels);
  if (!o.strategies.empty()) g.strategies = split_list(o.strategies);
  if (!o.placements.empty()) g.placements = split_list(o.placements);
  // The lists' error lines name the field table's flags.
  if (!o.vcpus.empty())
    g.dom0_vcpus = parse_vcpu_list(o.vcpus, run::config_field(&model::Config::dom0_vcpus).flag);
  if (!o.seeds.empty())
    g.seeds = parse_seed_list(o.seeds, run::config_field(&model::Config::seed).flag);
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
      throw InputError("--set needs NAME=V1,V2,..., got '" + s + "'");
    const std::string name = s.substr(0, eq);
    std::vector<double> values;
    for (const auto& v : split_list({s.substr(eq + 1)})) {
      model::ParamValues probe;
      probe.set_from_string(name, v);
      values.push_back(probe.get(name));
    }
    g.params.emplace_back(name, values);
  }
  study::complete_grid(g);
  const std::uint64_t n = study::grid_size(g);
  if (n > kMaxRunsWithoutYes && !o.yes)
    throw InputError("grid has " + std::to_string(n) + " runs, more than 1,000,000: add --yes");
  study::validate_grid(g);
  // Topology XML files are read by the runs, later: no output may replace one.
  for (const auto& t : g.topologies) io::note_input(t, "topology file");
  return g;
}

}  // namespace ipistorm::cli
