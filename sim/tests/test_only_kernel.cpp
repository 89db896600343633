// test_only_kernel.cpp: a Linux 6.x drain policy that exists only in the
// test binary, to prove that a policy is one file using only public calls
// (issue #19): this file registers it, and test_linux6.cpp runs it by name
// with no other change. It drains every CPU that needs it from the
// caller's CPU, under that CPU's lock, as QPW does (kernels/qpw.cpp), but
// with neither the mutex nor the generation check: no work item, no IPI,
// no wake-up of anyone.
//
//   for_each_online_cpu(cpu)
//           if (cpu_needs_drain(cpu)) lru_add_drain_cpu() of cpu, run here
#include "model/linux6/kernels/linux_policy.hpp"

namespace ipistorm::model::linux6 {
namespace {

class TestOnlyRemoteDrain : public LinuxPolicy {
 public:
  explicit TestOnlyRemoteDrain(Kernel& k) : k_(k) {}

  void lru_add_drain_all(Task& caller, Action then) override {
    SimTime at = k_.sched.sim().now();
    ++stats_.drains;
    for (int cpu = 0; cpu < k_.sched.num_cpus(); ++cpu) {
      if (!k_.lru.cpu_needs_drain(cpu)) continue;
      at = k_.lru.drain_remote(cpu, caller.cpu, at);
      ++stats_.cpus;
      ++stats_.remote_drains;
    }
    k_.sched.compute(at - k_.sched.sim().now(), then);
  }
  void lru_cache_disable(Task& caller, Action then) override {
    k_.lru.disable();
    lru_add_drain_all(caller, then);
  }
  void lru_cache_enable() override { k_.lru.enable(); }

 private:
  Kernel& k_;
};

const LinuxPolicyRegistration kTestOnlyRemoteDrain{
    {"test-only-remote-drain",
     "tests only: the caller drains every CPU's batches itself, no mutex, no work, no IPI",
     "sim/tests/test_only_kernel.cpp", 99999, false, [](Kernel& k) -> std::unique_ptr<LinuxPolicy> {
       return std::make_unique<TestOnlyRemoteDrain>(k);
     }}};

}  // namespace
}  // namespace ipistorm::model::linux6
