// linux_4_15.cpp: Shakeel Butt's "mm: mlock: remove lru_add_drain_all()"
// (2017, v4.15): mlock() drains only the local CPU's pagevecs
// (lru_add_drain()). lru_add_drain_all() from other paths is still the
// selective, mutex-serialised drain of 3.12.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

std::unique_ptr<KernelPolicy> make_linux_4_15() {
  return std::make_unique<SelectiveDrainKernel>(/*mlock_drains_all=*/false,
                                                /*share_generation=*/false);
}

}  // namespace ipistorm::model
