// compare.cpp: the compare study (compare.hpp).
#include "study/compare.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/metrics.hpp"
#include "model/strategies/strategy.hpp"
#include "report/rows.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "study/sweep_output.hpp"

namespace ipistorm::study {

Baseline parse_baseline(const std::string& text) {
  if (text.empty()) return Baseline{};
  const auto slash = text.find('/');
  Baseline b;
  b.kernel = text.substr(0, slash);
  b.strategy = slash == std::string::npos ? Baseline{}.strategy : text.substr(slash + 1);
  if (b.kernel.empty() || b.strategy.empty())
    throw InputError("--baseline needs KERNEL or KERNEL/STRATEGY, got '" + text + "'");
  model::find_kernel_policy(b.kernel);
  model::find_strategy(b.strategy);
  return b;
}

std::string default_baseline_text() {
  const Baseline b;
  return b.kernel + "/" + b.strategy;
}

study::Grid compare_grid(const CompareSpec& spec) {
  study::Grid g;
  g.base = spec.base;
  g.kernels = spec.kernels.empty() ? std::vector<std::string>{spec.base.kernel} : spec.kernels;
  if (spec.strategies.empty()) {
    for (const auto& s : model::strategies()) g.strategies.emplace_back(s.name);
  } else {
    g.strategies = spec.strategies;
  }
  if (!spec.seeds.empty()) g.seeds = spec.seeds;
  study::complete_grid(g);
  study::validate_grid(g);
  return g;
}

ComparePlan plan_compare(study::Grid grid, const Baseline& baseline) {
  ComparePlan p;
  p.grid = std::move(grid);
  p.baseline = baseline;
  const study::Grid& g = p.grid;
  // The baseline runs first when the grid does not hold them (same seeds).
  const auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  p.baseline_added = !(has(g.kernels, p.baseline.kernel) && has(g.strategies, p.baseline.strategy));
  if (p.baseline_added) {
    study::Grid bg = g;
    bg.kernels = {p.baseline.kernel};
    bg.strategies = {p.baseline.strategy};
    p.points = study::expand(bg);
  }
  for (auto& c : study::expand(g)) p.points.push_back(std::move(c));
  return p;
}

CompareResult compare_results(ComparePlan plan, std::vector<model::Result> results) {
  CompareResult c;
  c.plan = std::move(plan);
  c.results = std::move(results);
  const Baseline& b = c.plan.baseline;
  // The baseline's boot time per seed, and each run's ratio to it.
  std::map<std::uint64_t, double> base_boot;
  for (const auto& r : c.results)
    if (r.config.kernel == b.kernel && r.config.strategy == b.strategy)
      base_boot[r.config.seed] = model::metric_value("boot_time_s", r);
  for (const auto& r : c.results)
    c.x_baseline.push_back(model::metric_value("boot_time_s", r) / base_boot.at(r.config.seed));
  // Rows: (kernel, strategy) in run order.
  std::map<std::pair<std::string, std::string>, std::size_t> row_of;
  for (std::size_t i = 0; i < c.results.size(); ++i) {
    const model::Config& cfg = c.results[i].config;
    const auto key = std::make_pair(cfg.kernel, cfg.strategy);
    auto at = row_of.find(key);
    if (at == row_of.end()) {
      at = row_of.emplace(key, c.rows.size()).first;
      c.rows.push_back({cfg.kernel, cfg.strategy, model::find_strategy(cfg.strategy).safe, {}});
    }
    c.rows[at->second].runs.push_back(i);
  }
  return c;
}

CompareResult run_compare(const CompareSpec& spec, int jobs, const std::atomic<bool>* stop,
                          study::Progress progress) {
  ComparePlan plan = plan_compare(compare_grid(spec), spec.baseline);
  std::vector<model::Result> results =
      study::run_sweep(plan.points, jobs, stop, std::move(progress));
  return compare_results(std::move(plan), std::move(results));
}

nlohmann::json compare_json(const CompareResult& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < c.results.size(); ++i) {
    const auto& r = c.results[i];
    nlohmann::json mj = run::metrics_json(r);
    mj.erase("wall_s");
    rows.push_back({{"kernel", r.config.kernel},
                    {"strategy", r.config.strategy},
                    {"seed", r.config.seed},
                    {"safe", model::find_strategy(r.config.strategy).safe},
                    {"boot_time_x_baseline", c.x_baseline[i]},
                    {"metrics", mj}});
  }
  const Baseline& b = c.plan.baseline;
  return {{"config", run::to_json(c.results.front().config)},
          {"baseline", {{"kernel", b.kernel}, {"strategy", b.strategy}}},
          {"seeds", c.plan.grid.seeds},
          {"rows", rows},
          {"provenance", run::provenance_json()}};
}

report::Rows compare_long_rows(const CompareResult& c) {
  std::vector<std::vector<std::pair<std::string, double>>> extra;
  for (double x : c.x_baseline) extra.push_back({{"boot_time_x_baseline", x}});
  return study::sweep_rows(c.plan.grid, c.results, &extra);
}

report::Rows compare_wide_rows(const CompareResult& c) {
  const auto figs = model::metrics_in_view(model::View::kCompare);
  report::Rows rows;
  rows.columns = {"kernel", "strategy", "seed"};
  for (const auto* f : figs) rows.columns.emplace_back(f->name);
  rows.columns.insert(rows.columns.end(), {"boot_time_x_baseline", "safe"});
  for (std::size_t i = 0; i < c.results.size(); ++i) {
    const auto& r = c.results[i];
    std::vector<report::Cell> row = {r.config.kernel, r.config.strategy, r.config.seed};
    for (const auto* f : figs) row.emplace_back(f->value(r));
    row.emplace_back(c.x_baseline[i]);
    row.emplace_back(model::find_strategy(r.config.strategy).safe);
    rows.add(std::move(row));
  }
  return rows;
}

}  // namespace ipistorm::study
