// lru.hpp: the per-CPU LRU pagevecs of mm/swap.c (2.6.31) and the zone
// lru_lock they drain under. Page activity on a CPU fills its pagevecs
// (lru_cache_add: the background, drawn lazily, and add_pages()); a full
// pagevec drains itself (pagevec_add returns 0 -> __pagevec_lru_add);
// lru_add_drain() moves a CPU's pagevecs onto the LRU under the lock
// (drain_cpu_pagevecs -> ____pagevec_lru_add); cpu_needs_drain() is what
// the selective lru_add_drain_all() (3.12+) asks of each CPU.
//
// The lru_lock is a FIFO ticket spinlock (2.6.25+) whose waiters spin
// (stay busy). FIFO makes it a timeline, and the turn rule is:
//   a drain that asks at `at` gets the lock at max(at, free_at) plus the
//   cache line's transfer from the last holder's pCPU, and holds it for
//   lru_lock_hold + lru_add_per_page x its pages;
//   turns are taken in the order they are asked for (equal times: in the
//   order asked).
// Nothing can touch a waiter or the holder meanwhile (a waiter only spins),
// so a turn is computed, not evented: lock_turn() returns the release and
// the caller schedules what follows it. A collapsed worker's ask
// (Workqueue::run_worker_after_wake) lies ahead of the clock when it is
// made, so it waits in `asks_` until the clock passes it, and every look
// at the lock or at a pagevec first takes the turns asked for up to now
// (take_turns): Sched::settle, Dom0::work_done, pagevec_pages.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/random.hpp"
#include "model/costs.hpp"
#include "model/metrics.hpp"
#include "model/percpu.hpp"
#include "model/trace_hooks.hpp"

namespace ipistorm::model {

class Workqueue;

class Lru : private Dom0Part {
 public:
  // `cpus`: dom0's per-vCPU array, n long (Dom0 owns it); `wq` gets the
  // collapsed workers' completions.
  Lru(engine::Simulator& sim, const Costs& c, Metrics& m, PerCpu* cpus, std::size_t n,
      std::uint64_t seed, Workqueue& wq);

  // Pages now in cpu's pagevecs (page activity since the last look is drawn
  // lazily: Poisson at the background rate, capped by PAGEVEC_SIZE, a full
  // pagevec drains itself).
  int pagevec_pages(int cpu);
  // cpu_needs_drain(cpu): its pagevecs hold a page (pagevec_count(), as
  // lru_add_drain_all() checks each CPU since 5fbc461636c3).
  bool cpu_needs_drain(int cpu) { return pagevec_pages(cpu) > 0; }
  // lru_cache_add() of `pages` pages on cpu (fractions add up).
  void add_pages(int cpu, double pages);
  // lru_add_drain() on v by its current task: move the pagevecs to the LRU
  // under the lock if non-empty, then `then`. Mirrors drain_cpu_pagevecs().
  void lru_add_drain(Vcpu& v, Action then);
  // lru_add_drain_cpu(cpu) by the current task of `by`: lru_add_drain()
  // when `by` is cpu's own vCPU; else remote, as a kernel that protects
  // the pagevecs with a per-CPU lock lets another CPU do (QPW): `by` takes
  // the target's lock and pagevec lines (3 cache lines, line_transfer at
  // their distance each) and moves the pages under the lru_lock itself.
  // `then` runs (same task) when done.
  void lru_add_drain_cpu(int cpu, Vcpu& by, Action then);
  // Take the lru_lock turns asked for at or before `now`, in order.
  void take_turns(SimTime now) {
    if (first_ask_ <= now) take_turns_until(now);
  }

 private:
  friend class Workqueue;  // its collapsed workers forecast pages and ask for turns
  friend class Dom0;       // the drain loop's inline targets, finish(), set_trace()

