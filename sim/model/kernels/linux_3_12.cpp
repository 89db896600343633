// linux_3_12.cpp: mlock() still calls lru_add_drain_all(), but since
// 5fbc461636c3 (Chris Metcalf, "mm: make lru_add_drain_all() selective",
// v3.12) it queues work only on CPUs whose pagevecs are non-empty, under a
// global mutex that serialises concurrent callers. Idle CPUs with empty
// pagevecs get no IPI.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

std::unique_ptr<KernelPolicy> make_linux_3_12() {
  return std::make_unique<SelectiveDrainKernel>(/*mlock_drains_all=*/true,
                                                /*share_generation=*/false);
}

}  // namespace ipistorm::model
