// fit_command.hpp: `ipistorm fit`: re-fit the one fitted cost.
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand fit_command();

}  // namespace ipistorm::cli
