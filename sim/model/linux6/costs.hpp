// costs.hpp: what the Linux 6.x model (sched, workqueue, swap, rcu) charges,
// in nanoseconds. The costs a 2.6.x dom0 shares with a 6.x kernel on bare
// metal (IPI flight by distance, the C1 exit, a context switch, queue_work,
// flush_work, complete(), the LRU lock) come from the parameter table
// (model/params.cpp), so a calibration of those applies to both. The costs
// only a bare-metal 6.x kernel has are linux_cost_rows(): each with its unit,
// default, plausible range and source, as the parameter table's rows are.
//
// Counts (which CPU gets which interrupt and work item) depend on none of
// these: only on the kernel's rules (sched.cpp, rcu.cpp, the policies).
// Times do, and the virtual lab (bench/vlab) cannot check them (TCG).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/simulator.hpp"
#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model::linux6 {

using engine::SimTime;

struct LinuxCostRow {
  const char* name;
  double value;  // default, in `unit`
  const char* unit;
  double low, high;  // plausible range (uncertainty studies)
  const char* source;
};
// The rows only this model has, in the order LinuxCosts lists them.
const std::vector<LinuxCostRow>& linux_cost_rows();
// The row named `name`, or nullptr.
const LinuxCostRow* find_linux_cost_row(const std::string& name);
// Values for some rows (the rest keep their defaults): each name a row, each
// value finite and in 0..100x the row's plausible top; InputError otherwise.
using LinuxCostValues = std::map<std::string, double>;
void check_linux_cost(const std::string& name, double value);

struct LinuxCosts {
  // The defaults of the parameter table and of linux_cost_rows().
  LinuxCosts() : LinuxCosts(ParamValues{}) {}
  explicit LinuxCosts(const ParamValues& p, bool kvm_guest = false,
                      const LinuxCostValues& own = {});
  // What sending one IPI costs the sender, on this host.
  SimTime ipi_send() const { return apic_ipi_send + (kvm ? kvm_ipi_exit : 0); }
  // What waking a halted CPU adds to an IPI's flight, on this host.
  SimTime halted_wake() const { return kvm ? kvm_halt_wake : c1_exit; }

  // from the parameter table (model/params.cpp)
  SimTime ipi[topo::kDistanceClasses];            // flight, by distance
  SimTime line_transfer[topo::kDistanceClasses];  // a lock's cache line, by distance
  SimTime c1_exit;                                // HLT wake-up (cstate_c1_exit_us)
  SimTime context_switch, idle_entry, idle_exit, syscall, queue_work, flush_work, complete,
      lru_lock_hold, lru_add_per_page, drain_empty;
  // linux_cost_rows()
  SimTime apic_ipi_send;    // x2APIC ICR write (native_send_call_func_single_ipi)
  SimTime irq_entry_exit;   // an IPI handler's entry and exit on the target
  SimTime rcu_exp_handler;  // rcu_exp_handler(): report a quiescent state
  SimTime tick_restart;     // tick_nohz_irq_work(): restart the tick on a nohz_full CPU
  int folio_batch_size;     // PAGEVEC_SIZE: folios one per-CPU batch holds
  SimTime qpw_lock;         // QPW: one local lock/unlock pair made a real spinlock
  // The host: bare metal, or a KVM guest (an IPI costs the sender a VM exit;
  // a halted vCPU is woken by the host's scheduler).
  bool kvm = false;
  SimTime kvm_ipi_exit;   // sender: the ICR write traps (no IPI virtualisation)
  SimTime kvm_halt_wake;  // a halted vCPU: kvm_vcpu_kick -> the host scheduler runs it
};

}  // namespace ipistorm::model::linux6
