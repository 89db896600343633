// kernel_policy.hpp: what one kernel era does when user space calls mlock(),
// and how it implements lru_add_drain_all() for every caller. One file per
// era under kernels/; each registers itself (model/registry.hpp):
//   const KernelRegistration kEra{{"linux-x.y", summary, source, order, make}};
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/dom0.hpp"
#include "model/registry.hpp"

namespace ipistorm::model {

class KernelPolicy {
 public:
  virtual ~KernelPolicy() = default;
  // Work sys_mlock() does on the caller's CPU before locking the page
  // (the drain, in 2.6.28..4.14); `then` runs when the caller may go on.
  virtual void mlock_prepare(Dom0& dom0, Task& caller, Action then) = 0;
  // lru_add_drain_all() as this kernel implements it, for any caller.
  virtual void drain_all(Dom0& dom0, Task& caller, Action then) = 0;
  // Since the unevictable LRU (2.6.28, b291f000393f) mlock and munlock move
  // the page off and back onto the LRU through the local pagevec.
  virtual bool mlock_moves_page_through_pagevec() const = 0;
};

struct KernelPolicyEntry {
  const char* name;
  const char* summary;
  const char* source;
  int order;  // historical: the version as a number (2.6.31 -> 20631)
  std::unique_ptr<KernelPolicy> (*make)();
};

// The registry: every kernel preset, in historical order.
const std::vector<KernelPolicyEntry>& kernel_policies();
// Throws InputError naming the accepted names (and the nearest) when unknown.
const KernelPolicyEntry& find_kernel_policy(const std::string& name);

// A static one of these in an era's file adds it to the registry.
struct KernelRegistration {
  explicit KernelRegistration(KernelPolicyEntry e);
};

}  // namespace ipistorm::model
