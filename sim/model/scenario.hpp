// scenario.hpp: one simulated run. A Config names everything that decides
// the outcome (topology, kernel, strategy, vCPUs, placement, seed, every
// parameter); run() builds the world from it, runs it to the end of the
// guest's boot and returns the metrics. Same config + seed = same output.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/params.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::model {

// Bounds of the Config fields that are not parameters (README "Bad input").
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

// Apply a JSON config object (the keys of Config; "params": {name: value}).
// Unknown keys and wrong types are InputErrors.
void apply_json(Config& c, const nlohmann::json& j);
// One parameter from a JSON value: a number (integral for a whole-number
// row); then ParamValues::set's range check.
void set_param_json(ParamValues& params, const std::string& name, const nlohmann::json& v);
// The fully resolved config as JSON (every parameter included).
nlohmann::json to_json(const Config& c);

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
};

// Thrown by run() when its cancel flag was set.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("run cancelled") {}
};

// Throws InputError on bad input; Cancelled if *cancel became true. With
// `trace`, every component reports to it (tracks named first); the metrics
// are the same as without.
Result run(const Config& config, const std::atomic<bool>* cancel = nullptr,
           TraceObserver* trace = nullptr);

// The "metrics" object of the JSON interface: every row of metric_table().
nlohmann::json metrics_json(const Result& r);
// {"config", "metrics", "distributions", "provenance"}
nlohmann::json result_json(const Result& r);
// {"ioport_latency_histogram": {"unit", "edges", "counts"}, "vcpu_wakes_by_idle_state":
// {"C0": [per vCPU], "C1": ..., "C3": ..., "C6": ...}}
nlohmann::json distributions_json(const Result& r);
nlohmann::json provenance_json();

}  // namespace ipistorm::model
