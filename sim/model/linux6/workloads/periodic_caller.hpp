// periodic_caller.hpp: the other callers of today's drains, one thread
// each, bound to a housekeeping CPU, calling at a rate:
//  - an mbind(MPOL_MF_MOVE) / migrate_pages(2) caller (mm/mempolicy.c
//    do_mbind -> lru_cache_disable(): the expedited grace period, then a
//    forced drain; lru_cache_enable() when the migration is done),
//    unprivileged for its own process; Poisson calls at `per_s`;
//  - khugepaged (mm/khugepaged.c khugepaged_do_scan() -> lru_add_drain_all()
//    on each scan once THP is in use), every scan_sleep_millisecs (10 s by
//    default; /sys/kernel/mm/transparent_hugepage/khugepaged/);
//  - a memfd sealer: fcntl(F_ADD_SEALS, F_SEAL_WRITE) -> memfd_wait_for_pins()
//    (mm/memfd.c), which drains when a folio has extra references;
//    unprivileged; Poisson calls at `per_s`.
#pragma once

#include <cstdint>
#include <string>

#include "engine/random.hpp"
#include "engine/stats.hpp"
#include "model/linux6/kernels/linux_policy.hpp"

namespace ipistorm::model::linux6 {

class PeriodicCaller {
 public:
  enum class Kind { kMbind, kKhugepaged, kMemfdSeal };
  // kMbind, kMemfdSeal: Poisson calls at `rate_per_s`; kKhugepaged: one every 1/rate s.
  PeriodicCaller(Kernel& k, LinuxPolicy& policy, Kind kind, int cpu, double rate_per_s,
                 std::uint64_t seed);
  void start();
  std::uint64_t calls() const { return calls_; }
  const engine::Histogram& latency_ns() const { return latency_; }

 private:
  void wait(std::int64_t);
  void call(std::int64_t);
  void returned(std::int64_t);

  Kernel& k_;
  LinuxPolicy& policy_;
  Kind kind_;
  Task* task_ = nullptr;
  double gap_ns_;
  engine::RandomStream rng_;
  SimTime called_at_ = 0;
  std::uint64_t calls_ = 0;
  engine::Histogram latency_;
};

}  // namespace ipistorm::model::linux6
