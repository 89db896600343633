// sweep_output.hpp: a sweep's runs as tidy long-format rows (CSV) and JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"
#include "study/grid.hpp"

namespace ipistorm::study {

// The metrics of one run as (name, value) pairs, in a stable order: the
// tidy long-format rows of sweep and compare output.
std::vector<std::pair<std::string, double>> flat_metrics(const model::Result& r);
// Long format: run, topology, kernel, strategy, placement, dom0_vcpus, seed,
// one column per swept parameter, metric, value.
// `extra`, when given, holds more (metric, value) rows per run (compare's
// boot_time_x_baseline), written after that run's metrics.
// With `samples` (sweep --uncertainty: the sample index of each run), a
// "sample" column after "run" (and a "sample" key per run in JSON).
std::string sweep_csv(
    const Grid& g, const std::vector<model::Result>& results,
    const std::vector<std::vector<std::pair<std::string, double>>>* extra = nullptr,
    const std::vector<std::size_t>& samples = {});
nlohmann::json sweep_json(const Grid& g, const std::vector<model::Result>& results,
                          const std::vector<std::size_t>& samples = {});

// The same, a run at a time (a streamed sweep): the header line, and the
// rows of run i (its `extra` rows after them; its sample index if given).
std::string sweep_csv_header(const Grid& g, bool with_samples = false);
std::string sweep_csv_rows(const Grid& g, std::uint64_t i, const model::Result& r,
                           const std::vector<std::pair<std::string, double>>* extra = nullptr,
                           const std::size_t* sample = nullptr);
// sweep_json's parts: everything but the runs ("runs": []), and one run.
nlohmann::json sweep_json_head(const Grid& g);
nlohmann::json sweep_json_run(const Grid& g, std::uint64_t i, const model::Result& r,
                              const std::size_t* sample = nullptr);
// sweep_json(g, results).dump(2) + "\n", as text written a run at a time:
// begin(), run(sweep_json_run(...)) for each run in order, end().
class SweepJsonText {
 public:
  explicit SweepJsonText(const Grid& g);
  std::string begin() const;
  std::string run(const nlohmann::json& run);
  std::string end() const;

 private:
  std::string head_;
  std::uint64_t runs_ = 0;
};

}  // namespace ipistorm::study
