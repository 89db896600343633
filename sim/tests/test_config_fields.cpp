// test_config_fields.cpp: the Config field table (run/config_fields.hpp)
// drives every reader and writer of a Config: each row is accepted by the
// config file reader, read back the same from to_json, set the same by its
// run flag, listed by the unknown-key hints, swept by the grid when it says
// so; and run::resolve refuses each bad whole config, with one message, in
// the one place (the readers accept what only the machine refutes).
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "errors.hpp"
#include "io/number.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "run/config.hpp"
#include "run/config_fields.hpp"
#include "run/world.hpp"
#include "study/grid.hpp"

namespace {

namespace cli = ipistorm::cli;
namespace model = ipistorm::model;
namespace run = ipistorm::run;
namespace study = ipistorm::study;
using ipistorm::InputError;
using nlohmann::json;

// A valid value of each name row other than its default, so that a flag or
// key that reached the wrong member shows. A new name row needs one here.
std::string name_sample(const std::string& key) {
  if (key == "topology") return "pu:4";
  if (key == "kernel") return model::kernel_policies().back().name;
  if (key == "strategy") return model::strategies().back().name;
  if (key == "placement") return model::placements().back().name;
  ADD_FAILURE() << "no sample name for the row " << key;
  return "";
}

// A value of the row other than its default, as JSON, within the row's range.
json sample(const run::ConfigField& f) {
  return std::visit(
      [&](auto m) -> json {
        using T = std::decay_t<decltype(model::Config().*m)>;
        if constexpr (std::is_same_v<T, std::string>)
          return name_sample(f.key);
        else if constexpr (std::is_same_v<T, std::uint64_t>)
          return UINT64_MAX;
        else if constexpr (std::is_integral_v<T>)
          return static_cast<int>(f.min) + 1;
        else if constexpr (std::is_floating_point_v<T>)
          return (f.min + f.max) / 2;
        else if constexpr (std::is_same_v<T, model::ParamValues>)
          return json{{"evtchn_send_us", 2.5}};
        else
          return json{{"evtchn_send_us", {{"range", {1, 3}}, {"distribution", "uniform"}}}};
      },
      f.member);
}

// The flag's text for a sample value.
std::string flag_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return ipistorm::io::format_number(v.get<double>());
  const auto p = v.begin();  // params: one NAME=VALUE
  return p.key() + "=" + ipistorm::io::format_number(p.value().get<double>());
}

