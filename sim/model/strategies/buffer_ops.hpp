// buffer_ops.hpp: the system calls and the trap that hypercall-buffer
// strategies are made of, each as an asynchronous step on the caller's vCPU
// that accounts its syscalls, locked bytes and copies. A strategy owns one
// BufferOps and chains its steps one after another.
#pragma once

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
  void drain_step(std::int64_t);
  void mlock_pages(std::int64_t);
  void trap_done(std::int64_t);

  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  bool unlocked_ = false;
  Action then_;
};

// A strategy that prepares once, at its first call, and then only copies the
// argument through the prepared memory (kernel-buffer, mlockall).
class SetUpOnceThenCopy : public HypercallBufferStrategy {
 public:
  void hypercall(HypercallSite& site, std::int64_t bytes, Action then) override {
    site_ = &site;
    bytes_ = bytes;
    then_ = then;
    if (set_up_done_) {
      call(0);
      return;
    }
    set_up_done_ = true;
    set_up(site, bytes, Action::bind<&SetUpOnceThenCopy::call>(this));
  }

 protected:
  virtual void set_up(HypercallSite& site, std::int64_t bytes, Action then) = 0;
  BufferOps ops_;

 private:
  void call(std::int64_t) { ops_.hypercall(*site_, bytes_, false, then_); }

  HypercallSite* site_ = nullptr;
  std::int64_t bytes_ = 0;
  Action then_;
  bool set_up_done_ = false;
};

}  // namespace ipistorm::model
