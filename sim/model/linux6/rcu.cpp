// rcu.cpp: the expedited grace period (rcu.hpp).
#include "model/linux6/rcu.hpp"

namespace ipistorm::model::linux6 {

void Rcu::synchronize_rcu_expedited(Task& caller, Action then) {
  ++grace_periods_;
  SimTime cost = 0;
  pending_ = 0;
  for (int c = 0; c < s_.num_cpus(); ++c) {
    if (c == caller.cpu || s_.rcu_in_eqs(c)) continue;
    ++pending_;
    cost += s_.smp_call_single_queue(c, Cause::kRcuExpedited, caller.cpu,
                                     Action::bind<&Rcu::rcu_exp_handler>(this, c));
  }
  if (pending_ == 0) {
    s_.compute(cost, then);
    return;
  }
  waiter_ = &caller;
  then_ = then;
  s_.compute(cost, Action::bind<&Rcu::wait_for_reports>(this));
}

void Rcu::wait_for_reports(std::int64_t) {
  if (pending_ == 0) {  // every report came while the caller was still sending
    waiter_ = nullptr;
    then_();
    return;
  }
  s_.schedule_out(*waiter_, then_);
}

// rcu_exp_handler() -> rcu_report_exp_rdp(): the last report wakes the
// waiter (rcu_exp_wait_wake -> wake_up_all).
void Rcu::rcu_exp_handler(std::int64_t cpu) {
  const int c = static_cast<int>(cpu);
  s_.note_noise(c, Cause::kRcuExpedited, s_.costs().rcu_exp_handler);
  if (--pending_ > 0) return;
  if (waiter_ != nullptr && waiter_->sleeping) {
    Task* w = waiter_;
    waiter_ = nullptr;
    s_.try_to_wake_up(*w, c);
  }
}

}  // namespace ipistorm::model::linux6
