// buffer_ops.cpp: costs and accounting of the strategies' building blocks.
#include "model/strategies/buffer_ops.hpp"

namespace ipistorm::model {

// sys_mlock (mm/mlock.c): the syscall, lru_add_drain_all() where the
// kernel era drains (2.6.28..4.14: b291f000393f, 8891d6da17db), then each
// page marked PG_mlocked.
void BufferOps::mlock(HypercallSite& s, std::int64_t bytes, Action then) {
  static constexpr Step kSysMlock[] = {&BufferOps::mlock_entry, &BufferOps::mlock_drain,
                                       &BufferOps::mlock_pages};
  site_ = &s;
  bytes_ = bytes;
  steps_.run(*this, kSysMlock, then);
}

void BufferOps::mlock_entry(Action next) {
  HypercallSite& s = *site_;
  Metrics& m = s.dom0.metrics();
  ++m.mlock_calls;
  ++m.syscalls;
  ++m.buffer_syscalls;
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kMlockSyscall);
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr)) {
    const SimTime now = s.dom0.sim().now();
    tr->instant(TraceTrack::vcpu(s.caller.vcpu->id), now, "mlock");
    tr->begin(TraceTrack::task(s.caller.id), now, "sys_mlock", TraceCat::kKernel);
  }
  s.dom0.compute(s.dom0.costs().syscall, next);
}

void BufferOps::mlock_drain(Action next) {
  site_->kernel.mlock_prepare(site_->dom0, site_->caller, next);
}

void BufferOps::mlock_pages(Action next) {
  HypercallSite& s = *site_;
  const Costs& c = s.dom0.costs();
  const std::int64_t n = pages(c, bytes_);
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kMlockSyscall);
  if (s.kernel.mlock_moves_page_through_pagevec())
    s.dom0.lru.add_pages(s.caller.vcpu->id, static_cast<double>(n));  // putback_lru_page
  s.dom0.metrics().lock_bytes(n * c.page_bytes);
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
    tr->end(TraceTrack::task(s.caller.id), s.dom0.sim().now() + c.mlock_pages(n));
  s.dom0.compute(c.mlock_pages(n), next);
}

void BufferOps::munlock(HypercallSite& s, std::int64_t bytes, Action then) {
  Metrics& m = s.dom0.metrics();
  const Costs& c = s.dom0.costs();
  const std::int64_t n = pages(c, bytes);
  ++m.munlock_calls;
  ++m.syscalls;
  ++m.buffer_syscalls;
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kMunlock);
  if (s.kernel.mlock_moves_page_through_pagevec())
    s.dom0.lru.add_pages(s.caller.vcpu->id, static_cast<double>(n));  // back to an evictable LRU
  m.unlock_bytes(n * c.page_bytes);
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
    tr->slice(TraceTrack::task(s.caller.id), s.dom0.sim().now(),
              s.dom0.sim().now() + c.syscall + c.munlock_pages(n), "sys_munlock",
              TraceCat::kKernel);
  s.dom0.compute(c.syscall + c.munlock_pages(n), then);
}

void BufferOps::hypercall(HypercallSite& s, std::int64_t bytes, bool unlocked, Action then) {
  site_ = &s;
  bytes_ = bytes;
  unlocked_ = unlocked;
  then_ = then;
  Metrics& m = s.dom0.metrics();
  ++m.hypercalls;
  ++m.irq_hypercalls;
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kHypercall);
  m.bytes_copied += static_cast<std::uint64_t>(2 * bytes);
  const Costs& c = s.dom0.costs();
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
    tr->slice(TraceTrack::vcpu(s.caller.vcpu->id), s.dom0.sim().now(),
              s.dom0.sim().now() + 2 * c.copy(bytes) + s.xen_work, "hypercall", TraceCat::kXen);
  s.dom0.compute(2 * c.copy(bytes) + s.xen_work, Action::bind<&BufferOps::trap_done>(this));
}

void BufferOps::trap_done(std::int64_t) {
  HypercallSite& s = *site_;
  if (unlocked_ && s.dom0.costs().nolock_fault_prob > 0 &&
      s.rng.uniform() < s.dom0.costs().nolock_fault_prob) {
    // copy_from_guest failed: -EFAULT; the caller touches the page (fault)
    // and retries the hypercall.
    ++s.dom0.metrics().failed_hypercalls;
    const Costs& c = s.dom0.costs();
    ++s.dom0.metrics().hypercalls;
    ++s.dom0.metrics().irq_hypercalls;
    if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
      tr->slice(TraceTrack::vcpu(s.caller.vcpu->id), s.dom0.sim().now(),
                s.dom0.sim().now() + c.page_fault + 2 * c.copy(bytes_) + s.xen_work,
                "page fault, hypercall retry", TraceCat::kXen);
    s.dom0.compute(c.page_fault + 2 * c.copy(bytes_) + s.xen_work,
                   Action::bind<&BufferOps::trap_done>(this));
    return;
  }
  then_();
}

void BufferOps::mmap_locked(HypercallSite& s, std::int64_t bytes, Action then) {
  Metrics& m = s.dom0.metrics();
  const Costs& c = s.dom0.costs();
  const std::int64_t n = pages(c, bytes);
  m.syscalls += 2;  // mmap + madvise
  m.buffer_syscalls += 2;
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kMlockSyscall);
  if (s.kernel.mlock_moves_page_through_pagevec())
    s.dom0.lru.add_pages(s.caller.vcpu->id, static_cast<double>(n));
  m.lock_bytes(n * c.page_bytes);
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
    tr->slice(TraceTrack::task(s.caller.id), s.dom0.sim().now(),
              s.dom0.sim().now() + 2 * c.syscall + c.mmap + n * c.page_fault + c.mlock_pages(n),
              "mmap(MAP_LOCKED)", TraceCat::kKernel);
  s.dom0.compute(2 * c.syscall + c.mmap + n * c.page_fault + c.mlock_pages(n), then);
}

void BufferOps::munmap(HypercallSite& s, std::int64_t bytes, Action then) {
  Metrics& m = s.dom0.metrics();
  const Costs& c = s.dom0.costs();
  const std::int64_t n = pages(c, bytes);
  ++m.syscalls;
  ++m.buffer_syscalls;
  if (s.caller.latency) s.caller.latency->to(s.dom0.sim().now(), LatencyPart::kMunlock);
  m.tlb_flush_ipis += static_cast<std::uint64_t>(c.dm_mm_other_cpus);
  if (s.kernel.mlock_moves_page_through_pagevec())
    s.dom0.lru.add_pages(s.caller.vcpu->id, static_cast<double>(n));  // munlock_vma_pages_all
  m.unlock_bytes(n * c.page_bytes);
  const SimTime cost =
      c.syscall + c.munmap + c.munlock_pages(n) + c.tlb_flush_per_cpu * c.dm_mm_other_cpus;
  if (TraceObserver* tr = s.dom0.trace(); tracing(tr))
    tr->slice(TraceTrack::task(s.caller.id), s.dom0.sim().now(), s.dom0.sim().now() + cost,
              "munmap", TraceCat::kKernel);
  s.dom0.compute(cost, then);
}

}  // namespace ipistorm::model
