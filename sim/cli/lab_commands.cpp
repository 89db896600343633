// lab_commands.cpp: the subcommands that work on a lab run directory of
// ipistorm-bench (bench/lab-run writes one: bench.json, lstopo.xml,
// metadata.json, ...).
//   calibrate RUN_DIR   fit the model's IPI, wake-up and syscall costs to the
//                       run's benchmarks; write RUN_DIR/calibration.json
//                       ({"params", "fit", "provenance"}) and print the fit
//   validate RUN_DIR    simulate the run's fan-out benchmarks on the run's
//                       topology with that calibration; print predicted vs
//                       measured per k; write RUN_DIR/validation.json; exit 1
//                       when the median relative error misses the target
#include "cli/lab_commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>

#include "calibration/bench_results.hpp"
#include "calibration/calibrate.hpp"
#include "calibration/validate.hpp"
#include "cli/tables.hpp"
#include "errors.hpp"
#include "model/scenario.hpp"
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

json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read " + what + " '" + path + "'");
  try {
    json j;
    in >> j;
    return j;
  } catch (const json::exception&) {
    throw InputError(what + " '" + path + "' is not valid JSON");
  }
}

// A temporary file beside the target, then rename: never a partial file.
void write_json_atomically(const std::string& path, const json& j) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    if (!out) throw InputError("cannot write '" + path + "'");
    out << j.dump(2) << "\n";
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError("cannot write '" + path + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError("cannot write '" + path + "'");
  }
}

std::string utc_now() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string pct(double rel) { return (rel >= 0 ? "+" : "") + fmt(100 * rel, 1) + "%"; }

// Where a run's numbers came from: its metadata and the bench context.
json run_provenance(const std::string& run_dir, const cal::BenchResults& r) {
  json p = {{"run_dir", run_dir}, {"bench_json", r.path}};
  const std::string meta = run_dir + "/metadata.json";
  if (is_file(meta)) p["run_metadata"] = read_json_file(meta, "run metadata");
  json ctx = json::object();
  for (const char* k : {"date", "host_name", "num_cpus", "kernel_release", "cpu_model",
                        "hypervisor", "hwloc_topology", "cpus_by_distance", "cpuidle_driver",
                        "hypercall_path", "rlimit_memlock", "ipistorm_commit"})
    if (r.context.contains(k)) ctx[k] = r.context[k];
  p["bench_context"] = ctx;
  p["tool"] = model::provenance_json();
  p["written_at"] = utc_now();
  return p;
}

struct CalibrateArgs {
  std::string run_dir, bench, out;
};

int run_calibrate(const CalibrateArgs& a) {
  require_run_dir(a.run_dir);
  const std::string bench = a.bench.empty() ? a.run_dir + "/bench.json" : a.bench;
  const std::string out = a.out.empty() ? a.run_dir + "/calibration.json" : a.out;
  const cal::BenchResults r = cal::read_bench_results(bench);
  const cal::Calibration c = cal::calibrate(r);
  write_json_atomically(out, cal::calibration_json(c, run_provenance(a.run_dir, r)));

  std::cout << "ipistorm calibrate: " << a.run_dir << " ("
            << r.context.value("cpu_model", std::string("unknown CPU")) << ", "
            << r.context.value("hypervisor", std::string("?")) << ")\n\n";
  Table t({"parameter", "value", "default", "unit", "rule"});
  for (const auto& p : c.params) {
    char v[32], d[32];
    std::snprintf(v, sizeof v, "%.3f", p.value);
    std::snprintf(d, sizeof d, "%g", p.default_value);
    t.row({p.name, v + std::string(p.clamped ? " (clamped)" : ""), d, p.unit, p.rule});
  }
  t.print(std::cout);
  if (!c.not_fitted.empty()) {
    std::cout << "\nkept at default:\n";
    for (const auto& [name, why] : c.not_fitted) std::cout << "  " << name << ": " << why << "\n";
  }
  std::cout << "\n";
  Table o({"observation", "quantity", "measured us", "model us", "error", "rep. CV"});
  for (const auto& x : c.observations)
    o.row({x.benchmark, x.quantity, fmt(x.measured_us, 3), fmt(x.model_us, 3), pct(x.rel_error()),
           fmt(100 * x.cv, 1) + "%"});
  o.print(std::cout);
  std::cout << "\nfit error: rms " << fmt(100 * c.rms_rel_error, 1) << "%, max "
            << fmt(100 * c.max_rel_error, 1) << "% over " << c.observations.size()
            << " observations\nwrote " << out << "\n";
  return 0;
}

