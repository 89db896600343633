// no_lock.cpp: the report's experiment. The hypercall argument is passed
// without any locking: fast, but the kernel may page out or migrate the page
// while Xen copies from it. Then copy_from_guest fails, the hypercall
// returns -EFAULT and the caller retries (nolock_fault_prob per call);
// failures are counted. Unsafe.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class NoLock : public StepStrategy<NoLock> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    run(site, bytes, kCall, then);
  }

 private:
  static constexpr Step kCall[] = {&NoLock::hypercall_unlocked};
};

const StrategyRegistration kNoLock{
    {"no-lock", "no locking at all: the report's hack; a paged-out argument fails and is retried",
     "the 2009 report's experiment (mlock before HVMOP_set_isa_irq_level removed)", false, 20,
     []() -> std::unique_ptr<HypercallBufferStrategy> { return std::make_unique<NoLock>(); }}};

}  // namespace

}  // namespace ipistorm::model
