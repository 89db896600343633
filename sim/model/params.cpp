// params.cpp: the table of every cost and workload parameter.
//
// Sources are cited where one exists. docs/background.md section 5 lists the costs no
// public source gives (event-channel send and wake, Xen vCPU wake and
// schedule, PV hypercall cost, ioreq round trip, IPI latency by distance):
// those defaults say "chosen" and why. Exactly one hardware/kernel cost is
// fitted to the pvops boot time (fitted = true); the workload rows are fitted
// to the linux-2.6.18-xen column of the report, as docs/model.md "Calibration" says.
#include "model/params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "did_you_mean.hpp"
#include "errors.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"

namespace ipistorm::model {

namespace {

using engine::us;
constexpr ParamType kReal = ParamType::kReal;
constexpr ParamType kCount = ParamType::kCount;
constexpr ParamType kProbability = ParamType::kProbability;
constexpr ParamType kState = ParamType::kState;

// A whole-number row's value into its field: set() has checked that it is
// integral and inside the row's range, so the conversion is exact.
template <class T>
T whole(double v) {
  return static_cast<T>(v);
}

// Relative ranges (factor, plus_minus) become absolute around the default.
std::vector<ParamSpec> resolve_ranges(std::vector<ParamSpec> specs) {
  for (auto& s : specs) {
    ParamRange& r = s.range;
    if (r.relative <= 0) continue;
    if (r.distribution == Distribution::kLogUniform) {
      r.low = s.value / r.relative, r.high = s.value * r.relative;
    } else {
      r.low = s.value * (1 - r.relative), r.high = s.value * (1 + r.relative);
    }
    // Six significant figures: 0.007, not 0.006999999999999999.
    auto round6 = [](double v) {
      char b[32];
      std::snprintf(b, sizeof b, "%.6g", v);
      return std::strtod(b, nullptr);
    };
    r.low = round6(r.low), r.high = round6(r.high);
    if (s.integer()) r.low = std::ceil(r.low), r.high = std::floor(r.high);
    r.low = std::max(r.low, s.min), r.high = std::min(r.high, s.max);
  }
  return specs;
}

std::string range_text(const ParamSpec& s) {
  return io::format_range(s.min, s.max) + (*s.unit ? std::string(" ") + s.unit : "");
}

}  // namespace

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::kNone:
      return "none";
    case Distribution::kUniform:
      return "uniform";
    case Distribution::kLogUniform:
      return "log-uniform";
  }
  return "?";
}

Distribution distribution_from_name(const std::string& name) {
  if (name == "uniform") return Distribution::kUniform;
  if (name == "log-uniform") return Distribution::kLogUniform;
  throw InputError("unknown distribution '" + name + "' (accepted: uniform, log-uniform)");
}

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::kReal:
      return "real";
    case ParamType::kCount:
      return "count";
    case ParamType::kIndex:
      return "index";
    case ParamType::kProbability:
      return "probability";
    case ParamType::kState:
      return "state";
  }
  return "?";
}

