// common.cpp: shared flag handling and atomic file output.
#include "cli/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <type_traits>
#include <variant>

#include "errors.hpp"
#include "io/json.hpp"
#include "io/number.hpp"
#include "run/calibration_file.hpp"
#include "run/config.hpp"
#include "run/config_fields.hpp"

namespace ipistorm::cli {

namespace model = ipistorm::model;
namespace run = ipistorm::run;

CLI::Validator decimal_integer() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_int(s);
        if (!v) return "needs a whole decimal number, got '" + s + "'";
        s = std::to_string(*v);  // what CLI11 then reads: never octal or hex
        return std::string();
      },
      "INT");
}

CLI::Validator decimal_real() {
  return CLI::Validator(
      [](std::string& s) {
        return io::parse_real(s) ? std::string() : "needs a finite decimal number, got '" + s + "'";
      },
      "NUMBER");
}

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_uint(s);
        if (!v) return "needs a whole number in [0, 18446744073709551615], got '" + s + "'";
        s = std::to_string(*v);
        return std::string();
      },
      "SEED");
}

CLI::Validator jobs_check() {
  return CLI::Validator(
      [](std::string& s) {
        const auto v = io::parse_int(s);
        if (!(v && *v >= 0 && *v <= 1024))
          return "needs a whole number in [0, 1024], got '" + s + "'";
        s = std::to_string(*v);
        return std::string();
      },
      "N");
}

RunFlags::RunFlags() {
  // A name is empty until given (reproduce tells a given flag by it).
  for (const run::ConfigField& field : run::config_fields())
    if (const auto* m = std::get_if<std::string model::Config::*>(&field.member))
      (this->**m).clear();
}

namespace {

std::size_t row_of(const std::string& key) {
  const run::ConfigField* field = run::find_config_field(key);
  if (!field || !field->flag) throw std::logic_error("no run flag for config key " + key);
  return static_cast<std::size_t>(field - run::config_fields().data());
}

// The row's flag, read into its member of `f` with the number grammar of its type.
CLI::Option* add_field_flag(CLI::App* app, RunFlags& f, const run::ConfigField& field) {
  const std::string help = run::help_text(field);
  return std::visit(
      [&](auto m) -> CLI::Option* {
        auto& v = f.*m;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return app->add_option(field.flag, v, help);
        else if constexpr (std::is_same_v<T, std::uint64_t>)
          return app->add_option(field.flag, v, help)->transform(seed_check());
        else if constexpr (std::is_integral_v<T>)
          return app->add_option(field.flag, v, help)->transform(decimal_integer());
        else if constexpr (std::is_floating_point_v<T>)
          return app->add_option(field.flag, v, help)->check(decimal_real());
        else if constexpr (std::is_same_v<T, model::ParamValues>)
          return app->add_option(field.flag, f.sets, help);
        else
          throw std::logic_error(std::string("config key ") + field.key + " has no flag type");
      },
      field.member);
}

}  // namespace

void add_run_flag(CLI::App* app, RunFlags& f, const std::string& key) {
  const std::size_t i = row_of(key);
  f.options.resize(run::config_fields().size());
  f.options[i] = add_field_flag(app, f, run::config_fields()[i]);
}

void remove_run_flag(CLI::App* app, RunFlags& f, const std::string& key) {
  const std::size_t i = row_of(key);
  if (i < f.options.size() && f.options[i]) app->remove_option(f.options[i]);
  if (i < f.options.size()) f.options[i] = nullptr;
}

void add_run_flags(CLI::App* app, RunFlags& f, bool per_scenario_knobs) {
  app->add_option("--config", f.config_file,
                  "JSON config file (keys as the flags; \"params\": {})");
  app->add_option("--calibration", f.calibration_file,
                  "calibration JSON from 'ipistorm calibrate' (its \"params\" override defaults)");
  for (const run::ConfigField& field : run::config_fields())
    if (field.flag && (per_scenario_knobs || !field.per_scenario)) add_run_flag(app, f, field.key);
  app->add_option("--json", f.json_file,
                  "write the result as JSON to this file ('-': standard output)");
}

model::Config build_config(const RunFlags& f) {
  model::Config c;
  if (!f.config_file.empty()) {
    const std::string what = "config file '" + f.config_file + "'";
    run::apply_json(c, io::parse_json(read_input_file(f.config_file, "config file"), what));
  }
  if (!f.calibration_file.empty()) run::apply_calibration(c, f.calibration_file);
  const auto& fields = run::config_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const run::ConfigField& field = fields[i];
    const bool given = i < f.options.size() && f.options[i] && *f.options[i];
    std::visit(
        [&](auto m) {
          using T = std::decay_t<decltype(c.*m)>;
          if constexpr (std::is_same_v<T, model::ParamValues>) {
            // --set, last: parsed, or filled in by the caller.
            for (const auto& s : f.sets) {
              const auto eq = s.find('=');
              if (eq == std::string::npos || eq == 0)
                throw InputError("--set needs NAME=VALUE, got '" + s + "'");
              c.params.set_from_string(s.substr(0, eq), s.substr(eq + 1));
            }
          } else if constexpr (std::is_same_v<T, std::string> || std::is_arithmetic_v<T>) {
            if (!given) return;
            if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, std::uint64_t>)
              run::check_field_number(field, static_cast<double>(f.*m), field.flag, false);
            c.*m = f.*m;
          }
        },
        field.member);
  }
  // A topology XML is read later, by the run: no output may replace it.
  io::note_input(c.topology, "topology file");
  run::check_names(c);  // fail on names before running anything
  return c;
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  io::check_outputs(outputs);
  for (const auto& [path, what] : outputs)
    if (io::is_stdout(path)) {
      std::cout.flush();
      std::cout.rdbuf(std::cerr.rdbuf());  // the data owns stdout; people read stderr
      return;
    }
}

void check_writable(const std::string& path, const std::string& what) {
  check_outputs({{path, what}});
}

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = item.find(',', start);
      const std::string part =
          item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (part.empty()) throw InputError("empty element in list '" + item + "'");
      out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

std::vector<int> parse_vcpu_list(const std::vector<std::string>& items, const char* flag) {
  const run::ConfigField& row = run::config_field(&model::Config::dom0_vcpus);
  std::vector<int> out;
  for (const auto& s : split_list(items))
    out.push_back(static_cast<int>(io::int_in_range(s, static_cast<std::int64_t>(row.min),
                                                    static_cast<std::int64_t>(row.max), flag)));
  return out;
}

std::vector<std::uint64_t> parse_seed_list(const std::vector<std::string>& items,
                                           const char* flag) {
  std::vector<std::uint64_t> out;
  for (const auto& s : split_list(items)) {
    const auto v = io::parse_uint(s);
    if (!v)
      throw InputError(std::string(flag) +
                       " needs whole numbers in [0, 18446744073709551615], got '" + s + "'");
    out.push_back(*v);
  }
  return out;
}

}  // namespace ipistorm::cli
