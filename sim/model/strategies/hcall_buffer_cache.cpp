// hcall_buffer_cache.cpp: Xen 4.1 hypercall buffers (b545e27bc6 ..
// 04d1f61a1fd9): the argument is bounced through a locked buffer from a
// 4-entry cache behind a global mutex; a miss allocates (posix_memalign) and
// mlocks; multi-page buffers are always allocated, locked, unlocked, freed.
#include "model/strategies/hcall_buffer_cache.hpp"

#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class HcallBufferCacheStrategy : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    site_ = &site;
    bytes_ = bytes;
    then_ = then;
    const Costs& c = site.dom0.costs();
    pages_ = BufferOps::pages(c, bytes);
    // xc__hypercall_buffer_alloc: lock the cache mutex, look, unlock.
    const auto a = cache_.acquire(pages_);
    if (a == HcallBufferCache::Alloc::kHit) {
      site.dom0.compute(c.mutex, Action::bind<&HcallBufferCacheStrategy::call>(this));
      return;
    }
    site.dom0.compute(c.mutex + c.alloc, Action::bind<&HcallBufferCacheStrategy::lock_new>(this));
  }

 private:
  void lock_new(std::int64_t) {
    ops_.mlock(*site_, pages_ * site_->dom0.costs().page_bytes,
               Action::bind<&HcallBufferCacheStrategy::call>(this));
  }
  void call(std::int64_t) {
    ops_.hypercall(*site_, bytes_, false, Action::bind<&HcallBufferCacheStrategy::release>(this));
  }
  void release(std::int64_t) {
    const Costs& c = site_->dom0.costs();
    if (cache_.release(pages_) == HcallBufferCache::Free::kCached) {
      site_->dom0.compute(c.mutex, then_);
      return;
    }
    site_->dom0.compute(c.mutex + c.alloc,
                        Action::bind<&HcallBufferCacheStrategy::unlock_old>(this));
  }
  void unlock_old(std::int64_t) {
    ops_.munlock(*site_, pages_ * site_->dom0.costs().page_bytes, then_);
  }

  BufferOps ops_;
  HcallBufferCache cache_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0, pages_ = 1;
  Action then_;
};

const StrategyRegistration kHcallBufferCacheStrategy{
    {"hcall-buffer-cache", "4 cached single-page locked buffers behind a mutex; miss = alloc+mlock",
     "Xen 4.1 hypercall buffers (b545e27bc6 .. 04d1f61a1fd9)", true, 40,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<HcallBufferCacheStrategy>();
     }}};

}  // namespace

}  // namespace ipistorm::model
