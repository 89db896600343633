// grid.cpp: a sweep's grid: parsing, checking, size and expansion.
#include "study/grid.hpp"

#include <type_traits>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "topology/topology.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

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
  if (j.contains("base")) run::apply_json(g.base, j["base"]);
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
      for (const auto& e : as_list(v, k))  // read as integers: no get<int>() wrap-around
        g.dom0_vcpus.push_back(
            static_cast<int>(io::int_value(e, 0, topo::kMaxCpus, "grid key 'dom0_vcpus'")));
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

Config grid_point(const Grid& g, std::uint64_t i) {
  // Mixed radix, seed the fastest digit: peel the digits off from the
  // fastest dimension to the slowest.
  auto digit = [&i](std::size_t radix) {
    const std::size_t d = static_cast<std::size_t>(i % radix);
    i /= radix;
    return d;
  };
  Config c = g.base;
  c.seed = g.seeds[digit(g.seeds.size())];
  std::vector<std::size_t> param_digit(g.params.size());
  for (std::size_t k = g.params.size(); k-- > 0;) param_digit[k] = digit(g.params[k].second.size());
  // Set in the order given, so a parameter listed twice takes its later list.
  for (std::size_t k = 0; k < g.params.size(); ++k)
    c.params.set(g.params[k].first, g.params[k].second[param_digit[k]]);
  c.dom0_vcpus = g.dom0_vcpus[digit(g.dom0_vcpus.size())];
  c.placement = g.placements[digit(g.placements.size())];
  c.strategy = g.strategies[digit(g.strategies.size())];
  c.kernel = g.kernels[digit(g.kernels.size())];
  c.topology = g.topologies[digit(g.topologies.size())];
  return c;
}

std::vector<Config> expand(const Grid& g) {
  std::vector<Config> out;
  const std::uint64_t n = grid_size(g);
  out.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(grid_point(g, i));
  return out;
}

}  // namespace ipistorm::study
