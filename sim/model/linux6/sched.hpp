// sched.hpp: a Linux 6.x kernel's scheduler and interrupts, as far as
// lru_add_drain_all() needs them, on bare metal: CPUs that run tasks from a
// run queue or halt (HLT) in the idle task, wake-ups by try_to_wake_up()
// with 6.x's wake list, reschedule and function-call IPIs counted per CPU as
// /proc/interrupts counts them (RES, CAL, IWI), the per-CPU call-single
// queue they share, wake-up preemption of a user-space busy loop, and the
// tick a nohz_full CPU restarts when a second task arrives.
//
// Sources (Linux 6.1, as Debian ships it; 6.12 reads the same for all of
// this): kernel/sched/core.c try_to_wake_up, ttwu_queue_cond,
// ttwu_queue_wakelist, ttwu_do_activate, resched_curr, scheduler_ipi;
// kernel/smp.c __smp_call_single_queue, send_call_function_single_ipi;
// kernel/sched/sched.h add_nr_running -> sched_update_tick_dependency;
// kernel/time/tick-sched.c tick_nohz_dep_set_cpu.
//
// Limits, stated: an LLC is a package (true of the vlab's guests and of
// Intel servers; an AMD EPYC has one per CCX); tasks are bound to their CPU
// (kworkers are, the vlab's workers are pinned); a woken kernel thread
// preempts a SCHED_NORMAL busy loop and never a SCHED_FIFO one (6.1's
// place_entity gives a sleeper sched_latency/2 of credit, more than the
// wake-up granularity); idle CPUs halt, none polls (the vlab boots without
// idle=poll or haltpoll).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/action.hpp"
#include "engine/inline_fifo.hpp"
#include "engine/simulator.hpp"
#include "engine/stats.hpp"
#include "model/linux6/costs.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model::linux6 {

using engine::Action;

// The /proc/interrupts rows the model can raise.
enum class Vector : std::uint8_t { kRES, kCAL, kIWI };
inline constexpr int kVectors = 3;
inline constexpr const char* kVectorNames[kVectors] = {"RES", "CAL", "IWI"};

// Why an interrupt came: what rtla osnoise would blame it on.
enum class Cause : std::uint8_t { kWakeup, kPreempt, kTickRestart, kRcuExpedited };
inline constexpr int kCauses = 4;
inline constexpr const char* kCauseNames[kCauses] = {"wakeup", "preempt", "tick_restart",
                                                     "rcu_expedited"};

struct Task {
  std::string name;
  int id = 0;
  int cpu = 0;             // bound to this CPU
  bool kthread = false;    // a kernel thread (a kworker)
  bool fifo = false;       // SCHED_FIFO: no CFS wake-up preempts it
  bool user_loop = false;  // a busy loop in user mode: runs until preempted, never sleeps
  bool sleeping = true;    // not runnable
  Action resume;           // where it goes on when next switched to
  // Sched::user_compute: computing in user space until `user_until` (pushed
  // on by the time it loses to preemptions), preemptible as a loop is.
  bool in_user = false;
  bool user_due = false;  // its end came while it was preempted
  SimTime user_until = 0;
};

// In user mode now: a busy loop, or a task inside user_compute().
inline bool user_mode(const Task* t) { return t != nullptr && (t->user_loop || t->in_user); }

struct Cpu {
  int id = 0;
  bool nohz_full = false;
  Task* curr = nullptr;                  // nullptr: the idle task (halted)
  engine::InlineFifo<Task*> rq;          // runnable, not running
  bool switch_pending = false;           // a __schedule() is under way
  engine::InlineFifo<Action> csd_queue;  // call_single_queue: run by the next CAL
  engine::InlineFifo<Task*> wake_list;   // ttwu_queue_wakelist()'s tasks, in csd_queue's order
  std::array<std::uint64_t, kVectors> irqs{};
  std::array<std::uint64_t, kCauses> irqs_by_cause{};
  std::array<SimTime, kCauses> noise_ns{};  // time taken from what ran there, by cause
  // osnoise's view of a user busy loop: each stretch it lost (an interrupt
  // handler, or a preemption until it runs again) is one noise.
  SimTime max_single_noise = 0;
  engine::Histogram noise_episodes;  // ns, each stretch a busy loop lost
  std::uint64_t thread_noise = 0;    // of those, preemptions (osnoise's "Thread")
  SimTime preempted_at = -1;         // the loop was switched out at (-1: it runs)
  // Busy time: anything but the idle task (cpu_busy_ns()).
  SimTime busy_ns = 0;
  SimTime busy_since = -1;  // -1: idle
};

