// validate.hpp: the simulator, with a run's calibration and on that run's
// machine (its lstopo XML), against the run's user-space fan-out benchmark
// (fanout/schedule_on_each_cpu/<d>/k:<k>), which calibrate never reads.
// One row per benchmark: measured (median over repetitions) and predicted
// latency per call, the relative error, and IPIs per call both ways.
#pragma once

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
  std::string distance;
  int k = 0;
  double measured_us = 0, cv = 0, predicted_us = 0;
  std::optional<double> measured_ipis;
  double predicted_ipis = 0;
  double rel_error() const {
    return measured_us > 0 ? (predicted_us - measured_us) / measured_us : 0;
  }
};

struct Validation {
  std::vector<ValidationRow> rows;
  std::vector<std::pair<std::string, std::string>> skipped;  // benchmark, why
  double median_abs_rel_error = 0;
  double target = 0.25;
  bool ok() const { return !rows.empty() && median_abs_rel_error <= target; }
};

// Throws InputError when the run has no usable fan-out benchmark or a label
// names a CPU the topology does not have.
Validation validate(const BenchResults& r, const topo::Topology& topology,
                    const model::ParamValues& params, std::uint64_t seed = 1);

nlohmann::json validation_json(const Validation& v, const nlohmann::json& provenance);

}  // namespace ipistorm::calibration
