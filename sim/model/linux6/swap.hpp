// swap.hpp: the per-CPU folio batches of mm/swap.c (6.1) and the LRU lock
// they drain under. A CPU that adds a folio to the LRU puts it in its
// cpu_fbatches.lru_add batch (folio_add_lru); a full batch drains itself;
// lru_add_drain_cpu() moves a CPU's batches onto the LRU under the lruvec
// lock; cpu_needs_drain() is what __lru_add_drain_all() asks of each CPU.
//
// The lruvec lock (one per node and memcg since 6168d0da2b47, 5.11; one
// memcg here) is a queued spinlock, FIFO enough to be a timeline: a drain
// that asks at `at` gets it at max(at, free) plus the line's transfer from
// the last holder, and holds it for a time its folios fix.
//
// Limits, stated: the other batches (lru_rotate, lru_deactivate[_file],
// lru_lazyfree, lru_activate), the mlock batch and the bh LRUs count as one
// "folios waiting" number per CPU, which is all cpu_needs_drain() needs;
// folios are added on their CPU's own node.
#pragma once

#include <vector>

#include "model/linux6/sched.hpp"

namespace ipistorm::model::linux6 {

class Lru {
 public:
  Lru(Sched& s, const topo::Topology& topo);

  // folio_add_lru() of `folios` folios on `cpu` (while lru_cache_disable()
  // is in force they bypass the batch: lru_cache_disabled()).
  void folio_add_lru(int cpu, int folios);
  // cpu_needs_drain(cpu): any batch of the CPU holds a folio.
  bool cpu_needs_drain(int cpu) const { return batch_[static_cast<std::size_t>(cpu)] > 0; }
  int batch_folios(int cpu) const { return batch_[static_cast<std::size_t>(cpu)]; }
  // lru_add_drain_cpu(cpu) by the task running on `cpu`: the batch onto the
  // LRU under the lock; `then` runs (same task) when it is released.
  void lru_add_drain_cpu(int cpu, Action then);
  // lru_disable_count (lru_cache_disable / lru_cache_enable).
  void disable() { ++disabled_; }
  void enable() { --disabled_; }
  bool lru_cache_disabled() const { return disabled_ > 0; }
  std::uint64_t drains() const { return drains_; }

 private:
  // Moves `folios` from `cpu`'s batch under the lock from `at`; returns
  // when the lock is released.
  SimTime move_to_lru(int cpu, SimTime at, int folios);

  Sched& s_;
  const topo::Topology& topo_;
  std::vector<int> batch_;
  struct LockTimeline {
    SimTime free_at = 0;
    int last_cpu = -1;
  };
  std::vector<LockTimeline> lruvec_lock_;  // by NUMA node
  int disabled_ = 0;
  std::uint64_t drains_ = 0;
};

}  // namespace ipistorm::model::linux6
