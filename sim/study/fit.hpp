// fit.hpp: the model's one fitted hardware/kernel cost (README
// "Calibration"). queue_work_us is solved for so that the pvops scenario of
// `reproduce` boots in the report's 42 s; every other cost keeps its value.
// `ipistorm fit`, ipistorm.fit() and the uncertainty study (one re-fit per
// sample) all call fit() below, so the method is written once.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "model/scenario.hpp"
#include "study/reproduce.hpp"

namespace ipistorm::study {

// What is fitted to what.
struct FitTarget {
  std::string param;     // the fitted cost
  std::string scenario;  // a scenario of study::reproduce_scenarios()
  std::string figure;    // one of its figures; its reference value is the target
  double tolerance;      // accepted |model - target|, in the figure's unit
  double max_value;      // the fit gives up above this value of `param`
  int max_runs;          // and after this many model runs
};

// queue_work_us to the pvops boot time (42 s) within 0.25 s.
const FitTarget& fitted_cost();

struct FitResult {
  std::string param;
  double value = 0;     // the fitted value (the best one tried when !converged)
  double target = 0;    // the figure's reference value
  double achieved = 0;  // the figure at `value`
  int runs = 0;         // model runs spent
  bool converged = false;
  std::string reason;    // why not, when !converged
  model::Result result;  // the fit scenario's run at `value`
};

// Solves figure(param) = target on the fit scenario built from `base` (its
// topology, seed and every other parameter), starting from base's current
// value of the parameter; `opts` builds the scenario as reproduce does
// (--pvops-cx). The figure rises with the parameter: a secant step
// while the root is not bracketed, then Illinois false position inside the
// bracket, every step kept within [0, max_value]. Deterministic: a pure
// function of `base`. Cancelled propagates when *cancel becomes true.
FitResult fit(const model::Config& base, const FitTarget& t = fitted_cost(),
              const std::atomic<bool>* cancel = nullptr, const study::ReproOptions& opts = {});

// {"param", "value", "target", "achieved", "tolerance", "runs", "converged",
//  "reason"?, "scenario", "figure"}
nlohmann::json fit_json(const FitResult& r, const FitTarget& t = fitted_cost());
// {"param", "scenario", "figure", "tolerance"}: what a study re-fits.
nlohmann::json fit_target_json(const FitTarget& t = fitted_cost());

}  // namespace ipistorm::study
