// topology_command.hpp: `ipistorm topology`: what a topology spec resolves to and
// where dom0's vCPUs land on it.
#pragma once

#include "cli/subcommand.hpp"

namespace ipistorm::cli {

Subcommand topology_command();

}  // namespace ipistorm::cli
