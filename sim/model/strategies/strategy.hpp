// strategy.hpp: how dom0 user space makes a hypercall whose argument lives
// in its own memory (the hypercall-buffer strategies of docs/background.md s4). One
// file per strategy under strategies/, each registering itself
// (model/registry.hpp):
//   const StrategyRegistration kMine{{"name", summary, mirrors, safe, order, make}};
// Most are a StepStrategy (buffer_ops.hpp): the list of the building blocks
// (sys_mlock, the hypercall, sys_munlock, mmap/munmap) their call runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/random.hpp"
#include "model/dom0.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

// Where a hypercall is made: by which task, on which kernel, and what the
// hypercall itself costs in Xen once the argument is reachable.
struct HypercallSite {
  Dom0& dom0;
  Task& caller;
  KernelPolicy& kernel;
  SimTime xen_work;           // trap + the operation (e.g. HVMOP_set_isa_irq_level)
  std::int64_t arg_bytes;     // the argument's size
  engine::RandomStream& rng;  // for the strategies that can fail
};

class HypercallBufferStrategy {
 public:
  virtual ~HypercallBufferStrategy() = default;
  // The device model sets the guest's IRQ line to `level`
  // (xc_hvm_set_isa_irq_level). By default every call is one hypercall with
  // the site's argument, even when the level did not change (qemu_set_irq
  // has no such check). `then` runs when the strategy is done.
  virtual void set_irq_level(HypercallSite& site, int level, Action then) {
    (void)level;
    hypercall(site, site.arg_bytes, then);
  }
  // One hypercall with an argument of `bytes`: acquire a buffer, copy in,
  // trap, copy out, release. One call at a time per instance.
  virtual void hypercall(HypercallSite& site, std::int64_t bytes, Action then) = 0;
};

struct StrategyEntry {
  const char* name;
  const char* summary;
  const char* mirrors;  // the real code it mirrors
  bool safe;            // the argument page cannot be paged out under Xen
  int order;            // where tables list it (roughly history)
  std::unique_ptr<HypercallBufferStrategy> (*make)();
};

// The registry: every strategy, by order. Throws InputError naming the
// accepted names (and the nearest) when unknown.
const std::vector<StrategyEntry>& strategies();
const StrategyEntry& find_strategy(const std::string& name);

// A static one of these in a strategy's file adds it to the registry.
struct StrategyRegistration {
  explicit StrategyRegistration(StrategyEntry e);
};

}  // namespace ipistorm::model
