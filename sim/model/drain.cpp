// drain.cpp: queue on each CPU, then flush each in order.
#include "model/drain.hpp"

#include <cstdint>
#include <memory>

namespace ipistorm::model {

CpuDrain::CpuDrain(Dom0& dom0, Task& caller)
    : dom0_(dom0), caller_(caller), works_(static_cast<std::size_t>(dom0.num_vcpus())) {}

// schedule_on_each_cpu(): queue_work_on each CPU, then flush_work each.
void CpuDrain::run(const std::vector<int>& cpus, Action then) {
  static constexpr Steps<CpuDrain>::Step kScheduleOnEachCpu[] = {&CpuDrain::queue_each,
                                                                 &CpuDrain::flush_each};
  cpus_.assign(cpus.begin(), cpus.end());  // reuses the buffer: no allocation per drain
  ++dom0_.metrics().drains_all;
  dom0_.metrics().drain_cpus += cpus_.size();
  if (caller_.latency) caller_.latency->to(dom0_.sim().now(), LatencyPart::kQueueWorkIpiSend);
  if (TraceObserver* tr = dom0_.trace(); tracing(tr)) {
    const SimTime now = dom0_.sim().now();
    tr->instant(TraceTrack::vcpu(caller_.vcpu->id), now, "drain start");
    tr->begin(TraceTrack::task(caller_.id), now,
              "lru_add_drain_all (" + std::to_string(cpus_.size()) + " CPUs)", TraceCat::kKernel);
  }
  steps_.run(*this, kScheduleOnEachCpu, then);
}

void CpuDrain::queue_each(Action next) {
  loop_done_ = next;
  pos_ = 0;
  queue_next(0);
}

void CpuDrain::flush_each(Action next) {
  loop_done_ = next;
  pos_ = 0;
  flush_next(0);
}

// for_each_online_cpu(cpu) schedule_work_on(cpu, work): one CPU after the
// other, each queue_work (and IPI) at its own time; the run continues
// inline while nothing else happens in between, else from an event.
void CpuDrain::queue_next(std::int64_t) {
  const SimTime cost =
      dom0_.queue_drain_works(cpus_.data(), cpus_.size(), pos_, works_.data(), *caller_.vcpu);
  if (cost >= 0) {
    dom0_.sim().after(cost, Action::bind<&CpuDrain::queue_next>(this));
    return;
  }
  loop_done_();
}

// for_each_online_cpu(cpu) flush_work(work): checks that find the work done
// cost flush_work each; the first that is not done puts the caller to sleep
// until its barrier completes. The caller's own CPU's work runs only once
// the caller sleeps.
void CpuDrain::flush_next(std::int64_t) {
  if (caller_.latency) caller_.latency->to(dom0_.sim().now(), LatencyPart::kFlushWork);
  SimTime cost = 0;
  const SimTime flush_work = dom0_.costs().flush_work;
  const int* cpus = cpus_.data();
  Work* works = works_.data();
  const std::size_t n = cpus_.size();
  std::size_t pos = pos_;
  for (; pos < n; ++pos) {
    cost += flush_work;
    if (!dom0_.work_done(works[cpus[pos]])) break;
  }
  pos_ = pos;
  TraceObserver* tr = dom0_.trace();
  const SimTime now = dom0_.sim().now();
  if (tracing(tr))
    tr->slice(TraceTrack::vcpu(caller_.vcpu->id), now, now + cost, "flush_work", TraceCat::kKernel);
  if (pos_ == cpus_.size()) {
    if (tracing(tr)) {
      tr->instant(TraceTrack::vcpu(caller_.vcpu->id), now + cost, "drain end");
      tr->end(TraceTrack::task(caller_.id), now + cost);
    }
    dom0_.compute(cost, loop_done_);
    return;
  }
  dom0_.compute(cost, Action::bind<&CpuDrain::wait_for_work>(this));
}

void CpuDrain::wait_for_work(std::int64_t) {
  Work& w = works_[static_cast<std::size_t>(cpus_[pos_])];
  if (dom0_.work_done(w)) {  // finished while we were checking
    ++pos_;
    flush_next(0);
    return;
  }
  dom0_.await_work(cpus_[pos_], w, caller_);  // wait_for_completion(&barr.done)
  wait_since_ = dom0_.sim().now();
  if (caller_.latency) caller_.latency->to(wait_since_, LatencyPart::kFlushWork);
  if (TraceObserver* tr = dom0_.trace(); tracing(tr))
    tr->begin(TraceTrack::task(caller_.id), dom0_.sim().now(),
              "flush_work wait (CPU " + std::to_string(cpus_[pos_]) + ")", TraceCat::kWait);
  dom0_.sleep(caller_, Action::bind<&CpuDrain::barrier_completed>(this));
}

void CpuDrain::barrier_completed(std::int64_t) {
  if (LatencyParts* lp = caller_.latency) {
    // The sleep [wait_since_, now) along the critical path: the awaited
    // work's chain from its queueing to complete(), then the caller's wake.
    static constexpr LatencyPart kChain[7] = {
        LatencyPart::kQueueWorkIpiSend, LatencyPart::kWakeIpiDelivery, LatencyPart::kWakeCstateExit,
        LatencyPart::kWakeXenSwitch,    LatencyPart::kDrainWork,       LatencyPart::kLruLockWait,
        LatencyPart::kDrainWork};
    const Work& w = works_[static_cast<std::size_t>(cpus_[pos_])];
    SimTime a = w.queued_at;
    for (int i = 0; i < 7; ++i) {
      lp->add_after(wait_since_, kChain[i], a, w.chain[i]);
      a = w.chain[i];
    }
    const SimTime now = dom0_.sim().now();
    lp->add_after(wait_since_, LatencyPart::kCallerWake, a, now);
    lp->last = now;
  }
  if (TraceObserver* tr = dom0_.trace(); tracing(tr)) {
    const SimTime now = dom0_.sim().now();
    tr->end(TraceTrack::task(caller_.id), now);
    Work& w = works_[static_cast<std::size_t>(cpus_[pos_])];
    tr->flow_end(w.trace_flow, TraceTrack::vcpu(caller_.vcpu->id), now);
    w.trace_flow = 0;
  }
  ++pos_;
  flush_next(0);
}

void drain_cpus(Dom0& dom0, Task& caller, const std::vector<int>& cpus, Action then) {
  dom0.cpu_drain(caller).run(cpus, then);
}

}  // namespace ipistorm::model
