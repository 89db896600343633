// calibrate.hpp: the simulator's IPI, wake-up and syscall costs fitted to a
// lab run of ipistorm-bench on one machine. Every fitted parameter names the
// benchmark(s) it came from and the rule used (see the table in
// calibrate.cpp); parameters with no observation on that machine (e.g. the
// SMT-sibling IPI on a machine without SMT) keep their defaults and are
// listed with the reason. Nothing here looks at the benchmarks that
// `ipistorm validate` compares against (calibration_input()).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibration/bench_results.hpp"
#include "model/params.hpp"

namespace ipistorm::calibration {

struct FittedParam {
  std::string name;
  double value = 0;
  double default_value = 0;
  std::string unit;
  std::string rule;                       // how the value follows from the observations
  std::vector<std::string> observations;  // benchmark names used
  bool clamped = false;                   // the rule gave < 0; 0 was used
};

struct ObservationFit {
  std::string benchmark;  // e.g. "wake/pingpong/same_package"
  std::string quantity;   // "real_time" or a counter name
  double measured_us = 0;
  double cv = 0;        // spread of the repetitions
  double model_us = 0;  // the same quantity from the fitted parameters
  double rel_error() const { return measured_us > 0 ? (model_us - measured_us) / measured_us : 0; }
};

struct Calibration {
  std::vector<FittedParam> params;
  std::vector<std::pair<std::string, std::string>> not_fitted;  // name, why
  std::vector<ObservationFit> observations;
  std::vector<std::pair<std::string, double>> not_used;  // benchmark, median us (for the record)
  double rms_rel_error = 0, max_rel_error = 0;

  // The values as ParamValues (defaults for everything not fitted).
  model::ParamValues values() const;
};

// The declared subset calibrate fits on: the system calls (syscall/), the
// ping-pong wakes (wake/pingpong/), membarrier (fanout/membarrier/) and the
// copy pair (strategy/no-lock/bytes:64 and bytes:4096, load idle).
// calibrate() drops every other benchmark before it looks at the run, and
// validate() scores only benchmarks outside it.
bool calibration_input(const std::string& benchmark);

// Throws InputError when the run lacks the one observation every rule needs
// (syscall/getppid).
Calibration calibrate(const BenchResults& run);

// {"params": {...}, "fit": {...}, "provenance": {...}}; `provenance` is added as is.
nlohmann::json calibration_json(const Calibration& c, const nlohmann::json& provenance);

}  // namespace ipistorm::calibration
