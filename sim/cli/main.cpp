// main.cpp: the `ipistorm` command line. Every subcommand is a row of
// subcommands() (cli/subcommand.hpp: name, help, setup, run), registered and
// dispatched the same way; those of one area live in their own file
// (sweep_commands: compare, sweep; lab_commands: calibrate, validate).
//   simulate   one run: every knob as a flag or in a JSON config, a table, --json
//   reproduce  the 2009 report's scenarios beside the report's figures
//   fit        re-fit the one fitted cost
//   topology   what a topology spec resolves to
//   params     every cost parameter with value, unit and source
// Bad input: one line on stderr, exit 2, no output file.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/lab_commands.hpp"
#include "cli/storm_command.hpp"
#include "cli/subcommand.hpp"
#include "cli/sweep_commands.hpp"
#include "cli/tables.hpp"
#include "cli/uncertainty_commands.hpp"
#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/files.hpp"
#include "io/number.hpp"
#include "ipistorm_version.hpp"  // generated: the version of CMake's project()
#include "model/kernels/kernel_policy.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/scenario.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "run/traced_run.hpp"
#include "run/world.hpp"
#include "study/fit.hpp"
#include "study/nativelink.hpp"
#include "study/reproduce.hpp"
#include "study/sweep.hpp"
#include "topology/topology.hpp"

