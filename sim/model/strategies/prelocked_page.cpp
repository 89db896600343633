// prelocked_page.cpp: Xen 4.0's hcall_buf_prep() (d6aaa9ee0f8b, Keir
// Fraser, 2010-01): one page per thread, mlocked once, into which small
// arguments are copied. An argument of a page or more, or a call while the
// page is in use, falls back to lock_pages() (mlock + munlock).
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class PrelockedPage : public StepStrategy<PrelockedPage> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    if (bytes >= site.dom0.costs().page_bytes || busy_) {  // fall back to lock_pages()
      run(site, bytes, kLockPages, then);
      return;
    }
    busy_ = true;
    if (!page_locked_) {  // first use in this thread: allocate and lock the page
      page_locked_ = true;
      run(site, bytes, kFirstUse, then);
      return;
    }
    run(site, bytes, kPrelocked, then);
  }

 private:
  void alloc_page(Action next) { site().dom0.compute(costs().alloc, next); }
  void mlock_page(Action next) { ops_.mlock(site(), costs().page_bytes, next); }
  // The page stays locked for the thread's lifetime.
  void release_page(Action next) {
    busy_ = false;
    next();
  }

  using P = PrelockedPage;
  static constexpr Step kLockPages[] = {&P::sys_mlock, &P::hypercall_locked, &P::sys_munlock};
  static constexpr Step kFirstUse[] = {&P::alloc_page, &P::mlock_page, &P::hypercall_locked,
                                       &P::release_page};
  static constexpr Step kPrelocked[] = {&P::hypercall_locked, &P::release_page};
  bool page_locked_ = false, busy_ = false;
};

const StrategyRegistration kPrelockedPage{
    {"prelocked-page", "one page per thread locked once; copy in; mlock fallback for big or busy",
     "Xen 4.0 hcall_buf_prep() (d6aaa9ee0f8b)", true, 30,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<PrelockedPage>();
     }}};

}  // namespace

}  // namespace ipistorm::model
