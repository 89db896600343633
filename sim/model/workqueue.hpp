// workqueue.hpp: dom0's per-CPU workqueue, keventd's "events/N" (kernel/workqueue.c,
// 2.6.31), as lru_add_drain_all() = schedule_on_each_cpu() uses it:
// schedule_work_on(cpu) queues an item on the CPU's worker and wakes it
// (the reschedule IPI when its vCPU is idle); the worker runs the items in
// order (run_workqueue(): lru_add_drain_per_cpu() = Lru::lru_add_drain())
// and sleeps when none is left; flush_work() waits for one item (a barrier
// whose complete() wakes the waiter). The loop that queues the drain on
// many CPUs, Dom0::queue_drain_works(), is defined in workqueue.cpp; it is
// the composed kernel's so that it reaches every part's state directly.
//
// Collapsed workers: events/N woken from idle for its one item, on a vCPU
// no event channel is bound to, has nothing that can change its chain, so
// the chain is computed at the wake (run_worker_after_wake), not evented:
// Xen runs the vCPU, the upcall, idle exit and the switch follow, then the
// drain. Its lru_lock turn, when it has pages, is an ask taken once the
// clock passes it (Lru::take_turns); its item's completion is seen lazily
// (lazy_done: Sched::settle, Dom0::work_done), or made an event the moment
// anything needs it as one (materialize).
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/lru.hpp"
#include "model/percpu.hpp"
#include "model/sched.hpp"

namespace ipistorm::model {

class Workqueue : private Dom0Part {
 public:
  // `cpus`: dom0's per-vCPU array, n long (Dom0 owns it); one worker per
  // vCPU, events/0 .. events/n-1, created now.
  Workqueue(engine::Simulator& sim, const Costs& c, Metrics& m, PerCpu* cpus, std::size_t n,
            Sched& sched, Lru& lru);

  // wait_for_completion(): `waiter` (asleep next) is woken by w's complete().
  void await_work(int cpu, Work& w, Task& waiter);

 private:
  friend class Sched;  // settle(), a wake: retire_collapsed(), materialize()
  friend class Lru;    // a collapsed worker's turn completes: on_collapsed_done()
  friend class Dom0;   // the drain loop (queue_one()), set_trace()

  SimTime queue_one(int cpu, Work& w, Vcpu& from, SimTime now);
  [[gnu::always_inline]] inline SimTime wake_collapsed(Vcpu& v, Vcpu* waker, IpiKind kind);
  [[gnu::always_inline]] inline void run_worker_after_wake(Vcpu& v, SimTime woken);
  void trace_worker_after_wake(Vcpu& v, SimTime woken, SimTime run);
  // Nothing to do unless v holds a collapsed worker's turn or completion.
  void materialize(Vcpu& v) {
    if (v.lock_attempt != kNever || v.lazy_done != kNever) materialize_slow(v);
  }
  void materialize_slow(Vcpu& v);
  // A collapsed worker's item, done at lazy_done by now: it leaves the
  // queue (nobody waits for it: a waiter would have evented it) and the
  // worker sleeps there.
  void retire_collapsed(Vcpu& v);
  void on_collapsed_done(std::int64_t v);
  // Mirrors worker_thread()/run_workqueue().
  void worker_run(std::int64_t v);
  void worker_drained(std::int64_t v);

  Sched& sched_;
  Lru& lru_;
};

}  // namespace ipistorm::model
