// mlock_per_call.cpp: libxc <= 3.4. Every hypercall with a pointer argument
// is wrapped in lock_pages()/unlock_pages(), i.e. mlock()/munlock() of the
// argument's page(s) on the caller's stack (tools/libxc/xc_private.c), e.g.
// xc_hvm_set_isa_irq_level(). On 2.6.28..4.14 each mlock() first runs
// lru_add_drain_all() (the kernel policy decides).
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class MlockPerCall : public StepStrategy<MlockPerCall> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    run(site, bytes, kCall, then);
  }

 private:
  // lock_pages(), do_xen_hypercall(), unlock_pages() (xc_private.c)
  static constexpr Step kCall[] = {&MlockPerCall::sys_mlock, &MlockPerCall::hypercall_locked,
                                   &MlockPerCall::sys_munlock};
};

const StrategyRegistration kMlockPerCall{
    {"mlock-per-call", "mlock + munlock of the argument page around every hypercall",
     "libxc <= 3.4 lock_pages()/unlock_pages()", true, 10,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<MlockPerCall>();
     }}};

}  // namespace

}  // namespace ipistorm::model
