// sweep_output.cpp: a sweep's runs as long-format rows (report::Rows) and as JSON.
#include "study/sweep_output.hpp"

#include <algorithm>

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

std::vector<std::string> sweep_columns(const Grid& g, bool with_samples) {
  std::vector<std::string> head = {"run"};
  if (with_samples) head.push_back("sample");
  head.insert(head.end(), {"topology", "kernel", "strategy", "placement", "dom0_vcpus", "seed"});
  for (const auto& p : g.params) head.push_back(p.first);
  head.insert(head.end(), {"metric", "value"});
  return head;
}

void add_sweep_rows(report::Rows& out, const Grid& g, std::uint64_t i, const Result& r,
                    const std::vector<std::pair<std::string, double>>* extra,
                    const std::size_t* sample) {
  const Config& c = r.config;
  std::vector<report::Cell> row = {i};
  if (sample) row.emplace_back(std::uint64_t{*sample});
  // A topology may hold commas ("pu:2(indexes=0,1)"): the CSV writer quotes it.
  row.insert(row.end(), {c.topology, c.kernel, c.strategy, c.placement, std::int64_t{c.dom0_vcpus},
                         std::uint64_t{c.seed}});
  for (const auto& p : g.params) row.emplace_back(c.params.get(p.first));
  auto emit = [&](const std::string& name, double value) {
    row.emplace_back(name);
    row.emplace_back(value);
    out.add(row);
    row.resize(row.size() - 2);
  };
  for (const auto& [name, value] : flat_metrics(r))
    if (!skip_metric(name)) emit(name, value);
  if (extra)
    for (const auto& [name, value] : *extra) emit(name, value);
}

report::Rows sweep_rows(const Grid& g, const std::vector<Result>& results,
                        const std::vector<std::vector<std::pair<std::string, double>>>* extra,
                        const std::vector<std::size_t>& samples) {
  report::Rows out;
  out.columns = sweep_columns(g, !samples.empty());
  for (std::size_t i = 0; i < results.size(); ++i)
    add_sweep_rows(out, g, i, results[i], extra && i < extra->size() ? &(*extra)[i] : nullptr,
                   samples.empty() ? nullptr : &samples[i]);
  return out;
}

std::string sweep_csv(const Grid& g, const std::vector<Result>& results,
                      const std::vector<std::vector<std::pair<std::string, double>>>* extra,
                      const std::vector<std::size_t>& samples) {
  return report::to_csv(sweep_rows(g, results, extra, samples));
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

}  // namespace ipistorm::study
