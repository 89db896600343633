// toy.hpp: the hand-countable scenario the kernel and strategy tests start
// from: 4 CPUs in one package, 4 dom0 vCPUs, one IDE status poll, every cost
// zero. Sizes that are structure, not cost (pagevec_size, page_bytes,
// hcall_arg_bytes, multicall_batch, ide_data_ioreqs_per_sector), keep their
// defaults.
#pragma once

#include <set>
#include <string>

#include "model/params.hpp"
#include "model/scenario.hpp"

namespace ipistorm::model::testing {

inline Config zero_cost_toy(const std::string& kernel, const std::string& strategy) {
  static const std::set<std::string> structure = {"pagevec_size", "page_bytes", "hcall_arg_bytes",
                                                  "multicall_batch", "ide_data_ioreqs_per_sector"};
  Config c;
  c.topology = "pack:1 core:4 pu:1";
  c.kernel = kernel;
  c.strategy = strategy;
  c.dom0_vcpus = 4;
  for (const auto& s : param_specs())
    if (!structure.count(s.name)) c.params.set(s.name, 0);
  c.params.set("boot_probe_polls", 1);
  return c;
}

}  // namespace ipistorm::model::testing
