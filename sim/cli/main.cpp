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

#include "cli/common.hpp"
#include "cli/lab_commands.hpp"
#include "cli/sweep_commands.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "io/number.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/reproduce.hpp"
#include "model/scenario.hpp"
#include "model/strategies/strategy.hpp"
#include "model/sweep.hpp"
#include "study/fit.hpp"
#include "topology/topology.hpp"

namespace {

using ipistorm::InputError;
using ipistorm::cli::build_config;
using ipistorm::cli::check_writable;
using ipistorm::cli::fmt;
using ipistorm::cli::fmt_si;
using ipistorm::cli::RunFlags;
using ipistorm::cli::Table;
using ipistorm::cli::write_json_file;
namespace model = ipistorm::model;
namespace topo = ipistorm::topo;

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

int cmd_fit(const RunFlags& f) {
  model::Config base = build_config(f);
  check_writable(f.json_file);
  const auto& t = ipistorm::study::fitted_cost();
  const auto r = ipistorm::study::fit(base, t);
  std::cout << "ipistorm fit: " << t.param << " to the " << t.scenario << " " << t.figure << " ("
            << fmt(r.target, 2) << " +- " << fmt(t.tolerance, 2) << ") on " << base.topology
            << ", seed " << base.seed << "\n\n";
  char v[64];
  std::snprintf(v, sizeof v, "%.4f", r.value);
  std::cout << t.param << " = " << v << " " << model::find_param(t.param)->unit << "  (" << t.figure
            << " " << fmt(r.achieved, 3) << ", " << r.runs << " runs)\n";
  if (!r.converged) std::cout << "NOT CONVERGED: " << r.reason << "\n";
  if (!f.json_file.empty()) {
    nlohmann::json j = ipistorm::study::fit_json(r, t);
    model::Config fitted = base;  // the base with the fitted value: ready to run
    fitted.params.set(t.param, r.value);
    j["config"] = model::to_json(fitted);
    j["provenance"] = model::provenance_json();
    write_json_file(f.json_file, j);
  }
  return r.converged ? 0 : 1;
}

// The README's parameter table, generated so that it cannot drift.
int cmd_params_markdown() {
  std::cout << "| name | value | unit | group | fitted | type | range | source |\n"
               "|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    std::cout << "| `" << p.name << "` | " << v << " | " << p.unit << " | " << p.group << " | "
              << (p.fitted ? "yes" : "") << " | " << model::type_name(p.type) << " | "
              << ipistorm::io::format_range(p.min, p.max) << " | " << p.source << " |\n";
  }
  return 0;
}

int cmd_params() {
  Table t({"name", "value", "unit", "group", "fitted", "type", "range", "source"});
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    t.row({p.name, v, p.unit, p.group, p.fitted ? "yes" : "", model::type_name(p.type),
           ipistorm::io::format_range(p.min, p.max), p.source});
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

  RunFlags fit_flags;
  auto* fitc = app.add_subcommand(
      "fit", "re-fit the one fitted cost (queue_work_us) to the pvops boot time (42 s)");
  add_run_flags(fitc, fit_flags, false);

  std::string topo_spec;
  double topo_ghz = 0;
  auto* top = app.add_subcommand("topology", "show what a topology spec resolves to");
  top->add_option("spec", topo_spec, "preset, hwloc XML file, synthetic string, or 'host'")
      ->required();
  top->add_option("--cpu-ghz", topo_ghz, "frequency override");

  bool markdown = false;
  auto* par = app.add_subcommand("params", "every cost parameter with value, unit and source");
  par->add_flag("--markdown", markdown, "print the table as Markdown (README)");

  ipistorm::cli::CompareOptions compare_opts;
  auto* cmp = ipistorm::cli::add_compare_command(app, compare_opts);
  ipistorm::cli::SweepOptions sweep_opts;
  auto* swp = ipistorm::cli::add_sweep_command(app, sweep_opts);

  std::unique_ptr<ipistorm::cli::LabCommands> lab = ipistorm::cli::add_lab_commands(app);

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
    if (*fitc) return cmd_fit(fit_flags);
    if (*top) return cmd_topology(topo_spec, topo_ghz);
    if (*par) return markdown ? cmd_params_markdown() : cmd_params();
    if (*cmp) return ipistorm::cli::run_compare(compare_opts);
    if (*swp) return ipistorm::cli::run_sweep_command(sweep_opts);
    if (int rc = 0; lab->dispatch(rc)) return rc;
  } catch (const InputError& e) {
    std::cerr << "ipistorm: error: " << e.what() << "\n";
    return 2;
  } catch (const ipistorm::model::SweepInterrupted&) {
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "ipistorm: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
