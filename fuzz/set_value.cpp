// set_value.cpp: `--set NAME=VALUE` flags (one per line of the input)
// through cli::build_config, the function simulate and compare call. An
// accepted value must be within its row's range and whole for a
// whole-number row.
#include <cmath>
#include <sstream>

#include "cli/common.hpp"
#include "harness.hpp"
#include "model/params.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    cli::RunFlags flags;
    std::istringstream in(fuzz::text(data, size));
    for (std::string line; std::getline(in, line);) flags.sets.push_back(line);
    const model::Config c = cli::build_config(flags);
    for (const auto& spec : model::param_specs()) {
      const double v = c.params.get(spec.name);
      IPISTORM_FUZZ_CHECK(v >= spec.min && v <= spec.max);
      if (spec.integer()) IPISTORM_FUZZ_CHECK(v == std::floor(v));
    }
  });
}
