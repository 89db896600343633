// config.cpp: a Config from JSON (every key and number checked against its
// row of config_fields() where it enters) and back; resolve(), the check of a
// whole Config.
#include "run/config.hpp"

#include <type_traits>
#include <variant>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"

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

void read_field_json(const ConfigField& f, Config& c, const json& v, const std::string& source) {
  std::string what = source + " '" + f.key + "'";
  if (f.zero) what += std::string(" (0: ") + f.zero + ")";
  std::visit(
      [&](auto m) {
        auto& field = c.*m;
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_same_v<T, std::string>) {
          field = io::string_value(v, what);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          field = io::uint_value(v, what);
        } else if constexpr (std::is_arithmetic_v<T>) {
          if (f.zero && (std::is_integral_v<T> ? v.is_number_integer() : v.is_number()) &&
              v.get<double>() == 0)
            field = 0;
          else if constexpr (std::is_integral_v<T>)  // read as an integer: no wrap-around
            field = static_cast<T>(io::int_value(v, static_cast<std::int64_t>(f.min),
                                                 static_cast<std::int64_t>(f.max), what));
          else
            field = io::real_value(v, f.min, f.max, what);
        } else if constexpr (std::is_same_v<T, ParamValues>) {
          if (!v.is_object()) throw InputError(what + " must be an object {name: number}");
          for (auto p = v.begin(); p != v.end(); ++p) set_param_json(field, p.key(), p.value());
        } else {
          if (!v.is_object()) throw InputError(what + " must be an object {name: {...}}");
          for (auto p = v.begin(); p != v.end(); ++p) set_range_json(c, p.key(), p.value());
        }
      },
      f.member);
}

void apply_json(Config& c, const json& j) {
  if (!j.is_object()) throw InputError("config must be a JSON object, got " + j.dump());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const ConfigField* f = find_config_field(it.key());
    if (!f) throw InputError(unknown_name_message("config key", it.key(), config_keys()));
    read_field_json(*f, c, it.value(), "config key");
  }
}

json to_json(const Config& c) {
  json out = json::object();
  for (const ConfigField& f : config_fields())
    std::visit(
        [&](auto m) {
          const auto& field = c.*m;
          using T = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<T, ParamValues>) {
            json params = json::object();
            for (const auto& [k, v] : field.all()) params[k] = v;
            out[f.key] = params;
          } else if constexpr (std::is_same_v<T, std::map<std::string, ParamRange>>) {
            // Only when given, so configs without ranges read as before.
            for (const auto& [k, r] : field)
              out[f.key][k] = {{"range", {r.low, r.high}},
                               {"distribution", distribution_name(r.distribution)}};
          } else {
            out[f.key] = field;
          }
        },
        f.member);
  return out;
}

void check_field_number(const ConfigField& f, double v, const std::string& what,
                        bool zero_allowed) {
  if (zero_allowed && f.zero && v == 0) return;
  if (v >= f.min && v <= f.max) return;
  const std::string zero =
      zero_allowed && f.zero ? std::string(" 0 (") + f.zero + ") or" : std::string();
  throw InputError(what + " must be" + zero + " in " + io::format_range(f.min, f.max) + ", got " +
                   io::format_number(v));
}

void check_names(const Config& c) {
  find_kernel_policy(c.kernel);
  find_strategy(c.strategy);
  check_placement(c.placement);
}

Resolved resolve(const Config& input) {
  Config c = input;
  check_names(c);
  for (const ConfigField& f : config_fields())
    std::visit(
        [&](auto m) {
          using T = std::decay_t<decltype(c.*m)>;
          if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, std::uint64_t>)
            check_field_number(f, static_cast<double>(c.*m), f.key, true);
        },
        f.member);
  topo::Topology topo = topo::Topology::load(c.topology);
  if (c.cpu_ghz > 0) topo.set_ghz(c.cpu_ghz);
  c.cpu_ghz = topo.ghz();
  const int cpus = topo.num_cpus();
  if (c.dom0_vcpus == 0) c.dom0_vcpus = cpus;
  if (c.dom0_vcpus > cpus)
    throw InputError("dom0_vcpus " + std::to_string(c.dom0_vcpus) + " is outside 1.." +
                     std::to_string(cpus) + " (the CPUs of " + c.topology + ")");
  if (c.dm_vcpu >= c.dom0_vcpus)
    throw InputError("dm_vcpu " + std::to_string(c.dm_vcpu) + " is outside 0.." +
                     std::to_string(c.dom0_vcpus - 1));
  const double evtchn_vcpu = c.params.get("dm_evtchn_vcpu");
  if (evtchn_vcpu >= c.dom0_vcpus)
    throw InputError("parameter dm_evtchn_vcpu " + std::to_string(static_cast<long>(evtchn_vcpu)) +
                     " is outside 0.." + std::to_string(c.dom0_vcpus - 1) + " (the dom0 vCPUs)");
  // A count of CPUs is bounded by the machine, known only now (the table's
  // range, 0..8192, is the largest machine's).
  const double mm_cpus = c.params.get("dm_mm_other_cpus");
  if (mm_cpus > cpus)
    throw InputError("parameter dm_mm_other_cpus " + io::format_number(mm_cpus) + " is above the " +
                     std::to_string(cpus) + " CPUs of " + c.topology +
                     " (it counts CPUs of the device model's mm_cpumask)");
  check_simulated_times(c.params);  // before the run: no delay may pass kMaxSimTime
  return {std::move(c), std::move(topo)};
}

}  // namespace ipistorm::run
