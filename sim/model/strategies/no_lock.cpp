// no_lock.cpp: the report's experiment. The hypercall argument is passed
// without any locking: fast, but the kernel may page out or migrate the page
// while Xen copies from it (unsafe; the failure mode comes with the
// head-to-head issue).
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {
namespace {

class NoLock : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, Action then) override {
    ++site.dom0.metrics().hypercalls;
    site.dom0.compute(*site.caller.vcpu, site.xen_work, then);
  }
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_no_lock() { return std::make_unique<NoLock>(); }

}  // namespace ipistorm::model
