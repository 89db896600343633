// xen.cpp: pCPU idle states and vCPU wake latency.
#include "model/xen.hpp"

namespace ipistorm::model {

Hypervisor::Hypervisor(const Costs& c, int num_pcpus, std::uint64_t seed)
    : c_(c), pcpus_(static_cast<std::size_t>(num_pcpus)), rng_(seed, /*stream=*/1) {
  for (int p = 0; p < num_pcpus; ++p) pcpu_goes_idle(p, 0);
}

void Hypervisor::pcpu_goes_idle(int p, SimTime t) {
  Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
  pc.idle_since = t;
  pc.idle = true;
  // Deepest allowed state whose target residency fits the predicted idle
  // time; below C1's residency the pCPU polls (exit cost 0).
  int s = 0;
  for (int k = 1; k <= c_.max_cstate; ++k)
    if (pc.last_idle >= c_.cstate_residency[k]) s = k;
  pc.state = s;
}

SimTime Hypervisor::vcpu_wake_latency(int p, topo::DistanceClass d, SimTime now) {
  Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
  // The pCPU's idle period ends when the tickle IPI arrives; the exit
  // latency and Xen's scheduling follow.
  pc.last_idle = now + c_.ipi[static_cast<int>(d)] - pc.idle_since;
  SimTime jitter = 0;
  if (c_.xen_wake_jitter_ns > 0)
    jitter = static_cast<SimTime>(rng_.exponential(c_.xen_wake_jitter_ns));
  pc.idle = false;
  if (tracing(trace_)) {
    // On the pCPU: the idle state until the IPI lands, its exit, then Xen's
    // vcpu_unblock() and schedule() (xen/common/schedule.c); its
    // context_switch() already counts as the vCPU's (Dom0::on_wake_done).
    const TraceTrack tr = TraceTrack::pcpu(p);
    const SimTime arrive = now + c_.ipi[static_cast<int>(d)];
    const SimTime awake = arrive + c_.cstate_exit[pc.state];
    trace_->slice(tr, pc.idle_since, arrive, kCstateNames[pc.state], TraceCat::kIdle);
    trace_->slice(tr, arrive, awake, kCstateExitNames[pc.state], TraceCat::kIdle);
    trace_->slice(tr, awake, awake + c_.xen_vcpu_wake + jitter, "Xen wake (vcpu_unblock, schedule)",
                  TraceCat::kXen);
  }
  return c_.ipi[static_cast<int>(d)] + c_.xen_vcpu_wake + jitter + c_.cstate_exit[pc.state] +
         c_.xen_context_switch;
}

void Hypervisor::trace_finish(SimTime end) {
  if (!trace_) return;
  for (std::size_t p = 0; p < pcpus_.size(); ++p)
    if (pcpus_[p].idle)
      trace_->slice(TraceTrack::pcpu(static_cast<int>(p)), pcpus_[p].idle_since, end,
                    kCstateNames[pcpus_[p].state], TraceCat::kIdle);
}

}  // namespace ipistorm::model
