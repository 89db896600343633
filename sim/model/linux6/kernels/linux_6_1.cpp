// linux_6_1.cpp: Linux 6.1 as Debian 12 ships it (6.1.0-NN-amd64). Its
// lru_add_drain_all() queues work only on CPUs where cpu_needs_drain()
// holds and flushes each under the global mutex, callers sharing a drain
// generation (mm/swap.c __lru_add_drain_all: eef1a429f234, 6446a5131e24;
// the folio batches of 6.1); lru_cache_disable() adds an expedited RCU grace
// period first (d479960e44f2, 5.13; the expedited form since ff042f4a9b05
// was reverted for being slow). Its wake-ups of an idle CPU or one in
// another LLC go through the wake list (f3dd3f674555, 6.0).
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {
namespace {

const LinuxPolicyRegistration kLinux61{
    {"linux-6.1",
     "lru_add_drain_all: work on every CPU with a folio batch, flushed under a global mutex; "
     "lru_cache_disable adds an expedited RCU grace period",
     "mm/swap.c __lru_add_drain_all, lru_cache_disable (6.1); kernel/sched/core.c "
     "ttwu_queue_cond (f3dd3f674555)",
     60100, true, [](Kernel& k) -> std::unique_ptr<LinuxPolicy> {
       return std::make_unique<LruAddDrainAll>(k);
     }}};

}  // namespace
}  // namespace ipistorm::model::linux6
