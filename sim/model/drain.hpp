// drain.hpp: the fan-out and join at the heart of the storm. One CpuDrain
// per calling task. It mirrors schedule_on_each_cpu() (kernel/workqueue.c,
// 2.6.28..3.11): queue the work on every selected CPU, then flush_work() each
// in CPU order, the caller sleeping whenever the next one has not run yet.
// The 3.12+ selective drain (kernels/selective_drain.hpp) uses the same
// loop over a subset of CPUs.
#pragma once

#include <vector>

#include "model/dom0.hpp"
#include "model/steps.hpp"

namespace ipistorm::model {

class CpuDrain {
 public:
  CpuDrain(Dom0& dom0, Task& caller);
  // Drain `cpus` (ascending vCPU ids); `then` runs when every one has run.
  void run(const std::vector<int>& cpus, Action then);

 private:
  void queue_each(Action next);
  void flush_each(Action next);
  void queue_next(std::int64_t);
  void flush_next(std::int64_t);
  void wait_for_work(std::int64_t);
  void barrier_completed(std::int64_t);

  Dom0& dom0_;
  Task& caller_;
  std::vector<int> cpus_;
  std::vector<Work> works_;  // indexed by vCPU id
  std::size_t pos_ = 0;
  Steps<CpuDrain> steps_;
  Action loop_done_;        // where the running loop (queue_each, flush_each) returns
  SimTime wait_since_ = 0;  // the caller's current flush_work sleep began
};

// The work every kernel policy builds on: lru_add_drain_all() as
// schedule_on_each_cpu() over `cpus`, reusing the caller's CpuDrain.
void drain_cpus(Dom0& dom0, Task& caller, const std::vector<int>& cpus, Action then);

}  // namespace ipistorm::model
