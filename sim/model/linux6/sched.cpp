// sched.cpp: try_to_wake_up() and what it leads to (sched.hpp).
#include "model/linux6/sched.hpp"

#include <algorithm>

namespace ipistorm::model::linux6 {

Sched::Sched(engine::Simulator& sim, const LinuxCosts& c, const topo::Topology& topo,
             const std::vector<bool>& nohz_full)
    : sim_(sim), c_(c), topo_(topo), cpus_(static_cast<std::size_t>(topo.num_cpus())) {
  for (std::size_t i = 0; i < cpus_.size(); ++i) {
    cpus_[i].id = static_cast<int>(i);
    cpus_[i].nohz_full = i < nohz_full.size() && nohz_full[i];
  }
}

Sched::~Sched() = default;

Task& Sched::create_task(const std::string& name, int c, bool kthread) {
  auto t = std::make_unique<Task>();
  t->name = name;
  t->id = static_cast<int>(tasks_.size());
  t->cpu = c;
  t->kthread = kthread;
  tasks_.push_back(std::move(t));
  return *tasks_.back();
}

void Sched::start(Task& t) {
  Cpu& x = cpu(t.cpu);
  t.sleeping = false;
  set_curr(x, &t);
  if (!t.user_loop) t.resume();
}

void Sched::user_compute(Task& t, SimTime dt, Action then) {
  t.in_user = true;
  t.user_due = false;
  t.resume = then;
  t.user_until = sim_.now() + dt;
  sim_.at(t.user_until, Action::bind<&Sched::user_compute_done>(this, t.id));
}

void Sched::user_compute_done(std::int64_t id) {
  Task& t = task(static_cast<int>(id));
  if (cpu(t.cpu).curr != &t) {  // preempted: it ends once it has run again for what it lost
    t.user_due = true;
    return;
  }
  if (sim_.now() < t.user_until) {  // it lost time to preemptions meanwhile
    sim_.at(t.user_until, Action::bind<&Sched::user_compute_done>(this, id));
    return;
  }
  t.in_user = false;
  t.resume();
}

void Sched::set_curr(Cpu& x, Task* t) {
  const SimTime now = sim_.now();
  if (x.curr == nullptr && t != nullptr && x.busy_since < 0) x.busy_since = now;
  if (t == nullptr && x.busy_since >= 0 && x.rq.empty()) {
    x.busy_ns += now - x.busy_since;
    x.busy_since = -1;
  }
  x.curr = t;
}

void Sched::note_noise(int c, Cause why, SimTime ns, bool preemption) {
  Cpu& x = cpu(c);
  // Inside a preempted loop's stretch the time is already the loop's loss
  // (switch_done counts the whole stretch once).
  if (x.preempted_at >= 0 && !preemption) return;
  x.noise_ns[static_cast<int>(why)] += ns;
  // What a busy loop sees (osnoise, cyclictest): each stretch it lost.
  if (!user_mode(x.curr)) return;
  x.max_single_noise = std::max(x.max_single_noise, ns);
  x.noise_episodes.add(ns);
  if (preemption) ++x.thread_noise;
}

bool Sched::cpus_share_cache(int a, int b) const {
  return topo_.cpu(a).package == topo_.cpu(b).package;
}

bool Sched::rcu_in_eqs(int c) const {
  if (idle_cpu(c)) return true;
  const Cpu& x = cpu(c);
  return x.nohz_full && user_mode(x.curr) && x.rq.empty() && !x.switch_pending;
}

// ttwu_queue_cond() (kernel/sched/core.c, 6.1): hand the activation to the
// target through its wake list when it does not share our LLC, or when it
// is idle (f3dd3f674555, 6.0); activate it from here otherwise.
bool Sched::ttwu_queue_cond(int c, int this_cpu) const {
  if (!cpus_share_cache(this_cpu, c)) return true;
  if (c == this_cpu) return false;
  return nr_running(c) == 0;
}

SimTime Sched::try_to_wake_up(Task& p, int this_cpu) {
  if (!p.sleeping) return 0;
  p.sleeping = false;
  const int c = p.cpu;
  if (c != this_cpu && ttwu_queue_cond(c, this_cpu)) {
    // ttwu_queue_wakelist() -> __ttwu_queue_wakelist() -> __smp_call_single_queue()
    cpu(c).wake_list.push_back(&p);
    return smp_call_single_queue(c, Cause::kWakeup, this_cpu,
                                 Action::bind<&Sched::sched_ttwu_pending>(this, c));
  }
  return ttwu_do_activate(p, this_cpu);
}

// sched_ttwu_pending(): the target, in the CAL's handler, activates what
// was queued on its wake list.
void Sched::sched_ttwu_pending(std::int64_t c) {
  Cpu& x = cpu(static_cast<int>(c));
  Task* p = x.wake_list.front();
  x.wake_list.pop_front();
  ttwu_do_activate(*p, static_cast<int>(c));
}

// ttwu_do_activate(): enqueue p on its CPU's run queue (add_nr_running,
// which restarts a nohz_full CPU's tick once two tasks are runnable there:
// sched_update_tick_dependency -> tick_nohz_dep_set_cpu, an irq_work, local
// or remote), then check_preempt_curr(). Returns the cost to `this_cpu`.
SimTime Sched::ttwu_do_activate(Task& p, int this_cpu) {
  const int c = p.cpu;
  Cpu& x = cpu(c);
  x.rq.push_back(&p);
  SimTime cost = 0;
  if (x.nohz_full && nr_running(c) == 2) {
    if (c == this_cpu) {
      // tick_nohz_full_kick(): irq_work_queue() raises a self-IPI (IWI).
      sim_.at(raise(Vector::kIWI, Cause::kTickRestart, c, c),
              Action::bind<&Sched::tick_nohz_irq_work>(this, c));
    } else {
      // tick_nohz_full_kick_cpu() -> irq_work_queue_on(): the call-single queue.
      cost += smp_call_single_queue(c, Cause::kTickRestart, this_cpu,
                                    Action::bind<&Sched::tick_nohz_irq_work>(this, c));
    }
  }
  if (x.curr == nullptr)
    cost += resched_curr(c, this_cpu, Cause::kWakeup);
  else if (user_mode(x.curr) && !x.curr->fifo && p.kthread)
    cost += resched_curr(c, this_cpu, Cause::kPreempt);
  return cost;
}

// resched_curr(): here, set need_resched and switch at the interrupt's
// return; elsewhere, a reschedule IPI (smp_send_reschedule).
SimTime Sched::resched_curr(int c, int this_cpu, Cause why) {
  if (c == this_cpu) {
    schedule(c, sim_.now(), cpu(c).curr == nullptr);
    return 0;
  }
  sim_.at(raise(Vector::kRES, why, this_cpu, c), Action::bind<&Sched::scheduler_ipi>(this, c));
  return c_.ipi_send();
}

void Sched::scheduler_ipi(std::int64_t c) {
  const int k = static_cast<int>(c);
  schedule(k, sim_.now() + c_.irq_entry_exit, cpu(k).curr == nullptr);
}

SimTime Sched::smp_call_single_queue(int to, Cause why, int from, Action fn) {
  Cpu& t = cpu(to);
  const bool first = t.csd_queue.empty();
  t.csd_queue.push_back(fn);
  if (!first) return 0;  // llist_add() found the queue non-empty: a CAL is on its way
  sim_.at(raise(Vector::kCAL, why, from, to),
          Action::bind<&Sched::flush_smp_call_function_queue>(this, to));
  return c_.ipi_send();
}

// The CAL's handler: every queued function, in order.
void Sched::flush_smp_call_function_queue(std::int64_t c) {
  Cpu& x = cpu(static_cast<int>(c));
  while (!x.csd_queue.empty()) {
    const Action f = x.csd_queue.front();
    x.csd_queue.pop_front();
    f();
  }
}

void Sched::tick_nohz_irq_work(std::int64_t c) {
  note_noise(static_cast<int>(c), Cause::kTickRestart, c_.irq_entry_exit + c_.tick_restart);
}

SimTime Sched::raise(Vector v, Cause why, int from, int to) {
  Cpu& t = cpu(to);
  ++t.irqs[static_cast<int>(v)];
  ++t.irqs_by_cause[static_cast<int>(why)];
  if (why != Cause::kTickRestart) note_noise(to, why, c_.irq_entry_exit);  // (tick: its handler)
  SimTime at = sim_.now() + (from == to ? 0 : c_.ipi_send()) +
               c_.ipi[static_cast<int>(topo_.distance(from, to))];
  if (idle_cpu(to)) at += c_.halted_wake();  // HLT: the IPI wakes the core (or vCPU) first
  return at;
}

// __schedule() on c from `at`: switch to the first queued task. A running
// kernel task is not preempted here (it is switched out when it sleeps), nor
// a SCHED_FIFO busy loop by CFS tasks.
void Sched::schedule(int c, SimTime at, bool from_idle) {
  Cpu& x = cpu(c);
  if (x.switch_pending || x.rq.empty()) return;
  if (x.curr != nullptr && (!user_mode(x.curr) || x.curr->fifo)) return;
  x.switch_pending = true;
  sim_.at(at + (from_idle ? c_.idle_exit : 0) + c_.context_switch,
          Action::bind<&Sched::switch_done>(this, c));
}

void Sched::switch_done(std::int64_t c) {
  Cpu& x = cpu(static_cast<int>(c));
  x.switch_pending = false;
  if (Task* prev = x.curr; user_mode(prev)) {
    x.rq.push_back(prev);  // preempted: still runnable (put_prev_task)
    x.preempted_at = sim_.now() - c_.context_switch;
  }
  Task* next = x.rq.front();
  x.rq.pop_front();
  set_curr(x, next);
  if (user_mode(next) && x.preempted_at >= 0) {  // the loop runs again: one noise
    const SimTime lost = sim_.now() - x.preempted_at;
    x.preempted_at = -1;
    note_noise(x.id, Cause::kPreempt, lost, /*preemption=*/true);
    if (next->in_user) next->user_until += lost;
  }
  if (next->user_loop) return;
  if (next->in_user) {  // back in the middle of its user_compute()
    if (next->user_due) {
      next->user_due = false;
      sim_.at(std::max(next->user_until, sim_.now()),
              Action::bind<&Sched::user_compute_done>(this, next->id));
    }
    return;
  }
  next->resume();
}

void Sched::schedule_out(Task& t, Action resume) {
  Cpu& x = cpu(t.cpu);
  t.resume = resume;
  t.sleeping = true;
  set_curr(x, nullptr);
  schedule(t.cpu, sim_.now(), /*from_idle=*/false);  // nothing queued: the CPU halts
}

}  // namespace ipistorm::model::linux6
