// lru_add_drain_all.cpp: __lru_add_drain_all() and lru_cache_disable() of
// Linux 6.x (lru_add_drain_all.hpp).
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {

LruAddDrainAll::LruAddDrainAll(Kernel& k)
    : k_(k), lru_add_drain_work_(static_cast<std::size_t>(k.sched.num_cpus())) {
  for (Work& w : lru_add_drain_work_) {
    w.func = &LruAddDrainAll::lru_add_drain_per_cpu;
    w.ctx = this;
  }
}

// lru_add_drain_per_cpu() -> lru_add_and_bh_lrus_drain(): the kworker
// drains its own CPU's batches.
void LruAddDrainAll::lru_add_drain_per_cpu(void* self, int cpu, Action done) {
  static_cast<LruAddDrainAll*>(self)->k_.lru.lru_add_drain_cpu(cpu, done);
}

LruAddDrainAll::Call& LruAddDrainAll::call_of(Task& caller) {
  Call& c = calls_[caller.id];
  c.all = this;
  c.caller = &caller;
  return c;
}

void LruAddDrainAll::lru_add_drain_all(Task& caller, Action then) {
  static constexpr Steps<Call>::Step kLruAddDrainAll[] = {&Call::before_mutex, &Call::mutex_lock,
                                                          &Call::queue_work, &Call::flush_work,
                                                          &Call::mutex_unlock};
  Call& c = call_of(caller);
  c.force_all_cpus = false;
  c.this_gen = lru_drain_gen_;  // smp_load_acquire(&lru_drain_gen), before the mutex
  c.steps.run(c, kLruAddDrainAll, then);
}

void LruAddDrainAll::lru_cache_disable(Task& caller, Action then) {
  static constexpr Steps<Call>::Step kLruCacheDisable[] = {&Call::synchronize_rcu_expedited,
                                                           &Call::drain_all_forced};
  k_.lru.disable();  // atomic_inc(&lru_disable_count)
  call_of(caller).steps.run(call_of(caller), kLruCacheDisable, then);
}

void LruAddDrainAll::Call::synchronize_rcu_expedited(Action next) {
  all->k_.rcu.synchronize_rcu_expedited(*caller, next);
}

// __lru_add_drain_all(true): a step list of its own, run from inside
// lru_cache_disable()'s (each Steps runs one list at a time).
void LruAddDrainAll::Call::drain_all_forced(Action next) {
  static constexpr Steps<Call>::Step kForced[] = {&Call::before_mutex, &Call::mutex_lock,
                                                  &Call::queue_work, &Call::flush_work,
                                                  &Call::mutex_unlock};
  force_all_cpus = true;
  this_gen = all->lru_drain_gen_;
  forced.run(*this, kForced, next);
}

void LruAddDrainAll::Call::before_mutex(Action next) { all->before_mutex(*caller, next); }

void LruAddDrainAll::Call::mutex_lock(Action next) {
  asked = all->k_.sched.sim().now();
  locked_then = next;
  linux6::mutex_lock(all->k_.sched, all->lock_, *caller, Action::bind<&Call::mutex_locked>(this));
}

void LruAddDrainAll::Call::mutex_locked(std::int64_t) {
  const SimTime now = all->k_.sched.sim().now();
  all->stats_.mutex_wait_ns.add(now - asked);
  all->lock_taken_ = now;
  locked_then();
}

void LruAddDrainAll::queue_percpu_work_on(int cpu, Task& caller, SimTime& cost) {
  k_.wq.queue_work_on(cpu, lru_add_drain_work_[static_cast<std::size_t>(cpu)], caller.cpu, cost);
}

// With the mutex held: return when the generation moved on (a drain that
// started after our batches were filled has run), else bump it and queue
// the work on every CPU that needs a drain, one CPU after the other.
void LruAddDrainAll::Call::queue_work(Action next) {
  has_work.clear();
  if (!force_all_cpus && this_gen != all->lru_drain_gen_) {
    ++all->stats_.shared;
    next();
    return;
  }
  ++all->lru_drain_gen_;
  ++all->stats_.drains;
  for (int cpu = 0; cpu < all->k_.sched.num_cpus(); ++cpu)
    if (all->cpu_gets_work(cpu)) has_work.push_back(cpu);
  all->stats_.cpus += has_work.size();
  loop_done = next;
  pos = 0;
  queue_next(0);
}

void LruAddDrainAll::Call::queue_next(std::int64_t) {
  if (pos == has_work.size()) {
    pos = 0;
    loop_done();
    return;
  }
  const int cpu = has_work[pos++];
  SimTime cost = 0;
  all->queue_percpu_work_on(cpu, *caller, cost);
  all->k_.sched.compute(cost, Action::bind<&Call::queue_next>(this));
}

void LruAddDrainAll::Call::flush_work(Action next) {
  loop_done = next;
  pos = 0;
  flush_next(0);
}

void LruAddDrainAll::Call::flush_next(std::int64_t) {
  DrainStats& st = all->stats_;
  st.flush_wait_since = -1;
  st.flush_wait_cpu = -1;
  if (pos == has_work.size()) {
    loop_done();
    return;
  }
  const int cpu = has_work[pos++];
  Work& w = all->lru_add_drain_work_[static_cast<std::size_t>(cpu)];
  if (w.pending) {  // the caller sleeps on this CPU's work (the hung-task check reads it)
    st.flush_wait_since = all->k_.sched.sim().now();
    st.flush_wait_cpu = cpu;
  }
  all->k_.wq.flush_work(w, *caller, Action::bind<&Call::flush_next>(this));
}

void LruAddDrainAll::Call::mutex_unlock(Action next) {
  Sched& s = all->k_.sched;
  all->stats_.mutex_hold_ns.add(s.sim().now() - all->lock_taken_);
  s.compute(linux6::mutex_unlock(s, all->lock_, *caller), next);
}

}  // namespace ipistorm::model::linux6
