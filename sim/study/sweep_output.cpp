// sweep_output.cpp: a sweep's runs as long-format CSV rows and as JSON.
#include "study/sweep_output.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "io/csv.hpp"
#include "run/config.hpp"
#include "run/report.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

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

// Wall time differs run to run: CSV rows hold only what the config decides.
bool skip_metric(const std::string& name) { return !metric(name).deterministic; }

}  // namespace

std::string sweep_csv_header(const Grid& g, bool with_samples) {
  std::vector<std::string> head = {"run"};
  if (with_samples) head.push_back("sample");
  head.insert(head.end(), {"topology", "kernel", "strategy", "placement", "dom0_vcpus", "seed"});
  for (const auto& p : g.params) head.push_back(p.first);
  head.insert(head.end(), {"metric", "value"});
  return io::csv_line(head);
}

std::string sweep_csv_rows(const Grid& g, std::uint64_t i, const Result& r,
                           const std::vector<std::pair<std::string, double>>* extra,
                           const std::size_t* sample) {
  const Config& c = r.config;
  std::vector<std::string> row = {std::to_string(i)};
  if (sample) row.push_back(std::to_string(*sample));
  // A topology may hold commas ("pu:2(indexes=0,1)"): csv_line quotes it.
  row.insert(row.end(), {c.topology, c.kernel, c.strategy, c.placement,
                         std::to_string(c.dom0_vcpus), std::to_string(c.seed)});
  for (const auto& p : g.params) row.push_back(io::csv_number(c.params.get(p.first)));
  std::string out;
  auto emit = [&](const std::string& name, double value) {
    row.push_back(name);
    row.push_back(io::csv_number(value));
    out += io::csv_line(row);
    row.resize(row.size() - 2);
  };
  for (const auto& [name, value] : flat_metrics(r))
    if (!skip_metric(name)) emit(name, value);
  if (extra)
    for (const auto& [name, value] : *extra) emit(name, value);
  return out;
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
  json m = run::metrics_json(r);
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
  return {{"base", run::to_json(g.base)},
          {"grid",
           {{"topology", g.topologies},
            {"kernel", g.kernels},
            {"strategy", g.strategies},
            {"placement", g.placements},
            {"dom0_vcpus", g.dom0_vcpus},
            {"seed", g.seeds},
            {"params", swept}}},
          {"runs", json::array()},
          {"provenance", run::provenance_json()}};
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

}  // namespace ipistorm::study