namespace {

using ipistorm::InputError;
using ipistorm::cli::build_config;
using ipistorm::cli::check_writable;
using ipistorm::cli::fmt;
using ipistorm::cli::RunFlags;
using ipistorm::cli::Table;
using ipistorm::cli::write_json_file;
namespace model = ipistorm::model;
namespace topo = ipistorm::topo;

void print_result(const model::Result& r) {
  std::cout << "ipistorm simulate: " << r.config.kernel << ", " << r.config.strategy << ", "
            << r.config.dom0_vcpus << " dom0 vCPUs (" << r.config.placement << ") on "
            << r.config.topology << ", seed " << r.config.seed << "\n\n";
  Table t({"metric", "value", "unit"});
  // The metric table's simulate view; a latency in cycles shows its
  // microseconds beside the unit.
  for (const model::MetricSpec* m : model::metrics_in_view(model::View::kSimulate)) {
    std::string unit = m->unit;
    if (const char* beside = m->in(model::View::kSimulate)->beside)
      unit += " (" + ipistorm::cli::show(beside, r) + " " + model::metric(beside).unit + ")";
    t.row({m->label, ipistorm::cli::show(m->name, r), unit});
  }
  t.print(std::cout);
  std::cout << ipistorm::cli::clock_line(r);
  std::cout << "\n";
  ipistorm::cli::print_breakdown(std::cout, {"mean"}, {&r});
}

struct TraceFlags {
  std::string file;
  double from_s = 0, for_s = 0, max_mb = 256;
  CLI::Option *o_from{}, *o_for{}, *o_max{};
};

int cmd_simulate(const RunFlags& f, const TraceFlags& tf) {
  model::Config c = build_config(f);
  if (tf.file.empty() && (tf.o_from->count() || tf.o_for->count() || tf.o_max->count()))
    throw InputError("--trace-from, --trace-for and --trace-max-mb need --trace FILE");
  ipistorm::run::TraceRequest req;
  if (tf.o_from->count()) req.from_s = tf.from_s;
  if (tf.o_for->count()) req.for_s = tf.for_s;
  req.max_mb = tf.max_mb;
  if (!tf.file.empty()) ipistorm::run::check_trace_request(req);
  ipistorm::cli::check_outputs({{f.json_file, "--json"}, {tf.file, "--trace"}});
  if (tf.file.empty()) {
    model::Result r = model::run(c);
    print_result(r);
    if (!f.json_file.empty()) write_json_file(f.json_file, model::result_json(r));
    return 0;
  }
  ipistorm::run::TracedRun tr = ipistorm::run::run_traced(c, req);
  print_result(tr.result);
  if (!f.json_file.empty()) write_json_file(f.json_file, model::result_json(tr.result));
  ipistorm::cli::write_file_atomic(tf.file, tr.json, "--trace");
  std::cout << "\ntrace: " << tf.file << " (" << fmt(tr.from_s, 4) << " s + " << fmt(tr.for_s, 4)
            << " s, " << tr.ipi_flows << " IPIs; open it in ui.perfetto.dev)\n";
  return 0;
}

std::string fmt_figure(const std::string& name, double v) {
  return model::format_metric(model::figure_metric(name), v);
}

// Exit 0 when it ran, whatever the figures say (the table and its footer say
// that); with `check`, 1 while a figure is outside its tolerance.
// `reproduce --report nativelink-2026`: the 2026 storm beside its report.
int cmd_reproduce_nativelink(const RunFlags& f, int draws, bool check) {
  if (!f.config_file.empty() || !f.calibration_file.empty() || !f.topology.empty() ||
      !f.kernel.empty() || !f.strategy.empty() || !f.placement.empty() || f.dom0_vcpus != 0 ||
      !f.sets.empty())
    throw InputError(
        "--report nativelink-2026 runs its own machine and kernel (guest-255, linux-6.1); "
        "the 2009 report's flags (--config, --calibration, --topology, --kernel, --strategy, "
        "--placement, --dom0-vcpus, --set) do not apply to it");
  check_writable(f.json_file);
  const ipistorm::study::NativelinkResult r = ipistorm::study::reproduce_nativelink(draws, f.seed);
  std::cout << "ipistorm reproduce: nativelink issue 2607 (July 2026), fadvise(DONTNEED) per "
               "blob on a 255-vCPU guest, seed "
            << f.seed << "\nassumed:\n";
  for (const std::string& a : r.assumptions) std::cout << "  " << a << "\n";
  auto num = [](double v) { return fmt(v, v < 10 ? 2 : (v < 1000 ? 1 : 0)); };
  auto print = [&](const char* title, const std::vector<ipistorm::study::NativelinkRow>& rows,
                   bool with_report) {
    std::cout << "\n" << title << "\n";
    std::vector<std::string> head{"figure"};
    if (with_report) head.push_back("report");
    for (const char* h : {"model p50", "5th", "95th", "judged", "ok"}) head.emplace_back(h);
    Table t(head);
    for (const auto& x : rows) {
      std::vector<std::string> row{x.figure};
      if (with_report) row.push_back(x.report.empty() ? "-" : x.report);
      for (const std::string& c : {num(x.model.p50), num(x.model.p5), num(x.model.p95),
                                   x.judged.empty() ? std::string("-") : x.judged,
                                   std::string(x.judged.empty() ? "-" : (x.ok ? "yes" : "NO"))})
        row.push_back(c);
      t.row(row);
    }
    t.print(std::cout);
  };
  print("the report's figures, 64 workers (model: median and 5th..95th percentile of the draws)",
        r.figures, true);
  print("the ceiling: does 4x the workers retire 4x the blobs?", r.ceiling, false);
  print("the other blob paths, 64 workers", r.paths, false);
  if (r.draws < 20)
    std::cout << "\n(" << r.draws << " draws: the 5th and 95th percentiles are rough; "
              << "--draws 20 or more)\n";
  std::cout << (r.ok() ? "\nevery judged figure as the report describes it\n"
                       : "\nSOME FIGURES NOT AS THE REPORT DESCRIBES THEM\n");
  if (!f.json_file.empty()) write_json_file(f.json_file, ipistorm::study::nativelink_json(r));
  return check && !r.ok() ? 1 : 0;
}

int cmd_reproduce(const RunFlags& f, int jobs, const std::string& pvops_cx,
                  const ipistorm::cli::UncertaintyFlags& u, const std::string& csv_file, bool check,
                  const std::string& report, int draws) {
  if (report == "nativelink-2026") {
    if (u.given || !csv_file.empty())
      throw InputError(
          "--report nativelink-2026 gives bands of its own (--draws); --uncertainty "
          "and --csv apply to the 2009 report");
    return cmd_reproduce_nativelink(f, draws == 0 ? 20 : draws, check);
  }
  if (draws != 0) throw InputError("--draws applies to --report nativelink-2026");
  model::Config base = build_config(f);
  model::ReproOptions opts;
  opts.pvops_cx_uploaded = pvops_cx == "uploaded";
  if (check && u.given)
    throw InputError(
        "--check and --uncertainty do not go together: --check judges one run's figures");
  if (u.given)
    return ipistorm::cli::reproduce_uncertainty_command(base, opts, u, jobs, f.json_file, csv_file);
  if (!csv_file.empty()) throw InputError("reproduce writes --csv only with --uncertainty");
  check_writable(f.json_file);
  auto outcomes = model::run_reproduce(base, ipistorm::cli::resolve_jobs(jobs), opts);
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
  if (!outcomes.empty()) std::cout << ipistorm::cli::clock_line(outcomes.front().result);
  if (all) {
    std::cout << "\nevery figure within tolerance\n";
  } else {
    std::cout << "\nSOME FIGURES OUT OF TOLERANCE:\n";
    for (const auto& o : outcomes)
      for (const auto& fig : o.scenario.figures)
        if (!fig.ok) std::cout << "  " << o.scenario.name << ": " << fig.label << "\n";
    std::cout << "Why, and what the report's text cannot settle: README.md, section "
                 "\"Reproduction targets\"\n(README.md#reproduction-targets; installed: "
                 "/usr/share/doc/ipistorm/README.md).\n";
  }
  if (!f.json_file.empty()) write_json_file(f.json_file, model::reproduce_json(outcomes));
  return check && !all ? 1 : 0;
}

struct TopologyFlags {
  std::string spec, placement;
  double ghz = 0;
  int dom0_vcpus = 0, dm_vcpu = 0;
  bool json = false;
};

std::vector<int> smt_siblings(const topo::Topology& t, int i) {
  std::vector<int> sib;
  for (int j = 0; j < t.num_cpus(); ++j)
    if (j != i && t.distance(i, j) == topo::DistanceClass::kSameCore)
      sib.push_back(t.cpu(j).os_index);
  return sib;
}

// Where the dom0 vCPUs, the device model (qemu-dm) and, where the model has
// it, the vCPU its event channel notifies land for one placement.
struct PlacementMap {
  std::string placement;
  int vcpus = 0, dm_vcpu = 0, evtchn_vcpu = -1;
  std::vector<int> cpu_of_vcpu;  // OS CPU numbers
};

PlacementMap placement_map(const topo::Topology& t, const TopologyFlags& f) {
  PlacementMap m;
  const model::Config def;
  m.placement = f.placement.empty() ? def.placement : f.placement;
  m.vcpus = f.dom0_vcpus ? f.dom0_vcpus : t.num_cpus();
  if (m.vcpus < 1 || m.vcpus > t.num_cpus())
    throw InputError("--dom0-vcpus " + std::to_string(m.vcpus) + " is outside 1.." +
                     std::to_string(t.num_cpus()) + " (the CPUs of " + f.spec + ")");
  m.dm_vcpu = f.dm_vcpu;
  if (m.dm_vcpu < 0 || m.dm_vcpu >= m.vcpus)
    throw InputError("--dm-vcpu " + std::to_string(m.dm_vcpu) + " is outside 0.." +
                     std::to_string(m.vcpus - 1));
  for (int i : model::place_vcpus(t, m.vcpus, m.placement))
    m.cpu_of_vcpu.push_back(t.cpu(i).os_index);
  if (model::find_param("dm_evtchn_vcpu")) {
    const int v = static_cast<int>(model::ParamValues().get("dm_evtchn_vcpu"));
    if (v < m.vcpus) m.evtchn_vcpu = v;
  }
  return m;
}

nlohmann::json topology_json(const topo::Topology& t, const TopologyFlags& f,
                             const PlacementMap& m) {
  nlohmann::json cpus = nlohmann::json::array();
  for (int i = 0; i < t.num_cpus(); ++i) {
    const auto& c = t.cpu(i);
    cpus.push_back({{"os_index", c.os_index},
                    {"package", c.package},
                    {"core", c.core},
                    {"numa", c.numa},
                    {"smt_siblings", smt_siblings(t, i)}});
  }
  nlohmann::json counts = nlohmann::json::object();
  const char* names[] = {"same_cpu", "same_core", "same_package", "other_package"};
  int n[topo::kDistanceClasses] = {};
  for (int j = 0; j < t.num_cpus(); ++j) ++n[static_cast<int>(t.distance(0, j))];
  for (int k = 1; k < topo::kDistanceClasses; ++k) counts[names[k]] = n[k];
  nlohmann::json vmap = nlohmann::json::array();
  for (int v = 0; v < m.vcpus; ++v) vmap.push_back({{"vcpu", v}, {"cpu", m.cpu_of_vcpu[v]}});
  nlohmann::json place = {{"placement", m.placement},
                          {"dom0_vcpus", m.vcpus},
                          {"vcpu_to_cpu", vmap},
                          {"dm_vcpu", m.dm_vcpu},
                          {"dm_cpu", m.cpu_of_vcpu[m.dm_vcpu]}};
  if (m.evtchn_vcpu >= 0) {
    place["evtchn_vcpu"] = m.evtchn_vcpu;
    place["evtchn_cpu"] = m.cpu_of_vcpu[m.evtchn_vcpu];
  }
  return {{"spec", f.spec},
          {"kind", t.kind()},
          {"description", t.description()},
          {"num_cpus", t.num_cpus()},
          {"num_cores", t.num_cores()},
          {"num_packages", t.num_packages()},
          {"num_numa_nodes", t.num_numa_nodes()},
          {"ghz", t.ghz()},
          {"ghz_source", t.ghz_source()},
          {"numa_distances", t.numa_matrix()},
          {"numa_distances_from_file", t.numa_distances_from_file()},
          {"cpus", cpus},
          {"distance_counts_from_cpu0", counts},
          {"dom0", place},
          {"provenance", model::provenance_json()}};
}

int cmd_topology(const TopologyFlags& f) {
  topo::Topology t = topo::Topology::load(f.spec);
  if (f.ghz > 0) t.set_ghz(f.ghz);
  const PlacementMap m = placement_map(t, f);
  if (f.json) {
    std::cout << topology_json(t, f, m).dump(2) << "\n";
    return 0;
  }
  std::cout << "topology " << f.spec << " (" << t.kind() << "): " << t.description() << "\n";
  std::cout << "  CPUs " << t.num_cpus() << ", cores " << t.num_cores() << ", packages "
            << t.num_packages() << ", NUMA nodes " << t.num_numa_nodes() << ", " << fmt(t.ghz(), 2)
            << " GHz";
  if (const std::string note = ipistorm::cli::clock_note(t.ghz(), t.ghz_assumed()); !note.empty())
    std::cout << " " << note;
  std::cout << "\n";
  std::cout << "  NUMA distances ("
            << (t.numa_distances_from_file() ? "from the topology" : "default: 10 local, 21 remote")
            << "):\n";
  for (const auto& row : t.numa_matrix()) {
    std::cout << "   ";
    for (int d : row) std::cout << " " << d;
    std::cout << "\n";
  }
  // Which dom0 vCPU (if any) runs on each CPU under this placement.
  std::vector<std::string> on_cpu(static_cast<std::size_t>(t.num_cpus()));
  for (int v = 0; v < m.vcpus; ++v)
    for (int i = 0; i < t.num_cpus(); ++i)
      if (t.cpu(i).os_index == m.cpu_of_vcpu[v]) {
        std::string tag = "vCPU " + std::to_string(v);
        if (v == m.dm_vcpu) tag += " (qemu-dm)";
        if (v == m.evtchn_vcpu && m.evtchn_vcpu != m.dm_vcpu) tag += " (ioreq event)";
        on_cpu[static_cast<std::size_t>(i)] = tag;
      }
  std::cout << "  CPU  package  core  numa  SMT siblings  dom0 (" << m.placement << ", " << m.vcpus
            << " vCPUs)\n";
  for (int i = 0; i < t.num_cpus(); ++i) {
    const auto& c = t.cpu(i);
    std::string sib;
    for (int s : smt_siblings(t, i)) sib += (sib.empty() ? "" : ",") + std::to_string(s);
    const std::string& tag = on_cpu[static_cast<std::size_t>(i)];
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %3d  %7d  %4d  %4d  %-12s  %s\n", c.os_index, c.package,
                  c.core, c.numa, sib.empty() ? "-" : sib.c_str(), tag.empty() ? "-" : tag.c_str());
    std::cout << buf;
  }
  // Distance classes seen from CPU 0.
  int counts[topo::kDistanceClasses] = {};
  for (int j = 0; j < t.num_cpus(); ++j) ++counts[static_cast<int>(t.distance(0, j))];
  std::cout << "  from CPU " << t.cpu(0).os_index << ": same_core " << counts[1]
            << ", same_package " << counts[2] << ", other_package " << counts[3] << "\n";
  std::string map = "  vCPU -> CPU (" + m.placement + "):";
  for (int v = 0; v < m.vcpus; ++v)
    map += " " + std::to_string(v) + "->" + std::to_string(m.cpu_of_vcpu[v]);
  std::cout << ipistorm::cli::wrap(map, "    ");
  std::cout << "  device model (qemu-dm): vCPU " << m.dm_vcpu << " on CPU "
            << m.cpu_of_vcpu[m.dm_vcpu] << "\n";
  if (m.evtchn_vcpu >= 0)
    std::cout << "  ioreq event channel notifies vCPU " << m.evtchn_vcpu << " on CPU "
              << m.cpu_of_vcpu[m.evtchn_vcpu] << " (dm_evtchn_vcpu)\n";
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

// "log-uniform [0.2, 0.8]", or "" for a row without a plausible range.
std::string plausible(const model::ParamSpec& p) {
  if (p.range.empty()) return "";
  return std::string(model::distribution_name(p.range.distribution)) + " " +
         ipistorm::io::format_range(p.range.low, p.range.high);
}

// `ipistorm sensitivity ARGS`: the Python module ipistorm.sensitivity
// (OpenTURNS) under Debian's /usr/bin/python3, with the package of this build
// (<bin>/../python) first on PYTHONPATH. It prints the ranked table itself.
int cmd_sensitivity(const std::vector<std::string>& args) {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir = dir.substr(0, dir.rfind('/'));
    const std::string py = dir + "/../python";
    if (access((py + "/ipistorm/sensitivity.py").c_str(), R_OK) == 0) {
      const char* old = std::getenv("PYTHONPATH");
      const std::string path = py + (old && *old ? ":" + std::string(old) : "");
      setenv("PYTHONPATH", path.c_str(), 1);
    }
  }
  std::vector<std::string> argv_s = {
      "python3", "-c",
      "import sys; from ipistorm.sensitivity import main; sys.exit(main(sys.argv[1:]))"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv("/usr/bin/python3", argv.data());
  throw InputError("cannot run /usr/bin/python3 for 'ipistorm sensitivity' (python3-openturns)");
}

// The README's parameter table, generated so that it cannot drift.
int cmd_params_markdown() {
  std::cout
      << "| name | value | unit | group | fitted | type | accepted | plausible | range source "
         "| source |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    std::cout << "| `" << p.name << "` | " << v << " | " << p.unit << " | " << p.group << " | "
              << (p.fitted ? "yes" : "") << " | " << model::type_name(p.type) << " | "
              << ipistorm::io::format_range(p.min, p.max) << " | " << plausible(p) << " | "
              << p.range.source << " | " << p.source << " |\n";
  }
  return 0;
}

