// linux_6_12.cpp: Linux 6.12 as Debian ships it (6.12.NN+deb12-amd64). For
// the drain it reads as 6.1 does (mm/swap.c __lru_add_drain_all and
// lru_cache_disable are unchanged in what they queue, wake and wait for;
// cpu_needs_drain checks the same batches plus lru_lazyfree's rename). The
// expedited grace period runs from a kthread worker rather than a kworker
// (kernel/rcu/tree_exp.h), which changes neither which CPUs are
// interrupted nor how often. The virtual lab's 6.12 runs give the same
// counts as 6.1's (results/vlab).
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {
namespace {

const LinuxPolicyRegistration kLinux612{
    {"linux-6.12", "as 6.1 for every count the drain makes",
     "mm/swap.c __lru_add_drain_all, lru_cache_disable (6.12); kernel/rcu/tree_exp.h", 61200, true,
     [](Kernel& k) -> std::unique_ptr<LinuxPolicy> {
       return std::make_unique<LruAddDrainAll>(k);
     }}};

}  // namespace
}  // namespace ipistorm::model::linux6
