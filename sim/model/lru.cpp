// lru.cpp: the pagevecs, lru_add_drain() and the lru_lock's turns (lru.hpp).
#include "model/lru.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "model/workqueue.hpp"

namespace ipistorm::model {

Lru::Lru(engine::Simulator& sim, const Costs& c, Metrics& m, PerCpu* cpus, std::size_t n,
         std::uint64_t seed, Workqueue& wq)
    : Dom0Part(sim, c, m, cpus),
      wq_(wq),
      page_add_gap_ns_(c.dom0_page_adds_per_ns > 0 ? 1.0 / c.dom0_page_adds_per_ns : 0),
      pagevec_size_(static_cast<std::size_t>(c.pagevec_size)),
      rng_(seed, /*stream=*/2) {
  for (std::size_t i = 0; i < n; ++i)
    cpus_[i].pv.next = c_.dom0_page_adds_per_ns > 0 ? rng_.fast_exponential(page_add_gap_ns_)
                                                    : std::numeric_limits<double>::infinity();
}

// ---- pagevecs -----------------------------------------------------------------

// adds_until() past its quick answers: count the drawn ones, draw more.
std::size_t Lru::adds_drawn_until(Pagevec& pv, SimTime t) {
  const double until = static_cast<double>(t);
  // `next` and each drawn one at or before t count; the first after t stops.
  const std::size_t drawn = pv.after.size();
  std::size_t k = 0;
  for (std::size_t i = 0; i < drawn; ++i)
    if (pv.after[i] > until) {
      k = i + 1;
      break;
    }
  if (k == 0) return draw_adds_past(pv, drawn > 0 ? pv.after[drawn - 1] : pv.next, drawn + 1, t);
  pv.seen_t = t;
  pv.seen_k = k;
  return k;
}

int Lru::pagevec_pages(int cpu) {
  take_turns(sim_.now());  // a drain asked for before now empties them first
  return pagevec_take(cpu, sim_.now());
}

// The pages in cpu's pagevecs at `at` (no earlier than the last look).
int Lru::pagevec_take(int cpu, SimTime at) {
  return take_pages(cpus_[static_cast<std::size_t>(cpu)].pv, at);
}

inline int Lru::take_pages(Pagevec& pv, SimTime at) {
  if (const std::size_t k = adds_until(pv, at); k > 0) {
    pv.next = pv.after[k - 1];
    pv.after.pop_front(k);
    pv.seen_t = -1;
    pv.pages = wrap_pages(static_cast<std::size_t>(pv.pages) + k);
  }
  return pv.pages;
}

void Lru::add_pages(int cpu, double pages) {
  pagevec_pages(cpu);  // account background activity up to now first
  Pagevec& pv = cpus_[static_cast<std::size_t>(cpu)].pv;
  pv.frac += pages;
  const double whole = std::floor(pv.frac);
  pv.frac -= whole;
  pv.pages = (pv.pages + static_cast<int>(whole)) % c_.pagevec_size;
}

void Lru::lru_add_drain(Vcpu& v, Action then) {
  const int pages = pagevec_pages(v.id);  // takes the turns asked for before now
  const SimTime done = drain_pagevecs(v, sim_.now(), pages);
  if (pages == 0) {
    sim_.continue_after(c_.drain_empty, then);
    return;
  }
  cpus_[static_cast<std::size_t>(v.id)].drain_then = then;
  sim_.at(done, Action::bind<&Lru::drain_released>(this, v.id));
}

void Lru::drain_released(std::int64_t v) { cpus_[static_cast<std::size_t>(v)].drain_then(); }

void Lru::lru_add_drain_cpu(int cpu, Vcpu& by, Action then) {
  if (cpu == by.id) {
    lru_add_drain(by, then);
    return;
  }
  // Remote: the target's per-CPU lock, its pagevec's count and page
  // pointers (PAGEVEC_SIZE 14 pointers and the count: two lines) come to
  // `by` first; then `by` holds the lru_lock for the target's pages.
  const SimTime now = sim_.now();
  const int pages = pagevec_pages(cpu);  // takes the turns asked for before now
  Vcpu& target = cpus_[static_cast<std::size_t>(cpu)].v;
  const SimTime lines = 3 * c_.line_transfer[static_cast<int>(distance(target, by))];
  ++m_.drains_local;  // one CPU's pagevecs drained, wherever from
  by.lock_wait_from = by.lock_wait_to = now + lines;
  if (by.current && by.current->latency) by.current->latency->to(now, LatencyPart::kDrainWork);
  if (pages == 0) {
    if (tracing(trace_))
      trace_->slice(TraceTrack::vcpu(by.id), now, now + lines + c_.drain_empty,
                    "lru_add_drain_cpu (remote, empty)", TraceCat::kKernel);
    sim_.continue_after(lines + c_.drain_empty, then);
    return;
  }
  cpus_[static_cast<std::size_t>(cpu)].pv.pages = 0;
  const SimTime done = lock_turn(by, now + lines, pages);
  if (tracing(trace_))
    trace_->slice(TraceTrack::vcpu(by.id), now, done, "lru_add_drain_cpu (remote)",
                  TraceCat::kKernel);
  cpus_[static_cast<std::size_t>(by.id)].drain_then = then;
  sim_.at(done, Action::bind<&Lru::drain_released>(this, by.id));
}

// ---- the lru_lock's turns ---------------------------------------------------------

// The collapsed workers' turns asked for at or before `now`, in order: each
// drain as lru_add_drain() would run it at its ask (worker_run's event
// there, drain_released's at its release), its completion left for the
// next look (lazy_done) or scheduled when someone asked for it
// (Workqueue::materialize).
void Lru::take_turns_until(SimTime now) { take_due_turns(now); }

// take_turns_until(), inline in the drain's loop over CPUs (an ask comes
// due every few targets there).
inline void Lru::take_due_turns(SimTime now) {
  // Nothing here asks for a turn: the queue only shrinks.
  const bool fast = !tracing(trace_);
  while (!asks_.empty() && asks_.front().at <= now) {
    const LockAsk a = asks_.front();
    asks_.pop();
    take_turn(a, fast);
  }
  first_ask_ = asks_.empty() ? kNever : asks_.front().at;
}

// One collapsed worker's turn, asked for at a.at: its drain as
// lru_add_drain() would run it there, its completion left for the next look
// (lazy_done) or scheduled when someone asked for it (materialize).
inline void Lru::take_turn(const LockAsk& a, bool fast) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(a.vcpu)];
  Vcpu& v = pc.v;
  v.lock_attempt = kNever;
  // (0 pages when the forecast's were drained meanwhile)
  const int pages = take_pages(pc.pv, a.at);
  // The vCPU's current task is its worker, which has no latency parts.
  SimTime done;
  if (fast && pages > 0) {
    ++m_.drains_local;
    ++m_.lock_acquisitions;
    done = worker_lock_turn(pc, a.at, pages);
  } else {
    done = drain_pagevecs(v, a.at, pages);
  }
  pc.wk.queue.front()->done_at = done;
  if (v.turn_evented) {
    v.turn_evented = false;
    sim_.at(done, Action::bind<&Workqueue::on_collapsed_done>(&wq_, v.id));
  } else {
    v.lazy_done = done;
  }
}

