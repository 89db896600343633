// hcall_buffer_cache.cpp: Xen 4.1 hypercall buffers (b545e27bc6 ..
// 04d1f61a1fd9): the argument is bounced through a locked buffer from a
// 4-entry cache behind a global mutex; a miss allocates (posix_memalign) and
// mlocks; multi-page buffers are always allocated, locked, unlocked, freed.
#include "model/strategies/hcall_buffer_cache.hpp"

#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {
namespace {

class HcallBufferCacheStrategy : public StepStrategy<HcallBufferCacheStrategy> {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    run(site, bytes, kCall, then);
  }

 private:
  // xc__hypercall_buffer_alloc: lock the cache mutex, look, unlock; a miss
  // allocates a buffer (and mlocks it next).
  void buffer_alloc(Action next) {
    const Costs& c = costs();
    pages_ = BufferOps::pages(c, bytes());
    hit_ = cache_.acquire(pages_) == HcallBufferCache::Alloc::kHit;
    site().dom0.compute(hit_ ? c.mutex : c.mutex + c.alloc, next);
  }
  void mlock_new_buffer(Action next) {
    if (hit_) {
      next();
      return;
    }
    ops_.mlock(site(), pages_ * costs().page_bytes, next);
  }
  // xc__hypercall_buffer_free: back into the cache while there is room,
  // else freed (and munlocked next).
  void buffer_free(Action next) {
    const Costs& c = costs();
    cached_ = cache_.release(pages_) == HcallBufferCache::Free::kCached;
    site().dom0.compute(cached_ ? c.mutex : c.mutex + c.alloc, next);
  }
  void munlock_old_buffer(Action next) {
    if (cached_) {
      next();
      return;
    }
    ops_.munlock(site(), pages_ * costs().page_bytes, next);
  }

  using H = HcallBufferCacheStrategy;
  static constexpr Step kCall[] = {&H::buffer_alloc, &H::mlock_new_buffer, &H::hypercall_locked,
                                   &H::buffer_free, &H::munlock_old_buffer};
  HcallBufferCache cache_;
  std::int64_t pages_ = 1;
  bool hit_ = false, cached_ = false;
};

const StrategyRegistration kHcallBufferCacheStrategy{
    {"hcall-buffer-cache", "4 cached single-page locked buffers behind a mutex; miss = alloc+mlock",
     "Xen 4.1 hypercall buffers (b545e27bc6 .. 04d1f61a1fd9)", true, 40,
     []() -> std::unique_ptr<HypercallBufferStrategy> {
       return std::make_unique<HcallBufferCacheStrategy>();
     }}};

}  // namespace

}  // namespace ipistorm::model
