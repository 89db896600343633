// config.cpp: a Config from JSON (every key and number checked where it
// enters) and back.
#include "run/config.hpp"

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "topology/topology.hpp"

namespace ipistorm::run {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

using nlohmann::json;

void set_param_json(ParamValues& params, const std::string& name, const json& v) {
  const ParamSpec* spec = find_param(name);
  if (!spec) {
    params.set(name, 0);  // throws the unknown-parameter error
    return;
  }
  if (!v.is_number()) throw InputError("parameter " + name + " must be a number, got " + v.dump());
  // An integer token is read as an integer (never through get<int>()), then
  // range-checked; a number with a fraction or exponent (a calibration file
  // writes 3.0) is accepted by a whole-number row only if it is integral.
  if (v.is_number_integer()) {
    const double d = v.is_number_unsigned() ? static_cast<double>(v.get<std::uint64_t>())
                                            : static_cast<double>(v.get<std::int64_t>());
    if (d < spec->min || d > spec->max)
      throw InputError("parameter " + name + "=" + v.dump() + " is outside the accepted range " +
                       io::format_range(spec->min, spec->max) + " " + spec->unit);
    params.set(name, d);
  } else {
    params.set(name, v.get<double>());
  }
}

namespace {

// "ranges": {name: {"range": [low, high], "distribution": "uniform" |
// "log-uniform"}}; the distribution defaults to the table's (uniform where
// the row has none).
void set_range_json(Config& c, const std::string& name, const json& v) {
  const ParamSpec* spec = find_param(name);
  if (!spec) throw InputError("unknown parameter '" + name + "' in ranges (see 'ipistorm params')");
  if (!v.is_object() || !v.contains("range"))
    throw InputError("ranges." + name + " must be {\"range\": [low, high], \"distribution\": ...}");
  Distribution d = spec->range.empty() ? Distribution::kUniform : spec->range.distribution;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "distribution") {
      if (!it.value().is_string())
        throw InputError("ranges." + name + ".distribution must be a string");
      d = distribution_from_name(it.value().get<std::string>());
    } else if (it.key() != "range") {
      throw InputError("unknown key '" + it.key() + "' in ranges." + name +
                       " (accepted: range, distribution)");
    }
  }
  const json& r = v["range"];
  if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number())
    throw InputError("ranges." + name + ".range must be [low, high], got " + r.dump());
  c.ranges[name] = checked_range(name, d, r[0].get<double>(), r[1].get<double>());
}

}  // namespace

void apply_json(Config& c, const json& j) {
  if (!j.is_object()) throw InputError("config must be a JSON object, got " + j.dump());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "topology")
      c.topology = io::string_value(v, "config key 'topology'");
    else if (k == "kernel")
      c.kernel = io::string_value(v, "config key 'kernel'");
    else if (k == "strategy")
      c.strategy = io::string_value(v, "config key 'strategy'");
    else if (k == "placement")
      c.placement = io::string_value(v, "config key 'placement'");
    else if (k == "dom0_vcpus")
      c.dom0_vcpus = static_cast<int>(
          io::int_value(v, 0, topo::kMaxCpus, "config key 'dom0_vcpus' (0: one per CPU)"));
    else if (k == "dm_vcpu")
      c.dm_vcpu = static_cast<int>(io::int_value(v, 0, topo::kMaxCpus - 1, "config key 'dm_vcpu'"));
    else if (k == "seed")
      c.seed = io::uint_value(v, "config key 'seed'");
    else if (k == "cpu_ghz")
      c.cpu_ghz = io::real_value(v, 0, kMaxGhz, "config key 'cpu_ghz' (0: the topology's)");
    else if (k == "window_s")
      c.window_s = io::real_value(v, kMinWindowS, kMaxWindowS, "config key 'window_s'");
    else if (k == "params") {
      if (!v.is_object()) throw InputError("config key 'params' must be an object {name: number}");
      for (auto p = v.begin(); p != v.end(); ++p) set_param_json(c.params, p.key(), p.value());
    } else if (k == "ranges") {
      if (!v.is_object()) throw InputError("config key 'ranges' must be an object {name: {...}}");
      for (auto p = v.begin(); p != v.end(); ++p) set_range_json(c, p.key(), p.value());
    } else {
      throw InputError(
          unknown_name_message("config key", k,
                               {"topology", "kernel", "strategy", "dom0_vcpus", "placement",
                                "dm_vcpu", "seed", "cpu_ghz", "window_s", "params", "ranges"}));
    }
  }
}

json to_json(const Config& c) {
  json params = json::object();
  for (const auto& [k, v] : c.params.all()) params[k] = v;
  json out{{"topology", c.topology},   {"kernel", c.kernel},
           {"strategy", c.strategy},   {"dom0_vcpus", c.dom0_vcpus},
           {"placement", c.placement}, {"dm_vcpu", c.dm_vcpu},
           {"seed", c.seed},           {"cpu_ghz", c.cpu_ghz},
           {"window_s", c.window_s},   {"params", params}};
  // Only when given, so configs without ranges read as before.
  for (const auto& [k, r] : c.ranges)
    out["ranges"][k] = {{"range", {r.low, r.high}},
                        {"distribution", distribution_name(r.distribution)}};
  return out;
}

}  // namespace ipistorm::run