class Sched {
 public:
  // nohz_full[c]: CPU c is in the nohz_full set (empty: none is).
  Sched(engine::Simulator& sim, const LinuxCosts& c, const topo::Topology& topo,
        const std::vector<bool>& nohz_full);
  ~Sched();

  engine::Simulator& sim() { return sim_; }
  const LinuxCosts& costs() const { return c_; }
  int num_cpus() const { return static_cast<int>(cpus_.size()); }
  Cpu& cpu(int c) { return cpus_[static_cast<std::size_t>(c)]; }
  const Cpu& cpu(int c) const { return cpus_[static_cast<std::size_t>(c)]; }

  // A task bound to CPU `c`, asleep until woken (or started).
  Task& create_task(const std::string& name, int c, bool kthread);
  // Start `t`, whose CPU is idle, running now: a user busy loop spins on,
  // any other task runs its resume.
  void start(Task& t);

  // rq->nr_running: the running task (not idle) and the queued ones.
  int nr_running(int c) const {
    const Cpu& x = cpu(c);
    return (x.curr ? 1 : 0) + static_cast<int>(x.rq.size());
  }
  // cpus_share_cache(): same LLC, here the same package.
  bool cpus_share_cache(int a, int b) const;
  // idle_cpu(): the idle task runs and nothing is queued.
  bool idle_cpu(int c) const {
    const Cpu& x = cpu(c);
    return x.curr == nullptr && x.rq.empty() && !x.switch_pending;
  }
  // rcu_dynticks_in_eqs() for CPU c now: idle, or a nohz_full CPU running
  // only a busy loop in user mode (context tracking's user EQS).
  bool rcu_in_eqs(int c) const;

  // try_to_wake_up(p) from code running on `this_cpu`; returns the waker's
  // cost (the IPI it sends, if any). 0 and nothing else when p is awake.
  SimTime try_to_wake_up(Task& p, int this_cpu);
  // The current task of its CPU sleeps (set_current_state + schedule());
  // `resume` runs when it is woken and switched to again.
  void schedule_out(Task& t, Action resume);
  // __smp_call_single_queue(): queue `fn` to run on `to` in interrupt
  // context; a CAL is sent only when the queue was empty. Returns the
  // sender's cost.
  SimTime smp_call_single_queue(int to, Cause why, int from, Action fn);

  // A noise of `ns` on CPU c, charged to `why`: an interrupt's handler, or
  // (`preemption`) the stretch a busy loop lost to a kernel thread.
  void note_noise(int c, Cause why, SimTime ns, bool preemption = false);
  // Time CPU c has not been idle, up to now.
  SimTime cpu_busy_ns(int c) const {
    const Cpu& x = cpu(c);
    return x.busy_ns + (x.busy_since >= 0 ? sim_.now() - x.busy_since : 0);
  }

  // The current task computes for dt, then `then` (same task): kernel
  // code, which no wake-up preempts here.
  void compute(SimTime dt, Action then) { sim_.continue_after(dt, then); }
  // The current task computes dt in user space, then `then`: a woken
  // kworker preempts it (RES as for a busy loop), and `then` comes later by
  // the time it lost.
  void user_compute(Task& t, SimTime dt, Action then);
  Task& task(int id) { return *tasks_[static_cast<std::size_t>(id)]; }

 private:
  bool ttwu_queue_cond(int c, int this_cpu) const;
  SimTime ttwu_do_activate(Task& p, int this_cpu);
  void sched_ttwu_pending(std::int64_t c);
  SimTime resched_curr(int c, int this_cpu, Cause why);
  void scheduler_ipi(std::int64_t c);
  void flush_smp_call_function_queue(std::int64_t c);
  void tick_nohz_irq_work(std::int64_t c);
  void schedule(int c, SimTime at, bool from_idle);
  void switch_done(std::int64_t c);
  void user_compute_done(std::int64_t task_id);
  // An IPI raised now from `from` lands on `to` at the returned time
  // (the sender's cost, the flight, a halted CPU's C1 exit), counted.
  SimTime raise(Vector v, Cause why, int from, int to);
  // curr changes at now: busy accounting.
  void set_curr(Cpu& x, Task* t);

  engine::Simulator& sim_;
  const LinuxCosts& c_;
  const topo::Topology& topo_;
  std::vector<Cpu> cpus_;  // never resized: tasks and events point into it
  std::vector<std::unique_ptr<Task>> tasks_;
};

}  // namespace ipistorm::model::linux6
