// costs.cpp: the Linux 6.x model's costs (costs.hpp).
#include "model/linux6/costs.hpp"

#include <cmath>

#include "errors.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"

namespace ipistorm::model::linux6 {

// clang-format off
const std::vector<LinuxCostRow>& linux_cost_rows() {
  static const std::vector<LinuxCostRow> rows = {
  {"apic_ipi_send_us", 0.1, "us", 0.05, 0.5,
   "chosen: one x2APIC ICR write (a WRMSR, ~100-300 cycles) plus the call-single queue; xAPIC's "
   "MMIO write with its busy wait is the high end"},
  {"irq_entry_exit_us", 0.5, "us", 0.2, 2,
   "chosen: IDT entry, irq_enter/irq_exit and the return of one IPI handler on a 2-3 GHz core; "
   "higher with mitigations (IBRS, retpolines)"},
  {"rcu_exp_handler_us", 0.3, "us", 0.1, 1,
   "chosen: rcu_exp_handler() (kernel/rcu/tree_exp.h) on a CPU outside any RCU read-side "
   "section: it reports the quiescent state at once"},
  {"tick_restart_us", 1.0, "us", 0.5, 3,
   "chosen: tick_nohz_irq_work() -> tick_nohz_full_update_tick(): reprogram the tick on a "
   "nohz_full CPU (kernel/time/tick-sched.c)"},
  {"folio_batch_size", 15, "folios", 15, 31,
   "PAGEVEC_SIZE in include/linux/pagevec.h: 15 in 6.1; the range's top allows a doubled batch"},
  {"qpw_lock_ns", 3, "ns", 1, 5,
   "QPW's cost per local lock/unlock pair: 4-14 cycles (LPC 2023 talk), 2 cycles (v2 cover "
   "letter), at about 3 GHz"},
  {"kvm_ipi_exit_us", 1.5, "us", 0.5, 5,
   "chosen: an x2APIC ICR write in a KVM guest without IPI virtualisation is a VM exit and "
   "entry plus the host's kvm_apic_send_ipi (about 1-2 us on recent Intel and AMD hosts)"},
  {"kvm_halt_wake_us", 10, "us", 2, 50,
   "chosen: a halted vCPU woken by an IPI: kvm_vcpu_kick, the host scheduler switching to the "
   "vCPU thread, VM entry; less inside the halt-polling window (halt_poll_ns, 200 us default), "
   "more on a loaded host"},
  };
  return rows;
}
// clang-format on

const LinuxCostRow* find_linux_cost_row(const std::string& name) {
  for (const LinuxCostRow& r : linux_cost_rows())
    if (name == r.name) return &r;
  return nullptr;
}

void check_linux_cost(const std::string& name, double value) {
  const LinuxCostRow* r = find_linux_cost_row(name);
  if (r == nullptr) throw InputError("unknown Linux 6.x cost '" + name + "'");
  if (!std::isfinite(value) || value < 0 || value > 100 * r->high ||
      (std::string(r->unit) == "folios" && (value < 1 || value != std::floor(value))))
    throw InputError("parameter " + name + "=" + io::format_number(value) +
                     " is outside the accepted range " +
                     (std::string(r->unit) == "folios" ? "1" : "0") + ".." +
                     io::format_number(100 * r->high) + " " + r->unit);
}

LinuxCosts::LinuxCosts(const ParamValues& p, bool kvm_guest, const LinuxCostValues& own)
    : kvm(kvm_guest) {
  for (const auto& [name, v] : own) check_linux_cost(name, v);
  auto row = [&own](const char* name) {
    if (auto it = own.find(name); it != own.end()) return it->second;
    return find_linux_cost_row(name)->value;
  };
  const Costs c(p);
  for (int d = 0; d < topo::kDistanceClasses; ++d) {
    ipi[d] = c.ipi[d];
    line_transfer[d] = c.line_transfer[d];
  }
  c1_exit = c.cstate_exit[1];
  context_switch = c.context_switch;
  idle_entry = c.idle_entry;
  idle_exit = c.idle_exit;
  syscall = c.syscall;
  queue_work = c.queue_work;
  flush_work = c.flush_work;
  complete = c.complete;
  lru_lock_hold = c.lru_lock_hold;
  lru_add_per_page = c.lru_add_per_page;
  drain_empty = c.drain_empty;
  apic_ipi_send = engine::us(row("apic_ipi_send_us"));
  irq_entry_exit = engine::us(row("irq_entry_exit_us"));
  rcu_exp_handler = engine::us(row("rcu_exp_handler_us"));
  tick_restart = engine::us(row("tick_restart_us"));
  folio_batch_size = static_cast<int>(row("folio_batch_size"));
  qpw_lock = static_cast<SimTime>(row("qpw_lock_ns"));
  kvm_ipi_exit = engine::us(row("kvm_ipi_exit_us"));
  kvm_halt_wake = engine::us(row("kvm_halt_wake_us"));
}

}  // namespace ipistorm::model::linux6
