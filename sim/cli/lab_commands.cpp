// lab_commands.cpp: the subcommands that work on a lab run directory of
// ipistorm-bench (bench/lab-run writes one: bench.json, lstopo.xml,
// metadata.json, ...).
//   calibrate RUN_DIR   fit the model's IPI, wake-up and syscall costs to the
//                       run's benchmarks; write RUN_DIR/calibration.json
//                       ({"params", "fit", "provenance"}) and print the fit
//   validate RUN_DIR    simulate every other benchmark of the run the model
//                       can express (strategies, schedule_on_each_cpu) on the
//                       run's topology with that calibration; print predicted
//                       vs measured with each repetition CV; write
//                       RUN_DIR/validation.json; exit 1 unless the verdict is
//                       "met" (validate.hpp: judged against the noise)
#include "cli/lab_commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "calibration/bench_results.hpp"
#include "calibration/calibrate.hpp"
#include "calibration/validate.hpp"
#include "calibration/vlab.hpp"
#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "run/calibration_file.hpp"
#include "run/report.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {
namespace {

using nlohmann::json;
namespace cal = ipistorm::calibration;

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void require_run_dir(const std::string& dir) {
  if (!is_dir(dir)) throw InputError("run directory '" + dir + "' is not a directory");
}

// `path` as the run's files name it: relative to the run directory, so that
// a run's JSON holds no absolute path and reads the same wherever the run is
// checked out. A name that is no file (a topology preset) stays as it is.
std::string relative_to_run(const std::string& path, const std::string& run_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return path;
  const fs::path rel =
      fs::relative(fs::weakly_canonical(path, ec), fs::weakly_canonical(run_dir, ec), ec);
  return ec || rel.empty() ? fs::path(path).filename().string() : rel.generic_string();
}

// An output of a lab command: a regular file or nothing yet (a device,
// FIFO, directory or link is refused before any work), and none of the
// command's inputs (the one check, io/files.hpp).
void check_output(const std::string& out, const std::string& flag,
                  const std::vector<std::pair<std::string, std::string>>& inputs) {
  for (const auto& [path, what] : inputs) io::note_input(path, what);
  check_writable(out, flag);
}

// A context value as text (the bench writes strings; a hand-edited file may not).
std::string context_text(const json& ctx, const char* key, const std::string& fallback) {
  auto it = ctx.find(key);
  if (it == ctx.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : cal::show_value(*it);
}

std::string pct(double rel) { return (rel >= 0 ? "+" : "") + fmt(100 * rel, 1) + "%"; }

// Where a run's numbers came from: its metadata and the bench context. No
// time stamp and no absolute path: re-running on a committed run rewrites
// the same bytes (given the same build), so `git status` stays clean.
json run_provenance(const std::string& run_dir, const cal::BenchResults& r,
                    const std::string& bench_path) {
  json p = {{"run_dir", "."}, {"bench_json", relative_to_run(bench_path, run_dir)}};
  const std::string meta = run_dir + "/metadata.json";
  if (is_file(meta)) {
    // The run's own record, by reference, with the fields that say what ran.
    const json m = cal::parse_json_text(cal::read_input_file(meta, "run metadata"),
                                        "run metadata '" + meta + "'");
    if (!m.is_object()) throw InputError("run metadata '" + meta + "' is not a JSON object");
    json keep = {{"file", "metadata.json"}};
    for (const char* k :
         {"name", "host", "date_utc", "git_commit", "repetitions", "min_time_s", "warmup_s",
          "quick", "filter", "numactl", "nice", "load_before", "load_after"})
      if (m.contains(k)) keep[k] = m[k];
    p["run_metadata"] = keep;
  }
  json ctx = json::object();
  for (const char* k : {"date", "host_name", "num_cpus", "kernel_release", "cpu_model",
                        "hypervisor", "hwloc_topology", "cpus_by_distance", "home_cpu",
                        "cpuidle_driver", "hypercall_path", "rlimit_memlock", "ipistorm_commit"})
    if (r.context.contains(k)) ctx[k] = r.context[k];
  p["bench_context"] = ctx;
  // The tool's version, but not its host (not the run's machine) nor its git
  // commit: the run's commit is in run_metadata, and a later build that
  // predicts the same numbers must rewrite the same bytes.
  p["tool"] = {{"version", run::provenance_json().value("version", "")}};
  return p;
}

struct CalibrateArgs {
  std::string run_dir, bench, out;
};

int run_calibrate(const CalibrateArgs& a) {
  require_run_dir(a.run_dir);
  const std::string bench = a.bench.empty() ? a.run_dir + "/bench.json" : a.bench;
  const std::string out = a.out.empty() ? a.run_dir + "/calibration.json" : a.out;
  check_output(out, "--out",
               {{bench, "benchmark results"}, {a.run_dir + "/metadata.json", "run metadata"}});
  const cal::BenchResults r = cal::read_bench_results(bench);
  const cal::Calibration c = cal::calibrate(r);
  const json doc = cal::calibration_json(c, run_provenance(a.run_dir, r, bench));

  // Everything is computed and formatted before the file is written: an
  // error leaves no calibration.json behind.
  std::ostringstream os;
  os << "ipistorm calibrate: " << a.run_dir << " ("
     << context_text(r.context, "cpu_model", "unknown CPU") << ", "
     << context_text(r.context, "hypervisor", "?") << ")\n"
     << "fitted on the declared subset only: syscall/, wake/pingpong/, fanout/membarrier/,\n"
     << "strategy/no-lock/bytes:64|4096/load:idle\n\n";
  report::Rows t{{"parameter", "value", "default", "unit", "rule"}, {}};
  for (const auto& p : c.params) {
    char v[32], d[32];
    std::snprintf(v, sizeof v, "%.3f", p.value);
    std::snprintf(d, sizeof d, "%g", p.default_value);
    t.add_text({p.name, v + std::string(p.clamped ? " (clamped)" : ""), d, p.unit, p.rule});
  }
  os << report::to_table(t);
  if (!c.not_fitted.empty()) {
    os << "\nkept at default:\n";
    for (const auto& [name, why] : c.not_fitted) os << "  " << name << ": " << why << "\n";
  }
  os << "\n";
  report::Rows o{{"observation", "quantity", "measured us", "model us", "error", "rep. CV"}, {}};
  for (const auto& x : c.observations)
    o.add_text({x.benchmark, x.quantity, fmt(x.measured_us, 3), fmt(x.model_us, 3),
                pct(x.rel_error()), fmt(100 * x.cv, 1) + "%"});
  os << report::to_table(o);
  os << "\nfit error: rms " << fmt(100 * c.rms_rel_error, 1) << "%, max "
     << fmt(100 * c.max_rel_error, 1) << "% over " << c.observations.size()
     << " observations\nwrote " << out << "\n";
  report::write(doc, out, "--out");
  std::cout << os.str();
  return 0;
}

struct ValidateArgs {
  std::string run_dir, calibration, topology, json_out;
  std::uint64_t seed = 1;
};

// "measured / predicted" for a class's count: "1 / 1", "0.95 / 1",
// "-0.2..0 / 0" (a range over the class's CPUs).
std::string vlab_cell(double lo, double hi, double plo, double phi) {
  auto range = [](double a, double b) {
    auto num = [](double x) {
      std::string t = fmt(x, 2);
      while (t.find('.') != std::string::npos && (t.back() == '0' || t.back() == '.')) {
        const bool dot = t.back() == '.';
        t.pop_back();
        if (dot) break;
      }
      return t == "-0" ? std::string("0") : t;
    };
    return num(a) == num(b) ? num(a) : num(a) + ".." + num(b);
  };
  return range(lo, hi) + " / " + range(plo, phi);
}

// A virtual-lab run (bench/vlab): the same layout and trigger on the Linux
// 6.x model, measured against predicted per CPU class.
int run_validate_vlab(const ValidateArgs& a) {
  if (!a.calibration.empty())
    throw InputError("--calibration applies to lab-run runs; " + a.run_dir +
                     " is a virtual-lab run, whose counts depend on no cost");
  const std::string topo_spec = a.topology.empty() ? a.run_dir + "/topology.xml" : a.topology;
  const std::string out = a.json_out.empty() ? a.run_dir + "/validation.json" : a.json_out;
  check_output(out, "--json",
               {{topo_spec, "topology file"},
                {a.run_dir + "/counts.json", "vlab counts"},
                {a.run_dir + "/metadata.json", "run metadata"}});
  const topo::Topology topology = topo::Topology::load(topo_spec);
  const cal::VlabRun run = cal::read_vlab_run(a.run_dir, topology);
  const cal::VlabValidation v = cal::validate_vlab(run, topology, model::ParamValues{});
  json doc = cal::vlab_validation_json(run, v);
  doc["provenance"] = {{"run_dir", "."},
                       {"topology", relative_to_run(topo_spec, a.run_dir)},
                       {"tool", {{"version", run::provenance_json().value("version", "")}}}};

  std::ostringstream os;
  os << "ipistorm validate: " << a.run_dir << "\nvirtual lab: Linux " << run.kernel_release
     << " under QEMU/TCG, " << topology.num_cpus() << " CPUs (" << topology.description()
     << "), trigger " << run.trigger << ", " << run.calls << " calls; kernel preset " << v.kernel
     << "\nper CPU per call, measured / predicted (a range spans the class's CPUs)\n\n";
  report::Rows t{{"class", "CPUs", "work items", "RES", "CAL", "TLB", "IWI", "verdict"}, {}};
  for (const cal::VlabClassResult& r : v.classes) {
    // As a cpulist: "8-31,40".
    std::string cpus;
    for (std::size_t i = 0; i < r.cpus.size();) {
      std::size_t j = i;
      while (j + 1 < r.cpus.size() && r.cpus[j + 1] == r.cpus[j] + 1) ++j;
      cpus += (cpus.empty() ? "" : ",") + std::to_string(r.cpus[i]) +
              (j > i ? "-" + std::to_string(r.cpus[j]) : "");
      i = j + 1;
    }
    std::vector<std::string> row{r.cls, cpus};
    for (int q = 0; q < 5; ++q)
      row.push_back(
          vlab_cell(r.measured_min[q], r.measured_max[q], r.predicted_min[q], r.predicted_max[q]));
    row.push_back(r.verdict);
    t.add_text(row);
  }
  os << report::to_table(t);
  for (const cal::VlabClassResult& r : v.classes)
    if (!r.why.empty()) os << r.cls << ": " << r.verdict << ": " << r.why << "\n";
  os << "\nbounds: work items exact; RES and CAL exact where the kernel decides them alone (busy, "
        "empty or isolated CPUs); the rest within "
     << fmt(cal::kVlabTolerance, 2) << " per CPU per call\nverdict: " << (v.met ? "met" : "not met")
     << "\nwrote " << out << "\n";
  report::write(doc, out, "--json");
  std::cout << os.str();
  return v.met ? 0 : 1;
}

int run_validate(const ValidateArgs& given) {
  ValidateArgs a = given;
  while (a.run_dir.size() > 1 && a.run_dir.back() == '/') a.run_dir.pop_back();
  require_run_dir(a.run_dir);
  if (cal::is_vlab_run(a.run_dir)) return run_validate_vlab(a);
  const std::string cal_path =
      a.calibration.empty() ? a.run_dir + "/calibration.json" : a.calibration;
  const std::string topo_spec = a.topology.empty() ? a.run_dir + "/lstopo.xml" : a.topology;
  const std::string out = a.json_out.empty() ? a.run_dir + "/validation.json" : a.json_out;
  check_output(out, "--json",
               {{cal_path, "calibration file"},
                {topo_spec, "topology file"},
                {a.run_dir + "/bench.json", "benchmark results"},
                {a.run_dir + "/metadata.json", "run metadata"}});
  model::ParamValues params;
  for (const auto& [name, v] : run::read_calibration(cal_path)) params.set(name, v);
  const std::string bench = a.run_dir + "/bench.json";
  const cal::BenchResults r = cal::read_bench_results(bench);
  const topo::Topology topology = topo::Topology::load(topo_spec);
  const cal::Validation v = cal::validate(r, topology, params, a.seed);

  json prov = run_provenance(a.run_dir, r, bench);
  prov["calibration"] = relative_to_run(cal_path, a.run_dir);
  prov["topology"] = relative_to_run(topo_spec, a.run_dir);
  prov["seed"] = a.seed;
  const json doc = cal::validation_json(v, prov);

  std::ostringstream os;
  os << "ipistorm validate: " << a.run_dir << " on " << topology.description() << " ("
     << topology.num_cpus() << " CPUs), calibration " << relative_to_run(cal_path, a.run_dir)
     << ", seed " << a.seed << ", kernel preset " << v.kernel
     << "\nscored: every benchmark outside calibrate's subset that the model can express\n\n";
  report::Rows t{{"benchmark", "k", "measured us", "predicted us", "error", "rep. CV", "in noise",
                  "IPIs/op measured", "IPIs/op model"},
                 {}};
  for (const auto& row : v.rows)
    t.add_text({row.benchmark, std::to_string(row.k), fmt(row.measured_us, 2),
                fmt(row.predicted_us, 2), pct(row.rel_error()), fmt(100 * row.cv, 1) + "%",
                row.within_noise() ? "yes" : "no",
                row.measured_ipis ? fmt(*row.measured_ipis, 2) : "-", fmt(row.predicted_ipis, 2)});
  os << report::to_table(t);
  for (const auto& [name, why] : v.not_expressible)
    os << "not expressible " << name << ": " << why << "\n";
  for (const auto& [name, why] : v.skipped) os << "skipped " << name << ": " << why << "\n";
  os << "\n"
     << v.rows.size() << " benchmarks; median |relative error| "
     << fmt(100 * v.median_abs_rel_error, 1) << "%, median repetition CV "
     << fmt(100 * v.median_cv, 1) << "%, " << v.within_noise << " of " << v.rows.size()
     << " within 2 CV of the measurement\n";
  for (const auto& [name, f] : v.by_family)
    os << "  " << name << ": " << f.benchmarks << " benchmarks, median |relative error| "
       << fmt(100 * f.median_abs_rel_error, 1) << "%, median repetition CV "
       << fmt(100 * f.median_cv, 1) << "%\n";
  os << "verdict (median error <= " << fmt(100 * v.target, 0)
     << "% with median CV <= " << fmt(100 * v.noise_limit(), 1)
     << "%): " << cal::verdict_name(v.verdict()) << "\nwrote " << out << "\n";
  report::write(doc, out, "--json");
  std::cout << os.str();
  return v.ok() ? 0 : 1;
}

}  // namespace

Subcommand calibrate_command() {
  auto a = std::make_shared<CalibrateArgs>();
  return {"calibrate",
          "fit IPI, wake-up and syscall costs to a lab run (writes RUN_DIR/calibration.json)",
          [a](CLI::App& cmd) {
            cmd.add_option("run_dir", a->run_dir, "lab run directory (bench/lab-run output)")
                ->required();
            cmd.add_option("--bench", a->bench, "benchmark JSON (default RUN_DIR/bench.json)");
            cmd.add_option("--out", a->out, "output file (default RUN_DIR/calibration.json)");
            set_help(&cmd, {},
                     {"ipistorm calibrate results/lab/vm-20261126T044755Z",
                      "ipistorm calibrate RUN_DIR --out /tmp/calibration.json"});
          },
          [a](CLI::App&) { return run_calibrate(*a); }};
}

Subcommand validate_command() {
  auto a = std::make_shared<ValidateArgs>();
  return {"validate",
          "simulate every benchmark of a lab run that calibrate does not read (strategies, "
          "schedule_on_each_cpu) and compare; or a virtual-lab run's interrupt counts per CPU",
          [a](CLI::App& cmd) {
            cmd.add_option("run_dir", a->run_dir,
                           "lab run directory (bench/lab-run) or virtual-lab run (bench/vlab)")
                ->required();
            cmd.add_option("--calibration", a->calibration,
                           "calibration file (default RUN_DIR/calibration.json)");
            cmd.add_option("--topology", a->topology,
                           "topology (default RUN_DIR/lstopo.xml, or RUN_DIR/topology.xml for a "
                           "virtual-lab run)");
            cmd.add_option("--json", a->json_out, "output file (default RUN_DIR/validation.json)");
            cmd.add_option("--seed", a->seed, "random seed (default 1)")->transform(seed_check());
            set_help(
                &cmd, {},
                {"ipistorm validate results/lab/vm-20261126T044755Z",
                 "ipistorm validate RUN_DIR --topology nehalem-ep --json /tmp/validation.json",
                 "ipistorm validate results/vlab/6.1.0-57-16cpu-mixed-collapse-20261207T095626Z"});
          },
          [a](CLI::App&) { return run_validate(*a); }};
}

}  // namespace ipistorm::cli
