// topology_synthetic.cpp: a `--topology` string that is not a file: a
// preset name or an hwloc synthetic description, through
// topo::Topology::load. Paths, "*.xml" and "host" (the live machine) are
// left to topology_xml and the tests.
#include "harness.hpp"
#include "topology_check.hpp"

using namespace ipistorm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string spec = fuzz::text(data, size);
  if (spec.find('/') != std::string::npos || spec == "host" ||
      (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".xml") == 0))
    return 0;
  return fuzz::run_one([&] { fuzz::check_topology(topo::Topology::load(spec)); });
}
