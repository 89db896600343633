// compare_command.cpp: `ipistorm compare`: every strategy side by side on a
// thread pool (output independent of -j), each boot time divided by the
// baseline's; CSV/JSON for tools appear only once every run finished. It
// holds its runs (it divides by the baseline).
#include "cli/compare_command.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <set>

#include "cli/help.hpp"
#include "cli/study_runner.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"
#include "report/rows.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "study/compare.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

namespace {

void setup_compare(CLI::App* cmd, CompareOptions& o) {
  add_run_flags(cmd, o.run, false);
  remove_run_flag(cmd, o.run, "seed");  // compare takes a list
  cmd->add_option(
      "--kernel", o.kernels,
      "kernel preset(s), comma list or repeated (default " + model::Config().kernel + ")");
  cmd->add_option("--strategy", o.strategies, "strategies to compare (default: all)");
  cmd->add_option("--seed", o.seeds,
                  "seeds, comma list or repeated (default 1); cells show mean [min..max]");
  cmd->add_option("--baseline", o.baseline,
                  std::string("KERNEL[/STRATEGY] every boot time is divided by (default ") +
                      study::default_baseline_text() + ")");
  add_run_flag(cmd, o.run, "dom0_vcpus");
  cmd->add_option("--csv", o.csv_file,
                  "long-format CSV as sweep writes: run, keys, metric, value (boot_time_x_baseline "
                  "included)");
  cmd->add_flag("--wide", o.wide,
                "tables at full width (default: they fit 100 columns); with --csv, one row per "
                "run and one column per figure");
  cmd->add_flag("--breakdown", o.breakdown,
                "also where each row's ioport latency goes (mean us per part, first seed)");
  cmd->add_option("-j,--jobs", o.jobs, "threads (default: all cores); output does not depend on it")
      ->transform(ipistorm::cli::jobs_check());
  add_uncertainty_flags(cmd, o.uncertainty);
  set_help(cmd, {true, true, true, true},
           {"ipistorm compare --dom0-vcpus 4",
            "ipistorm compare --kernel linux-2.6.31-pvops,linux-3.12 --seed 1,2,3 --csv cmp.csv"});
}

// "41.72" for one value; "41.72 [41.60..41.85]" (mean [min..max]) for several.
std::string mean_range(const std::vector<double>& v, const std::function<std::string(double)>& p) {
  double sum = 0, lo = v.front(), hi = v.front();
  for (double x : v) {
    sum += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  const double mean = sum / static_cast<double>(v.size());
  if (v.size() == 1) return p(mean);
  return p(mean) + " [" + p(lo) + ".." + p(hi) + "]";
}

}  // namespace

int run_compare(const CompareOptions& o) {
  study::CompareSpec spec;
  spec.base = build_config(o.run);
  spec.baseline = study::parse_baseline(o.baseline);
  if (!o.kernels.empty()) spec.kernels = split_list(o.kernels);
  if (!o.strategies.empty()) spec.strategies = split_list(o.strategies);
  if (!o.seeds.empty()) spec.seeds = parse_seed_list(o.seeds, "--seed");
  study::Grid g = study::compare_grid(spec);
  const model::Config& base = spec.base;
  const study::Baseline& bl = spec.baseline;
  check_outputs({{o.run.json_file, "--json"}, {o.csv_file, "--csv"}});
  if (o.uncertainty.given) {
    if (!o.csv_file.empty())
      throw InputError("compare --uncertainty writes --json only (bands per strategy), not --csv");
    // Flags the bands would drop silently (#24 point 6).
    if (o.breakdown)
      throw InputError(
          "--breakdown and --uncertainty do not go together: --breakdown shows one "
          "run's ioport latency parts, --uncertainty bands over samples");
    return compare_uncertainty_command(base, study::expand(g), bl.kernel, bl.strategy,
                                       o.uncertainty, o.jobs, o.run.json_file);
  }
  study::ComparePlan plan = study::plan_compare(std::move(g), bl);
  const std::vector<model::Config> points = plan.points;
  const study::CompareResult c = study::compare_results(std::move(plan), run_grid(points, o.jobs));
  const std::vector<model::Result>& results = c.results;

  const std::vector<std::uint64_t>& seed_list = c.plan.grid.seeds;
  std::string seeds;
  for (auto s : seed_list) seeds += (seeds.empty() ? "" : ",") + std::to_string(s);
  std::cout << wrap("ipistorm compare: " + base.topology + ", " +
                        std::to_string(results.front().config.dom0_vcpus) + " dom0 vCPUs (" +
                        base.placement + "), seed" + (seed_list.size() > 1 ? "s " : " ") + seeds +
                        (seed_list.size() > 1 ? "; cells: mean [min..max] over the seeds" : ""),
                    "  ")
            << "x baseline: boot time / boot time of " << bl.kernel << " " << bl.strategy
            << " (same seed)\n\n";
  // "safe" beside the strategy, so that a narrow table keeps it.
  std::vector<std::string> header = {"kernel", "strategy", "safe"};
  // The compare view of the metric table (label, unit and format make the
  // header and the cells; the name is the --wide CSV's column, as in
  // sweep's long CSV and simulate --json); "x baseline" after the first.
  const std::vector<const model::MetricSpec*> figs = model::metrics_in_view(model::View::kCompare);
  header.push_back(column_title(figs[0]->name));
  header.emplace_back("x baseline");
  for (std::size_t f = 1; f < figs.size(); ++f) header.push_back(column_title(figs[f]->name));
  report::Rows t{header, {}};
  for (const study::CompareRow& row_of : c.rows) {
    const auto& idx = row_of.runs;
    auto column = [&](const std::function<double(std::size_t)>& v) {
      std::vector<double> out;
      for (auto i : idx) out.push_back(v(i));
      return out;
    };
    std::vector<std::string> row = {row_of.kernel, row_of.strategy, row_of.safe ? "yes" : "NO"};
    for (std::size_t f = 0; f < figs.size(); ++f) {
      const model::MetricSpec& m = *figs[f];
      row.push_back(mean_range(column([&](std::size_t i) { return m.value(results[i]); }),
                               [&m](double v) { return format_value(m, v); }));
      if (f == 0)
        row.push_back(mean_range(column([&](std::size_t i) { return c.x_baseline[i]; }),
                                 [](double v) { return fmt(v, 2); }));
    }
    t.add_text(row);
  }
  std::cout << report::to_table(t);
  if (c.plan.baseline_added)
    std::cout << "\n(the baseline row is not part of the comparison asked for; it was run for "
                 "the x baseline column)\n";
  if (o.breakdown) {
    std::vector<std::string> labels;
    std::vector<const model::Result*> runs;
    std::set<std::string> kernels_shown;
    for (const auto& row : c.rows) kernels_shown.insert(row.kernel);
    for (const auto& row : c.rows) {
      labels.push_back(kernels_shown.size() > 1 ? row.kernel + " " + row.strategy : row.strategy);
      runs.push_back(&results[row.runs.front()]);
    }
    std::cout << "\n";
    print_breakdown(std::cout, labels, runs);
  }

  if (!o.csv_file.empty())
    report::write(o.wide ? study::compare_wide_rows(c) : study::compare_long_rows(c),
                  report::Format::kCsv, o.csv_file, "--csv");
  if (!o.run.json_file.empty()) report::write(study::compare_json(c), o.run.json_file);
  return 0;
}

Subcommand compare_command() {
  auto o = std::make_shared<CompareOptions>();
  return {"compare", "every hypercall-buffer strategy side by side, against a baseline run",
          [o](CLI::App& cmd) { setup_compare(&cmd, *o); },
          [o](CLI::App&) { return run_compare(*o); }};
}

}  // namespace ipistorm::cli
