// compare.hpp: the compare study: every (kernel, strategy) of a grid over
// the same seeds, each run's boot time divided by the baseline run's of the
// same seed ("x baseline"). The CLI (`ipistorm compare`) and Python
// (`ipistorm.compare`) are two faces of it; `compare --uncertainty`'s bands
// (study/compare_uncertainty.hpp) take the same Baseline.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "study/grid.hpp"
#include "study/pool.hpp"

namespace ipistorm::study {

// The run every compare row is divided by: by default the 2.6.18 kernel,
// whose mlock drains nothing remote, with the strategy the report's libxc
// used.
struct Baseline {
  std::string kernel = "linux-2.6.18-xen";
  std::string strategy = "mlock-per-call";
};
// "KERNEL" or "KERNEL/STRATEGY" (strategy mlock-per-call when left out; ""
// is the default baseline); both names checked against the registries.
// InputError otherwise.
Baseline parse_baseline(const std::string& text);
// "linux-2.6.18-xen/mlock-per-call": the default, as --help says it.
std::string default_baseline_text();

struct CompareSpec {
  model::Config base;                   // everything not compared
  std::vector<std::string> kernels;     // empty: base.kernel
  std::vector<std::string> strategies;  // empty: every strategy in the registry
  std::vector<std::uint64_t> seeds;     // empty: base.seed
  Baseline baseline;
};

// The runs a compare makes: the grid asked for and, first, the baseline's
// runs (same seeds) when the grid does not hold them.
struct ComparePlan {
  study::Grid grid;  // completed and validated
  Baseline baseline;
  bool baseline_added = false;  // its rows are not part of the comparison asked for
  std::vector<model::Config> points;
};
// The grid of `spec`, completed and validated: InputError for a bad one
// (names, vCPUs, ...).
study::Grid compare_grid(const CompareSpec& spec);
// The runs for a grid from compare_grid.
ComparePlan plan_compare(study::Grid grid, const Baseline& baseline);

// One row of the comparison: a (kernel, strategy), its runs over the seeds.
struct CompareRow {
  std::string kernel, strategy;
  bool safe = false;              // the strategy's own verdict (registry)
  std::vector<std::size_t> runs;  // indices into CompareResult::results, seed order
};
struct CompareResult {
  ComparePlan plan;
  std::vector<model::Result> results;  // plan.points' runs, in order
  std::vector<double> x_baseline;      // per run: boot time / the baseline's, same seed
  std::vector<CompareRow> rows;        // (kernel, strategy) in run order
};
// Divides and groups `results` (the runs of plan.points, in order).
CompareResult compare_results(ComparePlan plan, std::vector<model::Result> results);
// compare_grid, plan_compare, the runs on `jobs` threads (stops as run_sweep), compare_results.
CompareResult run_compare(const CompareSpec& spec, int jobs,
                          const std::atomic<bool>* stop = nullptr, study::Progress progress = {});

// `compare --json`: {"config", "baseline", "seeds", "rows": [{kernel,
// strategy, seed, safe, boot_time_x_baseline, metrics}], "provenance"}.
nlohmann::json compare_json(const CompareResult& c);
// `compare --csv`: sweep's long rows (sweep_rows) with boot_time_x_baseline rows.
report::Rows compare_long_rows(const CompareResult& c);
// `compare --csv --wide`: one row per run (kernel, strategy, seed), one
// column per figure of the metric table's compare view, then
// boot_time_x_baseline and safe.
report::Rows compare_wide_rows(const CompareResult& c);

}  // namespace ipistorm::study
