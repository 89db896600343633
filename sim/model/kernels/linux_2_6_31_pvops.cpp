// linux_2_6_31_pvops.cpp: the pvops dom0 of the report. Since 2.6.28
// (b291f000393f; moved into sys_mlock/sys_mlockall by 8891d6da17db)
// mlock() first calls lru_add_drain_all() = schedule_on_each_cpu(
// lru_add_drain_per_cpu): work and an IPI to every online CPU, idle ones
// included, then flush_work() on each in turn while the caller sleeps.
#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {
namespace {

class Linux2631Pvops : public KernelPolicy {
 public:
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    drain_all(dom0, caller, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    // for_each_online_cpu: every vCPU, built once (this is the hot path).
    if (online_.size() != static_cast<std::size_t>(dom0.num_vcpus())) {
      online_.resize(static_cast<std::size_t>(dom0.num_vcpus()));
      for (int v = 0; v < dom0.num_vcpus(); ++v) online_[static_cast<std::size_t>(v)] = v;
    }
    drain_cpus(dom0, caller, online_, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  std::vector<int> online_;
};

const KernelRegistration kLinux2631Pvops{
    {"linux-2.6.31-pvops", "mlock drains every online CPU: schedule_on_each_cpu, caller waits",
     "b291f000393f (2.6.28-rc1), 8891d6da17db", 20631,
     []() -> std::unique_ptr<KernelPolicy> { return std::make_unique<Linux2631Pvops>(); }}};

}  // namespace

}  // namespace ipistorm::model
