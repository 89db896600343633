// xen.hpp: the hypervisor's part of the chain. Physical CPUs that go idle
// when their dom0 vCPU blocks (SCHEDOP_block) and pick an idle state from
// how long they were idle last time (a menu-governor-like predictor), and
// the cost of waking a blocked vCPU: the physical IPI that tickles its pCPU,
// Xen's vcpu_unblock and schedule, noise, and the idle-state exit.
#pragma once

#include <vector>

#include "engine/random.hpp"
#include "model/costs.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::model {

class Hypervisor {
 public:
  Hypervisor(const Costs& c, int num_pcpus, std::uint64_t seed);

  // The dom0 vCPU on pCPU p blocked at time t; the pCPU enters an idle state
  // chosen from its previous idle duration. Inline, as the next: an idle
  // drain target runs each once per lru_add_drain_all().
  void pcpu_goes_idle(int p, SimTime t) {
    Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
    pc.idle_since = t;
    pc.idle = true;
    pc.state = state_for(pc.last_idle);
  }
  // Delay from "vCPU made runnable at `now`" to "vCPU running", for a
  // tickle sent over distance class `d`; ends the pCPU's idle period.
  SimTime vcpu_wake_latency(int p, topo::DistanceClass d, SimTime now) {
    Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
    // The pCPU's idle period ends when the tickle IPI arrives; the exit
    // latency and Xen's scheduling follow.
    pc.last_idle = now + ipi_[static_cast<int>(d)] - pc.idle_since;
    SimTime jitter = 0;
    if (jitter_mean_ > 0) jitter = static_cast<SimTime>(rng_.fast_exponential(jitter_mean_));
    pc.idle = false;
    if (tracing(trace_)) trace_wake(p, d, now, jitter);
    return wake_fixed_[static_cast<int>(d)][pc.state] + jitter;
  }
  // pcpu_goes_idle(p, idle_at), then vcpu_wake_latency(p, d, now), in one
  // look at the pCPU (an idle drain target's chain): the idle state it
  // entered, idle_state(p) from then on, is written to `cstate`.
  SimTime idle_then_wake(int p, SimTime idle_at, topo::DistanceClass d, SimTime now, int& cstate) {
    Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
    pc.idle_since = idle_at;
    const int s = state_for(pc.last_idle);
    pc.state = s;
    cstate = s;
    pc.last_idle = now + ipi_[static_cast<int>(d)] - idle_at;
    SimTime jitter = 0;
    if (jitter_mean_ > 0) jitter = static_cast<SimTime>(rng_.fast_exponential(jitter_mean_));
    pc.idle = false;  // idle from idle_at, woken now
    if (tracing(trace_)) trace_wake(p, d, now, jitter);
    return wake_fixed_[static_cast<int>(d)][s] + jitter;
  }
  // The idle state pCPU p is in (or was in when last woken): wake counts by state.
  int idle_state(int p) const { return pcpus_[static_cast<std::size_t>(p)].state; }
  // Tracing (null: off): idle states, their exits and Xen's wake-ups per pCPU.
  void set_trace(TraceObserver* t) { trace_ = t; }
  // Close the idle periods still open at the end of the run (tracing only).
  void trace_finish(SimTime end);

 private:
  struct Pcpu {
    SimTime idle_since = 0;
    SimTime last_idle = INT64_MAX / 4;  // at boot the pCPU has idled "forever"
    int state = 0;
    bool idle = false;
  };
  void trace_wake(int p, topo::DistanceClass d, SimTime now, SimTime jitter);
  // Deepest allowed state whose target residency fits the predicted idle
  // time; below C1's residency the pCPU polls (exit cost 0): the largest k
  // in 1..max_cstate with last_idle >= cstate_residency[k], else 0.
  int state_for(SimTime last_idle) const {
    return last_idle >= residency_[3]   ? 3
           : last_idle >= residency_[2] ? 2
           : last_idle >= residency_[1] ? 1
                                        : 0;
  }
  SimTime residency_[4];  // cstate_residency[k], or never reached beyond max_cstate
  // ipi[d] + xen_vcpu_wake + cstate_exit[s] + xen_context_switch: a wake's
  // latency but for its jitter (integers: the same sum in any order).
  SimTime wake_fixed_[topo::kDistanceClasses][4];
  // c_.ipi and c_.xen_wake_jitter_ns, one load from `this`, read by both
  // wakes (idle_then_wake runs once per idle drain target).
  SimTime ipi_[topo::kDistanceClasses];
  double jitter_mean_;
  const Costs& c_;
  std::vector<Pcpu> pcpus_;
  engine::RandomStream rng_;
  TraceObserver* trace_ = nullptr;
};

}  // namespace ipistorm::model
