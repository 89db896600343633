// periodic_caller.cpp: mbind and khugepaged callers (periodic_caller.hpp).
#include "model/linux6/workloads/periodic_caller.hpp"

namespace ipistorm::model::linux6 {

PeriodicCaller::PeriodicCaller(Kernel& k, LinuxPolicy& policy, Kind kind, int cpu,
                               double rate_per_s, std::uint64_t seed)
    : k_(k),
      policy_(policy),
      kind_(kind),
      gap_ns_(1e9 / rate_per_s),
      rng_(seed, /*stream=*/31 + 6 * static_cast<std::uint64_t>(kind)) {
  static constexpr const char* kNames[] = {"mbind caller", "khugepaged", "memfd sealer"};
  task_ = &k.sched.create_task(kNames[static_cast<int>(kind)], cpu, kind == Kind::kKhugepaged);
  task_->resume = Action::bind<&PeriodicCaller::wait>(this);
}

void PeriodicCaller::start() { k_.sched.start(*task_); }

// Between calls the thread sleeps (a timer wakes it on its own CPU): no
// interrupt elsewhere, and its CPU idles.
void PeriodicCaller::wait(std::int64_t) {
  const double gap = kind_ == Kind::kKhugepaged ? gap_ns_ : rng_.exponential(gap_ns_);
  k_.sched.schedule_out(*task_, Action::bind<&PeriodicCaller::call>(this));
  struct Timer {
    static void fire(void* self, std::int64_t) {
      auto* p = static_cast<PeriodicCaller*>(self);
      p->k_.sched.try_to_wake_up(*p->task_, p->task_->cpu);
    }
  };
  k_.sched.sim().after(static_cast<SimTime>(gap) + 1, Action{&Timer::fire, this, 0});
}

void PeriodicCaller::call(std::int64_t) {
  called_at_ = k_.sched.sim().now();
  if (kind_ == Kind::kMbind)
    policy_.lru_cache_disable(*task_, Action::bind<&PeriodicCaller::returned>(this));
  else
    policy_.lru_add_drain_all(*task_, Action::bind<&PeriodicCaller::returned>(this));
}

void PeriodicCaller::returned(std::int64_t) {
  if (kind_ == Kind::kMbind) policy_.lru_cache_enable();  // the migration itself is not modelled
  ++calls_;
  latency_.add(k_.sched.sim().now() - called_at_);
  wait(0);
}

}  // namespace ipistorm::model::linux6
