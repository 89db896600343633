// simulate_command.hpp: `ipistorm simulate`: one run, its metric table, --json and --trace.
#pragma once

#include <ostream>

#include "cli/subcommand.hpp"
#include "model/scenario.hpp"

namespace ipistorm::cli {

Subcommand simulate_command();
// simulate's table: the heading, the metric table's simulate view, the
// clock line and the ioport latency breakdown.
void print_result(std::ostream& os, const model::Result& r);

}  // namespace ipistorm::cli
