// sweep_commands.cpp: compare and sweep. Both run a grid on a thread pool
// (output independent of -j), print for people, and write CSV/JSON for
// tools that appear only once every run finished (never a partial file).
// compare holds its runs (it divides by the baseline); sweep streams them:
// its memory does not grow with the number of runs.
#include "cli/sweep_commands.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "io/csv.hpp"
#include "io/files.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "model/params.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "study/sweep.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;

namespace {

std::atomic<bool> g_interrupted{false};

void on_sigint(int) { g_interrupted.store(true); }

// Ctrl-C sets the flag; runs in flight notice it within a few thousand
// events and the sweep returns without writing anything. SIGTERM, SIGHUP
// (the terminal went away), SIGXCPU (ulimit -t) and SIGPIPE do the same.
struct SigintGuard {
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGXCPU, SIGPIPE};
  struct sigaction old[std::size(kSignals)] = {};
  SigintGuard() {
    g_interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &old[i]);
  }
  ~SigintGuard() {
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old[i], nullptr);
  }
};

// Runs per second of wall time: the progress bar's and the summary line's rate.
double runs_per_s(std::uint64_t runs, double wall_s) {
  return wall_s > 0 ? static_cast<double>(runs) / wall_s : 0.0;
}

// A progress bar with ETA on stderr when it is a terminal, nothing otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total, const char* unit = "runs")
      : enabled_(isatty(STDERR_FILENO) == 1 && total > 1),
        unit_(unit),
        start_(std::chrono::steady_clock::now()) {}
  void operator()(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const double el =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta =
        done ? el / static_cast<double>(done) * static_cast<double>(total - done) : 0;
    const int width = 30;
    const int fill = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %s  %.1f %s/s  ETA %dm%02ds ",
                 std::string(static_cast<std::size_t>(fill), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - fill), '.').c_str(), done, total,
                 unit_, runs_per_s(done, el), unit_, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  const char* unit_;
  std::chrono::steady_clock::time_point start_;
};

std::vector<model::Result> run_grid(const std::vector<model::Config>& points, int jobs) {
  SigintGuard guard;
  ProgressBar bar(points.size());
  try {
    return model::run_sweep(points, resolve_jobs(jobs), &g_interrupted,
                            [&](std::size_t d, std::size_t t) { bar(d, t); });
  } catch (const model::SweepInterrupted&) {
    std::cerr << "\nipistorm: interrupted: nothing written\n";
    throw;
  }
}

}  // namespace

void run_study(std::size_t total,
               const std::function<void(const std::atomic<bool>*, model::Progress)>& body,
               const char* unit) {
  SigintGuard guard;
  ProgressBar bar(total, unit);
  try {
    body(&g_interrupted, [&](std::size_t d, std::size_t t) { bar(d, t); });
  } catch (const model::SweepInterrupted&) {
    std::cerr << "\nipistorm: interrupted: nothing written\n";
    throw;
  }
}

// ---- compare ------------------------------------------------------------------

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

// ---- sweep --------------------------------------------------------------------

namespace {

void setup_sweep(CLI::App* cmd, SweepOptions& o) {
  const model::Config def;
  cmd->add_option("--config", o.config_file, "base config (JSON) for everything not swept");
  cmd->add_option("--calibration", o.calibration_file, "calibration JSON applied to the base");
  cmd->add_option("--grid", o.grid_file,
                  "JSON grid file (keys: topology, kernel, strategy, "
                  "placement, dom0_vcpus, seed, params, base)");
  cmd->add_option("--topology", o.topologies,
                  "topology (repeat the flag for several; default " + def.topology + ")");
  cmd->add_option("--kernel", o.kernels,
                  "kernel presets, comma list or repeated (default " + def.kernel + ")");
  cmd->add_option("--strategy", o.strategies,
                  "strategies, comma list or repeated (default " + def.strategy + ")");
  cmd->add_option("--placement", o.placements,
                  "placements, comma list or repeated (default " + def.placement + ")");
  cmd->add_option("--dom0-vcpus", o.vcpus,
                  "vCPU counts, comma list or repeated (default: one per CPU)");
  cmd->add_option("--seed", o.seeds,
                  "seeds, comma list or repeated (default " + std::to_string(def.seed) + ")");
  cmd->add_option("--set", o.sets, "NAME=V1,V2,... a swept parameter (repeatable)");
  cmd->add_option("-j,--jobs", o.jobs, "threads (default: all cores); output does not depend on it")
      ->transform(ipistorm::cli::jobs_check());
  cmd->add_option("--csv", o.csv_file, "long-format CSV: run, keys, metric, value ('-': stdout)");
  cmd->add_option("--json", o.json_file,
                  "the grid and every run's config and metrics ('-': stdout)");
  cmd->add_flag("--yes", o.yes, "allow more than 1,000,000 runs");
  add_uncertainty_flags(cmd, o.uncertainty);
  set_help(cmd, {true, true, true, true},
           {"ipistorm sweep --kernel linux-2.6.18-xen,linux-2.6.31-pvops --dom0-vcpus 1,4,16",
            "ipistorm sweep --placement pinned,spread --set evtchn_send_us=1,2 --csv sweep.csv"});
}

// One column of the sweep table: a dimension with more than one value.
struct SweptColumn {
  std::string title;
  std::function<std::string(const model::Config&)> cell;
};

std::string param_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string param_title(const std::string& name) {
  const model::ParamSpec* p = model::find_param(name);
  return p && *p->unit ? name + " (" + p->unit + ")" : name;
}

std::vector<SweptColumn> swept_columns(const model::Grid& g) {
  std::vector<SweptColumn> out;
  if (g.topologies.size() > 1)
    out.push_back({"topology", [](const model::Config& c) { return c.topology.substr(0, 24); }});
  if (g.kernels.size() > 1)
    out.push_back({"kernel", [](const model::Config& c) { return c.kernel; }});
  if (g.strategies.size() > 1)
    out.push_back({"strategy", [](const model::Config& c) { return c.strategy; }});
  if (g.placements.size() > 1)
    out.push_back({"placement", [](const model::Config& c) { return c.placement; }});
  if (g.dom0_vcpus.size() > 1)
    out.push_back({"vCPUs", [](const model::Config& c) { return std::to_string(c.dom0_vcpus); }});
  for (const auto& p : g.params) {
    const std::string name = p.first;
    out.push_back({param_title(name),
                   [name](const model::Config& c) { return param_text(c.params.get(name)); }});
  }
  if (g.seeds.size() > 1)
    out.push_back({"seed", [](const model::Config& c) { return std::to_string(c.seed); }});
  return out;
}

// "topology nehalem-ep, kernel linux-2.6.31-pvops, ..." for the dimensions not swept.
std::string fixed_dimensions(const model::Grid& g) {
  std::vector<std::string> parts;
  if (g.topologies.size() == 1) parts.push_back("topology " + g.topologies[0]);
  if (g.kernels.size() == 1) parts.push_back("kernel " + g.kernels[0]);
  if (g.strategies.size() == 1) parts.push_back("strategy " + g.strategies[0]);
  if (g.placements.size() == 1) parts.push_back("placement " + g.placements[0]);
  if (g.dom0_vcpus.size() == 1)
    parts.push_back(g.dom0_vcpus[0] ? "dom0 vCPUs " + std::to_string(g.dom0_vcpus[0])
                                    : "dom0 vCPUs all");
  if (g.seeds.size() == 1) parts.push_back("seed " + std::to_string(g.seeds[0]));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "nothing" : out;
}

}  // namespace

