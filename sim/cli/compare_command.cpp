// compare_command.cpp: `ipistorm compare`: every strategy side by side on a
// thread pool (output independent of -j), each boot time divided by the
// baseline's; CSV/JSON for tools appear only once every run finished. It
// holds its runs (it divides by the baseline).
#include "cli/compare_command.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/help.hpp"
#include "cli/study_runner.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "io/csv.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

namespace {

void setup_compare(CLI::App* cmd, CompareOptions& o) {
  add_run_flags(cmd, o.run, false);
  cmd->remove_option(o.run.o_seed);  // compare takes a list
  o.run.o_seed = nullptr;
  cmd->add_option(
      "--kernel", o.kernels,
      "kernel preset(s), comma list or repeated (default " + model::Config().kernel + ")");
  cmd->add_option("--strategy", o.strategies, "strategies to compare (default: all)");
  cmd->add_option("--seed", o.seeds,
                  "seeds, comma list or repeated (default 1); cells show mean [min..max]");
  cmd->add_option("--baseline", o.baseline,
                  std::string("KERNEL[/STRATEGY] every boot time is divided by (default ") +
                      kDefaultBaseline + ")");
  o.run.o_vcpus =
      cmd->add_option("--dom0-vcpus", o.run.dom0_vcpus, "dom0 vCPUs (default: one per CPU)")
          ->transform(decimal_integer());
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

std::pair<std::string, std::string> parse_baseline(const std::string& text) {
  std::string spec = text.empty() ? kDefaultBaseline : text;
  const auto slash = spec.find('/');
  std::string kernel = spec.substr(0, slash);
  std::string strategy = slash == std::string::npos ? "mlock-per-call" : spec.substr(slash + 1);
  if (kernel.empty() || strategy.empty())
    throw InputError("--baseline needs KERNEL or KERNEL/STRATEGY, got '" + text + "'");
  model::find_kernel_policy(kernel);
  model::find_strategy(strategy);
  return {kernel, strategy};
}

}  // namespace

int run_compare(const CompareOptions& o) {
  model::Config base = build_config(o.run);
  const auto [base_kernel, base_strategy] = parse_baseline(o.baseline);
  model::Grid g;
  g.base = base;
  g.kernels = o.kernels.empty() ? std::vector<std::string>{base.kernel} : split_list(o.kernels);
  if (o.strategies.empty()) {
    for (const auto& s : model::strategies()) g.strategies.emplace_back(s.name);
  } else {
    g.strategies = split_list(o.strategies);
  }
  if (!o.seeds.empty()) g.seeds = parse_seed_list(o.seeds, "--seed");
  model::complete_grid(g);
  model::validate_grid(g);
  check_outputs({{o.run.json_file, "--json"}, {o.csv_file, "--csv"}});
  if (o.uncertainty.given) {
    if (!o.csv_file.empty())
      throw InputError("compare --uncertainty writes --json only (bands per strategy), not --csv");
    // Flags the bands would drop silently (#24 point 6).
    if (o.breakdown)
      throw InputError(
          "--breakdown and --uncertainty do not go together: --breakdown shows one "
          "run's ioport latency parts, --uncertainty bands over samples");
    return compare_uncertainty_command(base, model::expand(g), base_kernel, base_strategy,
                                       o.uncertainty, o.jobs, o.run.json_file);
  }
  // The baseline runs first when the grid does not hold them (same seeds).
  std::vector<model::Config> points;
  const bool have_baseline =
      std::find(g.kernels.begin(), g.kernels.end(), base_kernel) != g.kernels.end() &&
      std::find(g.strategies.begin(), g.strategies.end(), base_strategy) != g.strategies.end();
  if (!have_baseline) {
    model::Grid bg = g;
    bg.kernels = {base_kernel};
    bg.strategies = {base_strategy};
    points = model::expand(bg);
  }
  for (auto& c : model::expand(g)) points.push_back(std::move(c));
  const auto results = run_grid(points, o.jobs);

  // The baseline's boot time per seed, and each run's ratio to it.
  std::map<std::uint64_t, double> base_boot;
  for (const auto& r : results)
    if (r.config.kernel == base_kernel && r.config.strategy == base_strategy)
      base_boot[r.config.seed] = model::metric_value("boot_time_s", r);
  std::vector<double> ratio;
  for (const auto& r : results)
    ratio.push_back(model::metric_value("boot_time_s", r) / base_boot.at(r.config.seed));

  // Rows: (kernel, strategy) in run order; columns: the figures over the seeds.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> runs_of;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto key = std::make_pair(results[i].config.kernel, results[i].config.strategy);
    if (!runs_of.count(key)) keys.push_back(key);
    runs_of[key].push_back(i);
  }
  std::string seeds;
  for (auto s : g.seeds) seeds += (seeds.empty() ? "" : ",") + std::to_string(s);
  std::cout << wrap("ipistorm compare: " + base.topology + ", " +
                        std::to_string(results.front().config.dom0_vcpus) + " dom0 vCPUs (" +
                        base.placement + "), seed" + (g.seeds.size() > 1 ? "s " : " ") + seeds +
                        (g.seeds.size() > 1 ? "; cells: mean [min..max] over the seeds" : ""),
                    "  ")
            << "x baseline: boot time / boot time of " << base_kernel << " " << base_strategy
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
  Table t(header);
  for (const auto& key : keys) {
    const auto& idx = runs_of[key];
    auto column = [&](const std::function<double(std::size_t)>& v) {
      std::vector<double> out;
      for (auto i : idx) out.push_back(v(i));
      return out;
    };
    std::vector<std::string> row = {key.first, key.second,
                                    model::find_strategy(key.second).safe ? "yes" : "NO"};
    for (std::size_t f = 0; f < figs.size(); ++f) {
      const model::MetricSpec& m = *figs[f];
      row.push_back(mean_range(column([&](std::size_t i) { return m.value(results[i]); }),
                               [&m](double v) { return format_value(m, v); }));
      if (f == 0)
        row.push_back(mean_range(column([&](std::size_t i) { return ratio[i]; }),
                                 [](double v) { return fmt(v, 2); }));
    }
    t.row(row);
  }
  t.print(std::cout);
  if (!have_baseline)
    std::cout << "\n(the baseline row is not part of the comparison asked for; it was run for "
                 "the x baseline column)\n";
  if (o.breakdown) {
    std::vector<std::string> labels;
    std::vector<const model::Result*> runs;
    std::set<std::string> kernels_shown;
    for (const auto& key : keys) kernels_shown.insert(key.first);
    for (const auto& key : keys) {
      labels.push_back(kernels_shown.size() > 1 ? key.first + " " + key.second : key.second);
      runs.push_back(&results[runs_of[key].front()]);
    }
    std::cout << "\n";
    print_breakdown(std::cout, labels, runs);
  }

