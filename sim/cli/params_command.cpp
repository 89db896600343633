// params_command.cpp: every cost parameter, and the registries' names.
#include "cli/params_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "io/number.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "report/rows.hpp"
#include "run/report.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {

namespace {

// "log-uniform [0.2, 0.8]", or "" for a row without a plausible range.
std::string plausible(const model::ParamSpec& p) {
  if (p.range.empty()) return "";
  return std::string(model::distribution_name(p.range.distribution)) + " " +
         ipistorm::io::format_range(p.range.low, p.range.high);
}

// The README's parameter table, generated so that it cannot drift.
int cmd_params_markdown() {
  report::Rows t{{"name", "value", "unit", "group", "fitted", "type", "accepted", "plausible",
                  "range source", "source"},
                 {}};
  for (const auto& p : model::param_specs())
    t.add({"`" + std::string(p.name) + "`", p.value, std::string(p.unit), std::string(p.group),
           std::string(p.fitted ? "yes" : ""), std::string(model::type_name(p.type)),
           ipistorm::io::format_range(p.min, p.max), plausible(p), std::string(p.range.source),
           std::string(p.source)});
  std::cout << report::to_markdown(t);
  return 0;
}

// params --json: every row, the plausible range as "range": [low, high]
// (null without one), "distribution" and "range_source".
int cmd_params_json(const std::string& path) {
  check_writable(path);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : model::param_specs()) {
    const bool has = !p.range.empty();
    rows.push_back({{"name", p.name},
                    {"value", p.value},
                    {"unit", p.unit},
                    {"group", p.group},
                    {"fitted", p.fitted},
                    {"type", model::type_name(p.type)},
                    {"accepted", {p.min, p.max}},
                    {"field", p.field},
                    {"source", p.source},
                    {"range", has ? nlohmann::json{p.range.low, p.range.high} : nlohmann::json()},
                    {"distribution", model::distribution_name(p.range.distribution)},
                    {"range_source", p.range.source}});
  }
  report::write(nlohmann::json{{"params", rows}, {"provenance", run::provenance_json()}}, path);
  return 0;
}

int cmd_params() {
  // 100 columns: the source, cut to fit, beside the value; --wide: every column.
  const bool wide = ipistorm::cli::table_width() == 0;
  report::Rows t{wide ? std::vector<std::string>{"name", "value", "unit", "group", "fitted", "type",
                                                 "accepted", "plausible", "source"}
                      : std::vector<std::string>{"name", "value", "unit", "fitted", "source",
                                                 "group", "type", "accepted", "plausible"},
                 {}};
  for (const auto& p : model::param_specs()) {
    const std::string name = p.name, unit = p.unit, group = p.group, fitted = p.fitted ? "yes" : "",
                      type = model::type_name(p.type),
                      accepted = ipistorm::io::format_range(p.min, p.max), source = p.source;
    if (wide)
      t.add({name, p.value, unit, group, fitted, type, accepted, plausible(p), source});
    else
      t.add({name, p.value, unit, fitted, source, group, type, accepted, plausible(p)});
  }
  std::cout << report::to_table(t, wide ? report::kNoClip : 4);
  std::string kernels = "kernels:", strategies = "strategies:", presets = "topology presets:",
              placements = "placements:";
  for (const auto& k : model::kernel_policies()) kernels += " " + std::string(k.name);
  for (const auto& s : model::strategies()) strategies += " " + std::string(s.name);
  for (const auto& p : topo::presets()) presets += " " + std::string(p.name);
  for (const auto& p : model::placement_names()) placements += " " + std::string(p);
  std::cout << "\n"
            << ipistorm::cli::wrap(kernels, "  ") << ipistorm::cli::wrap(strategies, "  ")
            << ipistorm::cli::wrap(presets, "  ") << ipistorm::cli::wrap(placements, "  ");
  return 0;
}

}  // namespace

Subcommand params_command() {
  struct Flags {
    bool markdown = false;
    std::string json;
  };
  auto f = std::make_shared<Flags>();
  return {"params", "every cost parameter with value, unit and source",
          [f](CLI::App& cmd) {
            cmd.add_flag("--markdown", f->markdown,
                         "print the table as Markdown (docs/parameters.md)");
            cmd.add_option("--json", f->json,
                           "write every row as JSON (plausible range: \"range\", "
                           "\"distribution\", \"range_source\")");
            set_help(&cmd, {}, {"ipistorm params", "ipistorm params --markdown > params.md"});
          },
          [f](CLI::App&) {
            if (!f->json.empty()) cmd_params_json(f->json);
            return f->markdown ? cmd_params_markdown() : cmd_params();
          }};
}

}  // namespace ipistorm::cli