  struct LruLock {
    SimTime free_at = 0;           // the last turn's release
    const Vcpu* last = nullptr;    // where the lock's cache line is: the last holder's pCPU
    std::deque<SimTime> handoffs;  // tracing: hand-offs to waiters yet to come
  };
  struct LockAsk {
    SimTime at;
    int vcpu;
    int pages;  // the forecast's, for an ask of the drain loop (new_asks_)
  };
  // The collapsed workers' asks not yet taken, by time (equal times in the
  // order asked): a ring, doubled when full. Asks mostly arrive in time
  // order (their wake latencies differ little), so an insertion walks back
  // a place or two at most.
  class AskQueue {
   public:
    bool empty() const { return head_ == tail_; }
    const LockAsk& front() const { return buf_[head_ & mask_]; }
    void pop() { ++head_; }
    void insert(LockAsk a) {
      if (tail_ - head_ > mask_) grow();
      std::uint32_t i = tail_++;
      for (; i != head_ && buf_[(i - 1) & mask_].at > a.at; --i)
        buf_[i & mask_] = buf_[(i - 1) & mask_];
      buf_[i & mask_] = a;
    }

   private:
    void grow() {
      std::vector<LockAsk> b(2 * buf_.size());
      for (std::uint32_t i = head_; i != tail_; ++i) b[i - head_] = buf_[i & mask_];
      tail_ -= head_;
      head_ = 0;
      buf_ = std::move(b);
      mask_ = static_cast<std::uint32_t>(buf_.size() - 1);
    }
    std::vector<LockAsk> buf_ = std::vector<LockAsk>(64);
    std::uint32_t mask_ = 63, head_ = 0, tail_ = 0;  // head_, tail_ count; & mask_ places
  };

  void take_turns_until(SimTime now);
  [[gnu::always_inline]] inline void take_due_turns(SimTime now);
  [[gnu::always_inline]] inline void take_turn(const LockAsk& a, bool fast);
  [[gnu::always_inline]] inline void take_fresh_turn(const LockAsk& a);
  [[gnu::always_inline]] inline SimTime worker_lock_turn(PerCpu& pc, SimTime at, int pages);
  // The turns asked for at or before `now` taken with the drain loop's new
  // asks, fresh[0, n) (Dom0::queue_drain_works); returns how many stay
  // the loop's (keep_fresh).
  std::size_t join_asks(SimTime now, LockAsk* fresh, std::size_t n, bool keep_fresh);
  // (pages + adds) % pagevec_size, without a division in the usual case.
  int wrap_pages(std::size_t p) const {
    return static_cast<int>(p < pagevec_size_ ? p : p % pagevec_size_);
  }
  // A collapsed worker on v will drain pages from `at` on: its turn waits
  // until the clock passes `at`, since turns asked for meanwhile may come
  // first.
  void ask_lock(Vcpu& v, SimTime at) {
    v.lock_attempt = at;
    asks_.insert({at, v.id, 0});
    first_ask_ = asks_.front().at;
  }
  void on_turn_due(std::int64_t v);
  // The trace's lru_lock waiter count up to `end`, the turns taken.
  void finish(SimTime end);

  // The background adds at or before t (drawing the next ones as needed): a
  // Poisson process at the background rate. A full pagevec drains itself,
  // hence the counts mod PAGEVEC_SIZE.
  std::size_t adds_until(Pagevec& pv, SimTime t) {
    if (pv.next > static_cast<double>(t)) return 0;
    if (t == pv.seen_t) return pv.seen_k;
    if (!pv.after.empty()) return adds_drawn_until(pv, t);
    return draw_adds_past(pv, pv.next, 1, t);  // the usual case: only `next` drawn, at or before t
  }
  std::size_t adds_drawn_until(Pagevec& pv, SimTime t);
  // Draw the adds after `last`, the k-th one at or before t, until one lies
  // past t: the count at t, kept as the last look's (seen_t, seen_k).
  std::size_t draw_adds_past(Pagevec& pv, double last, std::size_t k, SimTime t) {
    const double until = static_cast<double>(t);
    for (;; ++k) {
      last += rng_.fast_exponential(page_add_gap_ns_);
      pv.after.push_back(last);
      if (last > until) break;
    }
    pv.seen_t = t;
    pv.seen_k = k;
    return k;
  }
  // The pages pv will hold at t > now if only background activity adds to
  // them (no task runs on its vCPU before t).
  [[gnu::always_inline]] int forecast_pages(Pagevec& pv, SimTime t) {
    if (pv.next > static_cast<double>(t)) return pv.pages;  // pages < pagevec_size: no wrap
    return wrap_pages(static_cast<std::size_t>(pv.pages) + adds_until(pv, t));
  }
  [[gnu::always_inline]] inline int take_pages(Pagevec& pv, SimTime at);
  int pagevec_take(int cpu, SimTime at);
  [[gnu::always_inline]] inline SimTime lock_turn(Vcpu& v, SimTime at, int pages);
  // NOTE: inlined for speed: an idle target's empty drain runs it 0.7 times per
  // mlock per vCPU (a call cost 1.6 % of the instructions at 1024 vCPUs).
  [[gnu::always_inline]] inline SimTime drain_pagevecs(Vcpu& v, SimTime at, int pages);
  void drain_released(std::int64_t v);

