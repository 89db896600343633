// main.cpp: the `ipistorm` command line.
//   simulate   one run: every knob as a flag or in a JSON config, a table, --json
//   reproduce  the 2009 report's scenarios beside the report's figures
//   topology   what a topology spec resolves to
//   params     every cost parameter with value, unit and source
// Bad input: one line on stderr, exit 2, no output file.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/reproduce.hpp"
#include "model/scenario.hpp"
#include "model/strategies/strategy.hpp"
#include "topology/topology.hpp"

namespace {

using ipistorm::InputError;
using ipistorm::cli::fmt;
using ipistorm::cli::fmt_si;
using ipistorm::cli::Table;
namespace model = ipistorm::model;
namespace topo = ipistorm::topo;

// Flags shared by simulate and the commands built on it.
struct RunFlags {
  std::string config_file, json_file, topology, kernel, strategy, placement;
  int dom0_vcpus = 0, dm_vcpu = 0;
  std::uint64_t seed = 1;
  double cpu_ghz = 0;
  std::vector<std::string> sets;
  CLI::Option *o_topology{}, *o_kernel{}, *o_strategy{}, *o_vcpus{}, *o_placement{}, *o_seed{},
      *o_ghz{}, *o_dm{};
};

void add_run_flags(CLI::App* app, RunFlags& f, bool per_scenario_knobs) {
  app->add_option("--config", f.config_file,
                  "JSON config file (keys as the flags; \"params\": {})");
  f.o_topology = app->add_option("--topology", f.topology,
                                 "preset, hwloc XML file, synthetic string, or 'host'");
  if (per_scenario_knobs) {
    f.o_kernel = app->add_option("--kernel", f.kernel, "kernel preset (see 'ipistorm params')");
    f.o_strategy = app->add_option("--strategy", f.strategy, "hypercall-buffer strategy");
    f.o_vcpus = app->add_option("--dom0-vcpus", f.dom0_vcpus, "dom0 vCPUs (1..CPUs; default all)");
    f.o_dm = app->add_option("--dm-vcpu", f.dm_vcpu, "vCPU the device model runs on (default 0)");
  }
  f.o_placement = app->add_option("--placement", f.placement, "pinned | compact | spread");
  f.o_seed = app->add_option("--seed", f.seed, "random seed (default 1)");
  f.o_ghz = app->add_option("--cpu-ghz", f.cpu_ghz, "CPU frequency override for cycle figures");
  app->add_option("--set", f.sets, "NAME=VALUE for any parameter (repeatable)");
  app->add_option("--json", f.json_file, "write the result as JSON to this file");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Config build_config(const RunFlags& f) {
  model::Config c;
  if (!f.config_file.empty()) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(f.config_file));
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("config file '" + f.config_file +
                       "' is not valid JSON: " + std::string(e.what()).substr(0, 120));
    }
    model::apply_json(c, j);
  }
  if (f.o_topology && *f.o_topology) c.topology = f.topology;
  if (f.o_kernel && *f.o_kernel) c.kernel = f.kernel;
  if (f.o_strategy && *f.o_strategy) c.strategy = f.strategy;
  if (f.o_vcpus && *f.o_vcpus) {
    if (f.dom0_vcpus < 1)
      throw InputError("--dom0-vcpus must be >= 1, got " + std::to_string(f.dom0_vcpus));
    c.dom0_vcpus = f.dom0_vcpus;
  }
  if (f.o_dm && *f.o_dm) c.dm_vcpu = f.dm_vcpu;
  if (f.o_placement && *f.o_placement) c.placement = f.placement;
  if (f.o_seed && *f.o_seed) c.seed = f.seed;
  if (f.o_ghz && *f.o_ghz) {
    if (!(f.cpu_ghz > 0)) throw InputError("--cpu-ghz must be > 0");
    c.cpu_ghz = f.cpu_ghz;
  }
  for (const auto& s : f.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set needs NAME=VALUE, got '" + s + "'");
    c.params.set_from_string(s.substr(0, eq), s.substr(eq + 1));
  }
  // Fail on names before running anything.
  model::find_kernel_policy(c.kernel);
  model::find_strategy(c.strategy);
  return c;
}

// Write atomically: a temporary file beside the target, then rename, so a
// failure never leaves a partial result file.
void write_json_file(const std::string& path, const nlohmann::json& j) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    if (!out) throw InputError("cannot write --json file '" + path + "'");
    out << j.dump(2) << "\n";
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError("cannot write --json file '" + path + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError("cannot write --json file '" + path + "'");
  }
}

// Refuse an unwritable --json path before spending time on a run.
void check_writable(const std::string& path) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::ofstream out(tmp);
  if (!out) throw InputError("cannot write --json file '" + path + "'");
  out.close();
  std::remove(tmp.c_str());
}

