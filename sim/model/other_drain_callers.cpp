// other_drain_callers.cpp: timer-driven callers of lru_add_drain_all().
#include "model/other_drain_callers.hpp"

namespace ipistorm::model {

OtherDrainCallers::OtherDrainCallers(Dom0& dom0, KernelPolicy& kernel, std::uint64_t seed)
    : dom0_(dom0), kernel_(kernel), rng_(seed, /*stream=*/4) {
  backlog_.assign(static_cast<std::size_t>(dom0.num_vcpus()), 0);
  in_drain_.assign(static_cast<std::size_t>(dom0.num_vcpus()), 0);
  if (dom0.costs().other_drain_all_per_ns <= 0) return;
  for (int v = 0; v < dom0.num_vcpus(); ++v)
    tasks_.push_back(&dom0.create_task("drain-caller/" + std::to_string(v), v));
}

void OtherDrainCallers::start() {
  if (!tasks_.empty()) schedule_next();
}

void OtherDrainCallers::schedule_next() {
  const double mean_gap = 1.0 / dom0_.costs().other_drain_all_per_ns;
  dom0_.sim().after(static_cast<SimTime>(rng_.exponential(mean_gap)) + 1,
                    Action::bind<&OtherDrainCallers::arrival>(this));
}

void OtherDrainCallers::arrival(std::int64_t) {
  const auto v = static_cast<int>(rng_.below(tasks_.size()));
  Task& t = *tasks_[static_cast<std::size_t>(v)];
  // A caller asleep inside a drain (on the drain mutex, or in flush_work)
  // is busy: waking it would drop where it sleeps (the 3.12+ mutex then
  // stayed owned by a task that had gone on: a deadlock, its waiter list
  // growing without end). Only a caller between calls is woken.
  char& busy = in_drain_[static_cast<std::size_t>(v)];
  if (!busy) {
    busy = 1;
    t.resume = Action::bind<&OtherDrainCallers::run_drain>(this, v);
    dom0_.wake(t, nullptr, IpiKind::kOther);  // a local timer: no IPI
  } else {
    ++backlog_[static_cast<std::size_t>(v)];
  }
  schedule_next();
}

void OtherDrainCallers::run_drain(std::int64_t v) {
  kernel_.drain_all(dom0_, *tasks_[static_cast<std::size_t>(v)],
                    Action::bind<&OtherDrainCallers::done>(this, v));
}

void OtherDrainCallers::done(std::int64_t v) {
  int& pending = backlog_[static_cast<std::size_t>(v)];
  if (pending > 0) {
    --pending;
    run_drain(v);
    return;
  }
  in_drain_[static_cast<std::size_t>(v)] = 0;
  dom0_.sleep(*tasks_[static_cast<std::size_t>(v)],
              Action::bind<&OtherDrainCallers::run_drain>(this, v));
}

}  // namespace ipistorm::model
