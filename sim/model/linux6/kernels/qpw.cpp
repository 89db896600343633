// qpw.cpp: "queue per-CPU work" (QPW), proposed and not merged: Leonardo
// Bras's RFC <20240622035815.569665-1-leobras@redhat.com> and Marcelo
// Tosatti's series <20260206143430.021026873@redhat.com>. With qpw=1 (or
// PREEMPT_RT), __lru_add_drain_all()'s queue_percpu_work_on() does not
// queue a work item: the caller takes the target CPU's per-CPU lock
// (local_lock_n / qpw_lock) and runs lru_add_drain_per_cpu() for it
// itself. No work item, no IPI, no wake-up of the target; the caller pays
// for the target's batch lines (remote cache traffic), and every local
// batch operation pays for the lock that is now a real spinlock.
//
//   for_each_online_cpu(cpu)
//           if (cpu_needs_drain(cpu)) {
//                   INIT_QPW(qpw, lru_add_drain_per_cpu, cpu);
//                   queue_percpu_work_on(cpu, mm_percpu_wq, qpw);   // runs it here
//           }
//   for_each_cpu(cpu, &has_work) flush_percpu_work(qpw);            // nothing pending
#include "model/linux6/kernels/lru_add_drain_all.hpp"

namespace ipistorm::model::linux6 {
namespace {

class Qpw : public LruAddDrainAll {
 public:
  explicit Qpw(Kernel& k) : LruAddDrainAll(k) {}
  SimTime local_batch_op_cost() const override { return k_.sched.costs().qpw_lock; }

 protected:
  void queue_percpu_work_on(int cpu, Task& caller, SimTime& cost) override {
    const SimTime now = k_.sched.sim().now() + cost;
    cost += k_.lru.drain_remote(cpu, caller.cpu, now) - now;
    ++stats_.remote_drains;
  }
};

const LinuxPolicyRegistration kQpw{
    {"linux-6.12-qpw",
     "proposed: the caller drains each CPU's batches itself under that CPU's lock (no work item, "
     "no IPI)",
     "QPW RFC <20240622035815.569665-1-leobras@redhat.com>, v2 "
     "<20260206143430.021026873@redhat.com>; not merged",
     61201, false,
     [](Kernel& k) -> std::unique_ptr<LinuxPolicy> { return std::make_unique<Qpw>(k); }}};

}  // namespace
}  // namespace ipistorm::model::linux6
