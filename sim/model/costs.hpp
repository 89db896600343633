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
  SimTime syscall, idle_exit, idle_entry, mlock_page, munlock_page, context_switch, evtchn_upcall,
      queue_work, flush_work, complete, drain_empty, lru_lock_hold, lru_add_per_page;
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
  // Time to copy `bytes` into or out of a buffer.
  SimTime copy(std::int64_t bytes) const {
    return static_cast<SimTime>(copy_per_kib_ns * static_cast<double>(bytes) / 1024.0 + 0.5);
  }
};

}  // namespace ipistorm::model
