// sweep.cpp: grid expansion, the thread pool, long-format output.
#include "model/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

using nlohmann::json;

namespace {

const char* kGridKeys = "topology, kernel, strategy, placement, dom0_vcpus, seed, params, base";

json as_list(const json& v, const std::string& key) {
  json l = v.is_array() ? v : json::array({v});
  if (l.empty()) throw InputError("grid key '" + key + "' is an empty list");
  return l;
}

template <class T>
std::vector<T> typed_list(const json& v, const std::string& key, const char* what) {
  std::vector<T> out;
  for (const auto& e : as_list(v, key)) {
    bool ok = false;
    if constexpr (std::is_same_v<T, std::string>)
      ok = e.is_string();
    else if constexpr (std::is_same_v<T, int>)
      ok = e.is_number_integer();
    else if constexpr (std::is_same_v<T, std::uint64_t>)
      ok = e.is_number_unsigned();
    else
      ok = e.is_number();
    if (!ok) throw InputError("grid key '" + key + "' must list " + what + ", got " + e.dump());
    out.push_back(e.get<T>());
  }
  return out;
}

}  // namespace

Grid grid_from_json(const json& j, const Config& base) {
  if (!j.is_object())
    throw InputError("grid must be a JSON object with keys " + std::string(kGridKeys));
  Grid g;
  g.base = base;
  if (j.contains("base")) apply_json(g.base, j["base"]);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "base") continue;
    if (k == "topology")
      g.topologies = typed_list<std::string>(v, k, "strings");
    else if (k == "kernel")
      g.kernels = typed_list<std::string>(v, k, "strings");
    else if (k == "strategy")
      g.strategies = typed_list<std::string>(v, k, "strings");
    else if (k == "placement")
      g.placements = typed_list<std::string>(v, k, "strings");
    else if (k == "dom0_vcpus")
      g.dom0_vcpus = typed_list<int>(v, k, "integers");
    else if (k == "seed")
      g.seeds = typed_list<std::uint64_t>(v, k, "non-negative integers");
    else if (k == "params") {
      if (!v.is_object()) throw InputError("grid key 'params' must be an object {name: [values]}");
      for (auto p = v.begin(); p != v.end(); ++p) {
        if (!find_param(p.key()))
          throw InputError("unknown parameter '" + p.key() + "' in grid (see 'ipistorm params')");
        g.params.emplace_back(p.key(), typed_list<double>(p.value(), p.key(), "numbers"));
      }
    } else {
      throw InputError(unknown_name_message(
          "grid key", k,
          {"topology", "kernel", "strategy", "placement", "dom0_vcpus", "seed", "params", "base"}));
    }
  }
  complete_grid(g);
  return g;
}

void complete_grid(Grid& g) {
  if (g.topologies.empty()) g.topologies = {g.base.topology};
  if (g.kernels.empty()) g.kernels = {g.base.kernel};
  if (g.strategies.empty()) g.strategies = {g.base.strategy};
  if (g.placements.empty()) g.placements = {g.base.placement};
  if (g.dom0_vcpus.empty()) g.dom0_vcpus = {g.base.dom0_vcpus};
  if (g.seeds.empty()) g.seeds = {g.base.seed};
}

void validate_grid(const Grid& g) {
  for (const auto& k : g.kernels) find_kernel_policy(k);
  for (const auto& s : g.strategies) find_strategy(s);
  for (const auto& p : g.placements) check_placement(p);
  for (const auto& t : g.topologies) {
    const topo::Topology topo = topo::Topology::load(t);
    for (int v : g.dom0_vcpus)
      if (v < 0 || v > topo.num_cpus())
        throw InputError("dom0_vcpus " + std::to_string(v) + " is outside 1.." +
                         std::to_string(topo.num_cpus()) + " (the CPUs of " + t + ")");
  }
  ParamValues probe = g.base.params;
  for (const auto& [name, values] : g.params)
    for (double v : values) probe.set(name, v);
}

std::uint64_t grid_size(const Grid& g) {
  // Saturating product: a huge grid must not wrap around to a small number.
  std::uint64_t n = 1;
  auto mul = [&](std::size_t k) {
    if (k == 0)
      n = 0;
    else if (n > UINT64_MAX / k)
      n = UINT64_MAX;
    else
      n *= k;
  };
  mul(g.topologies.size());
  mul(g.kernels.size());
  mul(g.strategies.size());
  mul(g.placements.size());
  mul(g.dom0_vcpus.size());
  for (const auto& p : g.params) mul(p.second.size());
  mul(g.seeds.size());
  return n;
}

std::vector<Config> expand(const Grid& g) {
  std::vector<Config> out;
  // Swept parameters nest in the order given (first slowest), seeds innermost.
  std::function<void(Config&, std::size_t)> params_then_seeds = [&](Config& c, std::size_t i) {
    if (i == g.params.size()) {
      for (std::uint64_t seed : g.seeds) {
        c.seed = seed;
        out.push_back(c);
      }
      return;
    }
    for (double v : g.params[i].second) {
      c.params.set(g.params[i].first, v);
      params_then_seeds(c, i + 1);
    }
  };
  for (const auto& t : g.topologies)
    for (const auto& k : g.kernels)
      for (const auto& s : g.strategies)
        for (const auto& pl : g.placements)
          for (int v : g.dom0_vcpus) {
            Config c = g.base;
            c.topology = t;
            c.kernel = k;
            c.strategy = s;
            c.placement = pl;
            c.dom0_vcpus = v;
            params_then_seeds(c, 0);
          }
  return out;
}

void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const std::atomic<bool>* stop, Progress progress) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (;;) {
      if ((stop && stop->load()) || failed.load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (const Cancelled&) {
        return;
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
      const std::size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d, n);
      }
    }
  };
  const int threads_n = std::max(1, std::min<int>(jobs, static_cast<int>(n)));
  std::vector<std::thread> threads;
  for (int t = 1; t < threads_n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (stop && stop->load() && done.load() < n) throw SweepInterrupted();
}

std::vector<Result> run_sweep(const std::vector<Config>& points, int jobs,
                              const std::atomic<bool>* stop, Progress progress) {
  std::vector<Result> results(points.size());
  parallel_for(
      points.size(), jobs, [&](std::size_t i) { results[i] = run(points[i], stop); }, stop,
      std::move(progress));
  return results;
}

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
