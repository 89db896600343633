// validate.hpp: the simulator, with a run's calibration and on that run's
// machine (its lstopo XML), against every benchmark of the run that the
// model can express and that `ipistorm calibrate` never reads
// (calibration_input() is false for each):
//   strategy/<s>/bytes:<N>/load:<l>[/<d>/k:<k>]  the simulator's strategy <s>
//       in a micro-scenario (strategy_scenario.hpp) with the kernel preset
//       matching the run's kernel release;
//   fanout/schedule_on_each_cpu/<d>/k:<k>       the simulator's
//       schedule_on_each_cpu (fanout_scenario.hpp), at every k the run has.
// One row per benchmark: measured (median over repetitions) and predicted
// time per operation, the relative error, the repetitions' CV, and IPIs per
// operation both ways. Benchmarks the model cannot express are listed with
// the reason (e.g. mlock2-onfault-per-call: the simulator has no such
// strategy), as are skipped ones.
//
// The verdict is judged against the noise: the median |error| must be
// within the target (10 %, issue #20's bar; 25 % before the copy speed and
// the per-page lock costs were fitted), and the median repetition CV must be at most
// half of it (so that two standard deviations of the measurement fit in
// the target and an error of the target's size can be told from noise).
// Otherwise the verdict is "inconclusive" (noise too large to judge), or
// "not met". A row is "within noise" when |error| <= 2 CV.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/bench_results.hpp"
#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {

struct ValidationRow {
  std::string benchmark;
  std::string family;    // "strategy" or "schedule_on_each_cpu"
  std::string strategy;  // strategy rows: the strategy's name
  std::int64_t bytes = 0;
  std::string load;      // strategy rows: idle | spin | fault
  std::string distance;  // "" for an idle strategy row
  int k = 0;             // target (fan-out) or load CPUs
  double measured_us = 0, cv = 0, predicted_us = 0;
  double raw_cv = 0;  // CV of the real times as recorded (run delay included)
  int repetitions = 0;
  std::optional<double> measured_ipis;
  double predicted_ipis = 0;
  double rel_error() const {
    return measured_us > 0 ? (predicted_us - measured_us) / measured_us : 0;
  }
  bool within_noise() const;
};

enum class Verdict { kMet, kNotMet, kInconclusive };
const char* verdict_name(Verdict v);  // "met", "not met", "inconclusive"

struct Validation {
  std::vector<ValidationRow> rows;
  std::vector<std::pair<std::string, std::string>> skipped;          // benchmark, why
  std::vector<std::pair<std::string, std::string>> not_expressible;  // benchmark, why
  std::string kernel;  // the simulator's kernel preset used for the strategy rows
  double median_abs_rel_error = 0;
  double median_cv = 0, median_raw_cv = 0;
  int within_noise = 0;
  struct Family {
    int benchmarks = 0;
    double median_abs_rel_error = 0, median_cv = 0;
  };
  std::map<std::string, Family> by_family;  // "strategy", "schedule_on_each_cpu"
  double target = 0.10;
  double noise_limit() const { return target / 2; }
  Verdict verdict() const;
  bool ok() const { return verdict() == Verdict::kMet; }
};

// Throws InputError when the run has no benchmark to validate, or a label
// names a CPU the topology does not have.
Validation validate(const BenchResults& r, const topo::Topology& topology,
                    const model::ParamValues& params, std::uint64_t seed = 1);

// Schema documented in docs/hardware.md (validation.json).
nlohmann::json validation_json(const Validation& v, const nlohmann::json& provenance);

}  // namespace ipistorm::calibration
