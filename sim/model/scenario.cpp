// scenario.cpp: build the world for a Config, run it, report.
#include "model/scenario.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "ipistorm_version.hpp"  // generated at build time: version and git commit
#include "model/costs.hpp"
#include "model/device_model.hpp"
#include "model/dom0.hpp"
#include "model/guest.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/other_drain_callers.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "model/xen.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

using nlohmann::json;

void set_param_json(ParamValues& params, const std::string& name, const json& v) {
  const ParamSpec* spec = find_param(name);
  if (!spec) {
    params.set(name, 0);  // throws the unknown-parameter error
    return;
  }
  if (!v.is_number()) throw InputError("parameter " + name + " must be a number, got " + v.dump());
  // An integer token is read as an integer (never through get<int>()), then
  // range-checked; a number with a fraction or exponent (a calibration file
  // writes 3.0) is accepted by a whole-number row only if it is integral.
  if (v.is_number_integer()) {
    const double d = v.is_number_unsigned() ? static_cast<double>(v.get<std::uint64_t>())
                                            : static_cast<double>(v.get<std::int64_t>());
    if (d < spec->min || d > spec->max)
      throw InputError("parameter " + name + "=" + v.dump() + " is outside the accepted range " +
                       io::format_range(spec->min, spec->max) + " " + spec->unit);
    params.set(name, d);
  } else {
    params.set(name, v.get<double>());
  }
}

namespace {

// "ranges": {name: {"range": [low, high], "distribution": "uniform" |
// "log-uniform"}}; the distribution defaults to the table's (uniform where
// the row has none).
void set_range_json(Config& c, const std::string& name, const json& v) {
  const ParamSpec* spec = find_param(name);
  if (!spec) throw InputError("unknown parameter '" + name + "' in ranges (see 'ipistorm params')");
  if (!v.is_object() || !v.contains("range"))
    throw InputError("ranges." + name + " must be {\"range\": [low, high], \"distribution\": ...}");
  Distribution d = spec->range.empty() ? Distribution::kUniform : spec->range.distribution;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "distribution") {
      if (!it.value().is_string())
        throw InputError("ranges." + name + ".distribution must be a string");
      d = distribution_from_name(it.value().get<std::string>());
    } else if (it.key() != "range") {
      throw InputError("unknown key '" + it.key() + "' in ranges." + name +
                       " (accepted: range, distribution)");
    }
  }
  const json& r = v["range"];
  if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number())
    throw InputError("ranges." + name + ".range must be [low, high], got " + r.dump());
  c.ranges[name] = checked_range(name, d, r[0].get<double>(), r[1].get<double>());
}

}  // namespace

void apply_json(Config& c, const json& j) {
  if (!j.is_object()) throw InputError("config must be a JSON object, got " + j.dump());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "topology")
      c.topology = io::string_value(v, "config key 'topology'");
    else if (k == "kernel")
      c.kernel = io::string_value(v, "config key 'kernel'");
    else if (k == "strategy")
      c.strategy = io::string_value(v, "config key 'strategy'");
    else if (k == "placement")
      c.placement = io::string_value(v, "config key 'placement'");
    else if (k == "dom0_vcpus")
      c.dom0_vcpus = static_cast<int>(
          io::int_value(v, 0, topo::kMaxCpus, "config key 'dom0_vcpus' (0: one per CPU)"));
    else if (k == "dm_vcpu")
      c.dm_vcpu = static_cast<int>(io::int_value(v, 0, topo::kMaxCpus - 1, "config key 'dm_vcpu'"));
    else if (k == "seed")
      c.seed = io::uint_value(v, "config key 'seed'");
    else if (k == "cpu_ghz")
      c.cpu_ghz = io::real_value(v, 0, kMaxGhz, "config key 'cpu_ghz' (0: the topology's)");
    else if (k == "window_s")
      c.window_s = io::real_value(v, kMinWindowS, kMaxWindowS, "config key 'window_s'");
    else if (k == "params") {
      if (!v.is_object()) throw InputError("config key 'params' must be an object {name: number}");
      for (auto p = v.begin(); p != v.end(); ++p) set_param_json(c.params, p.key(), p.value());
    } else if (k == "ranges") {
      if (!v.is_object()) throw InputError("config key 'ranges' must be an object {name: {...}}");
      for (auto p = v.begin(); p != v.end(); ++p) set_range_json(c, p.key(), p.value());
    } else {
      throw InputError(
          unknown_name_message("config key", k,
                               {"topology", "kernel", "strategy", "dom0_vcpus", "placement",
                                "dm_vcpu", "seed", "cpu_ghz", "window_s", "params", "ranges"}));
    }
  }
}

