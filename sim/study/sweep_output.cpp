// sweep_output.cpp: a sweep's runs as long-format CSV rows and as JSON.
#include "study/sweep_output.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string_view>

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

std::string sweep_csv_header(const Grid& g, bool with_samples) {
  std::string out = with_samples ? "run,sample" : "run";
  out += ",topology,kernel,strategy,placement,dom0_vcpus,seed";
  for (const auto& p : g.params) out += "," + p.first;
  return out + ",metric,value\n";
}

std::string sweep_csv_rows(const Grid& g, std::uint64_t i, const Result& r,
                           const std::vector<std::pair<std::string, double>>* extra,
                           const std::size_t* sample) {
  const Config& c = r.config;
  std::ostringstream key;
  key << i;
  if (sample) key << "," << *sample;
  key << "," << c.topology << "," << c.kernel << "," << c.strategy << "," << c.placement << ","
      << c.dom0_vcpus << "," << c.seed;
  for (const auto& p : g.params) key << "," << num(c.params.get(p.first));
  const std::string prefix = key.str();
  std::ostringstream os;
  for (const auto& [name, value] : flat_metrics(r)) {
    if (skip_metric(name)) continue;
    os << prefix << "," << name << "," << num(value) << "\n";
  }
  if (extra)
    for (const auto& [name, value] : *extra)
      os << prefix << "," << name << "," << num(value) << "\n";
  return os.str();
}

std::string sweep_csv(const Grid& g, const std::vector<Result>& results,
                      const std::vector<std::vector<std::pair<std::string, double>>>* extra,
                      const std::vector<std::size_t>& samples) {
  std::string out = sweep_csv_header(g, !samples.empty());
  for (std::size_t i = 0; i < results.size(); ++i)
    out += sweep_csv_rows(g, i, results[i], extra && i < extra->size() ? &(*extra)[i] : nullptr,
                          samples.empty() ? nullptr : &samples[i]);
  return out;
}

json sweep_json_run(const Grid& g, std::uint64_t i, const Result& r, const std::size_t* sample) {
  // Per run only what the grid sets, and the metrics.
  const Config& c = r.config;
  json m = metrics_json(r);
  m.erase("wall_s");
  json swept = json::object();
  for (const auto& p : g.params) swept[p.first] = c.params.get(p.first);
  json run = {{"run", i},
              {"topology", c.topology},
              {"kernel", c.kernel},
              {"strategy", c.strategy},
              {"placement", c.placement},
              {"dom0_vcpus", c.dom0_vcpus},
              {"seed", c.seed},
              {"params", swept},
              {"metrics", m}};
  if (sample) run["sample"] = *sample;
  return run;
}

json sweep_json_head(const Grid& g) {
  // The base config once, the grid's lists, and an empty "runs".
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
          {"runs", json::array()},
          {"provenance", provenance_json()}};
}

json sweep_json(const Grid& g, const std::vector<Result>& results,
                const std::vector<std::size_t>& samples) {
  json out = sweep_json_head(g);
  for (std::size_t i = 0; i < results.size(); ++i)
    out["runs"].push_back(
        sweep_json_run(g, i, results[i], samples.empty() ? nullptr : &samples[i]));
  return out;
}

namespace {

// sweep_json_head(g).dump(2) ends in `"runs": []` and the closing brace;
// "runs" sorts last among the keys, so the runs go just before that end.
constexpr std::string_view kEmptyRunsEnd = "[]\n}";

}  // namespace

SweepJsonText::SweepJsonText(const Grid& g) {
  const std::string head = sweep_json_head(g).dump(2);
  if (head.size() < kEmptyRunsEnd.size() ||
      head.compare(head.size() - kEmptyRunsEnd.size(), kEmptyRunsEnd.size(), kEmptyRunsEnd) != 0)
    throw std::logic_error("sweep JSON: \"runs\" is not the last key");
  head_ = head.substr(0, head.size() - kEmptyRunsEnd.size());
}

std::string SweepJsonText::begin() const { return head_ + "["; }

std::string SweepJsonText::run(const json& run) {
  // One element of "runs": dump(2) indented by the array's depth (4 spaces).
  std::string out = runs_++ ? ",\n" : "\n";
  const std::string text = run.dump(2);
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    out += "    ";
    out.append(text, start, nl == std::string::npos ? std::string::npos : nl + 1 - start);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string SweepJsonText::end() const { return runs_ ? "\n  ]\n}\n" : "]\n}\n"; }

}  // namespace ipistorm::model