// take_turn() of an ask the drain loop made, joined now: nothing has looked
// at its pagevecs since its forecast (the loop looks at each target's own
// vCPU only, once; a general target joins the asks first), so the forecast's
// count stands (seen_k, its draws past a.at) with its pages, a.pages; no one
// has asked for its completion; no tracing (the loop makes none then).
inline void Lru::take_fresh_turn(const LockAsk& a) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(a.vcpu)];
  Pagevec& pv = pc.pv;
  pc.v.lock_attempt = kNever;
  if (pv.next <= static_cast<double>(a.at)) {  // take_pages(pv, a.at): adds since the last look
    assert(pv.seen_t == a.at &&
           a.pages == wrap_pages(static_cast<std::size_t>(pv.pages) + pv.seen_k));
    const std::size_t k = pv.seen_k;
    pv.next = pv.after[k - 1];
    pv.after.pop_front(k);
    pv.seen_t = -1;
  }
  assert(!pc.v.turn_evented && a.pages > 0);
  const SimTime done = worker_lock_turn(pc, a.at, a.pages);  // drain_pagevecs()
  pc.wk.queue.front()->done_at = done;
  pc.v.lazy_done = done;
}

// drain_pagevecs() with pages > 0 for a collapsed worker, not tracing,
// but for its counts (drains_local, lock_acquisitions): lock_turn()
// without latency parts or trace.
inline SimTime Lru::worker_lock_turn(PerCpu& pc, SimTime at, int pages) {
  Vcpu& v = pc.v;
  pc.pv.pages = 0;
  const Vcpu& from = lru_lock_.last ? *lru_lock_.last : v;
  const SimTime transfer = c_.line_transfer[static_cast<int>(distance(from, v))];
  const bool contended = lru_lock_.free_at > at;  // the last turn still holds it
  const SimTime acquired = (contended ? lru_lock_.free_at : at) + transfer;
  const SimTime released = acquired + c_.lru_lock_hold + c_.lru_add_per_page * pages;
  lru_lock_.free_at = released;
  lru_lock_.last = &v;
  v.lock_wait_from = at;
  v.lock_wait_to = at;
  if (contended) {
    ++m_.lock_contended;
    m_.lock_wait_ns += acquired - at;
    v.lock_wait_to = acquired;
  }
  return released;
}

