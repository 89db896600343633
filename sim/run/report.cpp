// report.cpp: a run's Result as the JSON interface: metrics (from the metric
// table), distributions, provenance.
#include "run/report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>

#include "ipistorm_version.hpp"  // generated at build time: version and git commit
#include "run/config.hpp"

namespace ipistorm::run {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

using nlohmann::json;

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

namespace {

// The histogram's buckets from the first to the last non-empty one.
json latency_histogram(const Result& r) {
  const auto& b = r.metrics.ioport_ns.buckets();
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
  return json{{"unit", "us"},
              {"note", "log-linear buckets [edges[i], edges[i+1]) of the latency, issue to resume"},
              {"edges", edges},
              {"counts", counts}};
}

json wakes_by_idle_state(const Result& r) {
  static const char* kStates[4] = {"C0", "C1", "C3", "C6"};
  json wakes = json::object();
  for (int s = 0; s < 4; ++s) {
    json per = json::array();
    for (const auto& v : r.metrics.wakes_by_cstate) per.push_back(v[static_cast<std::size_t>(s)]);
    wakes[kStates[s]] = per;
  }
  return wakes;
}

}  // namespace

const std::vector<DistributionSpec>& distribution_table() {
  static const std::vector<DistributionSpec> table = {
      {"ioport_latency_histogram",
       "guest IDE access latency, issue to resume: counts per log-linear bucket (us)",
       latency_histogram},
      {"vcpu_wakes_by_idle_state",
       "wakes of each dom0 vCPU by Xen, by the idle state (C0..C6) its pCPU was in",
       wakes_by_idle_state},
  };
  return table;
}

json distributions_json(const Result& r) {
  json out = json::object();
  for (const DistributionSpec& d : distribution_table()) out[d.name] = d.value(r);
  return out;
}

json provenance_json() {
  struct utsname u {};
  std::string host = "unknown";
  if (uname(&u) == 0)
    host = std::string(u.nodename) + " (" + u.sysname + " " + u.release + " " + u.machine + ", " +
           std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs)";
  return json{{"version", IPISTORM_VERSION}, {"git_commit", IPISTORM_GIT_COMMIT}, {"host", host}};
}

json clock_json(const Result& r) {
  return json{{"ghz", r.config.cpu_ghz}, {"source", r.cpu_ghz_source}};
}

json result_json(const Result& r) {
  return json{{"config", to_json(r.config)},
              {"clock", clock_json(r)},
              {"metrics", metrics_json(r)},
              {"distributions", distributions_json(r)},
              {"provenance", provenance_json()}};
}

}  // namespace ipistorm::run
