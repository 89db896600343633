// validate.cpp: predicted against measured, per fan-out configuration.
#include "calibration/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "calibration/fanout_scenario.hpp"
#include "errors.hpp"

namespace ipistorm::calibration {
namespace {

// OS CPU number -> topology index.
int topo_index(const topo::Topology& t, int os_index, const std::string& bench) {
  for (int i = 0; i < t.num_cpus(); ++i)
    if (t.cpu(i).os_index == os_index) return i;
  throw InputError(bench + " ran on CPU " + std::to_string(os_index) + ", which the topology " +
                   t.spec() + " does not have");
}

std::vector<int> parse_cpu_list(const std::string& s, const std::string& bench) {
  std::vector<int> out;
  std::istringstream in(s);
  std::string tok;
  while (std::getline(in, tok, ',')) {
    char* end = nullptr;
    const long v = std::strtol(tok.c_str(), &end, 10);
    if (tok.empty() || *end != '\0' || v < 0)
      throw InputError(bench + " has a bad CPU list '" + s + "' in its label");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

}  // namespace

Validation validate(const BenchResults& r, const topo::Topology& topology,
                    const model::ParamValues& params, std::uint64_t seed) {
  Validation v;
  const std::string prefix = "fanout/schedule_on_each_cpu/";
  for (const BenchRecord* b : r.with_prefix(prefix)) {
    if (b->skipped || b->real_time_us.empty()) {
      v.skipped.emplace_back(b->name, b->skipped ? b->skip_reason : "no repetitions");
      continue;
    }
    const auto home = b->label_field("home");
    const auto targets = b->label_field("targets");
    if (!home || !targets) {
      v.skipped.emplace_back(b->name, "label names no home/targets CPUs");
      continue;
    }
    ValidationRow row;
    row.benchmark = b->name;
    const std::string rest = b->name.substr(prefix.size());  // <d>/k:<k>
    row.distance = rest.substr(0, rest.find('/'));
    std::vector<int> tcpus;
    for (int os : parse_cpu_list(*targets, b->name))
      tcpus.push_back(topo_index(topology, os, b->name));
    const int hcpu = topo_index(topology, parse_cpu_list(*home, b->name).at(0), b->name);
    row.k = static_cast<int>(tcpus.size());
    row.measured_us = b->median_us();
    row.cv = b->cv();
    row.measured_ipis = b->counter_median("ipis_per_op");
    const FanoutPrediction p = simulate_fanout(topology, hcpu, tcpus, params, seed);
    row.predicted_us = p.mean_us;
    row.predicted_ipis = p.ipis_per_op;
    v.rows.push_back(row);
  }
  if (v.rows.empty())
    throw InputError("'" + r.path + "' has no usable fanout/schedule_on_each_cpu benchmark" +
                     (v.skipped.empty() ? "" : " (" + v.skipped.front().second + ")"));
  std::vector<double> errs;
  for (const auto& row : v.rows) errs.push_back(std::fabs(row.rel_error()));
  v.median_abs_rel_error = median(errs);
  return v;
}

nlohmann::json validation_json(const Validation& v, const nlohmann::json& provenance) {
  using nlohmann::json;
  json rows = json::array();
  for (const auto& r : v.rows) {
    json row = {{"benchmark", r.benchmark},
                {"distance", r.distance},
                {"k", r.k},
                {"measured_us", r.measured_us},
                {"repetition_cv", r.cv},
                {"predicted_us", r.predicted_us},
                {"rel_error", r.rel_error()},
                {"predicted_ipis_per_op", r.predicted_ipis}};
    row["measured_ipis_per_op"] = r.measured_ipis ? json(*r.measured_ipis) : json(nullptr);
    rows.push_back(row);
  }
  json skipped = json::object();
  for (const auto& [name, why] : v.skipped) skipped[name] = why;
  return json{
      {"rows", rows},       {"skipped", skipped}, {"median_abs_rel_error", v.median_abs_rel_error},
      {"target", v.target}, {"ok", v.ok()},       {"provenance", provenance}};
}

}  // namespace ipistorm::calibration