// params --json: every row, the plausible range as "range": [low, high]
// (null without one), "distribution" and "range_source".
int cmd_params_json(const std::string& path) {
  check_writable(path);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : model::param_specs()) {
    const bool has = !p.range.empty();
    rows.push_back({{"name", p.name},
                    {"value", p.value},
                    {"unit", p.unit},
                    {"group", p.group},
                    {"fitted", p.fitted},
                    {"type", model::type_name(p.type)},
                    {"accepted", {p.min, p.max}},
                    {"field", p.field},
                    {"source", p.source},
                    {"range", has ? nlohmann::json{p.range.low, p.range.high} : nlohmann::json()},
                    {"distribution", model::distribution_name(p.range.distribution)},
                    {"range_source", p.range.source}});
  }
  write_json_file(path, {{"params", rows}, {"provenance", model::provenance_json()}});
  return 0;
}

int cmd_params() {
  // 100 columns: the source, cut to fit, beside the value; --wide: every column.
  const bool wide = ipistorm::cli::table_width() == 0;
  Table t(wide ? std::vector<std::string>{"name", "value", "unit", "group", "fitted", "type",
                                          "accepted", "plausible", "source"}
               : std::vector<std::string>{"name", "value", "unit", "fitted", "source", "group",
                                          "type", "accepted", "plausible"});
  for (const auto& p : model::param_specs()) {
    char v[64];
    std::snprintf(v, sizeof v, "%g", p.value);
    const std::string fitted = p.fitted ? "yes" : "", type = model::type_name(p.type),
                      accepted = ipistorm::io::format_range(p.min, p.max);
    if (wide)
      t.row({p.name, v, p.unit, p.group, fitted, type, accepted, plausible(p), p.source});
    else
      t.row({p.name, v, p.unit, fitted, p.source, p.group, type, accepted, plausible(p)});
  }
  if (!wide) t.clip(4);
  t.print(std::cout);
  std::string kernels = "kernels:", strategies = "strategies:", presets = "topology presets:",
              placements = "placements:";
  for (const auto& k : model::kernel_policies()) kernels += " " + std::string(k.name);
  for (const auto& s : model::strategies()) strategies += " " + std::string(s.name);
  for (const auto& p : topo::presets()) presets += " " + std::string(p.name);
  for (const auto& p : model::placement_names()) placements += " " + std::string(p);
  std::cout << "\n"
            << ipistorm::cli::wrap(kernels, "  ") << ipistorm::cli::wrap(strategies, "  ")
            << ipistorm::cli::wrap(presets, "  ") << ipistorm::cli::wrap(placements, "  ");
  return 0;
}

