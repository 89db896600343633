// params_command.hpp: `ipistorm params`: every cost parameter with value, unit and
// source (a table, Markdown or JSON).
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand params_command();

}  // namespace ipistorm::cli
