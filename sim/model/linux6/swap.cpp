// swap.cpp: folio batches and the lruvec lock (swap.hpp).
#include "model/linux6/swap.hpp"

#include <algorithm>

namespace ipistorm::model::linux6 {

Lru::Lru(Sched& s, const topo::Topology& topo)
    : s_(s),
      topo_(topo),
      batch_(static_cast<std::size_t>(s.num_cpus()), 0),
      lruvec_lock_(static_cast<std::size_t>(std::max(1, topo.num_numa_nodes()))) {}

void Lru::folio_add_lru(int cpu, int folios) {
  if (lru_cache_disabled()) {  // folio_add_lru(): straight to the LRU, no batch
    move_to_lru(cpu, s_.sim().now(), folios);
    return;
  }
  int& b = batch_[static_cast<std::size_t>(cpu)];
  const int size = s_.costs().folio_batch_size;
  for (b += folios; b >= size; b -= size)  // folio_batch_add() == 0: the batch drains itself
    move_to_lru(cpu, s_.sim().now(), size);
}

void Lru::lru_add_drain_cpu(int cpu, Action then) {
  ++drains_;
  int& b = batch_[static_cast<std::size_t>(cpu)];
  if (b == 0) {
    s_.compute(s_.costs().drain_empty, then);
    return;
  }
  const int folios = b;
  b = 0;
  s_.sim().at(move_to_lru(cpu, s_.sim().now(), folios), then);
}

SimTime Lru::move_to_lru(int cpu, SimTime at, int folios) {
  const LinuxCosts& c = s_.costs();
  LockTimeline& l = lruvec_lock_[static_cast<std::size_t>(
      std::min(topo_.cpu(cpu).numa, static_cast<int>(lruvec_lock_.size()) - 1))];
  const int from = l.last_cpu < 0 ? cpu : l.last_cpu;
  const SimTime acquired =
      std::max(at, l.free_at) + c.line_transfer[static_cast<int>(topo_.distance(from, cpu))];
  l.free_at = acquired + c.lru_lock_hold + c.lru_add_per_page * folios;
  l.last_cpu = cpu;
  return l.free_at;
}

}  // namespace ipistorm::model::linux6
