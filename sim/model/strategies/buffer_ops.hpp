// buffer_ops.hpp: the system calls and the trap that hypercall-buffer
// strategies are made of, each as an asynchronous step on the caller's vCPU
// that accounts its syscalls, locked bytes and copies; and StepStrategy, the
// base of a strategy written as the list of those steps (model/steps.hpp).
#pragma once

#include "model/steps.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::model {

class BufferOps {
 public:
  static std::int64_t pages(const Costs& c, std::int64_t bytes) {
    return bytes <= 0 ? 1 : (bytes + c.page_bytes - 1) / c.page_bytes;
  }
  // sys_mlock() of `bytes`: syscall, the kernel's drain (mlock_prepare),
  // then each page marked mlocked (and, since the unevictable LRU, moved
  // through the local pagevec).
  void mlock(HypercallSite& s, std::int64_t bytes, Action then);
  // sys_munlock(): no drain in any era.
  void munlock(HypercallSite& s, std::int64_t bytes, Action then);
  // The hypercall: copy the argument in, trap, Xen's work, copy out. With
  // `unlocked`, the argument page may be absent when Xen copies it: the
  // hypercall fails with -EFAULT, the page is faulted back and it is retried.
  void hypercall(HypercallSite& s, std::int64_t bytes, bool unlocked, Action then);
  // mmap(MAP_LOCKED|MAP_POPULATE) + madvise(MADV_DONTFORK): the pages are
  // faulted in and mlocked by the kernel (no lru_add_drain_all on this path).
  void mmap_locked(HypercallSite& s, std::int64_t bytes, Action then);
  // munmap(): page tables torn down and a TLB flush of the other CPUs in the
  // process's mm_cpumask (MMUEXT_TLB_FLUSH_MULTI in a PV guest).
  void munmap(HypercallSite& s, std::int64_t bytes, Action then);

 private:
  using Step = Steps<BufferOps>::Step;
  void mlock_entry(Action next);
  void mlock_drain(Action next);
  void mlock_pages(Action next);
  void trap_done(std::int64_t);

  Steps<BufferOps> steps_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  bool unlocked_ = false;
  Action then_;  // the hypercall's, after its retries
};

// A strategy whose hypercall is a list of steps over the call's site and
// argument, e.g. {&Mine::sys_mlock, &Mine::hypercall_locked,
// &Mine::sys_munlock}. The building blocks are steps here; a strategy adds
// its own (a cache lookup, a set-up) as members of the same shape.
template <class Self>
class StepStrategy : public HypercallBufferStrategy {
 public:
  using Step = typename Steps<Self>::Step;

 protected:
  // Make the call: `list` on this site and argument, then `then`.
  template <std::size_t N>
  void run(HypercallSite& site, std::int64_t bytes, const Step (&list)[N], Action then) {
    site_ = &site;
    bytes_ = bytes;
    steps_.run(static_cast<Self&>(*this), list, then);
  }
  HypercallSite& site() const { return *site_; }
  std::int64_t bytes() const { return bytes_; }
  const Costs& costs() const { return site_->dom0.costs(); }

  void sys_mlock(Action next) { ops_.mlock(*site_, bytes_, next); }
  void sys_munlock(Action next) { ops_.munlock(*site_, bytes_, next); }
  void hypercall_locked(Action next) { ops_.hypercall(*site_, bytes_, /*unlocked=*/false, next); }
  void hypercall_unlocked(Action next) { ops_.hypercall(*site_, bytes_, /*unlocked=*/true, next); }
  void mmap_locked(Action next) { ops_.mmap_locked(*site_, bytes_, next); }
  void sys_munmap(Action next) { ops_.munmap(*site_, bytes_, next); }

  BufferOps ops_;

 private:
  Steps<Self> steps_;
  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
};

// A strategy that prepares once, at its first call, and then only copies the
// argument through the prepared memory (kernel-buffer, mlockall).
template <class Self>
class SetUpOnceThenCopy : public StepStrategy<Self> {
  using Base = StepStrategy<Self>;

 public:
  using Step = typename Base::Step;
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    if (set_up_done_) {
      Base::run(site, bytes, kCopy, then);
      return;
    }
    set_up_done_ = true;
    Base::run(site, bytes, kSetUpThenCopy, then);
  }

 private:
  static constexpr Step kSetUpThenCopy[] = {&Self::set_up, &Self::hypercall_locked};
  static constexpr Step kCopy[] = {&Self::hypercall_locked};
  bool set_up_done_ = false;
};

}  // namespace ipistorm::model
