// prelocked_page.cpp: Xen 4.0's hcall_buf_prep() (d6aaa9ee0f8b, Keir
// Fraser, 2010-01): one page per thread, mlocked once, into which small
// arguments are copied. An argument of a page or more, or a call while the
// page is in use, falls back to lock_pages() (mlock + munlock).
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class PrelockedPage : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    site_ = &site;
    bytes_ = bytes;
    then_ = then;
    const Costs& c = site.dom0.costs();
    if (bytes >= c.page_bytes || busy_) {  // fall back to lock_pages()
      fallback_ = true;
      ops_.mlock(site, bytes, Action::bind<&PrelockedPage::call>(this));
      return;
    }
    fallback_ = false;
    busy_ = true;
    if (!page_locked_) {  // first use in this thread: allocate and lock the page
      page_locked_ = true;
      site.dom0.compute(c.alloc, Action::bind<&PrelockedPage::lock_page>(this));
      return;
    }
    call(0);
  }

 private:
  void lock_page(std::int64_t) {
    ops_.mlock(*site_, site_->dom0.costs().page_bytes, Action::bind<&PrelockedPage::call>(this));
  }
  void call(std::int64_t) {
    ops_.hypercall(*site_, bytes_, false, Action::bind<&PrelockedPage::done>(this));
  }
  void done(std::int64_t) {
    if (fallback_) {
      ops_.munlock(*site_, bytes_, then_);
      return;
    }
    busy_ = false;  // the page stays locked for the thread's lifetime
    then_();
  }

  BufferOps ops_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  Action then_;
  bool page_locked_ = false, busy_ = false, fallback_ = false;
};

const StrategyRegistration kPrelockedPage{
    {"prelocked-page", "one page per thread locked once; copy in; mlock fallback for big or busy",
     "Xen 4.0 hcall_buf_prep() (d6aaa9ee0f8b)", true, 30,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<PrelockedPage>();
     }}};

}  // namespace

}  // namespace ipistorm::model
