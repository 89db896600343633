// scenario.hpp: what one simulated run is and what it measured. A Config
// names everything that decides the outcome (topology, kernel, strategy,
// vCPUs, placement, seed, every parameter); a Result holds the resolved
// config, the metrics and the series. The metric table (metrics.hpp) reads
// a Result. Reading a Config: run/config.hpp; running one: run/world.hpp;
// reporting it: run/report.hpp. Same config + seed = same output.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/params.hpp"

namespace ipistorm::model {

// Bounds of the Config fields that are not parameters (docs/cli.md, bad input).
constexpr double kMinWindowS = 1e-3;  // window_s: statistics window, seconds
constexpr double kMaxWindowS = 1e4;
constexpr double kMinGhz = 0.1;  // cpu_ghz (0: the topology's own)
constexpr double kMaxGhz = 100;

struct Config {
  std::string topology = "nehalem-ep";
  std::string kernel = "linux-2.6.31-pvops";
  std::string strategy = "mlock-per-call";
  int dom0_vcpus = 0;  // 0: one per CPU of the topology
  std::string placement = "pinned";
  int dm_vcpu = 0;  // the vCPU the device model runs on
  std::uint64_t seed = 1;
  double cpu_ghz = 0;  // 0: the topology's frequency
  double window_s = 1.0;
  ParamValues params;
  // "ranges" of a config file: plausible ranges that replace the table's for
  // the uncertainty studies (a run ignores them). Checked by checked_range.
  std::map<std::string, ParamRange> ranges;
};

struct Series {
  std::vector<double> time_s;         // window start
  std::vector<double> dom0_util_pct;  // percent of one CPU, summed over vCPUs
  std::vector<double> resched_ipis_per_s;
};

struct Result {
  Config config;  // resolved: dom0_vcpus and cpu_ghz filled in
  Metrics metrics{engine::kNsPerSec};
  Series series;
  std::uint64_t events = 0;
  double wall_s = 0;
  std::string topology_description;
  // Where config.cpu_ghz came from (topo::Topology::ghz_source): "assumed"
  // when nothing said, and every cycle figure then says so.
  std::string cpu_ghz_source;
};

// Thrown by run() when its cancel flag was set.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("run cancelled") {}
};

}  // namespace ipistorm::model