json to_json(const Config& c) {
  json params = json::object();
  for (const auto& [k, v] : c.params.all()) params[k] = v;
  json out{{"topology", c.topology},   {"kernel", c.kernel},
           {"strategy", c.strategy},   {"dom0_vcpus", c.dom0_vcpus},
           {"placement", c.placement}, {"dm_vcpu", c.dm_vcpu},
           {"seed", c.seed},           {"cpu_ghz", c.cpu_ghz},
           {"window_s", c.window_s},   {"params", params}};
  // Only when given, so configs without ranges read as before.
  for (const auto& [k, r] : c.ranges)
    out["ranges"][k] = {{"range", {r.low, r.high}},
                        {"distribution", distribution_name(r.distribution)}};
  return out;
}

namespace {

// Name the tracks: "pCPU 3 (package 0, core 3)", "vCPU 3 (pCPU 3, package 0)",
// the guest vCPU, and a track per task that can block (not the workers).
void name_trace_tracks(TraceObserver& tr, const topo::Topology& topo, Dom0& dom0) {
  for (int p = 0; p < topo.num_cpus(); ++p) {
    const auto& c = topo.cpu(p);
    tr.name_track(TraceTrack::pcpu(p),
                  "pCPU " + std::to_string(c.os_index) + " (package " + std::to_string(c.package) +
                      ", core " + std::to_string(c.core) + ")",
                  p);
  }
  tr.name_track(TraceTrack::guest(), "HVM guest vCPU 0", topo.num_cpus());
  for (int v = 0; v < dom0.num_vcpus(); ++v) {
    const auto& c = topo.cpu(dom0.vcpu(v).pcpu);
    tr.name_track(TraceTrack::vcpu(v),
                  "vCPU " + std::to_string(v) + " (pCPU " + std::to_string(c.os_index) +
                      ", package " + std::to_string(c.package) + ")",
                  v);
  }
  for (const auto& t : dom0.tasks())
    if (t->name.rfind("events/", 0) != 0)
      tr.name_track(TraceTrack::task(t->id),
                    t->name + " (task on vCPU " + std::to_string(t->vcpu->id) + ")",
                    dom0.num_vcpus() + t->id);
}

}  // namespace

