// sweep_output.hpp: a sweep's runs as tidy long-format rows (report::Rows) and JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "study/grid.hpp"

namespace ipistorm::study {

// The metrics of one run as (name, value) pairs, in a stable order: the
// tidy long-format rows of sweep and compare output.
std::vector<std::pair<std::string, double>> flat_metrics(const model::Result& r);
// Long format: run, topology, kernel, strategy, placement, dom0_vcpus, seed,
// one column per swept parameter, metric, value (one row per metric).
// With `with_samples` (sweep --uncertainty: the sample index of each run), a
// "sample" column after "run" (and a "sample" key per run in JSON).
std::vector<std::string> sweep_columns(const Grid& g, bool with_samples = false);
// The rows of run i, added to `out` (sweep_columns(g, sample != nullptr)):
// its metrics, then `extra`, when given (compare's boot_time_x_baseline).
// A streamed sweep writes them a run at a time (report::RowStream).
void add_sweep_rows(report::Rows& out, const Grid& g, std::uint64_t i, const model::Result& r,
                    const std::vector<std::pair<std::string, double>>* extra = nullptr,
                    const std::size_t* sample = nullptr);
// Every run's rows (`extra`[i] and `samples`[i] for run i, when given).
report::Rows sweep_rows(
    const Grid& g, const std::vector<model::Result>& results,
    const std::vector<std::vector<std::pair<std::string, double>>>* extra = nullptr,
    const std::vector<std::size_t>& samples = {});
// report::to_csv(sweep_rows(...)).
std::string sweep_csv(
    const Grid& g, const std::vector<model::Result>& results,
    const std::vector<std::vector<std::pair<std::string, double>>>* extra = nullptr,
    const std::vector<std::size_t>& samples = {});
nlohmann::json sweep_json(const Grid& g, const std::vector<model::Result>& results,
                          const std::vector<std::size_t>& samples = {});
// sweep_json's parts: everything but the runs ("runs": [], the last key: a
// streamed sweep writes it with report::DocumentStream), and one run.
nlohmann::json sweep_json_head(const Grid& g);
nlohmann::json sweep_json_run(const Grid& g, std::uint64_t i, const model::Result& r,
                              const std::size_t* sample = nullptr);

}  // namespace ipistorm::study