struct ValidateArgs {
  std::string run_dir, calibration, topology, json_out;
  std::uint64_t seed = 1;
};

int run_validate(const ValidateArgs& a) {
  require_run_dir(a.run_dir);
  const std::string cal_path =
      a.calibration.empty() ? a.run_dir + "/calibration.json" : a.calibration;
  const std::string topo_spec = a.topology.empty() ? a.run_dir + "/lstopo.xml" : a.topology;
  const std::string out = a.json_out.empty() ? a.run_dir + "/validation.json" : a.json_out;
  const json cj = read_json_file(cal_path, "calibration file");
  if (!cj.is_object() || !cj.contains("params") || !cj["params"].is_object())
    throw InputError("calibration file '" + cal_path + "' has no \"params\" object");
  model::ParamValues params;
  for (const auto& [name, v] : cj["params"].items()) {
    if (!v.is_number())
      throw InputError("calibration file '" + cal_path + "': parameter " + name +
                       " is not a number");
    params.set(name, v.get<double>());
  }
  const cal::BenchResults r = cal::read_bench_results(a.run_dir + "/bench.json");
  const topo::Topology topology = topo::Topology::load(topo_spec);
  const cal::Validation v = cal::validate(r, topology, params, a.seed);

  json prov = run_provenance(a.run_dir, r);
  prov["calibration"] = cal_path;
  prov["topology"] = topo_spec;
  prov["seed"] = a.seed;
  write_json_atomically(out, cal::validation_json(v, prov));

  std::cout << "ipistorm validate: " << a.run_dir << " on " << topology.description() << " ("
            << topology.num_cpus() << " CPUs), calibration " << cal_path << ", seed " << a.seed
            << "\n\n";
  Table t({"benchmark", "k", "measured us", "predicted us", "error", "rep. CV", "IPIs/op measured",
           "IPIs/op model"});
  for (const auto& row : v.rows)
    t.row({row.benchmark, std::to_string(row.k), fmt(row.measured_us, 2), fmt(row.predicted_us, 2),
           pct(row.rel_error()), fmt(100 * row.cv, 1) + "%",
           row.measured_ipis ? fmt(*row.measured_ipis, 2) : "-", fmt(row.predicted_ipis, 2)});
  t.print(std::cout);
  for (const auto& [name, why] : v.skipped) std::cout << "skipped " << name << ": " << why << "\n";
  std::cout << "\nmedian |relative error| " << fmt(100 * v.median_abs_rel_error, 1) << "% over "
            << v.rows.size() << " configurations (target <= " << fmt(100 * v.target, 0)
            << "%): " << (v.ok() ? "met" : "NOT MET") << "\nwrote " << out << "\n";
  return v.ok() ? 0 : 1;
}

class Lab : public LabCommands {
 public:
  explicit Lab(CLI::App& app) {
    cal_ = app.add_subcommand("calibrate",
                              "fit IPI, wake-up and syscall costs to a lab run (writes "
                              "RUN_DIR/calibration.json)");
    cal_->add_option("run_dir", ca_.run_dir, "lab run directory (bench/lab-run output)")
        ->required();
    cal_->add_option("--bench", ca_.bench, "benchmark JSON (default RUN_DIR/bench.json)");
    cal_->add_option("--out", ca_.out, "output file (default RUN_DIR/calibration.json)");

    val_ = app.add_subcommand("validate",
                              "simulate a lab run's fan-out benchmarks with its calibration and "
                              "compare");
    val_->add_option("run_dir", va_.run_dir, "lab run directory")->required();
    val_->add_option("--calibration", va_.calibration,
                     "calibration file (default RUN_DIR/calibration.json)");
    val_->add_option("--topology", va_.topology, "topology (default RUN_DIR/lstopo.xml)");
    val_->add_option("--json", va_.json_out, "output file (default RUN_DIR/validation.json)");
    val_->add_option("--seed", va_.seed, "random seed (default 1)");
  }

  bool dispatch(int& rc) override {
    if (*cal_) {
      rc = run_calibrate(ca_);
      return true;
    }
    if (*val_) {
      rc = run_validate(va_);
      return true;
    }
    return false;
  }

 private:
  CLI::App* cal_ = nullptr;
  CLI::App* val_ = nullptr;
  CalibrateArgs ca_;
  ValidateArgs va_;
};

}  // namespace

std::unique_ptr<LabCommands> add_lab_commands(CLI::App& app) { return std::make_unique<Lab>(app); }

}  // namespace ipistorm::cli