// Someone needs a collapsed worker's completion as an event: at its ask,
// take the turn, which schedules the completion.
void Lru::on_turn_due(std::int64_t) { take_turns(sim_.now()); }

// The turns asked for at or before `now` are taken, as take_turns(now)
// would, the drain loop's new asks, fresh[0, n), with the queue's. The new
// ones, made in order of their CPUs, are sorted by time (stably: a few
// places at most), then taken in one merge with the queue's, the queue's
// first at equal times (asked first); those after `now` join the queue
// (ask_lock()), or stay the loop's (keep_fresh: no one else can look
// before the loop's next join). Returns how many stay the loop's.
std::size_t Lru::join_asks(SimTime now, LockAsk* fresh, std::size_t n, bool keep_fresh) {
  if (n == 0) {
    take_turns(now);
    return 0;
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (fresh[i - 1].at <= fresh[i].at) continue;  // in place: the usual case
    const LockAsk x = fresh[i];
    std::size_t j = i;
    for (; j > 0 && fresh[j - 1].at > x.at; --j) fresh[j] = fresh[j - 1];
    fresh[j] = x;
  }
  std::size_t i = 0;
  if (first_ask_ > now) {  // none of the queue's is due (the usual case): the new ones' alone
    for (; i < n && fresh[i].at <= now; ++i) take_fresh_turn(fresh[i]);
  } else {
    const bool fast = !tracing(trace_);
    for (;;) {
      const bool queued_due = first_ask_ <= now;
      const bool fresh_due = i < n && fresh[i].at <= now;
      if (queued_due && (!fresh_due || first_ask_ <= fresh[i].at)) {
        const LockAsk a = asks_.front();
        asks_.pop();
        first_ask_ = asks_.empty() ? kNever : asks_.front().at;
        take_turn(a, fast);
      } else if (fresh_due) {
        take_fresh_turn(fresh[i++]);
      } else {
        break;
      }
    }
  }
  m_.drains_local += i;
  m_.lock_acquisitions += i;
  if (keep_fresh) {  // the rest stay the loop's, sorted
    std::copy(fresh + i, fresh + n, fresh);
    return n - i;
  }
  if (i < n) {
    for (; i < n; ++i) asks_.insert(fresh[i]);
    first_ask_ = asks_.front().at;
  }
  return 0;
}

void Lru::finish(SimTime end) {
  take_turns(end);
  if (tracing(trace_))
    for (; !lru_lock_.handoffs.empty() && lru_lock_.handoffs.front() <= end;
         lru_lock_.handoffs.pop_front())
      trace_->counter(TraceTrack::kDom0, "lru_lock waiters", lru_lock_.handoffs.front(),
                      static_cast<double>(lru_lock_.handoffs.size() - 1));
}

}  // namespace ipistorm::model