// A mistyped subcommand or --flag: one line naming the closest name, the
// same hint the Python module gives ("" when every name is known).
std::string typo_hint(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::vector<std::string> subs;
  CLI::App* sub = nullptr;
  for (auto* c : app.get_subcommands([](CLI::App*) { return true; })) {
    subs.push_back(c->get_name());
    if (c->get_name() == argv[1]) sub = c;
  }
  if (!sub) return ipistorm::unknown_name_message("subcommand", argv[1], subs);
  if (sub->get_prefix_command()) return "";  // its flags are another program's (sensitivity)
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.rfind("--", 0) != 0 || a.size() < 3) continue;
    const std::string flag = a.substr(0, a.find('='));
    if (flag == "--help" || sub->get_option_no_throw(flag)) continue;
    std::vector<std::string> flags;
    for (const auto* o : sub->get_options())
      for (const auto& l : o->get_lnames()) flags.push_back("--" + l);
    const std::string close = ipistorm::closest_name(flag, flags);
    return "unknown option '" + flag + "' of 'ipistorm " + sub->get_name() + "' (" +
           (close.empty() ? "" : "did you mean '" + close + "'? ") + "see 'ipistorm " +
           sub->get_name() + " --help')";
  }
  return "";
}

// ---- the subcommand table -------------------------------------------------

