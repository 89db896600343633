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

#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "model/linux6/sched.hpp"

namespace ipistorm::model::linux6 {

class Lru {
 public:
  Lru(Sched& s, const topo::Topology& topo, std::uint64_t seed = 1);

  // Folios `cpu` adds to its batch from now on, per ns (a Poisson process:
  // page-cache reads, anonymous faults). Nothing is evented: the adds since
  // the last look are drawn when someone looks (cpu_needs_drain, a drain).
  void set_add_rate(int cpu, double folios_per_ns);

  // folio_add_lru() of `folios` folios on `cpu` (while lru_cache_disable()
  // is in force they bypass the batch: lru_cache_disabled()).
  void folio_add_lru(int cpu, int folios);
  // cpu_needs_drain(cpu): any batch of the CPU holds a folio.
  bool cpu_needs_drain(int cpu) { return batch_folios(cpu) > 0; }
  int batch_folios(int cpu) {
    settle(cpu);
    return batch_[static_cast<std::size_t>(cpu)];
  }
  // lru_add_drain_cpu(cpu) by the task running on `cpu`: the batch onto the
  // LRU under the lock; `then` runs (same task) when it is released.
  void lru_add_drain_cpu(int cpu, Action then);
  // lru_disable_count (lru_cache_disable / lru_cache_enable). The adds
  // drawn lazily up to now land as they did, batched or not, first.
  void disable() {
    settle_all();
    ++disabled_;
  }
  void enable() {
    settle_all();
    --disabled_;
  }
  bool lru_cache_disabled() const { return disabled_ > 0; }
  std::uint64_t drains() const { return drains_; }
  // lru_add_drain_cpu(cpu) run by another CPU, `by`, holding the target's
  // per-CPU lock (QPW): the batch's lines travel to `by`. Returns when done.
  SimTime drain_remote(int cpu, int by, SimTime at);

 private:
  // Moves `folios` from `cpu`'s batch under its node's lock from `at`, in
  // `batches` turns (taken back to back), the lock held by `holder` (-1:
  // `cpu` itself); returns when the lock is released.
  SimTime move_to_lru(int cpu, SimTime at, int folios, int batches = 1, int holder = -1);

  // The adds drawn up to now at the CPU's rate.
  void settle(int cpu);
  void settle_all() {
    for (int c = 0; c < static_cast<int>(batch_.size()); ++c) settle(c);
  }

  Sched& s_;
  const topo::Topology& topo_;
  std::vector<int> batch_;
  std::vector<double> rate_;     // folios per ns, by CPU
  std::vector<SimTime> looked_;  // the adds are drawn up to here
  engine::RandomStream rng_;
  struct LockTimeline {
    SimTime free_at = 0;
    int last_cpu = -1;
  };
  std::vector<LockTimeline> lruvec_lock_;  // by NUMA node
  int disabled_ = 0;
  std::uint64_t drains_ = 0;
};

}  // namespace ipistorm::model::linux6
