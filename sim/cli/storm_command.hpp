// storm_command.hpp: `ipistorm storm`, today's storm as one run (run/storm.hpp).
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand storm_command();

}  // namespace ipistorm::cli
