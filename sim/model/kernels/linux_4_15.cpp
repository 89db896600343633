// linux_4_15.cpp: Shakeel Butt's "mm: mlock: remove lru_add_drain_all()"
// (2017, v4.15): mlock() drains only the local CPU's pagevecs
// (lru_add_drain()). lru_add_drain_all() from other paths is still the
// selective, mutex-serialised drain of 3.12.
#include "model/kernels/selective_drain.hpp"

namespace ipistorm::model {
namespace {

const KernelRegistration kLinux415{{"linux-4.15", "mlock drains only the local CPU",
                                    "Shakeel Butt, mm: mlock: remove lru_add_drain_all() (2017)",
                                    41500, []() -> std::unique_ptr<KernelPolicy> {
                                      return std::make_unique<SelectiveDrainKernel>(
                                          /*mlock_drains_all=*/false,
                                          /*share_generation=*/false);
                                    }}};

}  // namespace
}  // namespace ipistorm::model
