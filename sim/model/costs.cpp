// costs.cpp: ParamValues -> Costs.
#include "model/costs.hpp"

#include <algorithm>

namespace ipistorm::model {

using engine::us;

Costs::Costs(const ParamValues& p) {
  auto g = [&](const char* n) { return p.get(n); };
  ipi[0] = 0;
  ipi[1] = us(g("ipi_same_core_us"));
  ipi[2] = us(g("ipi_same_package_us"));
  ipi[3] = us(g("ipi_other_package_us"));
  line_transfer[0] = 0;
  line_transfer[1] = us(g("line_transfer_same_core_us"));
  line_transfer[2] = us(g("line_transfer_same_package_us"));
  line_transfer[3] = us(g("line_transfer_other_package_us"));
  cstate_exit[0] = 0;
  cstate_residency[0] = 0;
  cstate_exit[1] = us(g("cstate_c1_exit_us"));
  cstate_residency[1] = us(g("cstate_c1_residency_us"));
  cstate_exit[2] = us(g("cstate_c3_exit_us"));
  cstate_residency[2] = us(g("cstate_c3_residency_us"));
  cstate_exit[3] = us(g("cstate_c6_exit_us"));
  cstate_residency[3] = us(g("cstate_c6_residency_us"));
  max_cstate = static_cast<int>(g("max_cstate"));
  if (max_cstate > 3) max_cstate = 3;

  hypercall = us(g("hypercall_us"));
  evtchn_send = us(g("evtchn_send_us"));
  xen_vcpu_wake = us(g("xen_vcpu_wake_us"));
  xen_wake_jitter_ns = g("xen_wake_jitter_us") * 1000.0;
  ioreq_dispatch = us(g("ioreq_dispatch_us"));
  ioreq_resume = us(g("ioreq_resume_us"));
  set_irq_level = us(g("set_irq_level_us"));

  syscall = us(g("syscall_us"));
  idle_exit = us(g("idle_exit_us"));
  idle_entry = us(g("idle_entry_us"));
  mlock_page = us(g("mlock_page_us"));
  munlock_page = us(g("munlock_page_us"));
  context_switch = us(g("context_switch_us"));
  evtchn_upcall = us(g("evtchn_upcall_us"));
  queue_work = us(g("queue_work_us"));
  flush_work = us(g("flush_work_us"));
  complete = us(g("complete_us"));
  drain_empty = us(g("drain_empty_us"));
  lru_lock_hold = us(g("lru_lock_hold_us"));
  lru_add_per_page = us(g("lru_add_per_page_us"));
  pagevec_size = static_cast<int>(g("pagevec_size"));
  if (pagevec_size < 1) pagevec_size = 1;
  dom0_page_adds_per_ns = g("dom0_page_adds_per_s") / 1e9;
  dm_page_adds_per_ioreq = g("dm_page_adds_per_ioreq");
  other_drain_all_per_ns = g("other_drain_all_per_s") / 1e9;

  dm_poll = us(g("dm_poll_us"));
  dm_sector = us(g("dm_sector_us"));

  hcall_arg_bytes = static_cast<int>(g("hcall_arg_bytes"));
  page_bytes = std::max(1, static_cast<int>(g("page_bytes")));
  dm_mm_other_cpus = static_cast<int>(g("dm_mm_other_cpus"));
  multicall_batch = std::max(1, static_cast<int>(g("multicall_batch")));
  copy_per_kib_ns = g("copy_per_kib_us") * 1000.0;
  nolock_fault_prob = std::min(1.0, g("nolock_fault_prob"));
  dm_process_bytes = static_cast<std::int64_t>(g("dm_process_bytes"));
  mutex = us(g("mutex_us"));
  alloc = us(g("alloc_us"));
  page_fault = us(g("page_fault_us"));
  mmap = us(g("mmap_us"));
  munmap = us(g("munmap_us"));
  tlb_flush_per_cpu = us(g("tlb_flush_per_cpu_us"));
}

}  // namespace ipistorm::model