void print_result(const model::Result& r) {
  const auto& m = r.metrics;
  const double ghz = r.config.cpu_ghz;
  std::cout << "ipistorm simulate: " << r.config.kernel << ", " << r.config.strategy << ", "
            << r.config.dom0_vcpus << " dom0 vCPUs (" << r.config.placement << ") on "
            << r.config.topology << ", seed " << r.config.seed << "\n\n";
  Table t({"metric", "value", "unit"});
  t.row({"guest boot time", fmt(model::boot_time_s(r), 2), "s"});
  t.row({"ioport latency mean", fmt_si(ghz * m.ioport_ns.mean()),
         "cycles (" + fmt(m.ioport_ns.mean() / 1e3, 1) + " us)"});
  t.row({"ioport latency p50", fmt_si(ghz * m.ioport_ns.quantile(0.5)),
         "cycles (" + fmt(m.ioport_ns.quantile(0.5) / 1e3, 1) + " us)"});
  t.row({"ioport latency p99", fmt_si(ghz * m.ioport_ns.quantile(0.99)),
         "cycles (" + fmt(m.ioport_ns.quantile(0.99) / 1e3, 1) + " us)"});
  t.row({"dom0 utilisation mean", fmt(model::dom0_util_mean_pct(r), 1), "% of one CPU"});
  t.row({"dom0 utilisation peak", fmt(model::dom0_util_peak_pct(r), 1),
         "% of one CPU (1 s windows)"});
  t.row({"resched IPIs total", fmt_si(static_cast<double>(m.ipis_total)), "IPIs"});
  t.row({"resched IPIs mean", fmt_si(model::ipis_per_s_mean(r)), "per s"});
  t.row({"resched IPIs peak", fmt_si(model::ipis_per_s_peak(r)), "per s (1 s windows)"});
  t.row({"  to SMT sibling", fmt_si(static_cast<double>(m.ipis_by_distance[1])), "IPIs"});
  t.row({"  within package", fmt_si(static_cast<double>(m.ipis_by_distance[2])), "IPIs"});
  t.row({"  other package", fmt_si(static_cast<double>(m.ipis_by_distance[3])), "IPIs"});
  t.row({"drain-target IPIs per mlock",
         fmt(m.mlock_calls
                 ? static_cast<double>(m.ipis_by_kind[0]) / static_cast<double>(m.mlock_calls)
                 : 0,
             2),
         "IPIs"});
  t.row({"mlock calls", fmt_si(static_cast<double>(m.mlock_calls)), "calls"});
  t.row({"all-CPU drains", fmt_si(static_cast<double>(m.drains_all)), "calls"});
  t.row({"hypercalls", fmt_si(static_cast<double>(m.hypercalls)), "calls"});
  t.row({"lru_lock wait", fmt(static_cast<double>(m.lock_wait_ns) / 1e6, 2), "ms"});
  t.row({"events", fmt_si(static_cast<double>(r.events)), "events"});
  t.row({"wall time", fmt(r.wall_s, 3), "s"});
  t.print(std::cout);
}

int cmd_simulate(const RunFlags& f) {
  model::Config c = build_config(f);
  check_writable(f.json_file);
  model::Result r = model::run(c);
  print_result(r);
  if (!f.json_file.empty()) write_json_file(f.json_file, model::result_json(r));
  return 0;
}

std::string fmt_figure(const std::string& name, double v) {
  if (name == "drain_target_ipis_per_mlock") return fmt(v, 2);
  if (name == "boot_time_s" || name == "dom0_util_peak_pct") return fmt(v, 1);
  return fmt_si(v);
}

