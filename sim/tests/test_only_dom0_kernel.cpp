// test_only_dom0_kernel.cpp: a 2.6.x-era kernel policy of the Xen dom0
// model that exists only in the test binary, to prove that such a policy
// is one file using only public calls (issue #19), as test_only_kernel.cpp
// does for Linux 6.x: this file registers it, and test_kernels.cpp runs it
// by name with no other change. Its lru_add_drain_all() drains every CPU
// whose pagevecs hold pages from the caller's CPU, as QPW would let it
// (each CPU's pagevecs under a lock of their own): no work item, no IPI,
// no wake-up of an idle vCPU.
//
//   for_each_online_cpu(cpu)
//           if (cpu_needs_drain(cpu)) lru_add_drain_cpu(cpu), run here
#include "model/kernels/kernel_policy.hpp"
#include "model/steps.hpp"

namespace ipistorm::model {
namespace {

class TestOnlyRemoteDrain26 : public KernelPolicy {
 public:
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    drain_all(dom0, caller, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    Call& c = calls_[caller.id];
    c = {&dom0, &caller, 0, then};
    next_cpu(caller.id);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  struct Call {
    Dom0* dom0 = nullptr;
    Task* caller = nullptr;
    int cpu = 0;  // the next CPU to look at
    Action then;
  };
  // One step of the loop: drain the next CPU that needs it, from the
  // caller's vCPU, then come back here; past the last CPU, return.
  void next_cpu(std::int64_t id) {
    Call& c = calls_[static_cast<int>(id)];
    while (c.cpu < c.dom0->num_vcpus()) {
      const int cpu = c.cpu++;
      if (!c.dom0->lru.cpu_needs_drain(cpu)) continue;
      c.dom0->lru.lru_add_drain_cpu(cpu, *c.caller->vcpu,
                                    Action::bind<&TestOnlyRemoteDrain26::next_cpu>(this, id));
      return;
    }
    c.then();
  }
  PerTask<Call> calls_;  // by calling Task::id (callers can overlap)
};

const KernelRegistration kTestOnlyRemoteDrain26{
    {"test-only-remote-drain-2.6",
     "tests only: the caller drains every CPU's pagevecs itself, no work, no IPI",
     "sim/tests/test_only_dom0_kernel.cpp", 99998,
     []() -> std::unique_ptr<KernelPolicy> { return std::make_unique<TestOnlyRemoteDrain26>(); }}};

}  // namespace
}  // namespace ipistorm::model
