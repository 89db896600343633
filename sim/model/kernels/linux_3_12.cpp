// linux_3_12.cpp: mlock() still calls lru_add_drain_all(), but since
// 5fbc461636c3 (Chris Metcalf, "mm: make lru_add_drain_all() selective",
// v3.12) it queues work only on CPUs whose pagevecs are non-empty, under a
// global mutex that serialises concurrent callers. Idle CPUs with empty
// pagevecs get no IPI.
#include "model/kernels/selective_drain.hpp"

namespace ipistorm::model {
namespace {

const KernelRegistration kLinux312{
    {"linux-3.12", "drain only CPUs with non-empty pagevecs; callers serialised by a mutex",
     "5fbc461636c3 (Chris Metcalf, v3.12)", 31200, []() -> std::unique_ptr<KernelPolicy> {
       return std::make_unique<SelectiveDrainKernel>(/*mlock_drains_all=*/true,
                                                     /*share_generation=*/false);
     }}};

}  // namespace
}  // namespace ipistorm::model
