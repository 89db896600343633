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
  // chosen from its previous idle duration.
  void pcpu_goes_idle(int p, SimTime t);
  // Delay from "vCPU made runnable at `now`" to "vCPU running", for a
  // tickle sent over distance class `d`; ends the pCPU's idle period.
  SimTime vcpu_wake_latency(int p, topo::DistanceClass d, SimTime now);
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
  const Costs& c_;
  std::vector<Pcpu> pcpus_;
  engine::RandomStream rng_;
  TraceObserver* trace_ = nullptr;
};

}  // namespace ipistorm::model
