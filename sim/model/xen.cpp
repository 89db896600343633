// xen.cpp: pCPU idle states and vCPU wake latency.
#include "model/xen.hpp"

namespace ipistorm::model {

Hypervisor::Hypervisor(const Costs& c, int num_pcpus, std::uint64_t seed)
    : c_(c), pcpus_(static_cast<std::size_t>(num_pcpus)), rng_(seed, /*stream=*/1) {
  static_assert(sizeof(c.cstate_residency) / sizeof(c.cstate_residency[0]) == 4);
  for (int k = 0; k < 4; ++k)
    residency_[k] = k <= c_.max_cstate ? c_.cstate_residency[k] : INT64_MAX;
  for (int d = 0; d < topo::kDistanceClasses; ++d) ipi_[d] = c_.ipi[d];
  jitter_mean_ = c_.xen_wake_jitter_ns;
  for (int d = 0; d < topo::kDistanceClasses; ++d)
    for (int k = 0; k < 4; ++k)
      wake_fixed_[d][k] = c_.ipi[d] + c_.xen_vcpu_wake + c_.cstate_exit[k] + c_.xen_context_switch;
  for (int p = 0; p < num_pcpus; ++p) pcpu_goes_idle(p, 0);
}

// vcpu_wake_latency()'s timeline on the pCPU, when tracing.
void Hypervisor::trace_wake(int p, topo::DistanceClass d, SimTime now, SimTime jitter) {
  const Pcpu& pc = pcpus_[static_cast<std::size_t>(p)];
  // On the pCPU: the idle state until the IPI lands, its exit, then Xen's
  // vcpu_unblock() and schedule() (xen/common/schedule.c); its
  // context_switch() already counts as the vCPU's (Sched::on_wake_done).
  const TraceTrack tr = TraceTrack::pcpu(p);
  const SimTime arrive = now + c_.ipi[static_cast<int>(d)];
  const SimTime awake = arrive + c_.cstate_exit[pc.state];
  trace_->slice(tr, pc.idle_since, arrive, kCstateNames[pc.state], TraceCat::kIdle);
  trace_->slice(tr, arrive, awake, kCstateExitNames[pc.state], TraceCat::kIdle);
  trace_->slice(tr, awake, awake + c_.xen_vcpu_wake + jitter, "Xen wake (vcpu_unblock, schedule)",
                TraceCat::kXen);
}

void Hypervisor::trace_finish(SimTime end) {
  if (!trace_) return;
  for (std::size_t p = 0; p < pcpus_.size(); ++p)
    if (pcpus_[p].idle)
      trace_->slice(TraceTrack::pcpu(static_cast<int>(p)), pcpus_[p].idle_since, end,
                    kCstateNames[pcpus_[p].state], TraceCat::kIdle);
}

}  // namespace ipistorm::model
