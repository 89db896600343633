// help.hpp: what each subcommand's --help says beyond its flags: the names
// --kernel, --strategy, --placement and --topology accept, each with its
// one-line description from the registries, the defaults (from a default
// model::Config), and examples. Nothing here is a list of names: a new
// kernel, strategy, placement or preset shows up in every --help by being
// registered (sim/tests/cli_help.sh checks that against `ipistorm params --json`).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace ipistorm::cli {

struct HelpNames {
  bool kernels = false, strategies = false, placements = false, topologies = false;
  // What exit status 1 means for this command beyond "standard output could
  // not be written" (reproduce --check: a figure outside its tolerance).
  const char* exit_1 = nullptr;
};

// "Kernels (--kernel, default linux-2.6.31-pvops):\n  name  summary\n..." for
// each group asked for, then "Examples:" and the examples, one a line, then
// "Exit status:" (the same codes for every command; see exit_status_text).
std::string help_footer(const HelpNames& names, const std::vector<std::string>& examples);
// The exit codes, one a line, as every --help and man page states them.
std::string exit_status_text(const char* exit_1 = nullptr);
// Sets the footer of `cmd` (CLI11 prints it after the flags).
void set_help(CLI::App* cmd, const HelpNames& names, const std::vector<std::string>& examples);

}  // namespace ipistorm::cli