using ipistorm::cli::set_help;
using ipistorm::cli::Subcommand;

Subcommand simulate_command() {
  struct Flags {
    RunFlags run;
    TraceFlags trace;
  };
  auto f = std::make_shared<Flags>();
  return {"simulate", "run one scenario and print its metrics",
          [f](CLI::App& cmd) {
            add_run_flags(&cmd, f->run, true);
            TraceFlags& tf = f->trace;
            cmd.add_option("--trace", tf.file,
                           "write a Trace Event Format timeline of a window of the run "
                           "(ui.perfetto.dev; '-': stdout)");
            tf.o_from = cmd.add_option("--trace-from", tf.from_s,
                                       "trace window start, s of simulated time (default: "
                                       "inside the densest second)")
                            ->check(ipistorm::cli::decimal_real());
            tf.o_for =
                cmd.add_option("--trace-for", tf.for_s, "trace window length, s (default 0.005)")
                    ->check(ipistorm::cli::decimal_real());
            tf.o_max = cmd.add_option("--trace-max-mb", tf.max_mb,
                                      "refuse a trace larger than this (MiB, default 256)")
                           ->check(ipistorm::cli::decimal_real());
            set_help(&cmd, {true, true, true, true},
                     {"ipistorm simulate --kernel linux-2.6.31-pvops --dom0-vcpus 4",
                      "ipistorm simulate --strategy hcall-buffer-cache --set evtchn_send_us=2 "
                      "--json run.json"});
          },
          [f](CLI::App&) { return cmd_simulate(f->run, f->trace); }};
}

