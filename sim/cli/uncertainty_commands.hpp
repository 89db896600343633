// uncertainty_commands.hpp: `reproduce/compare/sweep --uncertainty N`: the
// same studies under N Sobol' samples of the chosen costs (study/sampling.hpp),
// printed for people, JSON/CSV for tools written only once all runs finished.
#pragma once

#include <string>
#include <vector>

#include "cli/common.hpp"
#include "model/scenario.hpp"
#include "study/reproduce.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

struct UncertaintyFlags {
  long long n = 0;  // 0: not asked for
  bool given = false;
  bool no_refit = false;
};
// --uncertainty N and --no-refit on a subcommand.
void add_uncertainty_flags(CLI::App* app, UncertaintyFlags& u);

int reproduce_uncertainty_command(const model::Config& base, const study::ReproOptions& repro,
                                  const UncertaintyFlags& u, int jobs, const std::string& json_file,
                                  const std::string& csv_file);
// Verdicts against mlock-per-call and against compare's --baseline.
int compare_uncertainty_command(const model::Config& base, const std::vector<model::Config>& points,
                                const std::string& baseline_kernel,
                                const std::string& baseline_strategy, const UncertaintyFlags& u,
                                int jobs, const std::string& json_file);
int sweep_uncertainty_command(const study::Grid& g, const std::vector<model::Config>& points,
                              const UncertaintyFlags& u, int jobs, const std::string& json_file,
                              const std::string& csv_file);

}  // namespace ipistorm::cli
