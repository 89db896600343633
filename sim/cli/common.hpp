// common.hpp: what the subcommands share: the run flags (--topology,
// --kernel, ... --set, --config, --calibration, --json), building a Config
// from them, list flags, and writing result files atomically.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/files.hpp"
#include "model/scenario.hpp"
#include "study/pool.hpp"

namespace ipistorm::cli {

// The run flags: one per row of the Config field table that has a flag
// (run/config_fields.hpp), each read into the Config member it names here
// (a name stays empty until given), then --config, --calibration, --json.
struct RunFlags : model::Config {
  RunFlags();
  std::string config_file, calibration_file, json_file;
  std::vector<std::string> sets;  // --set NAME=VALUE, the "params" row's flag
  // The option of each row of config_fields() registered here (nullptr:
  // none), to tell a given flag from its default.
  std::vector<CLI::Option*> options;
};

// The one number grammar of the flags (io/number.hpp): decimal only. CLI11
// reads "010" as octal 8 and "0x10" as 16, and "-1" into an unsigned seed
// by wrapping around, so every number flag checks its text first and an
// integer's text is rewritten to its plain decimal before CLI11 reads it.
// A whole decimal number (a leading zero is decimal: "010" is 10).
CLI::Validator decimal_integer();
// A finite decimal number ("0.4", "1e-3"; no hex, "nan" or "inf").
CLI::Validator decimal_real();
// A seed: a whole number in [0, 2^64-1].
CLI::Validator seed_check();
// A thread count: 0 (all cores) up to 1024.
CLI::Validator jobs_check();
// The threads a -j value asks for: itself, or every core for 0 (study/pool.hpp).
using study::resolve_jobs;

// --config, --calibration, the flag of every row of the field table, --json;
// per_scenario_knobs: also the rows each scenario of reproduce or fit sets
// (--kernel, --strategy, --dom0-vcpus, --dm-vcpu).
void add_run_flags(CLI::App* app, RunFlags& f, bool per_scenario_knobs);
// One row's flag (by its key), for a command that takes a few of them.
void add_run_flag(CLI::App* app, RunFlags& f, const std::string& key);
void remove_run_flag(CLI::App* app, RunFlags& f, const std::string& key);
// Config file first, then calibration, then flags (each checked against its
// row), then --set; the names checked (run::check_names) before it returns.
model::Config build_config(const RunFlags& f);
// "a,b,c" -> {"a","b","c"}; repeated flags are concatenated.
std::vector<std::string> split_list(const std::vector<std::string>& items);
// Comma lists of vCPU counts (1..kMaxCpus) and of seeds (0..2^64-1), each
// value checked; InputError naming `flag` otherwise.
std::vector<int> parse_vcpu_list(const std::vector<std::string>& items, const char* flag);
std::vector<std::uint64_t> parse_seed_list(const std::vector<std::string>& items, const char* flag);
// The one reader of input files and the one atomic writer (sim/io/files.hpp).
// The checks of the outputs, before any work (io::check_outputs). An output
// of "-" is standard output: the tables meant for people then go to stderr,
// so that the data alone reaches a pipe (`--json - | jq`).
void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);
void check_writable(const std::string& path, const std::string& what = "--json");
using io::read_input_file;
using io::write_file_atomic;

}  // namespace ipistorm::cli
