// deferred_drain.cpp: Frederic Weisbecker's "LRU drain flush on nohz_full"
// (v4 <20250703140717.25703-1-frederic@kernel.org>), proposed and not
// merged: __lru_add_drain_all() skips every CPU that is not housekeeping,
// and a nohz_full CPU drains its own batches on its next return to user
// space (task_work). A task that never enters the kernel never drains: its
// folios stay batched (DrainStats::skipped_isolated counts the passes that
// left some behind).
//
//   for_each_online_cpu(cpu) {
//           /* Isolated CPUs handle their cache upon return to userspace */
//           if (!housekeeping_cpu(cpu, HK_TYPE_KERNEL_NOISE)) continue;
//           if (cpu_needs_drain(cpu)) queue_work_on(cpu, mm_percpu_wq, work);
//   }
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {
namespace {

class DeferredDrain : public LruAddDrainAll {
 public:
  explicit DeferredDrain(Kernel& k) : LruAddDrainAll(k) {}

 protected:
  bool cpu_gets_work(int cpu) override {
    if (k_.sched.cpu(cpu).nohz_full) {
      if (k_.lru.cpu_needs_drain(cpu)) ++stats_.skipped_isolated;
      return false;
    }
    return k_.lru.cpu_needs_drain(cpu);
  }
};

const LinuxPolicyRegistration kDeferred{
    {"linux-6.12-deferred",
     "proposed: drains skip nohz_full CPUs, which drain on their next return to user space",
     "Weisbecker v4 <20250703140717.25703-1-frederic@kernel.org>; not merged", 61202, false,
     [](Kernel& k) -> std::unique_ptr<LinuxPolicy> { return std::make_unique<DeferredDrain>(k); }}};

}  // namespace
}  // namespace ipistorm::model::linux6
