// sweep_output.cpp: a sweep's runs as long-format CSV rows and as JSON.
#include "study/sweep_output.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "run/config.hpp"
#include "run/report.hpp"

namespace ipistorm::model {

using nlohmann::json;

std::vector<std::pair<std::string, double>> flat_metrics(const Result& r) {
  // The metric table's rows, by name (the order of the JSON object walked
  // depth-first: dotted names sort as their paths do).
  std::vector<std::pair<std::string, double>> out;
  for (const MetricSpec& m : metric_table()) out.emplace_back(m.name, m.value(r));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

namespace {

// Shortest round-trip text for a double, so CSV values read back exactly.
std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer a shorter form when it round-trips.
  for (int p = 6; p < 17; ++p) {
    char s[40];
    std::snprintf(s, sizeof s, "%.*g", p, v);
    if (std::strtod(s, nullptr) == v) return s;
  }
  return buf;
}

// Wall time differs run to run: CSV rows hold only what the config decides.
bool skip_metric(const std::string& name) { return !metric(name).deterministic; }

}  // namespace

std::string sweep_csv(const Grid& g, const std::vector<Result>& results,
                      const std::vector<std::vector<std::pair<std::string, double>>>* extra,
                      const std::vector<std::size_t>& samples) {
  std::ostringstream os;
  os << (samples.empty() ? "run" : "run,sample")
     << ",topology,kernel,strategy,placement,dom0_vcpus,seed";
  for (const auto& p : g.params) os << "," << p.first;
  os << ",metric,value\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Config& c = results[i].config;
    std::ostringstream key;
    key << i;
    if (!samples.empty()) key << "," << samples[i];
    key << "," << c.topology << "," << c.kernel << "," << c.strategy << "," << c.placement << ","
        << c.dom0_vcpus << "," << c.seed;
    for (const auto& p : g.params) key << "," << num(c.params.get(p.first));
    const std::string prefix = key.str();
    for (const auto& [name, value] : flat_metrics(results[i])) {
      if (skip_metric(name)) continue;
      os << prefix << "," << name << "," << num(value) << "\n";
    }
    if (extra && i < extra->size())
      for (const auto& [name, value] : (*extra)[i])
        os << prefix << "," << name << "," << num(value) << "\n";
  }
  return os.str();
}

json sweep_json(const Grid& g, const std::vector<Result>& results,
                const std::vector<std::size_t>& samples) {
  // The base config once; per run only what the grid sets, and the metrics.
  json runs = json::array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Config& c = results[i].config;
    json m = metrics_json(results[i]);
    m.erase("wall_s");
    json swept = json::object();
    for (const auto& p : g.params) swept[p.first] = c.params.get(p.first);
    runs.push_back({{"run", i},
                    {"topology", c.topology},
                    {"kernel", c.kernel},
                    {"strategy", c.strategy},
                    {"placement", c.placement},
                    {"dom0_vcpus", c.dom0_vcpus},
                    {"seed", c.seed},
                    {"params", swept},
                    {"metrics", m}});
    if (!samples.empty()) runs.back()["sample"] = samples[i];
  }
  json swept = json::object();
  for (const auto& p : g.params) swept[p.first] = p.second;
  return {{"base", to_json(g.base)},
          {"grid",
           {{"topology", g.topologies},
            {"kernel", g.kernels},
            {"strategy", g.strategies},
            {"placement", g.placements},
            {"dom0_vcpus", g.dom0_vcpus},
            {"seed", g.seeds},
            {"params", swept}}},
          {"runs", runs},
          {"provenance", provenance_json()}};
}

}  // namespace ipistorm::model
