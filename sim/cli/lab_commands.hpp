// lab_commands.hpp: the subcommands that work on lab runs of ipistorm-bench
// (calibrate, validate), as rows of main.cpp's subcommand table.
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand calibrate_command();
Subcommand validate_command();

}  // namespace ipistorm::cli
