// workqueue.cpp: queue_work_on, the kworker loop, flush_work (workqueue.hpp).
#include "model/linux6/workqueue.hpp"

#include <string>

namespace ipistorm::model::linux6 {

Workqueue::Workqueue(Sched& s) : s_(s), pools_(static_cast<std::size_t>(s.num_cpus())) {
  for (int c = 0; c < s.num_cpus(); ++c) {
    Task& t = s.create_task("kworker/" + std::to_string(c) + ":1", c, /*kthread=*/true);
    t.resume = Action::bind<&Workqueue::worker_thread>(this, c);
    pools_[static_cast<std::size_t>(c)].worker = &t;
  }
}

// queue_work_on() -> __queue_work() -> insert_work(), then wake_up_worker()
// when the pool has no running worker (kick_pool in later kernels).
bool Workqueue::queue_work_on(int cpu, Work& w, int this_cpu, SimTime& cost) {
  if (w.pending) return false;
  Pool& p = pools_[static_cast<std::size_t>(cpu)];
  w.pending = true;
  w.waiter = nullptr;
  p.worklist.push_back(&w);
  ++p.queued;
  cost += s_.costs().queue_work + s_.try_to_wake_up(*p.worker, this_cpu);
  return true;
}

void Workqueue::flush_work(Work& w, Task& caller, Action then) {
  const SimTime check = s_.costs().flush_work;
  if (!w.pending) {
    s_.compute(check, then);
    return;
  }
  w.waiter = &caller;  // insert_wq_barrier(): its complete() wakes the caller
  s_.schedule_out(caller, then);
}

// worker_thread(): run the items in order, then sleep.
void Workqueue::worker_thread(std::int64_t cpu) {
  Pool& p = pools_[static_cast<std::size_t>(cpu)];
  if (p.worklist.empty()) {
    s_.schedule_out(*p.worker, Action::bind<&Workqueue::worker_thread>(this, cpu));
    return;
  }
  Work& w = *p.worklist.front();
  w.func(w.ctx, static_cast<int>(cpu), Action::bind<&Workqueue::work_done>(this, cpu));
}

// process_one_work() is done: clear PENDING (set_work_pool_and_clear_pending
// runs before the function, which makes no difference here), run the
// flush barrier's complete(), go on.
void Workqueue::work_done(std::int64_t cpu) {
  Pool& p = pools_[static_cast<std::size_t>(cpu)];
  Work& w = *p.worklist.front();
  p.worklist.pop_front();
  w.pending = false;
  SimTime cost = 0;
  if (Task* waiter = w.waiter) {
    w.waiter = nullptr;
    cost = s_.costs().complete + s_.try_to_wake_up(*waiter, static_cast<int>(cpu));
  }
  s_.compute(cost, Action::bind<&Workqueue::worker_thread>(this, cpu));
}

}  // namespace ipistorm::model::linux6
