// subcommand.hpp: how every `ipistorm` subcommand is wired, one way: a
// name, a one-line help, setup (its flags and help footer, on the CLI::App
// main.cpp made for it) and run (once parsed; returns the exit status).
// main.cpp holds the one table of them, registers each from it and runs
// the one that was parsed. InputError from run is exit 2 (main.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace ipistorm::cli {

struct Subcommand {
  std::string name;
  std::string help;
  std::function<void(CLI::App& cmd)> setup;
  std::function<int(CLI::App& cmd)> run;
};

}  // namespace ipistorm::cli
