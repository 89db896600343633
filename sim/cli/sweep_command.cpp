// sweep_command.cpp: `ipistorm sweep`: every combination of the given
// lists on a thread pool (output independent of -j). It streams its runs:
// CSV/JSON rows go out as runs finish, into files renamed into place only at
// the end (an interrupted sweep leaves none); memory does not grow with the
// number of runs.
#include "cli/sweep_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/help.hpp"
#include "cli/study_runner.hpp"
#include "cli/tables.hpp"
#include "model/params.hpp"
#include "report/rows.hpp"
#include "run/config_fields.hpp"
#include "study/sweep.hpp"

namespace ipistorm::cli {

namespace {

void setup_sweep(CLI::App* cmd, SweepOptions& o) {
  cmd->add_option("--config", o.config_file, "base config (JSON) for everything not swept");
  cmd->add_option("--calibration", o.calibration_file, "calibration JSON applied to the base");
  std::string keys;  // the field table's swept rows, as the grid file takes them
  for (const std::string& k : study::grid_keys()) keys += (keys.empty() ? "" : ", ") + k;
  cmd->add_option("--grid", o.grid_file, "JSON grid file (keys: " + keys + ")");
  // The list flag of each swept row of the field table but "params" (--set
  // below): its flag and its default from the row.
  struct ListFlag {
    const char* key;
    std::vector<std::string> SweepOptions::*values;
    const char* what;
  };
  static const ListFlag kLists[] = {
      {"topology", &SweepOptions::topologies, "topology (repeat the flag for several; "},
      {"kernel", &SweepOptions::kernels, "kernel presets, comma list or repeated ("},
      {"strategy", &SweepOptions::strategies, "strategies, comma list or repeated ("},
      {"placement", &SweepOptions::placements, "placements, comma list or repeated ("},
      {"dom0_vcpus", &SweepOptions::vcpus, "vCPU counts, comma list or repeated ("},
      {"seed", &SweepOptions::seeds, "seeds, comma list or repeated ("}};
  for (const run::ConfigField& f : run::config_fields())
    if (f.swept && f.member != run::ConfigMember(&model::Config::params) &&
        std::none_of(std::begin(kLists), std::end(kLists),
                     [&f](const ListFlag& l) { return std::string(l.key) == f.key; }))
      throw std::logic_error(std::string("swept config key ") + f.key + " has no sweep flag");
  for (const ListFlag& l : kLists) {
    const run::ConfigField& f = *run::find_config_field(l.key);
    cmd->add_option(
        f.flag, o.*l.values,
        l.what + std::string(f.zero ? "default: " : "default ") + run::default_text(f) + ")");
  }
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

std::vector<SweptColumn> swept_columns(const study::Grid& g) {
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
std::string fixed_dimensions(const study::Grid& g) {
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
  const study::Grid g = sweep_grid(o);
  const std::uint64_t n = study::grid_size(g);
  check_outputs({{o.csv_file, "--csv"}, {o.json_file, "--json"}});
  if (o.uncertainty.given)
    return sweep_uncertainty_command(g, study::expand(g), o.uncertainty, o.jobs, o.json_file,
                                     o.csv_file);

  // Streamed: each point is made from its index, its rows go to the files as
  // soon as the runs before it are done, and the files are renamed into
  // place only at the end (an interrupted sweep leaves none).
  std::optional<report::RowStream> csv;
  std::optional<report::DocumentStream> json;
  const std::vector<std::string> columns = study::sweep_columns(g);
  if (!o.csv_file.empty()) csv.emplace(columns, report::Format::kCsv, o.csv_file, "--csv");
  if (!o.json_file.empty()) json.emplace(study::sweep_json_head(g), "runs", o.json_file, "--json");
  // People: one row per run, one column per swept dimension (the fixed
  // ones once above the table), then the metric table's sweep view; the
  // first 40 runs and the last 5.
  const std::vector<SweptColumn> swept = swept_columns(g);
  const std::vector<const model::MetricSpec*> shown = model::metrics_in_view(model::View::kSweep);
  report::Rows table;
  table.columns = {"run"};
  for (const auto& c : swept) table.columns.push_back(c.title);
  for (const auto* m : shown) table.columns.push_back(column_title(m->name));
  const auto t0 = std::chrono::steady_clock::now();
  run_study(n, [&](const std::atomic<bool>* stop, study::Progress progress) {
    study::stream_sweep(
        g, resolve_jobs(o.jobs),
        [&](std::uint64_t i, const model::Result& r) {
          if (csv) {
            report::Rows rows;
            rows.columns = columns;
            study::add_sweep_rows(rows, g, i, r);
            csv->add(rows);
          }
          if (json) json->add(study::sweep_json_run(g, i, r));
          if (i < 40 || i + 5 >= n) {
            std::vector<std::string> row = {std::to_string(i)};
            for (const auto& c : swept) row.push_back(c.cell(r.config));
            for (const auto* m : shown) row.push_back(format_value(*m, m->value(r)));
            table.add_text(row);
          } else if (i == 40) {
            table.add_text({"..."});
          }
        },
        stop, std::move(progress));
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::cout << wrap("ipistorm sweep: " + std::to_string(n) + " runs; fixed: " + fixed_dimensions(g),
                    "  ")
            << "\n";
  std::cout << report::to_table(table);
  std::cout << "\n"
            << n << " runs in " << fmt(wall, 1) << " s (" << fmt(runs_per_s(n, wall), 1)
            << " runs/s)\n";
  if (csv) csv->commit();
  if (json) json->commit();
  return 0;
}

Subcommand sweep_command() {
  auto o = std::make_shared<SweepOptions>();
  return {"sweep", "every combination of the given lists, in parallel; tidy CSV/JSON",
          [o](CLI::App& cmd) { setup_sweep(&cmd, *o); },
          [o](CLI::App&) { return run_sweep_command(*o); }};
}

}  // namespace ipistorm::cli