Subcommand reproduce_command() {
  struct Flags {
    RunFlags run;
    int jobs = 0;
    ipistorm::cli::UncertaintyFlags uncertainty;
    std::string csv, pvops_cx = "uploaded", report = "xen-devel-2009";
    int draws = 0;  // 0: not given (nativelink-2026 then draws 20)
    bool check = false;
  };
  auto f = std::make_shared<Flags>();
  return {
      "reproduce", "the report's scenarios beside the report's figures",
      [f](CLI::App& cmd) {
        add_run_flags(&cmd, f->run, false);
        cmd.add_option("-j,--jobs", f->jobs,
                       "threads (default: all cores); output does not depend on it")
            ->transform(ipistorm::cli::jobs_check());
        ipistorm::cli::add_uncertainty_flags(&cmd, f->uncertainty);
        cmd.add_option("--csv", f->csv, "with --uncertainty: one row per sample (costs, figures)");
        cmd.add_option("--pvops-cx", f->pvops_cx,
                       "did the pvops dom0 upload ACPI Cx data to Xen? 'uploaded' (default: "
                       "C1-C6 as for 2.6.18) or 'none' (Xen 3.4 then uses C1 only)")
            ->check(CLI::IsMember({"uploaded", "none"}));
        cmd.add_flag("--check", f->check,
                     "exit 1 when a figure is outside its tolerance (tests, scripts)");
        cmd.add_option("--report", f->report,
                       "xen-devel-2009 (default: the pvops dom0 slow HVM boot) or nativelink-2026 "
                       "(fadvise per blob on a 255-vCPU guest)")
            ->check(CLI::IsMember({"xen-devel-2009", "nativelink-2026"}));
        cmd.add_option(
               "--draws", f->draws,
               "nativelink-2026: draws of its unknowns, 2..1000 (default 20, a few seconds)")
            ->check(ipistorm::cli::decimal_integer());
        set_help(&cmd, {false, false, true, true, "with --check, a figure outside its tolerance"},
                 {"ipistorm reproduce", "ipistorm reproduce --check -j 2",
                  "ipistorm reproduce --topology nehalem-ex --json repro.json",
                  "ipistorm reproduce --report nativelink-2026 --draws 20"});
      },
      [f](CLI::App&) {
        return cmd_reproduce(f->run, f->jobs, f->pvops_cx, f->uncertainty, f->csv, f->check,
                             f->report, f->draws);
      }};
}

