// sched.hpp: dom0's scheduler as far as the IPI storm needs it (kernel/sched.c,
// arch/x86/kernel/process_64.c cpu_idle(), arch/x86/xen/{smp,setup}.c of
// 2.6.31): vCPUs that run tasks from a run queue, block in Xen when they
// have nothing to run (the idle task's way to halt, computed, not evented),
// and are woken by a reschedule IPI (an event channel: EVTCHNOP_send) when a
// task is made runnable on them while they are idle; the one send_ipi()
// that counts, traces and flows every reschedule IPI; Xen's event upcalls
// (deliver_event).
//
// What the other parts compute lazily on a vCPU (the lru_lock turns due, a
// collapsed worker's item done: lru.hpp, workqueue.hpp) is brought up to
// now by settle() before the scheduler reads the vCPU.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/simulator.hpp"
#include "model/costs.hpp"
#include "model/lru.hpp"
#include "model/metrics.hpp"
#include "model/percpu.hpp"
#include "model/trace_hooks.hpp"
#include "model/xen.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

class Workqueue;

class Sched : private Dom0Part {
 public:
  // `cpus`: dom0's per-vCPU array (Dom0 owns it), vCPU i on pCPU
  // pcpu_of_vcpu[i]; `lru` and `wq`: the parts settle() asks.
  Sched(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
        const topo::Topology& topo, const std::vector<int>& pcpu_of_vcpu, PerCpu* cpus, Lru& lru,
        Workqueue& wq);
  ~Sched();

  engine::Simulator& sim() { return sim_; }
  // Tracing: null (off) or the observer every hook reports to.
  void set_trace(TraceObserver* t);
  TraceObserver* trace() const { return trace_; }
  const std::vector<std::unique_ptr<Task>>& tasks() const { return tasks_; }
  const Costs& costs() const { return c_; }
  Metrics& metrics() { return m_; }
  int num_vcpus() const { return n_; }
  Vcpu& vcpu(int i) { return cpus_[static_cast<std::size_t>(i)].v; }

  // A task bound to vCPU v, initially sleeping (its resume is set when woken).
  Task& create_task(const std::string& name, int v);
  Task& task(int id) { return *tasks_[static_cast<std::size_t>(id)]; }

  // The current task computes for dt, then `then` runs (same task): inline
  // when nothing else happens meanwhile (Simulator::continue_after).
  void compute(SimTime dt, Action then) { sim_.continue_after(dt, then); }
  // The current task of its vCPU sleeps; `resume` runs when it is woken and
  // scheduled again.
  void sleep(Task& t, Action resume);
  // Make a sleeping task runnable. `waker` is the vCPU whose code wakes it
  // (nullptr: Xen or a timer). Returns the time the waker spends sending the
  // reschedule IPI (0 when none is needed: the target vCPU is running or
  // already being woken). Mirrors try_to_wake_up() -> smp_send_reschedule()
  // -> xen_send_IPI_one() -> EVTCHNOP_send.
  SimTime wake(Task& t, Vcpu* waker, IpiKind kind);
  // Xen raises an event channel bound to dom0 vCPU `v` (e.g. the ioreq
  // event); the upcall's handler on `v` wakes `t`. When `t` lives on `v`
  // this is wake(t, nullptr); otherwise it costs an upcall on `v` (and a
  // Xen wake of `v` first when it is idle) and a reschedule IPI to `t`'s
  // vCPU when that one is idle: drivers/xen/events.c binds every event
  // channel to CPU#0 by default (evtchn_bind_to_user sets no CPU), and
  // evtchn_interrupt() (drivers/xen/evtchn.c) wakes the reader from there.
  void deliver_event(int v, Task& t);
  // smp_send_reschedule() -> xen_send_IPI_one() -> EVTCHNOP_send from
  // `from` to `to`, at distance class d: counted (by kind and distance) and
  // traced (trace_ipi), landing on to's pCPU (Xen must wake it) or else on
  // to's vCPU. Returns the sender's cost.
  SimTime send_ipi(IpiKind kind, const Vcpu& from, const Vcpu& to, topo::DistanceClass d,
                   bool to_pcpu) {
    m_.count_ipi(sim_.now(), d, kind);
    if (tracing(trace_)) trace_ipi(from, to, d, to_pcpu);
    return c_.evtchn_send;
  }

 private:
  friend class Workqueue;  // the collapsed worker's wake and the drain loop's inline targets
  friend class Dom0;       // the drain loop's inline targets, finish()

