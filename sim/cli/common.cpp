// common.cpp: shared flag handling and atomic file output.
#include "cli/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "calibration/calibration_file.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;
namespace run = ipistorm::run;

CLI::Validator decimal_integer() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_int(s);
        if (!v) return "needs a whole decimal number, got '" + s + "'";
        s = std::to_string(*v);  // what CLI11 then reads: never octal or hex
        return std::string();
      },
      "INT");
}

CLI::Validator decimal_real() {
  return CLI::Validator(
      [](std::string& s) {
        return io::parse_real(s) ? std::string() : "needs a finite decimal number, got '" + s + "'";
      },
      "NUMBER");
}

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_uint(s);
        if (!v) return "needs a whole number in [0, 18446744073709551615], got '" + s + "'";
        s = std::to_string(*v);
        return std::string();
      },
      "SEED");
}

CLI::Validator jobs_check() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_int(s);
        if (!(v && *v >= 0 && *v <= 1024))
          return "needs a whole number in [0, 1024], got '" + s + "'";
        s = std::to_string(*v);
        return std::string();
      },
      "N");
}

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
        app->add_option("--dom0-vcpus", f.dom0_vcpus, "dom0 vCPUs (1..CPUs; default: one per CPU)")
            ->transform(decimal_integer());
    f.o_dm = app->add_option(
                    "--dm-vcpu", f.dm_vcpu,
                    "vCPU the device model runs on (default " + std::to_string(def.dm_vcpu) + ")")
                 ->transform(decimal_integer());
  }
  f.o_placement = app->add_option("--placement", f.placement,
                                  "vCPU placement (default " + def.placement + "; names below)");
  f.o_seed =
      app->add_option("--seed", f.seed, "random seed (default " + std::to_string(def.seed) + ")")
          ->transform(seed_check());
  f.o_ghz = app->add_option("--cpu-ghz", f.cpu_ghz,
                            "CPU frequency for cycle figures (default: the topology's)")
                ->check(decimal_real());
  app->add_option("--set", f.sets,
                  "NAME=VALUE for any parameter (repeatable; 'ipistorm params' lists them)");
  app->add_option("--json", f.json_file,
                  "write the result as JSON to this file ('-': standard output)");
}

void apply_calibration(model::Config& c, const std::string& path) {
  // The one calibration reader (calibration/calibration_file.hpp).
  for (const auto& [name, value] : calibration::read_calibration(path)) c.params.set(name, value);
}

model::Config build_config(const RunFlags& f) {
  model::Config c;
  if (!f.config_file.empty()) {
    const std::string what = "config file '" + f.config_file + "'";
    run::apply_json(c, io::parse_json(read_input_file(f.config_file, "config file"), what));
  }
  if (!f.calibration_file.empty()) apply_calibration(c, f.calibration_file);
  if (f.o_topology && *f.o_topology) c.topology = f.topology;
  if (f.o_kernel && *f.o_kernel) c.kernel = f.kernel;
  if (f.o_strategy && *f.o_strategy) c.strategy = f.strategy;
  if (f.o_vcpus && *f.o_vcpus) {
    if (f.dom0_vcpus < 1 || f.dom0_vcpus > topo::kMaxCpus)
      throw InputError("--dom0-vcpus must be in [1, " + std::to_string(topo::kMaxCpus) + "], got " +
                       std::to_string(f.dom0_vcpus));
    c.dom0_vcpus = f.dom0_vcpus;
  }
  if (f.o_dm && *f.o_dm) {
    if (f.dm_vcpu < 0 || f.dm_vcpu >= topo::kMaxCpus)
      throw InputError("--dm-vcpu must be in [0, " + std::to_string(topo::kMaxCpus - 1) +
                       "], got " + std::to_string(f.dm_vcpu));
    c.dm_vcpu = f.dm_vcpu;
  }
  if (f.o_placement && *f.o_placement) c.placement = f.placement;
  if (f.o_seed && *f.o_seed) c.seed = f.seed;
  if (f.o_ghz && *f.o_ghz) {
    if (!(f.cpu_ghz >= model::kMinGhz && f.cpu_ghz <= model::kMaxGhz))
      throw InputError("--cpu-ghz must be in " + io::format_range(model::kMinGhz, model::kMaxGhz) +
                       ", got " + io::format_number(f.cpu_ghz));
    c.cpu_ghz = f.cpu_ghz;
  }
  for (const auto& s : f.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set needs NAME=VALUE, got '" + s + "'");
    c.params.set_from_string(s.substr(0, eq), s.substr(eq + 1));
  }
  // A topology XML is read later, by the run: no output may replace it.
  io::note_input(c.topology, "topology file");
  // Fail on names before running anything.
  model::find_kernel_policy(c.kernel);
  model::find_strategy(c.strategy);
  return c;
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  io::check_outputs(outputs);
  for (const auto& [path, what] : outputs)
    if (io::is_stdout(path)) {
      std::cout.flush();
      std::cout.rdbuf(std::cerr.rdbuf());  // the data owns stdout; people read stderr
      return;
    }
}

void check_writable(const std::string& path, const std::string& what) {
  check_outputs({{path, what}});
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

std::vector<int> parse_vcpu_list(const std::vector<std::string>& items, const char* flag) {
  std::vector<int> out;
  for (const auto& s : split_list(items))
    out.push_back(static_cast<int>(io::int_in_range(s, 1, topo::kMaxCpus, flag)));
  return out;
}

std::vector<std::uint64_t> parse_seed_list(const std::vector<std::string>& items,
                                           const char* flag) {
  std::vector<std::uint64_t> out;
  for (const auto& s : split_list(items)) {
    const auto v = io::parse_uint(s);
    if (!v)
      throw InputError(std::string(flag) +
                       " needs whole numbers in [0, 18446744073709551615], got '" + s + "'");
    out.push_back(*v);
  }
  return out;
}

}  // namespace ipistorm::cli
