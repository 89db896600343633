// sensitivity_command.hpp: `ipistorm sensitivity`: the Python module's Sobol' indices,
// every argument passed on.
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand sensitivity_command();

}  // namespace ipistorm::cli