int run_sweep_command(const SweepOptions& o) {
  const model::Grid g = sweep_grid(o);
  const std::uint64_t n = model::grid_size(g);
  check_outputs({{o.csv_file, "--csv"}, {o.json_file, "--json"}});
  if (o.uncertainty.given)
    return sweep_uncertainty_command(g, model::expand(g), o.uncertainty, o.jobs, o.json_file,
                                     o.csv_file);

  // Streamed: each point is made from its index, its rows go to the files as
  // soon as the runs before it are done, and the files are renamed into
  // place only at the end (an interrupted sweep leaves none).
  std::optional<io::AtomicFile> csv, json;
  if (!o.csv_file.empty()) {
    csv.emplace(o.csv_file, "--csv");
    csv->write(model::sweep_csv_header(g));
  }
  model::SweepJsonText json_text(g);
  if (!o.json_file.empty()) {
    json.emplace(o.json_file, "--json");
    json->write(json_text.begin());
  }
  // People: one row per run, one column per swept dimension (the fixed
  // ones once above the table), then the metric table's sweep view; the
  // first 40 runs and the last 5.
  const std::vector<SweptColumn> swept = swept_columns(g);
  const std::vector<const model::MetricSpec*> shown = model::metrics_in_view(model::View::kSweep);
  std::vector<std::vector<std::string>> rows;
  const auto t0 = std::chrono::steady_clock::now();
  run_study(n, [&](const std::atomic<bool>* stop, model::Progress progress) {
    model::stream_sweep(
        g, resolve_jobs(o.jobs),
        [&](std::uint64_t i, const model::Result& r) {
          if (csv) csv->write(model::sweep_csv_rows(g, i, r));
          if (json) json->write(json_text.run(model::sweep_json_run(g, i, r)));
          if (i < 40 || i + 5 >= n) {
            std::vector<std::string> row = {std::to_string(i)};
            for (const auto& c : swept) row.push_back(c.cell(r.config));
            for (const auto* m : shown) row.push_back(format_value(*m, m->value(r)));
            rows.push_back(std::move(row));
          } else if (i == 40) {
            rows.push_back({"..."});
          }
        },
        stop, std::move(progress));
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::cout << wrap("ipistorm sweep: " + std::to_string(n) + " runs; fixed: " + fixed_dimensions(g),
                    "  ")
            << "\n";
  std::vector<std::string> header = {"run"};
  for (const auto& c : swept) header.push_back(c.title);
  for (const auto* m : shown) header.push_back(column_title(m->name));
  Table t(header);
  for (const auto& row : rows) t.row(row);
  t.print(std::cout);
  std::cout << "\n"
            << n << " runs in " << fmt(wall, 1) << " s (" << fmt(runs_per_s(n, wall), 1)
            << " runs/s)\n";
  if (csv) csv->commit();
  if (json) {
    json->write(json_text.end());
    json->commit();
  }
  return 0;
}

Subcommand compare_command() {
  auto o = std::make_shared<CompareOptions>();
  return {"compare", "every hypercall-buffer strategy side by side, against a baseline run",
          [o](CLI::App& cmd) { setup_compare(&cmd, *o); },
          [o](CLI::App&) { return run_compare(*o); }};
}

Subcommand sweep_command() {
  auto o = std::make_shared<SweepOptions>();
  return {"sweep", "every combination of the given lists, in parallel; tidy CSV/JSON",
          [o](CLI::App& cmd) { setup_sweep(&cmd, *o); },
          [o](CLI::App&) { return run_sweep_command(*o); }};
}

}  // namespace ipistorm::cli
