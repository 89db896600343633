// costs.hpp: the parameter table resolved into plain fields (nanoseconds),
// read by the model on its hot paths. Built once per run from ParamValues.
#pragma once

#include "engine/simulator.hpp"
#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

using engine::SimTime;

struct Costs {
  explicit Costs(const ParamValues& p);

  // hardware
  SimTime ipi[topo::kDistanceClasses];            // by distance class
  SimTime line_transfer[topo::kDistanceClasses];  // lock hand-off
  SimTime cstate_exit[4];                         // poll, C1, C3, C6
  SimTime cstate_residency[4];                    // poll, C1, C3, C6
  int max_cstate;
  // xen
  SimTime hypercall, evtchn_send, xen_vcpu_wake, xen_context_switch, ioreq_dispatch, ioreq_resume,
      set_irq_level;
  double xen_wake_jitter_ns;
  // dom0
  SimTime syscall, idle_exit, idle_entry, mlock_page, mlock_next_page, munlock_page,
      munlock_next_page, context_switch, evtchn_upcall, queue_work, flush_work, complete,
      drain_empty, lru_lock_hold, lru_add_per_page;
  int pagevec_size;
  double dom0_page_adds_per_ns, dm_page_adds_per_ioreq, other_drain_all_per_ns;
  // device model
  SimTime dm_poll, dm_sector;
  int dm_evtchn_vcpu, ide_data_ioreqs_per_sector;
  // hypercall buffers
  int hcall_arg_bytes, page_bytes, dm_mm_other_cpus, multicall_batch;
  double copy_per_kib_ns, nolock_fault_prob;
  std::int64_t dm_process_bytes;
  SimTime mutex, alloc, page_fault, mmap, munmap, tlb_flush_per_cpu;
  // mlock_fixup()/munlock_vma_pages_range() over n resident pages (mm/mlock.c):
  // the first page carries the VMA work (split, flags), each further page
  // only follow_page and its PG_mlocked bit.
  SimTime mlock_pages(std::int64_t n) const {
    return n > 0 ? mlock_page + (n - 1) * mlock_next_page : 0;
  }
  SimTime munlock_pages(std::int64_t n) const {
    return n > 0 ? munlock_page + (n - 1) * munlock_next_page : 0;
  }
  // Time to copy `bytes` into or out of a buffer.
  SimTime copy(std::int64_t bytes) const {
    return static_cast<SimTime>(copy_per_kib_ns * static_cast<double>(bytes) / 1024.0 + 0.5);
  }
};

// The longest simulated time a run may reach: 1e9 s (31.7 years). Times are
// int64 nanoseconds, which overflow at 9.2e9 s; a run stops at this horizon
// (an InputError if the boot has not ended), and no single delay may exceed
// it, so that no sum of a time and a delay can overflow.
constexpr SimTime kMaxSimTime = 1'000'000'000 * engine::kNsPerSec;
// The largest draw of Rng::exponential(mean) is 36.7 means (53-bit
// uniforms: -ln 2^-53).
constexpr double kLongestExponential = 36.74;
// The lowest non-zero other_drain_all_per_s: its longest gap between calls
// (36.74 / 4e-8 = 9.2e8 s) stays inside the horizon.
constexpr double kMinOtherDrainPerS = 4e-8;
static_assert(kLongestExponential / kMinOtherDrainPerS <= 1e9, "gap beyond kMaxSimTime");

// Refuse, before a run, parameters whose delays could pass kMaxSimTime: a
// rate whose inverse is a mean gap (other_drain_all_per_s = 1e-12 gave gaps
// of 1e12 s, an overflow and "event scheduled in the past"), at its largest
// draw. InputError naming the parameter, its value and the accepted bound.
void check_simulated_times(const ParamValues& p);

}  // namespace ipistorm::model
