// lru_add_drain_all.hpp: __lru_add_drain_all(bool force_all_cpus) and
// lru_cache_disable() of mm/swap.c as Linux 6.1 and 6.12 write them:
//
//   this_gen = smp_load_acquire(&lru_drain_gen);   // before the mutex
//   mutex_lock(&lock);
//   if (this_gen != lru_drain_gen && !force_all_cpus) goto done;
//   WRITE_ONCE(lru_drain_gen, lru_drain_gen + 1);
//   for_each_online_cpu(cpu)
//           if (cpu_needs_drain(cpu)) queue_work_on(cpu, mm_percpu_wq, work);
//   for_each_cpu(cpu, &has_work) flush_work(work);   // the mutex still held
//   done: mutex_unlock(&lock);
//
//   lru_cache_disable(): atomic_inc(&lru_disable_count);
//           synchronize_rcu_expedited(); __lru_add_drain_all(true);
//
// force_all_cpus only skips the generation check: a CPU with empty batches
// gets no work either way (the vlab's mbind runs show it).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/linux6/kernels/linux_policy.hpp"
#include "model/steps.hpp"

namespace ipistorm::model::linux6 {

class LruAddDrainAll : public LinuxPolicy {
 public:
  explicit LruAddDrainAll(Kernel& k);
  void lru_add_drain_all(Task& caller, Action then) override;
  void lru_cache_disable(Task& caller, Action then) override;
  void lru_cache_enable() override { k_.lru.enable(); }
  // Callers that returned at the generation check (another drain covered them).
  std::uint64_t shared() const { return stats_.shared; }

 protected:
  // The two places the proposed fixes change, as their patches name them.
  // Whether the drain pass queues work on `cpu` (today: cpu_needs_drain).
  virtual bool cpu_gets_work(int cpu) { return k_.lru.cpu_needs_drain(cpu); }
  // queue_percpu_work_on(): today queue_work_on(cpu, mm_percpu_wq, work),
  // which adds the caller's cost to `cost`.
  virtual void queue_percpu_work_on(int cpu, Task& caller, SimTime& cost);
  // Between reading the generation and taking the mutex: nothing before
  // 6.17, where the caller drains its own CPU first.
  virtual void before_mutex(Task& caller, Action next) {
    (void)caller;
    next();
  }
  Kernel& k_;

 private:
  // One caller's pass through __lru_add_drain_all(), step by step.
  struct Call {
    LruAddDrainAll* all = nullptr;
    Task* caller = nullptr;
    bool force_all_cpus = false;
    std::uint64_t this_gen = 0;
    std::vector<int> has_work;
    std::size_t pos = 0;
    Action loop_done;
    Steps<Call> steps;
    Steps<Call> forced;  // __lru_add_drain_all(true) inside lru_cache_disable()
    SimTime asked = 0;   // when it called mutex_lock
    Action locked_then;
    void before_mutex(Action next);
    void mutex_lock(Action next);
    void mutex_locked(std::int64_t);
    void queue_work(Action next);
    void flush_work(Action next);
    void mutex_unlock(Action next);
    void synchronize_rcu_expedited(Action next);
    void drain_all_forced(Action next);
    void queue_next(std::int64_t);
    void flush_next(std::int64_t);
  };
  Call& call_of(Task& caller);
  static void lru_add_drain_per_cpu(void* self, int cpu, Action done);

  Mutex lock_;
  SimTime lock_taken_ = 0;  // when the current owner took the mutex
  std::uint64_t lru_drain_gen_ = 0;
  std::vector<Work> lru_add_drain_work_;  // per CPU
  PerTask<Call> calls_;                   // by the caller's task id
};

}  // namespace ipistorm::model::linux6
