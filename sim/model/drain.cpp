// drain.cpp: queue on each CPU, then flush each in order.
#include "model/drain.hpp"

#include <cstdint>
#include <memory>

#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

CpuDrain::CpuDrain(Dom0& dom0, Task& caller)
    : dom0_(dom0), caller_(caller), works_(static_cast<std::size_t>(dom0.num_vcpus())) {}

void CpuDrain::run(const std::vector<int>& cpus, Action then) {
  cpus_.assign(cpus.begin(), cpus.end());  // reuses the buffer: no allocation per drain
  then_ = then;
  pos_ = 0;
  ++dom0_.metrics().drains_all;
  dom0_.metrics().drain_cpus += cpus_.size();
  queue_next(0);
}

// for_each_online_cpu(cpu) schedule_work_on(cpu, work): one step per CPU,
// because each may send an IPI (an interaction point).
void CpuDrain::queue_next(std::int64_t) {
  if (pos_ == cpus_.size()) {
    pos_ = 0;
    flush_next(0);
    return;
  }
  const int cpu = cpus_[pos_++];
  Work& w = works_[static_cast<std::size_t>(cpu)];
  const SimTime cost = dom0_.queue_drain_work(cpu, w, *caller_.vcpu);
  dom0_.compute(*caller_.vcpu, cost, Action::bind<&CpuDrain::queue_next>(this));
}

// for_each_online_cpu(cpu) flush_work(work): checks that find the work done
// cost flush_work each; the first that is not done puts the caller to sleep
// until its barrier completes. The caller's own CPU's work runs only once
// the caller sleeps.
void CpuDrain::flush_next(std::int64_t) {
  SimTime cost = 0;
  while (pos_ < cpus_.size()) {
    Work& w = works_[static_cast<std::size_t>(cpus_[pos_])];
    cost += dom0_.costs().flush_work;
    if (!w.done) break;
    ++pos_;
  }
  if (pos_ == cpus_.size()) {
    dom0_.compute(*caller_.vcpu, cost, then_);
    return;
  }
  dom0_.compute(*caller_.vcpu, cost, Action::bind<&CpuDrain::wait_for_work>(this));
}

void CpuDrain::wait_for_work(std::int64_t) {
  Work& w = works_[static_cast<std::size_t>(cpus_[pos_])];
  if (w.done) {  // finished while we were checking
    ++pos_;
    flush_next(0);
    return;
  }
  w.waiter = &caller_;  // wait_for_completion(&barr.done)
  dom0_.sleep(caller_, Action::bind<&CpuDrain::barrier_completed>(this));
}

void CpuDrain::barrier_completed(std::int64_t) {
  ++pos_;
  flush_next(0);
}

void drain_cpus(Dom0& dom0, Task& caller, const std::vector<int>& cpus, Action then) {
  if (!caller.drain) caller.drain = std::make_unique<CpuDrain>(dom0, caller);
  caller.drain->run(cpus, then);
}

void SelectiveDrainAll::run(Dom0& dom0, Task& caller, Action then) {
  dom0_ = &dom0;
  caller.kernel_then = then;
  caller.drain_gen_seen = generation_;
  const auto id = reinterpret_cast<std::intptr_t>(&caller);
  dom0.mutex_lock(mutex_, caller, Action::bind<&SelectiveDrainAll::locked>(this, id));
}

void SelectiveDrainAll::locked(std::int64_t id) {
  Task& caller = *reinterpret_cast<Task*>(static_cast<std::intptr_t>(id));
  if (share_generation_ && caller.drain_gen_seen != generation_) {
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
  Task& caller = *reinterpret_cast<Task*>(static_cast<std::intptr_t>(id));
  const SimTime cost = dom0_->mutex_unlock(mutex_, caller);
  dom0_->compute(*caller.vcpu, cost, caller.kernel_then);
}

}  // namespace ipistorm::model
