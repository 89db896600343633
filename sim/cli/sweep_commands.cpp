// sweep_commands.cpp: compare and sweep. Both expand a grid, run it on a
// thread pool (output independent of -j), print for people, and write
// CSV/JSON for tools only after every run finished (never a partial file).
#include "cli/sweep_commands.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/strategies/strategy.hpp"
#include "model/sweep.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;

namespace {

std::atomic<bool> g_interrupted{false};

void on_sigint(int) { g_interrupted.store(true); }

// Ctrl-C sets the flag; runs in flight notice it within a few thousand
// events and the sweep returns without writing anything.
struct SigintGuard {
  struct sigaction old_int {
  }, old_term{};
  SigintGuard() {
    g_interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~SigintGuard() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

int default_jobs(int jobs) {
  if (jobs > 0) return jobs;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// A progress bar with ETA on stderr when it is a terminal, nothing otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total)
      : enabled_(isatty(STDERR_FILENO) == 1 && total > 1),
        start_(std::chrono::steady_clock::now()) {}
  void operator()(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const double el =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta =
        done ? el / static_cast<double>(done) * static_cast<double>(total - done) : 0;
    const int width = 30;
    const int fill = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu runs  %.1f runs/s  ETA %dm%02ds ",
                 std::string(static_cast<std::size_t>(fill), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - fill), '.').c_str(), done, total,
                 el > 0 ? static_cast<double>(done) / el : 0.0, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

std::vector<model::Result> run_grid(const std::vector<model::Config>& points, int jobs) {
  SigintGuard guard;
  ProgressBar bar(points.size());
  try {
    return model::run_sweep(points, default_jobs(jobs), &g_interrupted,
                            [&](std::size_t d, std::size_t t) { bar(d, t); });
  } catch (const model::SweepInterrupted&) {
    std::cerr << "\nipistorm: interrupted: nothing written\n";
    throw;
  }
}

const model::StrategyEntry& strategy_entry(const std::string& name) {
  return model::find_strategy(name);
}

}  // namespace

// ---- compare ------------------------------------------------------------------

CLI::App* add_compare_command(CLI::App& app, CompareOptions& o) {
  auto* cmd = app.add_subcommand("compare", "every hypercall-buffer strategy side by side");
  add_run_flags(cmd, o.run, false);
  cmd->add_option("--kernel", o.kernels, "kernel preset(s), comma list or repeated");
  cmd->add_option("--strategy", o.strategies, "strategies to compare (default: all)");
  o.run.o_vcpus = cmd->add_option("--dom0-vcpus", o.run.dom0_vcpus, "dom0 vCPUs (default all)");
  cmd->add_option("--csv", o.csv_file, "write the table as CSV to this file");
  cmd->add_option("-j,--jobs", o.jobs,
                  "threads (default: all cores); output does not depend on it");
  return cmd;
}

int run_compare(const CompareOptions& o) {
  model::Config base = build_config(o.run);
  model::Grid g;
  g.base = base;
  g.kernels = o.kernels.empty() ? std::vector<std::string>{base.kernel} : split_list(o.kernels);
  if (o.strategies.empty()) {
    for (const auto& s : model::strategies()) g.strategies.emplace_back(s.name);
  } else {
    g.strategies = split_list(o.strategies);
  }
  model::complete_grid(g);
  model::validate_grid(g);
  check_writable(o.run.json_file);
  check_writable(o.csv_file, "--csv");
  const auto points = model::expand(g);
  const auto results = run_grid(points, o.jobs);

  std::cout << "ipistorm compare: " << base.topology << ", " << results.front().config.dom0_vcpus
            << " dom0 vCPUs (" << base.placement << "), seed " << base.seed << "\n\n";
  Table t({"kernel", "strategy", "boot s", "ioport p50 us", "ioport p99 us", "dom0 peak %",
           "IPIs/s peak", "locked peak", "syscalls/hcall", "failed hcalls", "safe"});
  std::ostringstream csv;
  csv << "kernel,strategy,boot_time_s,ioport_p50_us,ioport_p99_us,dom0_util_peak_pct,"
         "resched_ipis_peak_per_s,peak_locked_bytes,syscalls_per_hypercall,failed_hypercalls,"
         "safe\n";
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    const auto& m = r.metrics;
    const bool safe = strategy_entry(r.config.strategy).safe;
    const double p50 = m.ioport_ns.quantile(0.5) / 1e3, p99 = m.ioport_ns.quantile(0.99) / 1e3;
    const double sph = m.irq_hypercalls ? static_cast<double>(m.buffer_syscalls) /
                                              static_cast<double>(m.irq_hypercalls)
                                        : 0.0;
    t.row({r.config.kernel, r.config.strategy, fmt(model::boot_time_s(r), 2), fmt(p50, 1),
           fmt(p99, 1), fmt(model::dom0_util_peak_pct(r), 0), fmt_si(model::ipis_per_s_peak(r)),
           fmt_si(static_cast<double>(m.peak_locked_bytes)), fmt(sph, 3),
           std::to_string(m.failed_hypercalls), safe ? "yes" : "NO"});
    char line[512];
    std::snprintf(line, sizeof line, "%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%lld,%.6g,%llu,%s\n",
                  r.config.kernel.c_str(), r.config.strategy.c_str(), model::boot_time_s(r), p50,
                  p99, model::dom0_util_peak_pct(r), model::ipis_per_s_peak(r),
                  static_cast<long long>(m.peak_locked_bytes), sph,
                  static_cast<unsigned long long>(m.failed_hypercalls), safe ? "true" : "false");
    csv << line;
    nlohmann::json mj = model::metrics_json(r);
    mj.erase("wall_s");
    rows.push_back({{"kernel", r.config.kernel},
                    {"strategy", r.config.strategy},
                    {"safe", safe},
                    {"metrics", mj}});
  }
  t.print(std::cout);
  if (!o.csv_file.empty()) write_file_atomic(o.csv_file, csv.str(), "--csv");
  if (!o.run.json_file.empty())
    write_json_file(o.run.json_file, {{"config", model::to_json(results.front().config)},
                                      {"rows", rows},
                                      {"provenance", model::provenance_json()}});
  return 0;
}

// ---- sweep --------------------------------------------------------------------

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  auto* cmd = app.add_subcommand(
      "sweep", "every combination of the given lists, in parallel; tidy CSV/JSON");
  cmd->add_option("--config", o.config_file, "base config (JSON) for everything not swept");
  cmd->add_option("--calibration", o.calibration_file, "calibration JSON applied to the base");
  cmd->add_option("--grid", o.grid_file,
                  "JSON grid file (keys: topology, kernel, strategy, "
                  "placement, dom0_vcpus, seed, params, base)");
  cmd->add_option("--topology", o.topologies, "topology (repeat the flag for several)");
  cmd->add_option("--kernel", o.kernels, "kernel presets, comma list or repeated");
  cmd->add_option("--strategy", o.strategies, "strategies, comma list or repeated");
  cmd->add_option("--placement", o.placements, "placements, comma list or repeated");
  cmd->add_option("--dom0-vcpus", o.vcpus, "vCPU counts, comma list or repeated");
  cmd->add_option("--seed", o.seeds, "seeds, comma list or repeated");
  cmd->add_option("--set", o.sets, "NAME=V1,V2,... a swept parameter (repeatable)");
  cmd->add_option("-j,--jobs", o.jobs,
                  "threads (default: all cores); output does not depend on it");
  cmd->add_option("--csv", o.csv_file, "long-format CSV: run, keys, metric, value");
  cmd->add_option("--json", o.json_file, "the grid and every run's config and metrics");
  cmd->add_flag("--yes", o.yes, "allow more than 1,000,000 runs");
  return cmd;
}

namespace {

template <class T>
std::vector<T> parse_numbers(const std::vector<std::string>& items, const char* flag) {
  std::vector<T> out;
  for (const auto& s : split_list(items)) {
    char* end = nullptr;
    errno = 0;
    if constexpr (std::is_same_v<T, int>) {
      const long v = std::strtol(s.c_str(), &end, 10);
      if (*end || errno || v < 0 || v > 1 << 20)
        throw InputError(std::string(flag) + " needs whole numbers, got '" + s + "'");
      out.push_back(static_cast<int>(v));
    } else {
      const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
      if (*end || errno || s[0] == '-')
        throw InputError(std::string(flag) + " needs non-negative whole numbers, got '" + s + "'");
      out.push_back(static_cast<T>(v));
    }
  }
  return out;
}

}  // namespace

int run_sweep_command(const SweepOptions& o) {
  RunFlags base_flags;
  base_flags.config_file = o.config_file;
  base_flags.calibration_file = o.calibration_file;
  const model::Config base = build_config(base_flags);
  model::Grid g;
  if (!o.grid_file.empty()) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(o.grid_file));
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("grid file '" + o.grid_file +
                       "' is not valid JSON: " + std::string(e.what()).substr(0, 120));
    }
    g = model::grid_from_json(j, base);
  } else {
    g.base = base;
  }
  // Flags override or extend the grid file's lists.
  if (!o.topologies.empty()) g.topologies = o.topologies;
  if (!o.kernels.empty()) g.kernels = split_list(o.kernels);
  if (!o.strategies.empty()) g.strategies = split_list(o.strategies);
  if (!o.placements.empty()) g.placements = split_list(o.placements);
  if (!o.vcpus.empty()) g.dom0_vcpus = parse_numbers<int>(o.vcpus, "--dom0-vcpus");
  if (!o.seeds.empty()) g.seeds = parse_numbers<std::uint64_t>(o.seeds, "--seed");
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
      throw InputError("--set needs NAME=V1,V2,..., got '" + s + "'");
    const std::string name = s.substr(0, eq);
    std::vector<double> values;
    for (const auto& v : split_list({s.substr(eq + 1)})) {
      model::ParamValues probe;
      probe.set_from_string(name, v);
      values.push_back(probe.get(name));
    }
    g.params.emplace_back(name, values);
  }
  model::complete_grid(g);
  const std::uint64_t n = model::grid_size(g);
  if (n > kMaxRunsWithoutYes && !o.yes)
    throw InputError("grid has " + std::to_string(n) + " runs, more than 1,000,000: add --yes");
  model::validate_grid(g);
  check_writable(o.csv_file, "--csv");
  check_writable(o.json_file, "--json");

  const auto t0 = std::chrono::steady_clock::now();
  const auto points = model::expand(g);
  const auto results = run_grid(points, o.jobs);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // People: one row per run with the headline figures.
  Table t({"run", "topology", "kernel", "strategy", "vCPUs", "seed", "boot s", "ioport mean us",
           "IPIs/s peak", "dom0 peak %"});
  std::size_t i = 0;
  for (const auto& r : results) {
    if (i < 40 || i + 5 >= results.size())
      t.row({std::to_string(i), r.config.topology.substr(0, 24), r.config.kernel, r.config.strategy,
             std::to_string(r.config.dom0_vcpus), std::to_string(r.config.seed),
             fmt(model::boot_time_s(r), 2), fmt(r.metrics.ioport_ns.mean() / 1e3, 1),
             fmt_si(model::ipis_per_s_peak(r)), fmt(model::dom0_util_peak_pct(r), 0)});
    else if (i == 40)
      t.row({"...", "", "", "", "", "", "", "", "", ""});
    ++i;
  }
  t.print(std::cout);
  std::cout << "\n"
            << results.size() << " runs in " << fmt(wall, 1) << " s ("
            << fmt(static_cast<double>(results.size()) / std::max(wall, 1e-9), 1) << " runs/s)\n";
  if (!o.csv_file.empty()) write_file_atomic(o.csv_file, model::sweep_csv(g, results), "--csv");
  if (!o.json_file.empty()) write_json_file(o.json_file, model::sweep_json(g, results));
  return 0;
}

}  // namespace ipistorm::cli
