// kernel.hpp: one Linux 6.x kernel on bare metal, made of the pieces named
// after the kernel's own files: sched (kernel/sched/core.c, kernel/smp.c),
// workqueue (kernel/workqueue.c), swap (mm/swap.c: the folio batches and
// the LRU lock), rcu (kernel/rcu/tree_exp.h). A drain policy
// (kernels/*.cpp) is written against these, and a workload calls the
// policy. Nothing here knows Xen: the 2009 dom0 is model/dom0.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "model/linux6/costs.hpp"
#include "model/linux6/mutex.hpp"
#include "model/linux6/rcu.hpp"
#include "model/linux6/sched.hpp"
#include "model/linux6/swap.hpp"
#include "model/linux6/workqueue.hpp"

namespace ipistorm::model::linux6 {

struct Kernel {
  // nohz_full[c]: CPU c is isolated (nohz_full, and so in RCU's user EQS
  // while a busy loop runs there alone).
  Kernel(engine::Simulator& sim, const LinuxCosts& c, const topo::Topology& topo,
         const std::vector<bool>& nohz_full, std::uint64_t seed = 1)
      : sched(sim, c, topo, nohz_full), wq(sched), lru(sched, topo, seed), rcu(sched) {}
  Sched sched;
  Workqueue wq;
  Lru lru;
  Rcu rcu;
};

}  // namespace ipistorm::model::linux6