Subcommand sensitivity_command() {
  return {"sensitivity",
          "Sobol' indices (OpenTURNS) of a reproduce figure over the chosen costs; see "
          "'ipistorm sensitivity --help'",
          [](CLI::App& cmd) {
            cmd.prefix_command();  // every argument goes to the Python module
            cmd.set_help_flag();
          },
          [](CLI::App& cmd) { return cmd_sensitivity(cmd.remaining()); }};
}

Subcommand fit_command() {
  auto f = std::make_shared<RunFlags>();
  return {"fit", "re-fit the one fitted cost (queue_work_us) to the pvops boot time (42 s)",
          [f](CLI::App& cmd) {
            add_run_flags(&cmd, *f, false);
            set_help(&cmd, {false, false, true, true, "the fit did not converge"},
                     {"ipistorm fit", "ipistorm fit --set evtchn_send_us=2 --json fit.json"});
          },
          [f](CLI::App&) { return cmd_fit(*f); }};
}

Subcommand topology_command() {
  auto f = std::make_shared<TopologyFlags>();
  return {"topology", "show what a topology spec resolves to and where dom0's vCPUs land on it",
          [f](CLI::App& cmd) {
            cmd.add_option("spec", f->spec, "preset, hwloc XML file, synthetic string, or 'host'")
                ->required();
            cmd.add_option("--cpu-ghz", f->ghz, "frequency override (default: the topology's)")
                ->check(ipistorm::cli::decimal_real())
                ->check(CLI::Range(ipistorm::model::kMinGhz, ipistorm::model::kMaxGhz));
            cmd.add_option("--dom0-vcpus", f->dom0_vcpus, "dom0 vCPUs to place (default: all CPUs)")
                ->transform(ipistorm::cli::decimal_integer())
                ->check(CLI::Range(1, topo::kMaxCpus));
            cmd.add_option("--placement", f->placement,
                           "placement of the vCPUs (default " + model::Config().placement + ")");
            cmd.add_option("--dm-vcpu", f->dm_vcpu, "vCPU of the device model (default 0)")
                ->transform(ipistorm::cli::decimal_integer());
            cmd.add_flag("--json", f->json, "print the topology and the placement map as JSON");
            set_help(&cmd, {false, false, true, true},
                     {"ipistorm topology nehalem-ep --dom0-vcpus 4 --placement spread",
                      "ipistorm topology \"pack:2 [numa] core:4 pu:2\" --json"});
          },
          [f](CLI::App&) { return cmd_topology(*f); }};
}