// clang-format off
const std::vector<ParamSpec>& param_specs() {
  static const std::vector<ParamSpec> specs = resolve_ranges({
  // ---- hardware: IPIs, cache-line transfers, idle states (Nehalem-EP) ----
  {"ipi_same_core_us", 0.4, "us", "hardware",
   "chosen: APIC IPI to the SMT sibling, ~1k cycles at 2.67 GHz; no public figure (DOMAIN.md s5)", false,
   kReal, 0, 1e4, "ipi[same_core]", [](Costs& c, double v) { c.ipi[1] = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"ipi_same_package_us", 0.7, "us", "hardware",
   "chosen: APIC IPI within a package, ~2k cycles; no public figure (DOMAIN.md s5)", false,
   kReal, 0, 1e4, "ipi[same_package]", [](Costs& c, double v) { c.ipi[2] = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"ipi_other_package_us", 1.2, "us", "hardware",
   "chosen: APIC IPI across QPI, ~3k cycles, more than on-package; no public figure (DOMAIN.md s5)", false,
   kReal, 0, 1e4, "ipi[other_package]", [](Costs& c, double v) { c.ipi[3] = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"line_transfer_same_core_us", 0.01, "us", "hardware",
   "lock cache line from the SMT sibling: shared L1/L2, ~10 cycles (DOMAIN.md s5: L1 4, L2 ~10)", false,
   kReal, 0, 1e4, "line_transfer[same_core]", [](Costs& c, double v) { c.line_transfer[1] = us(v); },
   plus_minus(0.3, "DOMAIN.md s5 latencies; +-30 % for snoop and contention they leave out")},
  {"line_transfer_same_package_us", 0.03, "us", "hardware",
   "lock cache line via the inclusive L3, ~47 cycles plus snoop (DOMAIN.md s5)", false,
   kReal, 0, 1e4, "line_transfer[same_package]", [](Costs& c, double v) { c.line_transfer[2] = us(v); },
   plus_minus(0.3, "DOMAIN.md s5 latencies; +-30 % for snoop and contention they leave out")},
  {"line_transfer_other_package_us", 0.15, "us", "hardware",
   "lock cache line across QPI, about 2x a remote memory access (~80 ns local, DOMAIN.md s5)", false,
   kReal, 0, 1e4, "line_transfer[other_package]", [](Costs& c, double v) { c.line_transfer[3] = us(v); },
   plus_minus(0.3, "DOMAIN.md s5 latencies; +-30 % for snoop and contention they leave out")},
  {"cstate_c1_exit_us", 3, "us", "hardware",
   "Nehalem C1 exit latency, Linux drivers/idle/intel_idle.c nehalem_cstates (v2.6.35)", false,
   kReal, 0, 1e5, "cstate_exit[1]", [](Costs& c, double v) { c.cstate_exit[1] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"cstate_c1_residency_us", 6, "us", "hardware",
   "Nehalem C1 target residency, intel_idle.c nehalem_cstates; below it the pCPU polls (exit 0)", false,
   kReal, 0, 1e6, "cstate_residency[1]", [](Costs& c, double v) { c.cstate_residency[1] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"cstate_c3_exit_us", 20, "us", "hardware",
   "Nehalem C3 exit latency, intel_idle.c nehalem_cstates (v2.6.35)", false,
   kReal, 0, 1e5, "cstate_exit[2]", [](Costs& c, double v) { c.cstate_exit[2] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"cstate_c3_residency_us", 80, "us", "hardware",
   "Nehalem C3 target residency, intel_idle.c nehalem_cstates", false,
   kReal, 0, 1e6, "cstate_residency[2]", [](Costs& c, double v) { c.cstate_residency[2] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"cstate_c6_exit_us", 200, "us", "hardware",
   "Nehalem C6 exit latency, intel_idle.c nehalem_cstates (v2.6.35)", false,
   kReal, 0, 1e5, "cstate_exit[3]", [](Costs& c, double v) { c.cstate_exit[3] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"cstate_c6_residency_us", 800, "us", "hardware",
   "Nehalem C6 target residency, intel_idle.c nehalem_cstates", false,
   kReal, 0, 1e6, "cstate_residency[3]", [](Costs& c, double v) { c.cstate_residency[3] = us(v); },
   plus_minus(0.2, "intel_idle.c nehalem_cstates: Intel's nominal figure, not a measurement of this machine; +-20 %")},
  {"max_cstate", 3, "state", "hardware",
   "deepest idle state Xen may use (0 poll, 1 C1, 2 C3, 3 C6), like Xen's max_cstate= option; default all", false,
   kState, 0, 3, "max_cstate", [](Costs& c, double v) { c.max_cstate = whole<int>(v); }},

  // ---- Xen ----
  {"hypercall_us", 0.3, "us", "xen",
   "chosen: PV hypercall trap and return (x86_64 PV kernel in ring 3), ~1k cycles; no public figure", false,
   kReal, 0, 1e4, "hypercall", [](Costs& c, double v) { c.hypercall = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"evtchn_send_us", 1.0, "us", "xen",
   "chosen: EVTCHNOP_send as the sender pays it: hypercall, evtchn_set_pending, vcpu_unblock, credit tickle (xen/common/event_channel.c), ~2.7k cycles", false,
   kReal, 0, 1e4, "evtchn_send", [](Costs& c, double v) { c.evtchn_send = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"xen_vcpu_wake_us", 0.5, "us", "xen",
   "chosen: tickled pCPU to the scheduling decision (SCHEDULE_SOFTIRQ, csched_schedule), idle-state exit and switch-in excluded; ~1.3k cycles (with xen_context_switch_us the former 1 us wake)", false,
   kReal, 0, 1e4, "xen_vcpu_wake", [](Costs& c, double v) { c.xen_vcpu_wake = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"xen_context_switch_us", 0.5, "us", "xen",
   "chosen: context_switch() into the woken PV vCPU (GPRs, CR3, segment bases, lazy FPU), ~1.3k cycles; counted as dom0 time because schedule() marks the vCPU running first (xen/common/schedule.c)", false,
   kReal, 0, 1e4, "xen_context_switch", [](Costs& c, double v) { c.xen_context_switch = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"xen_wake_jitter_us", 1, "us", "xen",
   "chosen: mean of an exponential extra delay on each vCPU wake (scheduler and softirq noise)", false,
   kReal, 0, 1e4, "xen_wake_jitter_ns", [](Costs& c, double v) { c.xen_wake_jitter_ns = v * 1000.0; },
   factor(4, "chosen: scheduler and softirq noise is the least known of the wake costs; a factor 4 either way")},
  {"ioreq_dispatch_us", 0.7, "us", "xen",
   "chosen: VM exit, port decode, ioreq written and device-model event sent (hvm_send_assist_req)", false,
   kReal, 0, 1e4, "ioreq_dispatch", [](Costs& c, double v) { c.ioreq_dispatch = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"ioreq_resume_us", 0.7, "us", "xen",
   "chosen: ioreq completion seen, guest state updated, VM entry", false,
   kReal, 0, 1e4, "ioreq_resume", [](Costs& c, double v) { c.ioreq_resume = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"set_irq_level_us", 0.3, "us", "xen",
   "chosen: HVMOP_set_isa_irq_level work in Xen (vpic/vioapic update) beyond the hypercall trap", false,
   kReal, 0, 1e4, "set_irq_level", [](Costs& c, double v) { c.set_irq_level = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},

  // ---- dom0 Linux ----
  {"syscall_us", 0.3, "us", "dom0",
   "chosen: x86_64 PV syscall entry and exit bounce through Xen, ~1.3k cycles", false,
   kReal, 0, 1e4, "syscall", [](Costs& c, double v) { c.syscall = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"mlock_page_us", 0.3, "us", "dom0",
   "chosen: mlock of one page (the first of a range) without any drain: vma flags, follow_page, mark PG_mlocked", false,
   kReal, 0, 1e4, "mlock_page", [](Costs& c, double v) { c.mlock_page = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"mlock_next_page_us", 0.3, "us", "dom0",
   "chosen: each further page of one mlock range (follow_page, mark PG_mlocked in __mlock_vma_pages_range, mm/mlock.c); equal to mlock_page_us, so n pages cost n one-page mlocks; calibrate fits it from syscall/mlock_munlock/pages:16", false,
   kReal, 0, 1e4, "mlock_next_page", [](Costs& c, double v) { c.mlock_next_page = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"munlock_page_us", 0.3, "us", "dom0",
   "chosen: munlock of one page: clear PG_mlocked, putback to the LRU", false,
   kReal, 0, 1e4, "munlock_page", [](Costs& c, double v) { c.munlock_page = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"munlock_next_page_us", 0.3, "us", "dom0",
   "chosen: each further page of one munlock range (munlock_vma_page per page, mm/mlock.c); equal to munlock_page_us; calibrate fits it from syscall/mlock_munlock/pages:16", false,
   kReal, 0, 1e4, "munlock_next_page", [](Costs& c, double v) { c.munlock_next_page = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"context_switch_us", 0.6, "us", "dom0",
   "chosen: PV context switch (stack switch, FPU, TLS through a multicall), ~4k cycles", false,
   kReal, 0, 1e4, "context_switch", [](Costs& c, double v) { c.context_switch = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"evtchn_upcall_us", 0.4, "us", "dom0",
   "chosen: event upcall, irq entry and exit on the woken vCPU (xen_evtchn_do_upcall)", false,
   kReal, 0, 1e4, "evtchn_upcall", [](Costs& c, double v) { c.evtchn_upcall = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"idle_exit_us", 1.0, "us", "dom0",
   "chosen: leaving the idle loop: tick_nohz_restart_sched_tick, clock and steal-time accounting (pvclock)", false,
   kReal, 0, 1e4, "idle_exit", [](Costs& c, double v) { c.idle_exit = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"idle_entry_us", 3.0, "us", "dom0",
   "chosen: entering idle: tick_nohz_stop_sched_tick with a VCPUOP_set_singleshot_timer hypercall, RCU checks", false,
   kReal, 0, 1e4, "idle_entry", [](Costs& c, double v) { c.idle_entry = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"queue_work_us", 3.85, "us", "dom0",
   "FITTED to the pvops boot time (42 s): schedule_work_on() without the IPI send: cwq lock, insert, try_to_wake_up on the target's runqueue (remote rq->lock line)", true,
   kReal, 0, 1e4, "queue_work", [](Costs& c, double v) { c.queue_work = us(v); }},
  {"flush_work_us", 0.2, "us", "dom0",
   "chosen: flush_work check of one work item, barrier insert when pending (kernel/workqueue.c)", false,
   kReal, 0, 1e4, "flush_work", [](Costs& c, double v) { c.flush_work = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"complete_us", 0.4, "us", "dom0",
   "chosen: complete() of the flush barrier, including try_to_wake_up of the waiter", false,
   kReal, 0, 1e4, "complete", [](Costs& c, double v) { c.complete = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"drain_empty_us", 0.3, "us", "dom0",
   "chosen: lru_add_drain() when every per-CPU pagevec is empty: no lock taken (mm/swap.c)", false,
   kReal, 0, 1e4, "drain_empty", [](Costs& c, double v) { c.drain_empty = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"lru_lock_hold_us", 0.3, "us", "dom0",
   "chosen: fixed part of one pagevec batch under zone->lru_lock (____pagevec_lru_add)", false,
   kReal, 0, 1e4, "lru_lock_hold", [](Costs& c, double v) { c.lru_lock_hold = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"lru_add_per_page_us", 0.1, "us", "dom0",
   "chosen: per page moved from a pagevec onto an LRU list under the lock", false,
   kReal, 0, 1e4, "lru_add_per_page", [](Costs& c, double v) { c.lru_add_per_page = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"pagevec_size", 14, "pages", "dom0",
   "PAGEVEC_SIZE in include/linux/pagevec.h (2.6.x)", false,
   kCount, 1, 4096, "pagevec_size", [](Costs& c, double v) { c.pagevec_size = whole<int>(v); }},
  {"dom0_page_adds_per_s", 200, "pages/s", "dom0",
   "chosen: pages each dom0 vCPU adds to its LRU pagevecs in the background (daemons, page cache)", false,
   kReal, 0, 1e7, "dom0_page_adds_per_ns", [](Costs& c, double v) { c.dom0_page_adds_per_ns = v / 1e9; },
   factor(4, "chosen: background page activity depends on what else dom0 runs; a factor 4 either way")},
  {"dm_page_adds_per_ioreq", 0.25, "pages", "dom0",
   "chosen: pages the device model adds to its CPU's pagevec per ioreq (disk image reads)", false,
   kReal, 0, 1e4, "dm_page_adds_per_ioreq", [](Costs& c, double v) { c.dm_page_adds_per_ioreq = v; },
   factor(4, "chosen: depends on the disk image's page-cache hits; a factor 4 either way")},
  {"other_drain_all_per_s", 0, "calls/s", "dom0",
   "lru_add_drain_all() calls per second from other paths (migration, GUP longterm), over all vCPUs; 0 in the report", false,
   kReal, 0, 1e6, "other_drain_all_per_ns", [](Costs& c, double v) { c.other_drain_all_per_ns = v / 1e9; }},

  // ---- hypercall buffers (the strategies of docs/background.md s4) ----
  {"hcall_arg_bytes", 4, "bytes", "device_model",
   "size of the hypercall argument: struct xen_hvm_set_isa_irq_level { domid_t domid; uint8_t isa_irq; uint8_t level; } is 4 bytes (xen/include/public/hvm/hvm_op.h)", false,
   kCount, 1, 1048576, "hcall_arg_bytes", [](Costs& c, double v) { c.hcall_arg_bytes = whole<int>(v); }},
  {"copy_per_kib_us", 0.1, "us/KiB", "dom0",
   "chosen: memcpy into/out of a hypercall buffer, ~10 GB/s for cache-warm data", false,
   kReal, 0, 1e4, "copy_per_kib_ns", [](Costs& c, double v) { c.copy_per_kib_ns = v * 1000.0; },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"mutex_us", 0.05, "us", "dom0",
   "chosen: uncontended pthread_mutex lock+unlock (two atomic operations) around the buffer cache", false,
   kReal, 0, 1e4, "mutex", [](Costs& c, double v) { c.mutex = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"alloc_us", 0.2, "us", "dom0",
   "chosen: posix_memalign or free of one page from glibc's allocator", false,
   kReal, 0, 1e4, "alloc", [](Costs& c, double v) { c.alloc = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"page_bytes", 4096, "bytes", "hardware",
   "x86 base page size", false,
   kCount, 512, 1073741824, "page_bytes", [](Costs& c, double v) { c.page_bytes = whole<int>(v); }},
  {"page_fault_us", 1.5, "us", "dom0",
   "chosen: a minor page fault in a PV guest (trap through Xen, PTE update by hypercall)", false,
   kReal, 0, 1e4, "page_fault", [](Costs& c, double v) { c.page_fault = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"mmap_us", 1.5, "us", "dom0",
   "chosen: mmap of one anonymous page without the fault: vma allocation and insertion", false,
   kReal, 0, 1e4, "mmap", [](Costs& c, double v) { c.mmap = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"munmap_us", 2.0, "us", "dom0",
   "chosen: munmap of one page without the TLB flush: vma removal, page table teardown by hypercall", false,
   kReal, 0, 1e4, "munmap", [](Costs& c, double v) { c.munmap = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"tlb_flush_per_cpu_us", 1.5, "us", "xen",
   "chosen: MMUEXT_TLB_FLUSH_MULTI cost per other CPU in the mm's cpumask (Xen sends and waits for the flush IPIs)", false,
   kReal, 0, 1e4, "tlb_flush_per_cpu", [](Costs& c, double v) { c.tlb_flush_per_cpu = us(v); },
   factor(2, "chosen, no public figure: a factor 2 either way of the stated estimate")},
  {"dm_mm_other_cpus", 1, "CPUs", "device_model",
   "chosen: other CPUs in the device model's mm_cpumask at munmap (its AIO/IO thread), each sent a TLB-flush IPI", false,
   kCount, 0, 8192, "dm_mm_other_cpus", [](Costs& c, double v) { c.dm_mm_other_cpus = whole<int>(v); },
   uniform(0, 3, "chosen: qemu-dm with no I/O thread up to three threads on other CPUs")},
  {"dm_process_bytes", 50331648, "bytes", "device_model",
   "chosen: memory mlockall locks in qemu-dm (48 MiB: binary, heap, stacks; guest RAM is a foreign mapping and not counted)", false,
   kCount, 0, 1099511627776.0, "dm_process_bytes", [](Costs& c, double v) { c.dm_process_bytes = whole<std::int64_t>(v); },
   factor(2, "chosen: qemu-dm resident size from 24 to 96 MiB (build, device set)")},
  {"nolock_fault_prob", 0.0001, "probability", "dom0",
   "chosen: chance that an unlocked argument page is paged out or migrated while Xen copies it (memory pressure dependent; 1e-4 is light pressure)", false,
   kProbability, 0, 0.9, "nolock_fault_prob", [](Costs& c, double v) { c.nolock_fault_prob = v; },
   log_uniform(1e-6, 1e-2, "chosen: memory pressure from none to heavy, two decades either way of 1e-4")},
  {"multicall_batch", 4, "updates", "device_model",
   "IRQ level changes per multicall for multicall-batch (Xen 25f5b0ff15 suggests batching)", false,
   kCount, 1, 1024, "multicall_batch", [](Costs& c, double v) { c.multicall_batch = whole<int>(v); }},

  // ---- device model (qemu-xen-traditional) ----
  {"dm_poll_us", 0.0, "us", "device_model",
   "workload, fitted to the 2.6.18 ioport latency (30K cycles): QEMU CPU for one IDE status read beyond the syscalls", true,
   kReal, 0, 1e4, "dm_poll", [](Costs& c, double v) { c.dm_poll = us(v); }},
  {"dm_evtchn_vcpu", 0, "vCPU", "device_model",
   "dom0 vCPU the ioreq event channel notifies: 0, since evtchn_bind_to_user() sets no CPU and drivers/xen/events.c binds every channel to CPU#0 by default (Xen's notify_vcpu_id = 0)", false,
   ParamType::kIndex, 0, 8191, "dm_evtchn_vcpu", [](Costs& c, double v) { c.dm_evtchn_vcpu = whole<int>(v); }},
  {"ide_data_ioreqs_per_sector", 1, "ioreqs", "device_model",
   "data-port ioreqs per 512-byte PIO sector: 1, since rombios ata_cmd_data_in and Linux's ide_input_data use rep insw/insl, which Xen 3.4 xen/arch/x86/hvm/emulate.c hvmemul_rep_ins() sends as one ioreq, send_pio_req(port, *reps, ...) (no buffered PIO page on x86: hw/xen_machine_fv.c); only the last raises the IRQ (ide_sector_read -> ide_set_irq)", false,
   kCount, 1, 256, "ide_data_ioreqs_per_sector", [](Costs& c, double v) { c.ide_data_ioreqs_per_sector = whole<int>(v); }},
  {"dm_sector_us", 8, "us", "device_model",
   "workload: QEMU CPU for one PIO sector (disk image read through the page cache, 512-byte copy)", true,
   kReal, 0, 1e4, "dm_sector", [](Costs& c, double v) { c.dm_sector = us(v); }},

  // ---- guest workload: a uniprocessor HVM boot as three phases ----
  {"boot_firmware_cpu_s", 2.9, "s", "workload",
   "workload, fitted to the 2.6.18 boot time: guest CPU in BIOS POST and the bootloader", true,
   kReal, 0, 1e6, "boot phase firmware: cpu_s", nullptr},
  {"boot_firmware_polls", 76500, "accesses", "workload",
   "workload: IDE status reads during POST and bootloader (INT 13h PIO)", true,
   kCount, 0, 1e8, "boot phase firmware: polls", nullptr},
  {"boot_firmware_sectors", 10000, "accesses", "workload",
   "workload: PIO sector reads of kernel and initrd by the bootloader (10 MB)", true,
   kCount, 0, 1e8, "boot phase firmware: sectors", nullptr},
  {"boot_probe_cpu_s", 0.02, "s", "workload",
   "workload: guest CPU while the kernel probes the IDE controller", true,
   kReal, 0, 1e6, "boot phase probe: cpu_s", nullptr},
  {"boot_probe_polls", 130000, "accesses", "workload",
   "workload: IDE status reads in busy-wait loops (drive reset, identify)", true,
   kCount, 0, 1e8, "boot phase probe: polls", nullptr},
  {"boot_init_cpu_s", 14.5, "s", "workload",
   "workload, fitted to the 2.6.18 boot time: guest CPU in kernel init and user-space start", true,
   kReal, 0, 1e6, "boot phase init: cpu_s", nullptr},
  {"boot_init_polls", 1500, "accesses", "workload",
   "workload: IDE status reads by the guest's IDE driver during init", true,
   kCount, 0, 1e8, "boot phase init: polls", nullptr},
  {"boot_init_sectors", 0, "accesses", "workload",
   "workload: sector transfers during init (root filesystem)", true,
   kCount, 0, 1e8, "boot phase init: sectors", nullptr},
  });
  return specs;
}
// clang-format on

const ParamSpec* find_param(const std::string& name) {
  for (const auto& s : param_specs())
    if (name == s.name) return &s;
  return nullptr;
}

ParamRange checked_range(const std::string& name, Distribution d, double low, double high) {
  const ParamSpec* s = find_param(name);
  if (!s) throw InputError("unknown parameter '" + name + "' in ranges (see 'ipistorm params')");
  const std::string what = "range of " + name + " " + io::format_range(low, high);
  if (d == Distribution::kNone) throw InputError(what + " needs a distribution");
  if (!std::isfinite(low) || !std::isfinite(high))
    throw InputError(what + " must be two finite numbers");
  if (!(low < high)) throw InputError(what + " is inverted or empty: low must be below high");
  if (d == Distribution::kLogUniform && !(low > 0))
    throw InputError(what + " is log-uniform and must lie above 0");
  if (low < s->min || high > s->max)
    throw InputError(what + " leaves the accepted range " + range_text(*s));
  return {d, low, high, "config file", 0};
}

ParamValues::ParamValues() {
  for (const auto& s : param_specs()) values_[s.name] = s.value;
}

namespace {

// "unknown parameter 'x' (did you mean 'y'? see 'ipistorm params' for the list)"
[[noreturn]] void unknown_param(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : param_specs()) names.emplace_back(s.name);
  const std::string close = closest_name(name, names);
  throw InputError("unknown parameter '" + name + "' (" +
                   (close.empty() ? "" : "did you mean '" + close + "'? ") +
                   "see 'ipistorm params' for the list)");
}

}  // namespace

void ParamValues::set(const std::string& name, double value) {
  const ParamSpec* s = find_param(name);
  if (!s) unknown_param(name);
  if (s->integer() && std::isfinite(value) && value != std::floor(value))
    throw InputError("parameter " + name + " must be a whole number in " + range_text(*s) +
                     ", got " + io::format_number(value));
  if (!std::isfinite(value) || value < s->min || value > s->max)
    throw InputError("parameter " + name + "=" + io::format_number(value) +
                     " is outside the accepted range " + range_text(*s));
  values_[name] = value;
}

void ParamValues::set_from_string(const std::string& name, const std::string& text) {
  const ParamSpec* s = find_param(name);
  if (!s) unknown_param(name);
  if (s->integer()) {
    const auto v = io::parse_int(text);
    if (!v)
      throw InputError("parameter " + name + " needs a whole number in " + range_text(*s) +
                       ", got '" + text + "'");
    if (static_cast<double>(*v) < s->min || static_cast<double>(*v) > s->max)
      throw InputError("parameter " + name + "=" + text + " is outside the accepted range " +
                       range_text(*s));
    values_[name] = static_cast<double>(*v);
    return;
  }
  const auto v = io::parse_real(text);
  if (!v)
    throw InputError("parameter " + name + " needs a number in " + range_text(*s) + ", got '" +
                     text + "'");
  set(name, *v);
}

double ParamValues::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw InputError("unknown parameter '" + name + "'");
  return it->second;
}

std::int64_t ParamValues::get_count(const std::string& name) const {
  const ParamSpec* s = find_param(name);
  if (!s || !s->integer()) throw InputError("parameter '" + name + "' is not a whole number");
  return whole<std::int64_t>(get(name));
}

}  // namespace ipistorm::model
