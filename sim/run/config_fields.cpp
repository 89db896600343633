// config_fields.cpp: the rows of the Config field table.
#include "run/config_fields.hpp"

#include "io/number.hpp"
#include "topology/topology.hpp"

namespace ipistorm::run {

using model::Config;

const std::vector<ConfigField>& config_fields() {
  static const std::vector<ConfigField> fields = [] {
    constexpr double kMaxCpus = topo::kMaxCpus;
    std::vector<ConfigField> f;
    // key, flag, member, min, max, zero, help, per_scenario, swept
    f.push_back({"topology", "--topology", &Config::topology, 0, 0, nullptr,
                 "preset, hwloc XML file, synthetic string, or 'host' (default {})", false, true});
    f.push_back({"kernel", "--kernel", &Config::kernel, 0, 0, nullptr,
                 "kernel preset (default {}; names below)", true, true});
    f.push_back({"strategy", "--strategy", &Config::strategy, 0, 0, nullptr,
                 "hypercall-buffer strategy (default {}; names below)", true, true});
    f.push_back({"dom0_vcpus", "--dom0-vcpus", &Config::dom0_vcpus, 1, kMaxCpus, "one per CPU",
                 "dom0 vCPUs (1..CPUs; default: {})", true, true});
    f.push_back({"placement", "--placement", &Config::placement, 0, 0, nullptr,
                 "vCPU placement (default {}; names below)", false, true});
    f.push_back({"dm_vcpu", "--dm-vcpu", &Config::dm_vcpu, 0, kMaxCpus - 1, nullptr,
                 "vCPU the device model runs on (default {})", true, false});
    f.push_back(
        {"seed", "--seed", &Config::seed, 0, 0, nullptr, "random seed (default {})", false, true});
    f.push_back({"cpu_ghz", "--cpu-ghz", &Config::cpu_ghz, model::kMinGhz, model::kMaxGhz,
                 "the topology's", "CPU frequency for cycle figures (default: {})", false, false});
    f.push_back({"window_s", nullptr, &Config::window_s, model::kMinWindowS, model::kMaxWindowS,
                 nullptr, "statistics window, s (default {})", false, false});
    f.push_back({"params", "--set", &Config::params, 0, 0, nullptr,
                 "NAME=VALUE for any parameter (repeatable; 'ipistorm params' lists them)", false,
                 true});
    f.push_back({"ranges", nullptr, &Config::ranges, 0, 0, nullptr,
                 "plausible ranges for the uncertainty studies", false, false});
    return f;
  }();
  return fields;
}

const char* ConfigField::type_name() const {
  static const char* const names[] = {"name", "integer", "seed", "real", "params", "ranges"};
  return names[member.index()];
}

const ConfigField* find_config_field(const std::string& key) {
  for (const auto& f : config_fields())
    if (key == f.key) return &f;
  return nullptr;
}

const ConfigField& config_field(const ConfigMember& member) {
  for (const auto& f : config_fields())
    if (f.member == member) return f;
  throw std::logic_error("a Config member without a row in config_fields()");
}

std::vector<std::string> config_keys(bool (*pick)(const ConfigField&)) {
  std::vector<std::string> out;
  for (const auto& f : config_fields())
    if (!pick || pick(f)) out.emplace_back(f.key);
  return out;
}

std::string default_text(const ConfigField& f) {
  const Config def;
  return std::visit(
      [&](auto m) -> std::string {
        const auto& v = def.*m;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return v;
        else if constexpr (std::is_arithmetic_v<T>)
          return f.zero && v == 0 ? std::string(f.zero) : io::format_number(static_cast<double>(v));
        else
          return "";
      },
      f.member);
}

std::string help_text(const ConfigField& f) {
  std::string h = f.help;
  if (const auto at = h.find("{}"); at != std::string::npos) h.replace(at, 2, default_text(f));
  return h;
}

}  // namespace ipistorm::run
