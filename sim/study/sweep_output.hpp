// sweep_output.hpp: a sweep's runs as tidy long-format rows (CSV) and JSON.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"
#include "study/grid.hpp"

namespace ipistorm::model {

// The metrics of one run as (name, value) pairs, in a stable order: the
// tidy long-format rows of sweep and compare output.
std::vector<std::pair<std::string, double>> flat_metrics(const Result& r);
// Long format: run, topology, kernel, strategy, placement, dom0_vcpus, seed,
// one column per swept parameter, metric, value.
// `extra`, when given, holds more (metric, value) rows per run (compare's
// boot_time_x_baseline), written after that run's metrics.
// With `samples` (sweep --uncertainty: the sample index of each run), a
// "sample" column after "run" (and a "sample" key per run in JSON).
std::string sweep_csv(
    const Grid& g, const std::vector<Result>& results,
    const std::vector<std::vector<std::pair<std::string, double>>>* extra = nullptr,
    const std::vector<std::size_t>& samples = {});
nlohmann::json sweep_json(const Grid& g, const std::vector<Result>& results,
                          const std::vector<std::size_t>& samples = {});

}  // namespace ipistorm::model
