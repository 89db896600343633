// mlock_per_call.cpp: libxc <= 3.4. Every hypercall with a pointer argument
// is wrapped in lock_pages()/unlock_pages(), i.e. mlock()/munlock() of the
// argument's page(s) on the caller's stack (tools/libxc/xc_private.c), e.g.
// xc_hvm_set_isa_irq_level(). On 2.6.28..4.14 each mlock() first runs
// lru_add_drain_all() (the kernel policy decides).
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {
namespace {

class MlockPerCall : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, Action then) override {
    site_ = &site;
    then_ = then;
    Metrics& m = site.dom0.metrics();
    ++m.mlock_calls;
    ++m.syscalls;
    // sys_mlock: syscall entry, then the kernel's drain (if any), then the page.
    site.dom0.compute(*site.caller.vcpu, site.dom0.costs().syscall,
                      Action::bind<&MlockPerCall::drain>(this));
  }

 private:
  void drain(std::int64_t) {
    site_->kernel.mlock_prepare(site_->dom0, site_->caller,
                                Action::bind<&MlockPerCall::lock>(this));
  }
  void lock(std::int64_t) {
    if (site_->kernel.mlock_moves_page_through_pagevec())
      site_->dom0.add_pages(site_->caller.vcpu->id, 1.0);  // putback_lru_page -> unevictable
    ++site_->dom0.metrics().hypercalls;
    const Costs& c = site_->dom0.costs();
    site_->dom0.compute(*site_->caller.vcpu, c.mlock_page + site_->xen_work,
                        Action::bind<&MlockPerCall::unlock>(this));
  }
  void unlock(std::int64_t) {
    Metrics& m = site_->dom0.metrics();
    ++m.munlock_calls;
    ++m.syscalls;
    if (site_->kernel.mlock_moves_page_through_pagevec())
      site_->dom0.add_pages(site_->caller.vcpu->id, 1.0);  // back to an evictable LRU
    const Costs& c = site_->dom0.costs();
    site_->dom0.compute(*site_->caller.vcpu, c.syscall + c.munlock_page, then_);
  }

  HypercallSite* site_ = nullptr;
  Action then_;
};

}  // namespace

std::unique_ptr<HypercallBufferStrategy> make_mlock_per_call() {
  return std::make_unique<MlockPerCall>();
}

}  // namespace ipistorm::model
