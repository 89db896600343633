// toy.hpp: the hand-countable scenario the kernel and strategy tests start
// from: 4 CPUs in one package, 4 dom0 vCPUs, one IDE status poll, every cost
// zero. Sizes that are structure, not cost (pagevec_size, page_bytes,
// hcall_arg_bytes, multicall_batch, ide_data_ioreqs_per_sector), keep their
// defaults.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include "model/params.hpp"
#include "model/scenario.hpp"
#include "study/fit.hpp"

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

// The default machine and costs with a boot of `probe_polls` IDE status
// reads and `probe_cpu_s` of guest CPU (the other phases empty): milliseconds
// per run for a few hundred polls.
inline Config short_boot(double probe_cpu_s, double probe_polls) {
  Config c;
  for (const char* k :
       {"boot_firmware_polls", "boot_firmware_sectors", "boot_init_polls", "boot_init_sectors"})
    c.params.set(k, 0);
  c.params.set("boot_firmware_cpu_s", 0.01);
  c.params.set("boot_init_cpu_s", 0.01);
  c.params.set("boot_probe_polls", probe_polls);
  c.params.set("boot_probe_cpu_s", probe_cpu_s);
  return c;
}

// A short boot (`probe_polls` IDE status reads, the other phases empty)
// whose pvops scenario of `reproduce` boots in the fit's 42 s, within
// `tolerance`, at the default costs: the guest's probe CPU time is solved
// for by the fit's own solver (a few runs). The fit and the uncertainty
// study re-fit queue_work_us on it in a fraction of a second per run; its
// leverage on the boot time is the polls' share (15 queue_work calls per
// poll on 16 vCPUs).
inline Config short_boot_at_fit_target(double probe_polls, double tolerance) {
  Config c = short_boot(40, probe_polls);
  study::FitTarget t = study::fitted_cost();
  t.param = "boot_probe_cpu_s";
  t.tolerance = tolerance;
  t.max_value = 1e4;
  const study::FitResult f = study::fit(c, t);
  if (!f.converged) throw std::logic_error("short_boot_at_fit_target: " + f.reason);
  c.params.set(t.param, f.value);
  return c;
}

}  // namespace ipistorm::model::testing
