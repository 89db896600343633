// strategy.hpp: how dom0 user space makes a hypercall whose argument lives
// in its own memory (the hypercall-buffer strategies of DOMAIN.md s4). One
// file per strategy under strategies/, all in the one table in
// strategies/registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/dom0.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

// Where a hypercall is made: by which task, on which kernel, and what the
// hypercall itself costs in Xen once the argument is reachable.
struct HypercallSite {
  Dom0& dom0;
  Task& caller;
  KernelPolicy& kernel;
  SimTime xen_work;  // trap + the operation (e.g. HVMOP_set_isa_irq_level)
};

class HypercallBufferStrategy {
 public:
  virtual ~HypercallBufferStrategy() = default;
  // Make one hypercall through `site`; `then` runs when it has returned and
  // the buffer has been released. One call at a time per instance.
  virtual void hypercall(HypercallSite& site, Action then) = 0;
};

struct StrategyEntry {
  const char* name;
  const char* summary;
  const char* mirrors;  // the real code it mirrors
  bool safe;            // the argument page cannot be paged out under Xen
  std::unique_ptr<HypercallBufferStrategy> (*make)();
};

const std::vector<StrategyEntry>& strategies();
const StrategyEntry& find_strategy(const std::string& name);

std::unique_ptr<HypercallBufferStrategy> make_mlock_per_call();
std::unique_ptr<HypercallBufferStrategy> make_no_lock();

}  // namespace ipistorm::model
