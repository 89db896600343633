// validate.cpp: predicted against measured, per benchmark.
#include "calibration/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "calibration/calibrate.hpp"
#include "calibration/fanout_scenario.hpp"
#include "calibration/strategy_scenario.hpp"
#include "errors.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::calibration {
namespace {

// A row is within the noise when its error is at most this many CVs.
constexpr double kNoiseSigmas = 2;

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
    if (tok.empty() || *end != '\0' || v < 0 || v > (1 << 20))
      throw InputError(bench + " has a bad CPU list '" + s + "' in its label");
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) throw InputError(bench + " has an empty CPU list in its label");
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string tok;
  std::istringstream in(s);
  while (std::getline(in, tok, sep)) out.push_back(tok);
  return out;
}

// "bytes:4096" -> 4096 (nullopt when the key or the number is wrong).
std::optional<long long> keyed_number(const std::string& tok, const std::string& key) {
  if (tok.rfind(key + ":", 0) != 0) return std::nullopt;
  const std::string n = tok.substr(key.size() + 1);
  if (n.empty() || n.size() > 12 || n.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(n);
}

ValidationRow measured_row(const BenchRecord& b, const std::string& family) {
  ValidationRow row;
  row.benchmark = b.name;
  row.family = family;
  row.measured_us = b.median_us();
  row.cv = b.cv();
  row.raw_cv = b.raw_cv();
  row.repetitions = static_cast<int>(b.real_time_us.size());
  row.measured_ipis = b.counter_median("ipis_per_op");
  return row;
}

bool simulator_has_strategy(const std::string& name) {
  for (const auto& e : model::strategies())
    if (name == e.name) return true;
  return false;
}

int home_cpu_of_run(const BenchResults& r, const std::string& bench) {
  auto it = r.context.find("home_cpu");
  if (it != r.context.end()) {
    if (it->is_number_unsigned())
      return static_cast<int>(std::min<std::uint64_t>(it->get<std::uint64_t>(), 1u << 20));
    if (it->is_string()) return parse_cpu_list(it->get<std::string>(), "context home_cpu").at(0);
  }
  throw InputError("'" + r.path + "' has no home_cpu in its context, needed for " + bench);
}

}  // namespace

bool ValidationRow::within_noise() const { return std::fabs(rel_error()) <= kNoiseSigmas * cv; }

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kMet:
      return "met";
    case Verdict::kNotMet:
      return "not met";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

Verdict Validation::verdict() const {
  if (rows.empty() || median_cv > noise_limit()) return Verdict::kInconclusive;
  return median_abs_rel_error <= target ? Verdict::kMet : Verdict::kNotMet;
}

