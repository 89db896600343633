// selective_drain.cpp: lru_add_drain_all() of 3.12+ (mm/swap.c): take
// lru_drain_mutex, drain the CPUs with pages, release.
#include "model/kernels/selective_drain.hpp"

namespace ipistorm::model {

std::vector<int> cpus_with_pages(Dom0& dom0) {
  std::vector<int> cpus;
  for (int v = 0; v < dom0.num_vcpus(); ++v)
    if (dom0.lru.cpu_needs_drain(v)) cpus.push_back(v);
  return cpus;
}

void SelectiveDrainAll::run(Dom0& dom0, Task& caller, Action then) {
  static constexpr Steps<Call>::Step kLruAddDrainAll[] = {
      &Call::lock_mutex, &Call::drain_cpus_with_pages, &Call::unlock_mutex};
  dom0_ = &dom0;
  Call& c = calls_[caller.id];
  c.all = this;
  c.caller = &caller;
  c.generation_seen = generation_;
  c.steps.run(c, kLruAddDrainAll, then);
}

void SelectiveDrainAll::Call::lock_mutex(Action next) {
  mutex_lock(all->dom0_->sched, all->mutex_, *caller, next);
}

// With the mutex held: 5.10 returns at once when the generation moved on
// while it waited (that drain covered its pages); else bump the generation
// and drain the CPUs whose pagevecs hold pages.
void SelectiveDrainAll::Call::drain_cpus_with_pages(Action next) {
  Dom0& dom0 = *all->dom0_;
  if (caller->latency) caller->latency->to(dom0.sim().now(), LatencyPart::kMlockSyscall);
  if (caller->mutex_waited) {
    caller->mutex_waited = false;
    if (TraceObserver* tr = dom0.trace(); tracing(tr))
      tr->end(TraceTrack::task(caller->id), dom0.sim().now());
  }
  if (all->share_generation_ && generation_seen != all->generation_) {
    ++dom0.metrics().drain_skipped;
    next();
    return;
  }
  ++all->generation_;
  std::vector<int> cpus = cpus_with_pages(dom0);
  if (cpus.empty()) {
    next();
    return;
  }
  drain_cpus(dom0, *caller, cpus, next);
}

void SelectiveDrainAll::Call::unlock_mutex(Action next) {
  Dom0& dom0 = *all->dom0_;
  if (caller->latency) caller->latency->to(dom0.sim().now(), LatencyPart::kMlockSyscall);
  dom0.compute(mutex_unlock(dom0.sched, all->mutex_, *caller), next);
}

}  // namespace ipistorm::model