Result run(const Config& input, const std::atomic<bool>* cancel, TraceObserver* trace) {
  const auto wall0 = std::chrono::steady_clock::now();
  Result r;
  r.config = input;
  Config& cfg = r.config;

  // Validate names before any work.
  const KernelPolicyEntry& kernel_entry = find_kernel_policy(cfg.kernel);
  const StrategyEntry& strategy_entry = find_strategy(cfg.strategy);
  topo::Topology topo = topo::Topology::load(cfg.topology);
  if (!(cfg.cpu_ghz == 0 || (cfg.cpu_ghz >= kMinGhz && cfg.cpu_ghz <= kMaxGhz)))
    throw InputError("cpu_ghz must be 0 (the topology's own) or in " +
                     io::format_range(kMinGhz, kMaxGhz) + ", got " +
                     io::format_number(cfg.cpu_ghz));
  if (cfg.cpu_ghz > 0) topo.set_ghz(cfg.cpu_ghz);
  cfg.cpu_ghz = topo.ghz();
  if (cfg.dom0_vcpus == 0) cfg.dom0_vcpus = topo.num_cpus();
  if (cfg.dom0_vcpus < 1 || cfg.dom0_vcpus > topo.num_cpus())
    throw InputError("dom0_vcpus " + std::to_string(cfg.dom0_vcpus) + " is outside 1.." +
                     std::to_string(topo.num_cpus()) + " (the CPUs of " + cfg.topology + ")");
  if (cfg.dm_vcpu < 0 || cfg.dm_vcpu >= cfg.dom0_vcpus)
    throw InputError("dm_vcpu " + std::to_string(cfg.dm_vcpu) + " is outside 0.." +
                     std::to_string(cfg.dom0_vcpus - 1));
  if (!(cfg.window_s >= kMinWindowS && cfg.window_s <= kMaxWindowS))
    throw InputError("window_s must be in " + io::format_range(kMinWindowS, kMaxWindowS) +
                     " s, got " + io::format_number(cfg.window_s));
  const double evtchn_vcpu = cfg.params.get("dm_evtchn_vcpu");
  if (evtchn_vcpu >= cfg.dom0_vcpus)
    throw InputError("parameter dm_evtchn_vcpu " + std::to_string(static_cast<long>(evtchn_vcpu)) +
                     " is outside 0.." + std::to_string(cfg.dom0_vcpus - 1) + " (the dom0 vCPUs)");
  const std::vector<int> pcpus = place_vcpus(topo, cfg.dom0_vcpus, cfg.placement);
  r.topology_description = topo.description();

  const Costs costs(cfg.params);
  const auto window = static_cast<engine::SimTime>(cfg.window_s * 1e9);
  r.metrics = Metrics(window);
  engine::Simulator sim;
  Hypervisor xen(costs, topo.num_cpus(), cfg.seed);
  Dom0 dom0(sim, costs, xen, r.metrics, topo, pcpus, cfg.seed);
  std::unique_ptr<KernelPolicy> kernel = kernel_entry.make();
  std::unique_ptr<HypercallBufferStrategy> strategy = strategy_entry.make();
  DeviceModel dm(dom0, *kernel, *strategy, cfg.dm_vcpu, cfg.seed);
  OtherDrainCallers others(dom0, *kernel, cfg.seed);
  Guest guest(sim, costs, r.metrics, dm, boot_phases(cfg.params), cfg.seed);
  if (trace) {
    name_trace_tracks(*trace, topo, dom0);
    xen.set_trace(trace);
    dom0.set_trace(trace);
    guest.set_trace(trace);
  }

  guest.start();
  others.start();
  sim.set_cancel_flag(cancel);
  sim.run();
  if (sim.cancelled()) throw Cancelled();
  if (!guest.finished()) throw std::runtime_error("simulation ended before the guest booted");
  dom0.finish(sim.now());
  if (trace) {
    xen.trace_finish(sim.now());
    trace->finish(sim.now());
  }

  r.events = sim.events_processed();
  // Per-window series over the boot.
  const Metrics& m = r.metrics;
  const double wsec = static_cast<double>(window) / 1e9;
  const auto nwin = static_cast<std::size_t>((m.boot_time_ns + window - 1) / window);
  for (std::size_t i = 0; i < nwin; ++i) {
    const double busy = i < m.dom0_busy_ns.values().size() ? m.dom0_busy_ns.values()[i] : 0.0;
    const double ipis = i < m.resched_ipis.values().size() ? m.resched_ipis.values()[i] : 0.0;
    r.series.time_s.push_back(static_cast<double>(i) * wsec);
    r.series.dom0_util_pct.push_back(busy / static_cast<double>(window) * 100.0);
    r.series.resched_ipis_per_s.push_back(ipis / wsec);
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

json metrics_json(const Result& r) {
  // Built from the metric table: a dotted name is a path into the object.
  json out = json::object();
  for (const MetricSpec& m : metric_table()) {
    json* node = &out;
    std::string name = m.name;
    for (std::size_t dot; (dot = name.find('.')) != std::string::npos;) {
      node = &(*node)[name.substr(0, dot)];
      name = name.substr(dot + 1);
    }
    const double v = m.value(r);
    if (m.format == MetricFormat::kCount)
      (*node)[name] = static_cast<std::uint64_t>(std::llround(v));
    else
      (*node)[name] = v;
  }
  return out;
}

json distributions_json(const Result& r) {
  const Metrics& m = r.metrics;
  // The histogram's buckets from the first to the last non-empty one.
  const auto& b = m.ioport_ns.buckets();
  std::size_t lo = 0, hi = b.size();
  while (lo < hi && b[lo] == 0) ++lo;
  while (hi > lo && b[hi - 1] == 0) --hi;
  json edges = json::array(), counts = json::array();
  for (std::size_t i = lo; i < hi; ++i) {
    edges.push_back(engine::Histogram::bucket_lo(i) / 1e3);
    counts.push_back(b[i]);
  }
  if (hi > lo)
    edges.push_back(
        (engine::Histogram::bucket_lo(hi - 1) + engine::Histogram::bucket_width(hi - 1)) / 1e3);
  static const char* kStates[4] = {"C0", "C1", "C3", "C6"};
  json wakes = json::object();
  for (int s = 0; s < 4; ++s) {
    json per = json::array();
    for (const auto& v : m.wakes_by_cstate) per.push_back(v[static_cast<std::size_t>(s)]);
    wakes[kStates[s]] = per;
  }
  return json{
      {"ioport_latency_histogram",
       {{"unit", "us"},
        {"note", "log-linear buckets [edges[i], edges[i+1]) of the latency, issue to resume"},
        {"edges", edges},
        {"counts", counts}}},
      {"vcpu_wakes_by_idle_state", wakes}};
}

json provenance_json() {
  struct utsname u {};
  std::string host = "unknown";
  if (uname(&u) == 0)
    host = std::string(u.nodename) + " (" + u.sysname + " " + u.release + " " + u.machine + ", " +
           std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs)";
  return json{{"version", IPISTORM_VERSION}, {"git_commit", IPISTORM_GIT_COMMIT}, {"host", host}};
}

json result_json(const Result& r) {
  return json{{"config", to_json(r.config)},
              {"metrics", metrics_json(r)},
              {"distributions", distributions_json(r)},
              {"provenance", provenance_json()}};
}

}  // namespace ipistorm::model
