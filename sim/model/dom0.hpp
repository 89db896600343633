// dom0.hpp: the dom0 Linux kernel as far as the IPI storm needs it, made of
// the pieces named after the kernel's own files (as linux6/kernel.hpp is):
//   sched      (sched.hpp)      vCPUs that run tasks, block in Xen when they
//                               have nothing to run, and are woken by a
//                               reschedule IPI; the one send_ipi()
//   lru        (lru.hpp)        per-CPU pagevecs, cpu_needs_drain,
//                               lru_add_drain[_cpu], the lru_lock timeline
//   wq         (workqueue.hpp)  events/N: schedule_work_on, flush_work,
//                               workers collapsed or evented
//   mutex.hpp                   sleeping locks
// Dom0 owns the parts and the per-vCPU array they share (percpu.hpp), and
// keeps the calls every user of the kernel makes (the clock, the costs,
// tasks, wake and sleep) as its own. A kernel policy (kernels/*.cpp) is
// written against these.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/lru.hpp"
#include "model/percpu.hpp"
#include "model/sched.hpp"
#include "model/workqueue.hpp"

namespace ipistorm::model {

class CpuDrain;

class Dom0 {
 public:
  Dom0(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
       const topo::Topology& topo, std::vector<int> pcpu_of_vcpu, std::uint64_t seed);
  ~Dom0();

 private:
  std::vector<PerCpu> cpus_;  // never resized: the parts and tasks keep pointers into it

 public:
  Sched sched;
  Lru lru;
  Workqueue wq;

  engine::Simulator& sim() { return sched.sim(); }
  // Tracing: null (off) or the observer every hook reports to.
  void set_trace(TraceObserver* t);
  TraceObserver* trace() const { return sched.trace(); }
  const std::vector<std::unique_ptr<Task>>& tasks() const { return sched.tasks(); }
  const Costs& costs() const { return sched.costs(); }
  Metrics& metrics() { return sched.metrics(); }
  int num_vcpus() const { return sched.num_vcpus(); }
  Vcpu& vcpu(int i) { return sched.vcpu(i); }

  // Sched's: a task bound to vCPU v, initially sleeping.
  Task& create_task(const std::string& name, int v) { return sched.create_task(name, v); }
  Task& task(int id) { return sched.task(id); }
  // The task's lru_add_drain_all() fan-out state (schedule_on_each_cpu's
  // works), made at its first drain.
  CpuDrain& cpu_drain(Task& t);
  // Sched's compute(), sleep(), wake() and deliver_event().
  void compute(SimTime dt, Action then) { sched.compute(dt, then); }
  void sleep(Task& t, Action resume) { sched.sleep(t, resume); }
  SimTime wake(Task& t, Vcpu* waker, IpiKind kind) { return sched.wake(t, waker, kind); }
  void deliver_event(int v, Task& t) { sched.deliver_event(v, t); }

  // --- schedule_on_each_cpu()'s workqueue calls (drain.hpp) ---
  // The composed kernel's, not Workqueue's: the drain loop's inline targets
  // and flush_work's check touch every part, each one base (this) away.
  // Queue the drain work on CPU cpus[pos], cpus[pos + 1], ... (works
  // indexed by CPU) from the current task of `from`, one after the other:
  // each costs the caller queue_work plus the IPI if the worker's vCPU is
  // idle (schedule_work_on()), inline while nothing else happens meanwhile.
  // Returns -1 when every CPU up to `n` is queued, else the cost the caller
  // must wait, as an event, before it goes on (pos is past the ones queued).
  // Defined in workqueue.cpp.
  SimTime queue_drain_works(const int* cpus, std::size_t n, std::size_t& pos, Work* works,
                            Vcpu& from);
  // flush_work()'s check: has the work run by now? (A collapsed worker's
  // item may be done by a turn due now: Lru::take_turns.)
  bool work_done(const Work& w) {
    const SimTime now = sim().now();
    if (w.done_at > now) lru.take_turns(now);
    return w.done_at <= now;
  }
  // wait_for_completion(): `waiter` (asleep next) is woken by w's complete().
  void await_work(int cpu, Work& w, Task& waiter) { wq.await_work(cpu, w, waiter); }
  // Close the busy intervals of running vCPUs at the end of a run.
  void finish(SimTime end);

 private:
  std::vector<std::unique_ptr<CpuDrain>> cpu_drains_;  // by task id
};

}  // namespace ipistorm::model