  // Brings v up to now: the lru_lock turns due, a collapsed worker's item
  // done (it sleeps at lazy_done), the idle task's halt.
  void settle(Vcpu& v, SimTime now) {
    lru_.take_turns(now);
    if (v.lazy_done <= now || v.state == Vcpu::State::kBlocking) settle_lazy(v, now);
  }
  void settle_lazy(Vcpu& v, SimTime now);
  void sleep_at(Task& t, Action resume, SimTime at) {
    Vcpu& v = *t.vcpu;
    t.resume = resume;
    t.sleeping = true;
    v.current = nullptr;
    if (tracing(trace_) || !v.runq.empty()) {
      sleep_at_slow(v, at);
      return;
    }
    // Nothing to run: switch to the idle task, which stops the tick
    // (tick_nohz_stop_sched_tick) with TS_POLLING set, then xen_idle()
    // (arch/x86/xen/setup.c, 2.6.31) clears it around safe_halt() =
    // SCHEDOP_block: cpu_idle(), arch/x86/kernel/process_64.c. No event:
    // settle() and wake() read where on that way the vCPU is.
    v.state = Vcpu::State::kBlocking;
    v.tail_from = at;
  }
  void sleep_at_slow(Vcpu& v, SimTime at);
  SimTime poll_end(const Vcpu& v) const { return v.tail_from + poll_len_; }
  SimTime halt_end(const Vcpu& v) const { return v.tail_from + halt_len_; }
  inline void block(Vcpu& v, SimTime at);
  void trace_block(const Vcpu& v, SimTime at);
  // wake() once settle() has run for t's vCPU.
  SimTime wake_settled(Task& t, Vcpu* waker, IpiKind kind);
  SimTime wake_general(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind);
  SimTime wake_on_way_to_halt(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind);
  struct IdleWake {
    SimTime sender_cost;  // the waker's: the IPI's send
    SimTime woken;        // the vCPU runs again
  };
  [[gnu::always_inline]] inline IdleWake wake_idle_vcpu(Vcpu& v, Vcpu* waker, IpiKind kind,
                                                        SimTime now);
  [[gnu::always_inline]] inline void note_wake(Vcpu& v, SimTime sender_cost, topo::DistanceClass d);
  void on_wake_done(std::int64_t v);
  void on_switch_done(std::int64_t v);
  void on_block_done(std::int64_t v);
  void on_upcall_done(std::int64_t v);
  // The end of a run for v: settled, its busy interval closed.
  void finish(Vcpu& v, SimTime end);
  // distances_from(): the distance class from vCPU dist_from_ to each.
  const std::uint8_t* distances_from(const Vcpu& from);
  void trace_ipi(const Vcpu& from, const Vcpu& to, topo::DistanceClass d, bool to_pcpu);
  void trace_runq(const Vcpu& v);
  void trace_exit_idle(const Vcpu& v, SimTime at, SimTime upcall, bool upcall_ran);
  const std::string& trace_runq_name(const Vcpu& v) const {
    return trace_names_[static_cast<std::size_t>(n_ + v.id)];
  }

  Hypervisor& xen_;
  const int n_;
  Lru& lru_;
  Workqueue& wq_;
  // Sums of costs every target's chain adds (integers: the same in any order).
  const SimTime poll_len_;     // sleep to the end of polling: context_switch + idle_entry
  const SimTime halt_len_;     // ... to SCHEDOP_block's return: + hypercall
  const SimTime wake_to_run_;  // Xen runs the vCPU to its task running: upcall, idle exit, switch
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::uint8_t> dist_;
  int dist_from_ = -1;
  std::vector<std::string> trace_names_;  // per vCPU: "dom0 vCPU N", "run queue vCPU N"
};

// Per vCPU woken from Xen: the idle state it left, and the boundaries the
// latency parts split a wait for it along.
inline void Sched::note_wake(Vcpu& v, SimTime sender_cost, topo::DistanceClass d) {
  const int cstate = xen_.idle_state(v.pcpu);
  ++m_.wakes_by_cstate[static_cast<std::size_t>(v.id)][static_cast<std::size_t>(cstate)];
  v.keep_xen_wake(sim_.now() + sender_cost, d, cstate);
}

// An idle vCPU woken at `now`: the reschedule IPI from the waker (none for
// Xen's own event: an ioreq, a timer), the wake counts, and the time Xen
// has the vCPU running again (vcpu_wake_latency()). The waker's cost is the
// IPI's send.
inline Sched::IdleWake Sched::wake_idle_vcpu(Vcpu& v, Vcpu* waker, IpiKind kind, SimTime now) {
  ++m_.vcpu_wakes;
  SimTime sender_cost = 0;
  topo::DistanceClass d = topo::DistanceClass::kSamePackage;  // Xen's own event (ioreq, timer)
  if (waker != nullptr) {
    d = distance(*waker, v);
    sender_cost = send_ipi(kind, *waker, v, d, true);
  }
  note_wake(v, sender_cost, d);
  const SimTime woken = now + sender_cost + xen_.vcpu_wake_latency(v.pcpu, d, now + sender_cost);
  return {sender_cost, woken};
}

}  // namespace ipistorm::model
