// rcu.hpp: synchronize_rcu_expedited() as lru_cache_disable() calls it
// (kernel/rcu/tree_exp.h, 6.1: sync_rcu_exp_select_node_cpus): every CPU
// other than the caller's that is not in an extended quiescent state (idle,
// or in user mode on a nohz_full CPU: rcu_dynticks_in_eqs) gets a
// function-call IPI whose handler, rcu_exp_handler(), reports a quiescent
// state; the caller sleeps until the last report wakes it.
//
// Limits, stated: the IPIs are sent from the caller's CPU (6.1 runs the
// grace period from a kworker on it when the machine has one leaf rcu_node;
// RCU_FANOUT_LEAF is 16, so above 16 CPUs the other leaves' IPIs come from a
// kworker on a CPU of each leaf, whose own wake-up is not modelled); no CPU
// is inside an RCU read-side section when its IPI lands.
#pragma once

#include <cstdint>

#include "model/linux6/sched.hpp"

namespace ipistorm::model::linux6 {

class Rcu {
 public:
  explicit Rcu(Sched& s) : s_(s) {}
  // synchronize_rcu_expedited() by `caller`; `then` runs in the caller once
  // every CPU has reported.
  void synchronize_rcu_expedited(Task& caller, Action then);
  std::uint64_t grace_periods() const { return grace_periods_; }

 private:
  void wait_for_reports(std::int64_t);
  void rcu_exp_handler(std::int64_t cpu);

  Sched& s_;
  Task* waiter_ = nullptr;
  Action then_;
  int pending_ = 0;
  std::uint64_t grace_periods_ = 0;
};

}  // namespace ipistorm::model::linux6
