// drain.hpp: the fan-out and join at the heart of the storm. One CpuDrain
// per calling task. It mirrors schedule_on_each_cpu() (kernel/workqueue.c,
// 2.6.28..3.11): queue the work on every selected CPU, then flush_work() each
// in CPU order, the caller sleeping whenever the next one has not run yet.
// The 3.12+ selective drain uses the same loop over a subset of CPUs.
#pragma once

#include <vector>

#include "model/dom0.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

class CpuDrain {
 public:
  CpuDrain(Dom0& dom0, Task& caller);
  // Drain `cpus` (ascending vCPU ids); `then` runs when every one has run.
  void run(const std::vector<int>& cpus, Action then);

 private:
  void queue_next(std::int64_t);
  void flush_next(std::int64_t);
  void wait_for_work(std::int64_t);
  void barrier_completed(std::int64_t);

  Dom0& dom0_;
  Task& caller_;
  std::vector<int> cpus_;
  std::vector<Work> works_;  // indexed by vCPU id
  std::size_t pos_ = 0;
  Action then_;
};

// lru_add_drain_all() since 5fbc461636c3 (v3.12): under a global mutex,
// drain only the CPUs whose pagevecs hold pages. With `share_generation`
// (eef1a429f234, 6446a5131e24) a caller that finds the drain generation
// moved on while it waited for the mutex returns at once: the drain that
// ran meanwhile covered its pages.
class SelectiveDrainAll {
 public:
  explicit SelectiveDrainAll(bool share_generation) : share_generation_(share_generation) {}
  void run(Dom0& dom0, Task& caller, Action then);

 private:
  void locked(std::int64_t caller);
  void unlock_and_return(std::int64_t caller);

  bool share_generation_;
  Dom0* dom0_ = nullptr;
  Dom0::Mutex mutex_;
  std::uint64_t generation_ = 0;
};

// The kernels since 3.12, which differ only in two switches: whether
// mlock() drains every CPU with pages (3.12) or only the local one (4.15+),
// and whether concurrent drain callers share a generation (5.10+).
class SelectiveDrainKernel : public KernelPolicy {
 public:
  SelectiveDrainKernel(bool mlock_drains_all, bool share_generation)
      : mlock_drains_all_(mlock_drains_all), selective_(share_generation) {}
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    if (mlock_drains_all_)
      drain_all(dom0, caller, then);
    else
      dom0.drain_local(*caller.vcpu, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    selective_.run(dom0, caller, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  bool mlock_drains_all_;
  SelectiveDrainAll selective_;
};

// The work every kernel policy builds on: lru_add_drain_all() as
// schedule_on_each_cpu() over `cpus`, reusing the caller's CpuDrain.
void drain_cpus(Dom0& dom0, Task& caller, const std::vector<int>& cpus, Action then);

}  // namespace ipistorm::model
