// grid.cpp: a sweep's grid: parsing, checking, size and expansion.
#include "study/grid.hpp"

#include <iterator>
#include <variant>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "run/config_fields.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

using nlohmann::json;

namespace {

// The grid's list of each swept row of the field table (run/config_fields.hpp)
// but "params", slowest first; the seed last, as it varies fastest, after
// the parameters (grid_point).
template <class T>
struct List {
  T Config::*field;
  std::vector<T> Grid::*values;
};
using GridList = std::variant<List<std::string>, List<int>, List<std::uint64_t>>;
const GridList kLists[] = {
    List<std::string>{&Config::topology, &Grid::topologies},
    List<std::string>{&Config::kernel, &Grid::kernels},
    List<std::string>{&Config::strategy, &Grid::strategies},
    List<std::string>{&Config::placement, &Grid::placements},
    List<int>{&Config::dom0_vcpus, &Grid::dom0_vcpus},
    List<std::uint64_t>{&Config::seed, &Grid::seeds},
};

json as_list(const json& v, const std::string& key) {
  json l = v.is_array() ? v : json::array({v});
  if (l.empty()) throw InputError("grid key '" + key + "' is an empty list");
  return l;
}

// The values of a row's list, each read and checked as the config file's.
void read_list(Grid& g, const run::ConfigField& f, const json& v) {
  for (const GridList& list : kLists)
    std::visit(
        [&](const auto& l) {
          if (!(f.member == run::ConfigMember(l.field))) return;
          for (const auto& e : as_list(v, f.key)) {
            Config one;
            run::read_field_json(f, one, e, "grid key");
            (g.*l.values).push_back(one.*l.field);
          }
        },
        list);
}

}  // namespace

std::vector<std::string> grid_keys() {
  std::vector<std::string> keys =
      run::config_keys([](const run::ConfigField& f) { return f.swept; });
  keys.emplace_back("base");
  return keys;
}

Grid grid_from_json(const json& j, const Config& base) {
  if (!j.is_object()) {
    std::string keys;
    for (const auto& k : grid_keys()) keys += (keys.empty() ? "" : ", ") + k;
    throw InputError("grid must be a JSON object with keys " + keys);
  }
  Grid g;
  g.base = base;
  if (j.contains("base")) run::apply_json(g.base, j["base"]);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "base") continue;
    const run::ConfigField* f = run::find_config_field(k);
    if (!f || !f->swept) throw InputError(unknown_name_message("grid key", k, grid_keys()));
    if (f->member != run::ConfigMember(&Config::params)) {
      read_list(g, *f, v);
      continue;
    }
    if (!v.is_object()) throw InputError("grid key 'params' must be an object {name: [values]}");
    for (auto p = v.begin(); p != v.end(); ++p) {
      if (!find_param(p.key()))
        throw InputError("unknown parameter '" + p.key() + "' in grid (see 'ipistorm params')");
      std::vector<double> values;
      for (const auto& e : as_list(p.value(), p.key())) {
        if (!e.is_number())
          throw InputError("grid key '" + p.key() + "' must list numbers, got " + e.dump());
        values.push_back(e.get<double>());
      }
      g.params.emplace_back(p.key(), values);
    }
  }
  complete_grid(g);
  return g;
}

void complete_grid(Grid& g) {
  for (const GridList& list : kLists)
    std::visit(
        [&](const auto& l) {
          if ((g.*l.values).empty()) (g.*l.values) = {g.base.*l.field};
        },
        list);
}

void validate_grid(const Grid& g) {
  for (const auto& k : g.kernels) find_kernel_policy(k);
  for (const auto& s : g.strategies) find_strategy(s);
  for (const auto& p : g.placements) check_placement(p);
  // Each topology with each vCPU count, through the one check of a run's
  // config (the names: their first values, checked above).
  for (const auto& t : g.topologies)
    for (int v : g.dom0_vcpus) {
      Config c = g.base;
      c.topology = t;
      c.dom0_vcpus = v;
      c.kernel = g.kernels.front();
      c.strategy = g.strategies.front();
      c.placement = g.placements.front();
      run::resolve(c);
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
  for (const GridList& list : kLists)
    std::visit([&](const auto& l) { mul((g.*l.values).size()); }, list);
  for (const auto& p : g.params) mul(p.second.size());
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
  auto take = [&](const GridList& list) {
    std::visit(
        [&](const auto& l) {
          const auto& values = g.*l.values;
          c.*l.field = values[digit(values.size())];
        },
        list);
  };
  constexpr std::size_t kSeed = std::size(kLists) - 1;
  take(kLists[kSeed]);
  std::vector<std::size_t> param_digit(g.params.size());
  for (std::size_t k = g.params.size(); k-- > 0;) param_digit[k] = digit(g.params[k].second.size());
  // Set in the order given, so a parameter listed twice takes its later list.
  for (std::size_t k = 0; k < g.params.size(); ++k)
    c.params.set(g.params[k].first, g.params[k].second[param_digit[k]]);
  for (std::size_t k = kSeed; k-- > 0;) take(kLists[k]);
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
