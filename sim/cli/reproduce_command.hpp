// reproduce_command.hpp: `ipistorm reproduce`: the 2009 report's scenarios (or
// nativelink 2026's) beside the report's figures.
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand reproduce_command();

}  // namespace ipistorm::cli