int cmd_reproduce(const RunFlags& f, int jobs) {
  model::Config base = build_config(f);
  check_writable(f.json_file);
  if (jobs <= 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto outcomes = model::run_reproduce(base, jobs);
  std::cout << "ipistorm reproduce: the 2009 xen-devel report (pvops dom0 slow HVM boot) on "
            << base.topology << ", seed " << base.seed << "\n\n";
  Table t({"scenario", "figure", "report", "model", "error", "accepted", "ok"});
  bool all = true;
  for (const auto& o : outcomes) {
    for (const auto& fig : o.scenario.figures) {
      std::string accepted =
          fig.lo == fig.hi ? "exactly " + fmt_figure(fig.name, fig.lo)
                           : fmt_figure(fig.name, fig.lo) + ".." + fmt_figure(fig.name, fig.hi);
      t.row({o.scenario.name, fig.label, fmt_figure(fig.name, fig.reference),
             fmt_figure(fig.name, fig.model),
             (fig.rel_error() >= 0 ? "+" : "") + fmt(100 * fig.rel_error(), 1) + "%", accepted,
             fig.ok ? "yes" : "NO"});
    }
    all = all && o.ok;
  }
  t.print(std::cout);
  std::cout << "\n"
            << (all ? "every figure within tolerance" : "SOME FIGURES OUT OF TOLERANCE") << "\n";
  if (!f.json_file.empty()) write_json_file(f.json_file, model::reproduce_json(outcomes));
  return all ? 0 : 1;
}

int cmd_topology(const std::string& spec, double ghz) {
  topo::Topology t = topo::Topology::load(spec);
  if (ghz > 0) t.set_ghz(ghz);
  std::cout << "topology " << spec << " (" << t.kind() << "): " << t.description() << "\n";
  std::cout << "  CPUs " << t.num_cpus() << ", cores " << t.num_cores() << ", packages "
            << t.num_packages() << ", NUMA nodes " << t.num_numa_nodes() << ", " << fmt(t.ghz(), 2)
            << " GHz\n";
  std::cout << "  NUMA distances ("
            << (t.numa_distances_from_file() ? "from the topology" : "default: 10 local, 21 remote")
            << "):\n";
  for (const auto& row : t.numa_matrix()) {
    std::cout << "   ";
    for (int d : row) std::cout << " " << d;
    std::cout << "\n";
  }
  std::cout << "  CPU  package  core  numa  SMT siblings\n";
  for (int i = 0; i < t.num_cpus(); ++i) {
    const auto& c = t.cpu(i);
    std::string sib;
    for (int j = 0; j < t.num_cpus(); ++j)
      if (j != i && t.distance(i, j) == topo::DistanceClass::kSameCore)
        sib += (sib.empty() ? "" : ",") + std::to_string(t.cpu(j).os_index);
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %3d  %7d  %4d  %4d  %s\n", c.os_index, c.package, c.core,
                  c.numa, sib.empty() ? "-" : sib.c_str());
    std::cout << buf;
  }
  // Distance classes seen from CPU 0.
  int counts[topo::kDistanceClasses] = {};
  for (int j = 0; j < t.num_cpus(); ++j) ++counts[static_cast<int>(t.distance(0, j))];
  std::cout << "  from CPU " << t.cpu(0).os_index << ": same_core " << counts[1]
            << ", same_package " << counts[2] << ", other_package " << counts[3] << "\n";
  return 0;
}

// The README's parameter table, generated so that it cannot drift.
int cmd_params_markdown() {
  std::cout << "| name | value | unit | group | fitted | source |\n|---|---|---|---|---|---|\n";
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    std::cout << "| `" << p.name << "` | " << v << " | " << p.unit << " | " << p.group << " | "
              << (p.fitted ? "yes" : "") << " | " << p.source << " |\n";
  }
  return 0;
}

int cmd_params() {
  Table t({"name", "value", "unit", "group", "fitted", "source"});
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    t.row({p.name, v, p.unit, p.group, p.fitted ? "yes" : "", p.source});
  }
  t.print(std::cout);
  std::cout << "\nkernels:";
  for (const auto& k : model::kernel_policies()) std::cout << " " << k.name;
  std::cout << "\nstrategies:";
  for (const auto& s : model::strategies()) std::cout << " " << s.name;
  std::cout << "\ntopology presets:";
  for (const auto& p : topo::presets()) std::cout << " " << p.name;
  std::cout << "\nplacements:";
  for (const auto& p : model::placement_names()) std::cout << " " << p;
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ipistorm: the mlock -> lru_add_drain_all IPI storm of a Xen pvops dom0, simulated"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ipistorm 0.1.0");

  RunFlags sim_flags;
  auto* sim = app.add_subcommand("simulate", "run one scenario and print its metrics");
  add_run_flags(sim, sim_flags, true);

  RunFlags rep_flags;
  int jobs = 0;
  auto* rep = app.add_subcommand("reproduce", "the report's scenarios beside the report's figures");
  add_run_flags(rep, rep_flags, false);
  rep->add_option("-j,--jobs", jobs, "threads (default: all cores); output does not depend on it");

  std::string topo_spec;
  double topo_ghz = 0;
  auto* top = app.add_subcommand("topology", "show what a topology spec resolves to");
  top->add_option("spec", topo_spec, "preset, hwloc XML file, synthetic string, or 'host'")
      ->required();
  top->add_option("--cpu-ghz", topo_ghz, "frequency override");

  bool markdown = false;
  auto* par = app.add_subcommand("params", "every cost parameter with value, unit and source");
  par->add_flag("--markdown", markdown, "print the table as Markdown (README)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (msg.find('\n') != std::string::npos) msg = msg.substr(0, msg.find('\n'));
    std::cerr << "ipistorm: error: " << msg << " (see --help)\n";
    return 2;
  }
  try {
    if (*sim) return cmd_simulate(sim_flags);
    if (*rep) return cmd_reproduce(rep_flags, jobs);
    if (*top) return cmd_topology(topo_spec, topo_ghz);
    if (*par) return markdown ? cmd_params_markdown() : cmd_params();
  } catch (const InputError& e) {
    std::cerr << "ipistorm: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ipistorm: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
