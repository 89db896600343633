// lab_commands.hpp: the subcommands that work on lab runs of ipistorm-bench
// (calibrate, validate). main.cpp registers them through this one hook.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace ipistorm::cli {

class LabCommands {
 public:
  virtual ~LabCommands() = default;
  // If one of this object's subcommands was parsed, run it, store its exit
  // status in rc and return true. InputError propagates to main (exit 2).
  virtual bool dispatch(int& rc) = 0;
};

// Adds the lab subcommands to `app`; call before app.parse().
std::unique_ptr<LabCommands> add_lab_commands(CLI::App& app);

}  // namespace ipistorm::cli
