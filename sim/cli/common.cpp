// common.cpp: shared flag handling and atomic file output.
#include "cli/common.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "calibration/calibration_file.hpp"
#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;

void add_run_flags(CLI::App* app, RunFlags& f, bool per_scenario_knobs) {
  const model::Config def;  // the defaults the help states
  app->add_option("--config", f.config_file,
                  "JSON config file (keys as the flags; \"params\": {})");
  app->add_option("--calibration", f.calibration_file,
                  "calibration JSON from 'ipistorm calibrate' (its \"params\" override defaults)");
  f.o_topology = app->add_option(
      "--topology", f.topology,
      "preset, hwloc XML file, synthetic string, or 'host' (default " + def.topology + ")");
  if (per_scenario_knobs) {
    f.o_kernel = app->add_option("--kernel", f.kernel,
                                 "kernel preset (default " + def.kernel + "; names below)");
    f.o_strategy =
        app->add_option("--strategy", f.strategy,
                        "hypercall-buffer strategy (default " + def.strategy + "; names below)");
    f.o_vcpus =
        app->add_option("--dom0-vcpus", f.dom0_vcpus, "dom0 vCPUs (1..CPUs; default: one per CPU)");
    f.o_dm = app->add_option(
        "--dm-vcpu", f.dm_vcpu,
        "vCPU the device model runs on (default " + std::to_string(def.dm_vcpu) + ")");
  }
  f.o_placement = app->add_option("--placement", f.placement,
                                  "vCPU placement (default " + def.placement + "; names below)");
  f.o_seed =
      app->add_option("--seed", f.seed, "random seed (default " + std::to_string(def.seed) + ")");
  f.o_ghz = app->add_option("--cpu-ghz", f.cpu_ghz,
                            "CPU frequency for cycle figures (default: the topology's)");
  app->add_option("--set", f.sets,
                  "NAME=VALUE for any parameter (repeatable; 'ipistorm params' lists them)");
  app->add_option("--json", f.json_file, "write the result as JSON to this file");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void apply_calibration(model::Config& c, const std::string& path) {
  // The one calibration reader (calibration/calibration_file.hpp).
  for (const auto& [name, value] : calibration::read_calibration(path)) c.params.set(name, value);
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
  if (!f.calibration_file.empty()) apply_calibration(c, f.calibration_file);
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

void write_file_atomic(const std::string& path, const std::string& content,
                       const std::string& what) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    if (!out) throw InputError("cannot write " + what + " file '" + path + "'");
    out << content;
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      throw InputError("cannot write " + what + " file '" + path + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError("cannot write " + what + " file '" + path + "'");
  }
}

void write_json_file(const std::string& path, const nlohmann::json& j) {
  write_file_atomic(path, j.dump(2) + "\n", "--json");
}

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = item.find(',', start);
      const std::string part =
          item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (part.empty()) throw InputError("empty element in list '" + item + "'");
      out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

void check_writable(const std::string& path, const std::string& what) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::ofstream out(tmp);
  if (!out) throw InputError("cannot write " + what + " file '" + path + "'");
  out.close();
  std::remove(tmp.c_str());
}

}  // namespace ipistorm::cli
