// swap.cpp: folio batches and the lruvec lock (swap.hpp).
#include "model/linux6/swap.hpp"

#include <algorithm>

namespace ipistorm::model::linux6 {

Lru::Lru(Sched& s, const topo::Topology& topo, std::uint64_t seed)
    : s_(s),
      topo_(topo),
      batch_(static_cast<std::size_t>(s.num_cpus()), 0),
      rate_(static_cast<std::size_t>(s.num_cpus()), 0.0),
      looked_(static_cast<std::size_t>(s.num_cpus()), 0),
      rng_(seed, /*stream=*/7),
      lruvec_lock_(static_cast<std::size_t>(std::max(1, topo.num_numa_nodes()))) {}

void Lru::set_add_rate(int cpu, double folios_per_ns) {
  settle(cpu);
  rate_[static_cast<std::size_t>(cpu)] = folios_per_ns;
}

// The adds since the last look happened over that stretch, not now: the
// batches they filled drained themselves then, so they change the batch's
// count but take no turn on the lock's timeline from now (their own lock
// traffic, spread over the past, is not modelled).
void Lru::settle(int cpu) {
  const auto i = static_cast<std::size_t>(cpu);
  const SimTime now = s_.sim().now();
  if (rate_[i] > 0 && now > looked_[i]) {
    const auto adds = rng_.poisson(rate_[i] * static_cast<double>(now - looked_[i]));
    if (adds > 0 && !lru_cache_disabled()) {
      const auto size = static_cast<std::uint64_t>(s_.costs().folio_batch_size);
      batch_[i] = static_cast<int>((static_cast<std::uint64_t>(batch_[i]) + adds) % size);
    }
  }
  looked_[i] = now;
}

SimTime Lru::drain_remote(int cpu, int by, SimTime at) {
  ++drains_;
  const int folios = batch_folios(cpu);
  batch_[static_cast<std::size_t>(cpu)] = 0;
  const LinuxCosts& c = s_.costs();
  // The target's batch and per-CPU lock lines come over: one per 8 folio
  // pointers plus the lock and the count.
  const SimTime lines =
      c.line_transfer[static_cast<int>(topo_.distance(cpu, by))] * (2 + (folios + 7) / 8);
  if (folios == 0) return at + lines + c.drain_empty;
  return move_to_lru(cpu, at + lines, folios, 1, by);  // the folios' node's lock, held by `by`
}

void Lru::folio_add_lru(int cpu, int folios) {
  settle(cpu);
  if (lru_cache_disabled()) {  // folio_add_lru(): straight to the LRU, no batch
    move_to_lru(cpu, s_.sim().now(), folios);
    return;
  }
  int& b = batch_[static_cast<std::size_t>(cpu)];
  const int size = s_.costs().folio_batch_size;
  // folio_batch_add() == 0: each full batch drains itself, under the lock.
  const int full = (b + folios) / size;
  b = (b + folios) % size;
  if (full > 0) move_to_lru(cpu, s_.sim().now(), full * size, full);
}

void Lru::lru_add_drain_cpu(int cpu, Action then) {
  ++drains_;
  settle(cpu);
  int& b = batch_[static_cast<std::size_t>(cpu)];
  if (b == 0) {
    s_.compute(s_.costs().drain_empty, then);
    return;
  }
  const int folios = b;
  b = 0;
  s_.sim().at(move_to_lru(cpu, s_.sim().now(), folios), then);
}

SimTime Lru::move_to_lru(int cpu, SimTime at, int folios, int batches, int holder) {
  const LinuxCosts& c = s_.costs();
  if (holder < 0) holder = cpu;
  LockTimeline& l = lruvec_lock_[static_cast<std::size_t>(
      std::min(topo_.cpu(cpu).numa, static_cast<int>(lruvec_lock_.size()) - 1))];
  const int from = l.last_cpu < 0 ? holder : l.last_cpu;
  const SimTime acquired =
      std::max(at, l.free_at) + c.line_transfer[static_cast<int>(topo_.distance(from, holder))];
  l.free_at = acquired + c.lru_lock_hold * batches + c.lru_add_per_page * folios;
  l.last_cpu = holder;
  return l.free_at;
}

}  // namespace ipistorm::model::linux6
