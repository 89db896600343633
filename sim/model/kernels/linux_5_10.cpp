// linux_5_10.cpp: as 4.15 for mlock (local drain only), and concurrent
// lru_add_drain_all() callers piggy-back on one drain generation
// (lru_drain_gen: eef1a429f234 Khlebnikov, 6446a5131e24 Darwish): a caller
// that waited for the mutex while another drain ran returns without
// draining again.
#include "model/kernels/selective_drain.hpp"

namespace ipistorm::model {
namespace {

const KernelRegistration kLinux510{
    {"linux-5.10", "as 4.15; concurrent lru_add_drain_all callers share one drain generation",
     "eef1a429f234, 6446a5131e24", 51000, []() -> std::unique_ptr<KernelPolicy> {
       return std::make_unique<SelectiveDrainKernel>(/*mlock_drains_all=*/false,
                                                     /*share_generation=*/true);
     }}};

}  // namespace
}  // namespace ipistorm::model
