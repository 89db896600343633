// sweep_flags.cpp: the flags of `ipistorm sweep` that make its grid, one
// "FLAG VALUE" per line (--topology, --kernel, --strategy, --placement,
// --dom0-vcpus, --seed, --set NAME=V1,V2,..., --yes), through
// cli::sweep_grid, the function the command calls. An accepted grid holds
// at least one run, each swept value within its parameter's range (whole
// for a whole-number row), vCPU counts in 1..8192, and more than 1,000,000
// runs only with --yes.
#include <cmath>
#include <sstream>

#include "cli/sweep_command.hpp"
#include "harness.hpp"
#include "model/params.hpp"
#include "study/grid.hpp"
#include "topology/topology.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_one([&] {
    cli::SweepOptions o;
    std::istringstream in(fuzz::text(data, size));
    for (std::string line; std::getline(in, line);) {
      const auto sp = line.find(' ');
      const std::string flag = line.substr(0, sp);
      const std::string value = sp == std::string::npos ? "" : line.substr(sp + 1);
      if (flag == "--yes") o.yes = true;
      if (flag == "--topology") o.topologies.push_back(value);
      if (flag == "--kernel") o.kernels.push_back(value);
      if (flag == "--strategy") o.strategies.push_back(value);
      if (flag == "--placement") o.placements.push_back(value);
      if (flag == "--dom0-vcpus") o.vcpus.push_back(value);
      if (flag == "--seed") o.seeds.push_back(value);
      if (flag == "--set") o.sets.push_back(value);
    }
    const study::Grid g = cli::sweep_grid(o);
    const std::uint64_t n = study::grid_size(g);
    IPISTORM_FUZZ_CHECK(n >= 1);
    IPISTORM_FUZZ_CHECK(o.yes || n <= cli::kMaxRunsWithoutYes);
    for (const int v : g.dom0_vcpus) IPISTORM_FUZZ_CHECK(v >= 0 && v <= topo::kMaxCpus);
    for (const auto& [name, values] : g.params) {
      const model::ParamSpec* spec = model::find_param(name);
      IPISTORM_FUZZ_CHECK(spec != nullptr);
      IPISTORM_FUZZ_CHECK(!values.empty());
      for (const double v : values) {
        IPISTORM_FUZZ_CHECK(v >= spec->min && v <= spec->max);
        if (spec->integer()) IPISTORM_FUZZ_CHECK(v == std::floor(v));
      }
    }
  });
}