Validation validate(const BenchResults& r, const topo::Topology& topology,
                    const model::ParamValues& params, std::uint64_t seed) {
  Validation v;
  const std::string release =
      r.context.contains("kernel_release") && r.context["kernel_release"].is_string()
          ? r.context["kernel_release"].get<std::string>()
          : "";
  v.kernel = kernel_preset_for_release(release);
  for (const auto& [name, b] : r.records) {
    if (calibration_input(name)) continue;  // calibrate's; never scored here
    if (b.skipped || b.real_time_us.empty()) {
      v.skipped.emplace_back(name, b.skipped ? b.skip_reason : "no repetitions");
      continue;
    }
    const std::vector<std::string> parts = split(name, '/');
    if (parts.size() >= 2 && parts[0] == "fanout" && parts[1] == "schedule_on_each_cpu") {
      const auto home = b.label_field("home");
      const auto targets = b.label_field("targets");
      if (parts.size() != 4 || !home || !targets) {
        v.skipped.emplace_back(name,
                               "not fanout/schedule_on_each_cpu/<d>/k:<k> with home and "
                               "targets CPUs in its label");
        continue;
      }
      ValidationRow row = measured_row(b, "schedule_on_each_cpu");
      row.distance = parts[2];
      std::vector<int> tcpus;
      for (int os : parse_cpu_list(*targets, name)) tcpus.push_back(topo_index(topology, os, name));
      const int hcpu = topo_index(topology, parse_cpu_list(*home, name).at(0), name);
      row.k = static_cast<int>(tcpus.size());
      const FanoutPrediction p = simulate_fanout(topology, hcpu, tcpus, params, seed);
      row.predicted_us = p.mean_us;
      row.predicted_ipis = p.ipis_per_op;
      v.rows.push_back(row);
      continue;
    }
    if (parts.size() >= 4 && parts[0] == "strategy") {
      const auto bytes = keyed_number(parts[2], "bytes");
      const bool loaded = parts.size() == 6;
      if (!bytes || *bytes < 1 || *bytes > (1ll << 30) || parts[3].rfind("load:", 0) != 0 ||
          !(parts.size() == 4 || loaded)) {
        v.skipped.emplace_back(name, "not strategy/<s>/bytes:<N>/load:<l>[/<d>/k:<k>]");
        continue;
      }
      if (!simulator_has_strategy(parts[1])) {
        v.not_expressible.emplace_back(name, "the simulator has no strategy '" + parts[1] + "'");
        continue;
      }
      ValidationRow row = measured_row(b, "strategy");
      row.strategy = parts[1];
      row.bytes = *bytes;
      row.load = parts[3].substr(5);
      BenchLoad load = BenchLoad::kIdle;
      std::vector<int> load_cpus;
      if (row.load == "spin" || row.load == "fault") {
        load = row.load == "spin" ? BenchLoad::kSpin : BenchLoad::kFault;
        const auto cpus = b.label_field("load_cpus");
        if (!loaded || !cpus) {
          v.skipped.emplace_back(name,
                                 "a loaded strategy benchmark without load_cpus in its label");
          continue;
        }
        row.distance = parts[4];
        for (int os : parse_cpu_list(*cpus, name))
          load_cpus.push_back(topo_index(topology, os, name));
      } else if (row.load != "idle" || loaded) {
        v.not_expressible.emplace_back(name, "no model of the load '" + row.load + "'");
        continue;
      }
      const auto call_label = b.label_field("call");
      BenchCall call = BenchCall::kGetppid;
      if (call_label && *call_label == "xen_version") {
        call = BenchCall::kXenVersion;
      } else if (call_label && *call_label != "getppid") {
        v.not_expressible.emplace_back(name, "no model of the call '" + *call_label + "'");
        continue;
      }
      row.k = static_cast<int>(load_cpus.size());
      const int home = topo_index(topology, home_cpu_of_run(r, name), name);
      const StrategyPrediction p = simulate_strategy(
          topology, home, row.strategy, v.kernel, row.bytes, load, call, load_cpus, params, seed);
      row.predicted_us = p.mean_us;
      row.predicted_ipis = p.ipis_per_op;
      v.rows.push_back(row);
      continue;
    }
    v.not_expressible.emplace_back(name, "no model of this benchmark family");
  }
  if (v.rows.empty())
    throw InputError("'" + r.path + "' has no benchmark to validate (strategy/ or " +
                     "fanout/schedule_on_each_cpu/)" +
                     (v.skipped.empty() ? "" : " (" + v.skipped.front().second + ")"));
  std::vector<double> errs, cvs, raw_cvs;
  for (const auto& row : v.rows) {
    errs.push_back(std::fabs(row.rel_error()));
    cvs.push_back(row.cv);
    raw_cvs.push_back(row.raw_cv);
    v.within_noise += row.within_noise() ? 1 : 0;
  }
  v.median_abs_rel_error = median(errs);
  v.median_cv = median(cvs);
  v.median_raw_cv = median(raw_cvs);
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> fam;
  for (const auto& row : v.rows) {
    fam[row.family].first.push_back(std::fabs(row.rel_error()));
    fam[row.family].second.push_back(row.cv);
  }
  for (const auto& [name, ec] : fam)
    v.by_family[name] = {static_cast<int>(ec.first.size()), median(ec.first), median(ec.second)};
  return v;
}

nlohmann::json validation_json(const Validation& v, const nlohmann::json& provenance) {
  using nlohmann::json;
  json rows = json::array();
  for (const auto& r : v.rows) {
    json row = {{"benchmark", r.benchmark},
                {"family", r.family},
                {"strategy", r.strategy.empty() ? json(nullptr) : json(r.strategy)},
                {"bytes", r.bytes ? json(r.bytes) : json(nullptr)},
                {"load", r.load.empty() ? json(nullptr) : json(r.load)},
                {"distance", r.distance.empty() ? json(nullptr) : json(r.distance)},
                {"k", r.k},
                {"measured_us", r.measured_us},
                {"repetition_cv", r.cv},
                {"repetition_cv_raw", r.raw_cv},
                {"repetitions", r.repetitions},
                {"predicted_us", r.predicted_us},
                {"rel_error", r.rel_error()},
                {"within_noise", r.within_noise()},
                {"predicted_ipis_per_op", r.predicted_ipis}};
    row["measured_ipis_per_op"] = r.measured_ipis ? json(*r.measured_ipis) : json(nullptr);
    rows.push_back(row);
  }
  json skipped = json::object(), not_expressible = json::object(), by_family = json::object();
  for (const auto& [name, f] : v.by_family)
    by_family[name] = {{"benchmarks", f.benchmarks},
                       {"median_abs_rel_error", f.median_abs_rel_error},
                       {"median_repetition_cv", f.median_cv}};
  for (const auto& [name, why] : v.skipped) skipped[name] = why;
  for (const auto& [name, why] : v.not_expressible) not_expressible[name] = why;
  return json{{"schema", "ipistorm-validation-2"},
              {"rows", rows},
              {"skipped", skipped},
              {"not_expressible", not_expressible},
              {"kernel_preset", v.kernel},
              {"benchmarks", v.rows.size()},
              {"median_abs_rel_error", v.median_abs_rel_error},
              {"median_repetition_cv", v.median_cv},
              {"median_repetition_cv_raw", v.median_raw_cv},
              {"within_noise", v.within_noise},
              {"by_family", by_family},
              {"target", v.target},
              {"noise_limit", v.noise_limit()},
              {"noise_sigmas", kNoiseSigmas},
              {"verdict", verdict_name(v.verdict())},
              {"ok", v.ok()},
              {"provenance", provenance}};
}

}  // namespace ipistorm::calibration