Subcommand params_command() {
  struct Flags {
    bool markdown = false;
    std::string json;
  };
  auto f = std::make_shared<Flags>();
  return {"params", "every cost parameter with value, unit and source",
          [f](CLI::App& cmd) {
            cmd.add_flag("--markdown", f->markdown,
                         "print the table as Markdown (docs/parameters.md)");
            cmd.add_option("--json", f->json,
                           "write every row as JSON (plausible range: \"range\", "
                           "\"distribution\", \"range_source\")");
            set_help(&cmd, {}, {"ipistorm params", "ipistorm params --markdown > params.md"});
          },
          [f](CLI::App&) {
            if (!f->json.empty()) cmd_params_json(f->json);
            return f->markdown ? cmd_params_markdown() : cmd_params();
          }};
}

// Every subcommand, in the order `ipistorm --help` lists them.
std::vector<Subcommand> subcommands() {
  return {simulate_command(),
          reproduce_command(),
          sensitivity_command(),
          fit_command(),
          topology_command(),
          params_command(),
          ipistorm::cli::compare_command(),
          ipistorm::cli::sweep_command(),
          ipistorm::cli::calibrate_command(),
          ipistorm::cli::validate_command(),
          ipistorm::cli::storm_command()};
}

}  // namespace

namespace {

int run_main(int argc, char** argv) {
  CLI::App app{"ipistorm: the mlock -> lru_add_drain_all IPI storm of a Xen pvops dom0, simulated"};
  app.require_subcommand(1);
  // Wide enough for the longest flag and its type ("--trace-max-mb FLOAT:NUMBER"), so
  // that every description starts in its own column (help2man reads them so).
  app.get_formatter()->column_width(34);
  app.set_version_flag("--version", "ipistorm " IPISTORM_VERSION);  // CMake's project() version
  set_help(&app, {},
           {"ipistorm reproduce", "ipistorm simulate --kernel linux-2.6.18-xen",
            "ipistorm SUBCOMMAND --help   (names, defaults and examples)"});
  const std::vector<Subcommand> table = subcommands();
  std::vector<CLI::App*> apps;
  for (const Subcommand& s : table) {
    apps.push_back(app.add_subcommand(s.name, s.help));
    s.setup(*apps.back());
    // Every table fits 100 columns unless asked (compare's --wide also widens its CSV).
    if (!apps.back()->get_prefix_command() && !apps.back()->get_option_no_throw("--wide"))
      apps.back()->add_flag("--wide", "print tables at full width (default: they fit 100 columns)");
  }

  if (const std::string hint = typo_hint(app, argc, argv); !hint.empty()) {
    std::cerr << "ipistorm: error: " << hint << "\n";
    return 2;
  }
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
  // No flag takes an empty value (#24 point 2): '--json ""' or '--config ""'
  // read as the flag not given, and the run went on without it.
  for (CLI::App* sub : apps) {
    if (!*sub || sub->get_prefix_command()) continue;
    for (const CLI::Option* opt : sub->get_options()) {
      if (!opt->nonpositional() || opt->get_type_size_min() == 0 || opt->count() == 0) continue;
      for (const std::string& v : opt->results())
        if (v.empty()) {
          std::cerr << "ipistorm: error: " << opt->get_name() << " is empty; give it a value "
                    << "(or leave the flag out)\n";
          return 2;
        }
    }
  }
  try {
    const ipistorm::io::InputLedger inputs;  // outputs never replace what the command reads
    for (std::size_t k = 0; k < table.size(); ++k) {
      if (!*apps[k]) continue;
      if (const auto* wide = apps[k]->get_option_no_throw("--wide"); wide && wide->count())
        ipistorm::cli::set_table_width(0);
      return table[k].run(*apps[k]);
    }
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

}  // namespace

int main(int argc, char** argv) {
  ipistorm::io::remove_temporaries_on_fatal_signals();  // no .tmp left by a signal
  ipistorm::topo::ask_hwloc_for_reasons();              // hwloc's diagnostics, in one line
  const int rc = run_main(argc, argv);
  // A result nobody could read is not a success (`ipistorm params > /dev/full`).
  if (!ipistorm::io::flush_stdout()) {
    std::cerr << "ipistorm: error: cannot write standard output\n";
    return rc == 0 ? 1 : rc;
  }
  return rc;
}
