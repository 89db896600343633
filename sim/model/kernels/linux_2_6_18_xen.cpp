// linux_2_6_18_xen.cpp: the Xen-patched 2.6.18 dom0. sys_mlock() does no
// drain at all, and lru_add_drain_all() is an all-CPU operation only under
// CONFIG_NUMA, which x86_64 Xen builds exclude: it drains the local CPU.
// Before the unevictable LRU, mlocked pages stay on the normal LRU lists.
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {
namespace {

class Linux2618Xen : public KernelPolicy {
 public:
  void mlock_prepare(Dom0&, Task&, Action then) override { then(); }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    dom0.lru.lru_add_drain(*caller.vcpu, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return false; }
};

const KernelRegistration kLinux2618Xen{
    {"linux-2.6.18-xen", "mlock never drains other CPUs",
     "mm/mlock.c, mm/swap.c of 2.6.18 (all-CPU drain only under CONFIG_NUMA)", 20618,
     []() -> std::unique_ptr<KernelPolicy> { return std::make_unique<Linux2618Xen>(); }}};

}  // namespace

}  // namespace ipistorm::model
