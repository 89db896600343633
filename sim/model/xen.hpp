// xen.hpp: the hypervisor's part of the chain. Physical CPUs that go idle
// when their dom0 vCPU blocks (SCHEDOP_block) and pick an idle state from
// how long they were idle last time (a menu-governor-like predictor), and
// the cost of waking a blocked vCPU: the physical IPI that tickles its pCPU,
// Xen's vcpu_unblock and schedule, noise, and the idle-state exit.
#pragma once

#include <vector>

#include "engine/random.hpp"
#include "model/costs.hpp"

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

 private:
  struct Pcpu {
    SimTime idle_since = 0;
    SimTime last_idle = INT64_MAX / 4;  // at boot the pCPU has idled "forever"
    int state = 0;
  };
  const Costs& c_;
  std::vector<Pcpu> pcpus_;
  engine::RandomStream rng_;
};

}  // namespace ipistorm::model
