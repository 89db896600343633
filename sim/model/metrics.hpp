// metrics.hpp: what a run measures. Streaming only: histograms and
// per-window series (one slot per window of simulated time), no event log.
#pragma once

#include <cstdint>

#include "engine/stats.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

// Why a reschedule IPI was sent, so the report's formula can be checked.
enum class IpiKind { kDrainTarget, kCallerWake, kOther };

struct Metrics {
  explicit Metrics(engine::SimTime window) : dom0_busy_ns(window), resched_ipis(window) {}

  engine::Histogram ioport_ns;        // guest IDE access, issue to resume
  engine::WindowSeries dom0_busy_ns;  // summed over vCPUs
  engine::WindowSeries resched_ipis;  // count per window
  std::uint64_t ipis_total = 0;
  std::uint64_t ipis_by_distance[topo::kDistanceClasses] = {};
  std::uint64_t ipis_by_kind[3] = {};
  std::uint64_t ioport_accesses = 0;
  std::uint64_t mlock_calls = 0;
  std::uint64_t munlock_calls = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t hypercalls = 0;
  std::uint64_t drains_all = 0;     // lru_add_drain_all() calls that queued work
  std::uint64_t drain_cpus = 0;     // CPUs work was queued on, summed over those calls
  std::uint64_t drains_local = 0;   // lru_add_drain() run on a CPU (local or by a worker)
  std::uint64_t drain_skipped = 0;  // callers that piggy-backed on another drain
  std::uint64_t lock_acquisitions = 0;
  std::uint64_t lock_contended = 0;
  engine::SimTime lock_wait_ns = 0;
  std::uint64_t vcpu_wakes = 0;
  // hypercall buffers
  std::uint64_t irq_updates = 0;        // IRQ level changes QEMU asked for
  std::uint64_t irq_hypercalls = 0;     // hypercalls made for them (incl. retries)
  std::uint64_t buffer_syscalls = 0;    // syscalls made by the buffer strategy
  std::uint64_t failed_hypercalls = 0;  // -EFAULT: argument page not present
  std::uint64_t bytes_copied = 0;
  std::uint64_t tlb_flush_ipis = 0;  // munmap's TLB shootdowns (not reschedule IPIs)
  std::int64_t locked_bytes = 0;
  std::int64_t peak_locked_bytes = 0;
  void lock_bytes(std::int64_t b) {
    locked_bytes += b;
    if (locked_bytes > peak_locked_bytes) peak_locked_bytes = locked_bytes;
  }
  void unlock_bytes(std::int64_t b) { locked_bytes -= b; }
  engine::SimTime boot_time_ns = 0;

  void count_ipi(engine::SimTime t, topo::DistanceClass d, IpiKind k) {
    ++ipis_total;
    ++ipis_by_distance[static_cast<int>(d)];
    ++ipis_by_kind[static_cast<int>(k)];
    resched_ipis.add_count(t);
  }
};

}  // namespace ipistorm::model
