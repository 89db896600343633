// kernel_policy.hpp: what one kernel era does when user space calls mlock(),
// and how it implements lru_add_drain_all() for every caller. One file per
// era under kernels/, all listed in the one table in kernels/registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/dom0.hpp"

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
  std::unique_ptr<KernelPolicy> (*make)();
};

// The registry: every kernel preset, in historical order.
const std::vector<KernelPolicyEntry>& kernel_policies();
// Throws InputError naming the accepted names when `name` is unknown.
const KernelPolicyEntry& find_kernel_policy(const std::string& name);

// Each preset's factory (defined in its own file).
std::unique_ptr<KernelPolicy> make_linux_2_6_18_xen();
std::unique_ptr<KernelPolicy> make_linux_2_6_31_pvops();
std::unique_ptr<KernelPolicy> make_linux_3_12();
std::unique_ptr<KernelPolicy> make_linux_4_15();
std::unique_ptr<KernelPolicy> make_linux_5_10();

// Shared by 3.12 and later: the CPUs whose pagevecs hold pages now, as
// lru_add_drain_all() checks with pagevec_count() since 5fbc461636c3.
std::vector<int> cpus_with_pages(Dom0& dom0);

}  // namespace ipistorm::model