model::Config from_flags(const std::vector<std::string>& args, bool per_scenario_knobs = true) {
  CLI::App app;
  cli::RunFlags f;
  cli::add_run_flags(&app, f, per_scenario_knobs);
  std::vector<const char*> argv = {"ipistorm"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return cli::build_config(f);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ConfigFields, EveryRowIsReadFromJsonAndWrittenBackByToJson) {
  const json defaults = run::to_json(model::Config());
  for (const run::ConfigField& f : run::config_fields()) {
    SCOPED_TRACE(f.key);
    const json v = sample(f);
    model::Config c;
    ASSERT_NO_THROW(run::apply_json(c, json{{f.key, v}}));
    const json out = run::to_json(c);
    if (std::string(f.key) == "params") {
      EXPECT_EQ(out[f.key]["evtchn_send_us"], 2.5);
      EXPECT_NE(defaults[f.key]["evtchn_send_us"], 2.5);
    } else {
      EXPECT_EQ(out[f.key], v);
      EXPECT_NE(defaults.value(f.key, json()), v);
    }
    // The whole config reads back the same (what a result file records).
    model::Config again;
    run::apply_json(again, out);
    EXPECT_EQ(run::to_json(again), out);
  }
  // to_json writes every row (ranges only when given) and nothing else.
  std::set<std::string> keys;
  for (const auto& [k, v] : defaults.items()) keys.insert(k);
  std::set<std::string> rows;
  for (const auto& k : run::config_keys()) rows.insert(k);
  rows.erase("ranges");
  EXPECT_EQ(keys, rows);
}

TEST(ConfigFields, EveryFlagSetsWhatItsKeySets) {
  std::vector<std::string> without_flag;
  for (const run::ConfigField& f : run::config_fields()) {
    SCOPED_TRACE(f.key);
    if (!f.flag) {
      without_flag.emplace_back(f.key);
      continue;
    }
    const json v = sample(f);
    model::Config by_key;
    run::apply_json(by_key, json{{f.key, v}});
    const model::Config by_flag = from_flags({f.flag, flag_text(v)});
    EXPECT_EQ(run::to_json(by_flag), run::to_json(by_key));
    EXPECT_NE(run::to_json(by_flag), run::to_json(model::Config()));
    // The help states the default the table gives.
    EXPECT_EQ(run::help_text(f).find("{}"), std::string::npos);
  }
  // A config file's keys only: the statistics window and the ranges.
  EXPECT_EQ(without_flag, (std::vector<std::string>{"window_s", "ranges"}));
}

TEST(ConfigFields, ScenarioRowsHaveNoFlagWhereEachScenarioSetsThem) {
  CLI::App app;
  cli::RunFlags f;
  cli::add_run_flags(&app, f, false);
  for (const run::ConfigField& row : run::config_fields()) {
    if (!row.flag) continue;
    SCOPED_TRACE(row.key);
    EXPECT_EQ(app.get_option_no_throw(row.flag) == nullptr, row.per_scenario);
  }
  // A name is empty until its flag is given (reproduce tells a given flag by it).
  EXPECT_TRUE(f.topology.empty() && f.kernel.empty() && f.strategy.empty() && f.placement.empty());
}

TEST(ConfigFields, AFlagIsCheckedAgainstItsRowWhereItEnters) {
  EXPECT_EQ(message_of([] {
              from_flags({"--dom0-vcpus", "0"});
            }),
            "--dom0-vcpus must be in [1, 8192], got 0");
  EXPECT_EQ(message_of([] {
              from_flags({"--dm-vcpu", "-1"});
            }),
            "--dm-vcpu must be in [0, 8191], got -1");
  EXPECT_EQ(message_of([] {
              from_flags({"--cpu-ghz", "0"});
            }),
            "--cpu-ghz must be in [0.1, 100], got 0");
  // Within the row, beyond the machine: the flag takes it, resolve refuses it.
  const model::Config c = from_flags({"--dom0-vcpus", "17"});
  EXPECT_EQ(c.dom0_vcpus, 17);
}

TEST(ConfigFields, TheUnknownKeyHintsListEveryRow) {
  model::Config c;
  const std::string config_hint = message_of([&] { run::apply_json(c, json{{"colour", 1}}); });
  const std::string grid_hint = message_of([&] {
    study::grid_from_json(json{{"colour", {1}}}, model::Config());
  });
  EXPECT_NE(config_hint.find("unknown config key 'colour'"), std::string::npos);
  EXPECT_NE(grid_hint.find("unknown grid key 'colour'"), std::string::npos);
  for (const run::ConfigField& f : run::config_fields()) {
    SCOPED_TRACE(f.key);
    const std::string listed = std::string(" ") + f.key;
    EXPECT_NE(config_hint.find(listed), std::string::npos) << config_hint;
    EXPECT_EQ(grid_hint.find(listed) != std::string::npos, f.swept) << grid_hint;
  }
  EXPECT_NE(grid_hint.find(" base"), std::string::npos);
  // A near miss names the row.
  EXPECT_NE(message_of([&] {
              run::apply_json(c, json{{"dom0_vcpu", 1}});
            }).find("did you mean 'dom0_vcpus'?"),
            std::string::npos);
}

TEST(ConfigFields, EverySweptRowIsAGridKeyReadAsTheConfigFileReadsIt) {
  for (const run::ConfigField& f : run::config_fields()) {
    if (!f.swept || std::string(f.key) == "params") continue;
    SCOPED_TRACE(f.key);
    const json v = sample(f);
    const study::Grid g = study::grid_from_json(json{{f.key, json::array({v})}}, model::Config());
    ASSERT_EQ(study::grid_size(g), 1u);
    EXPECT_EQ(run::to_json(study::grid_point(g, 0))[f.key], v);
    // The same entry check: the config file's message, as a grid key.
    if (f.min < f.max) {
      const std::string m = message_of([&] {
        study::grid_from_json(json{{f.key, {f.max + 1}}}, model::Config());
      });
      EXPECT_EQ(m.rfind(std::string("grid key '") + f.key + "'", 0), 0u) << m;
    }
  }
}

// Each bad whole config: refused by resolve with the one message, the same
// through run(), while the reader took the value.
TEST(ConfigFields, ResolveRefusesEachBadConfigWithOneMessage) {
  struct Case {
    const char* config;  // JSON, read by apply_json ("-" fields: set in code below)
    const char* message;
  };
  const std::vector<Case> read = {
      {R"({"dom0_vcpus": 17})", "dom0_vcpus 17 is outside 1..16 (the CPUs of nehalem-ep)"},
      {R"({"dom0_vcpus": 4, "dm_vcpu": 4})", "dm_vcpu 4 is outside 0..3"},
      {R"({"topology": "pu:2", "dm_vcpu": 2})", "dm_vcpu 2 is outside 0..1"},
      {R"({"dom0_vcpus": 4, "params": {"dm_evtchn_vcpu": 4}})",
       "parameter dm_evtchn_vcpu 4 is outside 0..3 (the dom0 vCPUs)"},
      {R"({"params": {"dm_mm_other_cpus": 17}})",
       "parameter dm_mm_other_cpus 17 is above the 16 CPUs of nehalem-ep (it counts CPUs of the "
       "device model's mm_cpumask)"},
      {R"({"kernel": "linux-9.9"})", "unknown kernel 'linux-9.9'"},
      {R"({"strategy": "magic"})", "unknown strategy 'magic'"},
      {R"({"placement": "scatter"})", "unknown placement 'scatter'"},
      {R"({"topology": "no-such-box"})", "no-such-box"},
  };
  for (const Case& k : read) {
    SCOPED_TRACE(k.config);
    model::Config c;
    ASSERT_NO_THROW(run::apply_json(c, json::parse(k.config)));
    const std::string m = message_of([&] { run::resolve(c); });
    EXPECT_NE(m.find(k.message), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
    EXPECT_EQ(message_of([&] { run::run(c); }), m);
  }
  // A Config built in code meets the rows' bounds here.
  auto set = [](auto member, auto v) {
    model::Config c;
    c.*member = v;
    return c;
  };
  const std::vector<std::pair<model::Config, std::string>> built = {
      {set(&model::Config::dom0_vcpus, -1),
       "dom0_vcpus must be 0 (one per CPU) or in [1, 8192], got -1"},
      {set(&model::Config::dm_vcpu, -1), "dm_vcpu must be in [0, 8191], got -1"},
      {set(&model::Config::cpu_ghz, 0.05),
       "cpu_ghz must be 0 (the topology's) or in [0.1, 100], got 0.05"},
      {set(&model::Config::window_s, 0.0), "window_s must be in [0.001, 10000], got 0"},
  };
  for (const auto& b : built) {
    SCOPED_TRACE(b.second);
    EXPECT_EQ(message_of([&] { run::resolve(b.first); }), b.second);
  }
  // ... which the config file reader refuses where the value enters.
  model::Config c;
  EXPECT_EQ(message_of([&] { run::apply_json(c, json::parse(R"({"cpu_ghz": 0.05})")); }),
            "config key 'cpu_ghz' (0: the topology's) must be a number in [0.1, 100], got 0.05");
}

TEST(ConfigFields, ResolveFillsInTheMachinesDefaults) {
  model::Config c;
  c.topology = "pu:4";
  const run::Resolved r = run::resolve(c);
  EXPECT_EQ(r.config.dom0_vcpus, 4);
  EXPECT_EQ(r.config.cpu_ghz, r.topology.ghz());
  EXPECT_GT(r.config.cpu_ghz, 0);
  c.cpu_ghz = 3;
  EXPECT_EQ(run::resolve(c).topology.ghz_source(), "--cpu-ghz");
}

}  // namespace