  Workqueue& wq_;
  const double page_add_gap_ns_;    // mean gap between background page adds (1 / rate)
  const std::size_t pagevec_size_;  // c_.pagevec_size, one load nearer (wrap_pages())
  LruLock lru_lock_;
  AskQueue asks_;
  std::vector<LockAsk> new_asks_;  // Dom0::queue_drain_works()'s, not yet in asks_
  SimTime first_ask_ = INT64_MAX;  // asks_.front().at, or kNever: the check at every look
  engine::RandomStream rng_;
};

// lru_add_drain() on v from `at`, its pagevecs holding `pages` (taken by the
// caller): nothing to move, drain_empty; else under the lru_lock, its turn
// taken now. Returns when it is done; every drain, evented or collapsed,
// is this one piece.
inline SimTime Lru::drain_pagevecs(Vcpu& v, SimTime at, int pages) {
  ++m_.drains_local;
  v.lock_wait_from = v.lock_wait_to = at;
  if (v.current && v.current->latency) v.current->latency->to(at, LatencyPart::kDrainWork);
  const TraceTrack tr = TraceTrack::vcpu(v.id);
  if (pages == 0) {
    if (tracing(trace_))
      trace_->slice(tr, at, at + c_.drain_empty, "lru_add_drain (empty)", TraceCat::kKernel);
    return at + c_.drain_empty;
  }
  if (tracing(trace_)) trace_->begin(tr, at, "lru_add_drain", TraceCat::kKernel);
  cpus_[static_cast<std::size_t>(v.id)].pv.pages = 0;
  const SimTime done = lock_turn(v, at, pages);
  if (tracing(trace_)) trace_->end(tr, done);
  return done;
}

// v's drain asks for the lock at `at` (no earlier than every turn before
// it) to move `pages` to the LRU under it (____pagevec_lru_add, mm/swap.c):
// the turn rule above. Returns when it releases the lock.
inline SimTime Lru::lock_turn(Vcpu& v, SimTime at, int pages) {
  ++m_.lock_acquisitions;
  const Vcpu& from = lru_lock_.last ? *lru_lock_.last : v;
  const SimTime transfer = c_.line_transfer[static_cast<int>(distance(from, v))];
  const bool contended = lru_lock_.free_at > at;  // the last turn still holds it
  const SimTime handoff = contended ? lru_lock_.free_at : at;
  const SimTime acquired = handoff + transfer;
  const SimTime released = acquired + c_.lru_lock_hold + c_.lru_add_per_page * pages;
  lru_lock_.free_at = released;
  lru_lock_.last = &v;
  LatencyParts* lp = v.current ? v.current->latency : nullptr;
  if (contended) {
    ++m_.lock_contended;
    m_.lock_wait_ns += acquired - at;
    v.lock_wait_to = acquired;
    if (lp) lp->to(at, LatencyPart::kLruLockWait);
  }
  if (lp) lp->to(v.lock_wait_to, LatencyPart::kDrainWork);
  if (tracing(trace_)) {
    // The waiter count drops at each hand-off before `at`, rises with this one.
    std::deque<SimTime>& q = lru_lock_.handoffs;
    for (; !q.empty() && q.front() <= at; q.pop_front())
      trace_->counter(TraceTrack::kDom0, "lru_lock waiters", q.front(),
                      static_cast<double>(q.size() - 1));
    const TraceTrack tr = TraceTrack::vcpu(v.id);
    if (contended) {
      q.push_back(handoff);
      trace_->counter(TraceTrack::kDom0, "lru_lock waiters", at, static_cast<double>(q.size()));
      trace_->slice(tr, at, acquired, "lru_lock wait", TraceCat::kLock);
    }
    trace_->slice(tr, acquired, released, "lru_lock held", TraceCat::kLock);
  }
  return released;
}

}  // namespace ipistorm::model