  if (!o.csv_file.empty()) {
    std::string csv;
    if (o.wide) {
      using ipistorm::io::csv_line;
      using ipistorm::io::csv_number;
      std::vector<std::string> head = {"kernel", "strategy", "seed"};
      for (const auto* f : figs) head.emplace_back(f->name);
      head.insert(head.end(), {"boot_time_x_baseline", "safe"});
      csv = csv_line(head);
      for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        std::vector<std::string> row = {r.config.kernel, r.config.strategy,
                                        std::to_string(r.config.seed)};
        for (const auto* f : figs) row.push_back(csv_number(f->value(r)));
        row.push_back(csv_number(ratio[i]));
        row.push_back(model::find_strategy(r.config.strategy).safe ? "true" : "false");
        csv += csv_line(row);
      }
    } else {
      std::vector<std::vector<std::pair<std::string, double>>> extra;
      for (double x : ratio) extra.push_back({{"boot_time_x_baseline", x}});
      csv = model::sweep_csv(g, results, &extra);
    }
    write_file_atomic(o.csv_file, csv, "--csv");
  }
  if (!o.run.json_file.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      nlohmann::json mj = model::metrics_json(r);
      mj.erase("wall_s");
      rows.push_back({{"kernel", r.config.kernel},
                      {"strategy", r.config.strategy},
                      {"seed", r.config.seed},
                      {"safe", model::find_strategy(r.config.strategy).safe},
                      {"boot_time_x_baseline", ratio[i]},
                      {"metrics", mj}});
    }
    write_json_file(o.run.json_file,
                    {{"config", model::to_json(results.front().config)},
                     {"baseline", {{"kernel", base_kernel}, {"strategy", base_strategy}}},
                     {"seeds", g.seeds},
                     {"rows", rows},
                     {"provenance", model::provenance_json()}});
  }
  return 0;
}

Subcommand compare_command() {
  auto o = std::make_shared<CompareOptions>();
  return {"compare", "every hypercall-buffer strategy side by side, against a baseline run",
          [o](CLI::App& cmd) { setup_compare(&cmd, *o); },
          [o](CLI::App&) { return run_compare(*o); }};
}
}  // namespace ipistorm::cli
