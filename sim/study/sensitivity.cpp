// sensitivity.cpp: one reproduce scenario's figures per parameter vector
// (see sensitivity.hpp).
#include "study/sensitivity.hpp"

#include <cmath>

#include "errors.hpp"
#include "model/params.hpp"
#include "run/world.hpp"
#include "study/fit.hpp"
#include "study/pool.hpp"
#include "study/reproduce.hpp"

namespace ipistorm::study {

std::vector<std::pair<std::string, std::string>> figure_names(const model::Config& base) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& sc : study::reproduce_scenarios(base))
    for (const auto& f : sc.figures) out.emplace_back(sc.name, f.name);
  return out;
}

std::vector<std::vector<double>> evaluate_figures(
    const model::Config& base, const std::string& scenario, const std::vector<std::string>& figures,
    const std::vector<std::string>& names, const std::vector<std::vector<double>>& rows, bool refit,
    int jobs, const std::atomic<bool>* stop) {
  std::string scenarios, accepted;
  bool scenario_ok = false;
  std::vector<bool> figure_ok(figures.size(), false);
  for (const auto& [s, f] : figure_names(base)) {
    if (scenarios.find(s) == std::string::npos) scenarios += (scenarios.empty() ? "" : ", ") + s;
    if (s == scenario) {
      scenario_ok = true;
      accepted += (accepted.empty() ? "" : ", ") + f;
      for (std::size_t k = 0; k < figures.size(); ++k)
        figure_ok[k] = figure_ok[k] || f == figures[k];
    }
  }
  if (!scenario_ok)
    throw InputError("unknown scenario '" + scenario + "' (accepted: " + scenarios + ")");
  if (figures.empty()) throw InputError("no figure to evaluate (accepted: " + accepted + ")");
  for (std::size_t k = 0; k < figures.size(); ++k)
    if (!figure_ok[k])
      throw InputError("unknown figure '" + figures[k] + "' for " + scenario +
                       " (accepted: " + accepted + ")");
  std::vector<const model::ParamSpec*> specs;
  for (const auto& n : names) {
    const model::ParamSpec* p = model::find_param(n);
    if (!p) throw InputError("unknown parameter '" + n + "' (see 'ipistorm params')");
    if (refit && n == fitted_cost().param)
      throw InputError(n + " is re-fitted for every row; leave it out (or refit=False)");
    specs.push_back(p);
  }
  std::vector<model::Config> configs(rows.size(), base);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != names.size())
      throw InputError("row " + std::to_string(i) + " has " + std::to_string(rows[i].size()) +
                       " values for " + std::to_string(names.size()) + " parameters");
    for (std::size_t j = 0; j < names.size(); ++j)
      configs[i].params.set(names[j], specs[j]->integer() ? std::round(rows[i][j]) : rows[i][j]);
  }
  std::vector<std::vector<double>> out(rows.size());
  study::parallel_for(
      rows.size(), jobs,
      [&](std::size_t i) {
        model::Config c = configs[i];
        model::Result fitted;
        bool have = false;
        if (refit) {
          FitResult f = fit(c, fitted_cost(), stop);
          c.params.set(f.param, f.value);
          if (scenario == fitted_cost().scenario) fitted = std::move(f.result), have = true;
        }
        for (const auto& sc : study::reproduce_scenarios(c))
          if (sc.name == scenario) {
            const model::Result r = have ? std::move(fitted) : run::run(sc.config, stop);
            for (const auto& f : figures) out[i].push_back(study::figure_value(f, r));
          }
      },
      stop);
  return out;
}

}  // namespace ipistorm::study
