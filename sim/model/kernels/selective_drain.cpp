// selective_drain.cpp: lru_add_drain_all() of 3.12+ (mm/swap.c): take
// lru_drain_mutex, drain the CPUs with pages, release.
#include "model/kernels/selective_drain.hpp"

namespace ipistorm::model {

std::vector<int> cpus_with_pages(Dom0& dom0) {
  std::vector<int> cpus;
  for (int v = 0; v < dom0.num_vcpus(); ++v)
    if (dom0.pagevec_pages(v) > 0) cpus.push_back(v);
  return cpus;
}

void SelectiveDrainAll::run(Dom0& dom0, Task& caller, Action then) {
  dom0_ = &dom0;
  if (callers_.size() <= static_cast<std::size_t>(caller.id))
    callers_.resize(static_cast<std::size_t>(caller.id) + 1);
  Caller& c = callers_[static_cast<std::size_t>(caller.id)];
  c.then = then;
  c.generation_seen = generation_;
  dom0.mutex_lock(mutex_, caller, Action::bind<&SelectiveDrainAll::locked>(this, caller.id));
}

void SelectiveDrainAll::locked(std::int64_t id) {
  Task& caller = dom0_->task(static_cast<int>(id));
  if (caller.latency) caller.latency->to(dom0_->sim().now(), LatencyPart::kMlockSyscall);
  if (caller.mutex_waited) {
    caller.mutex_waited = false;
    if (TraceObserver* tr = dom0_->trace(); tracing(tr))
      tr->end(TraceTrack::task(caller.id), dom0_->sim().now());
  }
  if (share_generation_ && callers_[static_cast<std::size_t>(id)].generation_seen != generation_) {
    ++dom0_->metrics().drain_skipped;
    unlock_and_return(id);
    return;
  }
  ++generation_;
  std::vector<int> cpus = cpus_with_pages(*dom0_);
  if (cpus.empty()) {
    unlock_and_return(id);
    return;
  }
  drain_cpus(*dom0_, caller, cpus, Action::bind<&SelectiveDrainAll::unlock_and_return>(this, id));
}

void SelectiveDrainAll::unlock_and_return(std::int64_t id) {
  Task& caller = dom0_->task(static_cast<int>(id));
  if (caller.latency) caller.latency->to(dom0_->sim().now(), LatencyPart::kMlockSyscall);
  const SimTime cost = dom0_->mutex_unlock(mutex_, caller);
  dom0_->compute(cost, callers_[static_cast<std::size_t>(id)].then);
}

}  // namespace ipistorm::model
