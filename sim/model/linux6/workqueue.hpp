// workqueue.hpp: per-CPU workqueues as lru_add_drain_all() uses them
// (mm_percpu_wq, kernel/workqueue.c, 6.1): queue_work_on() puts a work item
// on the CPU's pool and wakes its kworker when none is running; the kworker
// runs the items in order (process_one_work) and sleeps when the list is
// empty; flush_work() waits for one item (insert_wq_barrier: complete()
// wakes the waiter once the item has run).
//
// Limit, stated: one kworker per CPU (concurrency management never starts a
// second one: a drain item does not sleep).
#pragma once

#include <cstdint>
#include <vector>

#include "model/linux6/sched.hpp"

namespace ipistorm::model::linux6 {

struct Work {
  // The work function, run by the kworker of `cpu`; it calls `done` when it
  // returns.
  void (*func)(void* ctx, int cpu, Action done) = nullptr;
  void* ctx = nullptr;
  bool pending = false;    // WORK_STRUCT_PENDING: queued and not yet run
  Task* waiter = nullptr;  // flush_work()'s sleeper
};

class Workqueue {
 public:
  explicit Workqueue(Sched& s);

  // queue_work_on(cpu, wq, work) from code on `this_cpu`: false (and no
  // cost) when the item is already pending. `cost` gets the caller's time.
  bool queue_work_on(int cpu, Work& w, int this_cpu, SimTime& cost);
  // flush_work(w) by `caller`: `then` runs in the caller once w has run
  // (at once when it is not pending).
  void flush_work(Work& w, Task& caller, Action then);
  // Work items queued on each CPU so far (workqueue:workqueue_queue_work).
  std::uint64_t queued(int cpu) const { return pools_[static_cast<std::size_t>(cpu)].queued; }
  Task& kworker(int cpu) { return *pools_[static_cast<std::size_t>(cpu)].worker; }

 private:
  struct Pool {
    Task* worker = nullptr;
    engine::InlineFifo<Work*> worklist;
    std::uint64_t queued = 0;
  };
  void worker_thread(std::int64_t cpu);
  void work_done(std::int64_t cpu);

  Sched& s_;
  std::vector<Pool> pools_;
};

}  // namespace ipistorm::model::linux6
