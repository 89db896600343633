// dom0.hpp: the dom0 Linux kernel as far as the IPI storm needs it.
// vCPUs that run tasks (the device model, one workqueue worker "events/N"
// per vCPU, other drain callers), block in Xen when they have nothing to run,
// and are woken by a reschedule IPI (an event channel: EVTCHNOP_send) when a
// task is made runnable on them while they are idle. Per-CPU LRU pagevecs
// filled by page activity, drained under the zone lru_lock (a FIFO ticket
// spinlock whose hand-off cost grows with distance). The sleeping mutex is
// model/mutex.hpp.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/inline_fifo.hpp"
#include "engine/random.hpp"
#include "engine/simulator.hpp"
#include "model/costs.hpp"
#include "model/metrics.hpp"
#include "model/trace_hooks.hpp"
#include "model/xen.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

using engine::Action;
using engine::InlineFifo;
class CpuDrain;

struct Vcpu;

template <class T>
using PtrFifo = InlineFifo<T*>;

// A schedulable thread. It runs on its home vCPU only (dom0 kthreads and the
// device model are modelled as bound; see docs/model.md "Model limits").
// Per-task state of a kernel era lives with the era, indexed by `id`.
struct Task {
  std::string name;
  int id = 0;  // index among dom0's tasks
  Vcpu* vcpu = nullptr;
  Action resume;                    // where it continues when next scheduled
  bool sleeping = true;             // not on a run queue
  bool mutex_waited = false;        // slept in mutex_lock (reset by whoever resumes)
  LatencyParts* latency = nullptr;  // the device model's: where its time goes
};

struct Vcpu {
  // kBlocking: the idle task is on its way to halt since `tail_from`, a
  // stretch nothing else sees, so it is computed rather than evented:
  // polling (TS_POLLING set: cpu_idle() -> tick_nohz_stop_sched_tick) for
  // context_switch + idle_entry, then xen_idle() clears TS_POLLING around
  // safe_halt() = SCHEDOP_block for a hypercall, then blocked in Xen (kIdle,
  // applied when someone next looks). kHalting: the same halt reached as an
  // event, after an upcall on a woken vCPU found nothing to run.
  enum class State { kIdle, kWaking, kRunning, kBlocking, kHalting };
  int id = 0;
  int pcpu = 0;               // topology CPU index it runs on
  int core = 0, package = 0;  // its pCPU's (topo::Cpu), for distance() without the topology
  State state = State::kIdle;
  Task* current = nullptr;
  PtrFifo<Task> runq;
  SimTime busy_since = 0;
  SimTime tail_from = 0;  // kBlocking: when the last task slept
  // events/N collapsed (Dom0::run_worker_after_wake): its item is done at
  // lazy_done, seen by whoever looks next; kNever when none or evented.
  SimTime lazy_done = INT64_MAX;
  // A collapsed worker whose pagevecs hold pages: its drain takes the
  // lru_lock at lock_attempt, a turn not yet taken (Dom0::take_turns);
  // kNever when none. turn_evented: someone needs its completion as an
  // event (materialize), scheduled once the turn is taken.
  SimTime lock_attempt = INT64_MAX;
  bool turn_evented = false;
  Task* upcall_wakes = nullptr;  // an event-channel upcall pending on this vCPU wakes this task
  // The last wake from Xen: IPI sent, send done, IPI landed, idle state left.
  SimTime woke_sent = 0, woke_send_end = 0, woke_arrive = 0, woke_exit = 0;
  // The last lru_lock wait of a drain on this vCPU (empty when uncontended).
  SimTime lock_wait_from = 0, lock_wait_to = 0;
};

constexpr SimTime kNever = INT64_MAX;

// One piece of queued work: lru_add_drain_per_cpu() for one CPU, with the
// flush_work() waiter (if any) to complete when it has run.
struct Work {
  SimTime done_at = kNever;  // when its lru_add_drain_per_cpu() returned
  Task* waiter = nullptr;
  std::uint64_t trace_flow = 0;  // complete() -> waiter, when traced
  // For a waiter's latency parts: when it was queued and, once done, the
  // boundaries of its chain (see LatencyPart): send end, IPI landed, idle
  // state left, worker running, lock wait from / to, done.
  SimTime queued_at = 0;
  SimTime chain[7] = {};
};

class Dom0 {
 public:
  Dom0(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
       const topo::Topology& topo, std::vector<int> pcpu_of_vcpu, std::uint64_t seed);
  ~Dom0();

  engine::Simulator& sim() { return sim_; }
  // Tracing: null (off) or the observer every hook reports to.
  void set_trace(TraceObserver* t);
  TraceObserver* trace() const { return trace_; }
  const std::vector<std::unique_ptr<Task>>& tasks() const { return tasks_; }
  const Costs& costs() const { return c_; }
  Metrics& metrics() { return m_; }
  int num_vcpus() const { return static_cast<int>(cpus_.size()); }
  Vcpu& vcpu(int i) { return cpus_[static_cast<std::size_t>(i)].v; }
  // topo::Topology::distance() of their pCPUs, from the copies in Vcpu.
  static topo::DistanceClass distance(const Vcpu& a, const Vcpu& b) {
    if (a.pcpu == b.pcpu) return topo::DistanceClass::kSameCpu;
    if (a.core == b.core) return topo::DistanceClass::kSameCore;
    if (a.package == b.package) return topo::DistanceClass::kSamePackage;
    return topo::DistanceClass::kOtherPackage;
  }

  // A task bound to vCPU v, initially sleeping (its resume is set when woken).
  Task& create_task(const std::string& name, int v);
  Task& task(int id) { return *tasks_[static_cast<std::size_t>(id)]; }
  // The task's lru_add_drain_all() fan-out state (schedule_on_each_cpu's
  // works), made at its first drain.
  CpuDrain& cpu_drain(Task& t);

  // The current task computes for dt, then `then` runs (same task): inline
  // when nothing else happens meanwhile (Simulator::continue_after).
  void compute(SimTime dt, Action then) { sim_.continue_after(dt, then); }
  // The current task of its vCPU sleeps; `resume` runs when it is woken and
  // scheduled again.
  void sleep(Task& t, Action resume);
  // Make a sleeping task runnable. `waker` is the vCPU whose code wakes it
  // (nullptr: Xen or a timer). Returns the time the waker spends sending the
  // reschedule IPI (0 when none is needed: the target vCPU is running or
  // already being woken). Mirrors try_to_wake_up() -> smp_send_reschedule()
  // -> xen_send_IPI_one() -> EVTCHNOP_send.
  SimTime wake(Task& t, Vcpu* waker, IpiKind kind);
  // Xen raises an event channel bound to dom0 vCPU `v` (e.g. the ioreq
  // event); the upcall's handler on `v` wakes `t`. When `t` lives on `v`
  // this is wake(t, nullptr); otherwise it costs an upcall on `v` (and a
  // Xen wake of `v` first when it is idle) and a reschedule IPI to `t`'s
  // vCPU when that one is idle: drivers/xen/events.c binds every event
  // channel to CPU#0 by default (evtchn_bind_to_user sets no CPU), and
  // evtchn_interrupt() (drivers/xen/evtchn.c) wakes the reader from there.
  void deliver_event(int v, Task& t);

  // --- LRU pagevecs and lru_lock ---
  // Pages now in v's pagevecs (page activity since the last look is drawn
  // lazily: Poisson at the background rate, capped by PAGEVEC_SIZE, a full
  // pagevec drains itself).
  int pagevec_pages(int v);
  void add_pages(int v, double pages);
  // lru_add_drain() on v by its current task: move the pagevecs to the LRU
  // under the lock if non-empty, then `then`. Mirrors drain_cpu_pagevecs().
  void drain_local(Vcpu& v, Action then);

  // --- workqueue (events/N) ---
  // Queue the drain work on CPU cpus[pos], cpus[pos + 1], ... (works
  // indexed by CPU) from the current task of `from`, one after the other:
  // each costs the caller queue_work plus the IPI if the worker's vCPU is
  // idle (schedule_work_on()), inline while nothing else happens meanwhile.
  // Returns -1 when every CPU up to `n` is queued, else the cost the caller
  // must wait, as an event, before it goes on (pos is past the ones queued).
  SimTime queue_drain_works(const int* cpus, std::size_t n, std::size_t& pos, Work* works,
                            Vcpu& from);
  // flush_work()'s check: has the work run by now?
  bool work_done(const Work& w) {
    if (w.done_at > sim_.now()) take_turns(sim_.now());
    return w.done_at <= sim_.now();
  }
  // wait_for_completion(): `waiter` (asleep next) is woken by w's complete().
  void await_work(int cpu, Work& w, Task& waiter);

  // Close the busy intervals of running vCPUs at the end of a run.
  void finish(SimTime end);

 private:
  struct Worker {
    Task* task = nullptr;
    PtrFifo<Work> queue;
    SimTime run_at = 0;  // when the item at the front began
  };
  struct Pagevec {
    int pages = 0;
    double frac = 0;  // fractional pages added deterministically
    // Background page adds to come, a Poisson process at the background
    // rate: the next one's time (ns) and, drawn as far as anyone has looked,
    // the ones after it; a look before `next` draws nothing.
    double next = 0;
    InlineFifo<double> after;
    // The last adds_until(): its time and count, valid until the adds are
    // taken (a forecast, then the take at the same time, counts once).
    SimTime seen_t = -1;
    std::size_t seen_k = 0;
  };
  // The zone lru_lock, a FIFO ticket spinlock (2.6.25+) whose waiters spin
  // (stay busy). FIFO makes it a timeline: a drain that asks at `at` gets
  // it at max(at, free_at) plus the cache line's transfer from the last
  // holder, and holds it for a time its pages fix, so a turn is computed,
  // not evented. Turns are taken in the order they are asked for: a
  // collapsed worker's ask lies ahead of the clock when it is computed, so
  // it waits in `asks` until the clock passes it (take_turns).
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
  void on_wake_done(std::int64_t v);
  void on_switch_done(std::int64_t v);
  void on_block_done(std::int64_t v);
  void on_upcall_done(std::int64_t v);
  void sleep_at(Task& t, Action resume, SimTime at) {
    Vcpu& v = *t.vcpu;
    t.resume = resume;
    t.sleeping = true;
    v.current = nullptr;
    if (tracing(trace_) || !v.runq.empty()) {
      sleep_at_slow(v, at);
      return;
    }
    // Nothing to run: switch to the idle task, which stops the tick
    // (tick_nohz_stop_sched_tick) with TS_POLLING set, then xen_idle()
    // (arch/x86/xen/setup.c, 2.6.31) clears it around safe_halt() =
    // SCHEDOP_block: cpu_idle(), arch/x86/kernel/process_64.c. No event:
    // settle() and wake() read where on that way the vCPU is.
    v.state = Vcpu::State::kBlocking;
    v.tail_from = at;
  }
  SimTime poll_end(const Vcpu& v) const { return v.tail_from + poll_len_; }
  SimTime halt_end(const Vcpu& v) const { return v.tail_from + halt_len_; }
  void settle(Vcpu& v, SimTime now) {
    take_turns(now);
    if (v.lazy_done <= now || v.state == Vcpu::State::kBlocking) settle_lazy(v, now);
  }
  // wake() once settle() has run for t's vCPU.
  SimTime wake_settled(Task& t, Vcpu* waker, IpiKind kind);
  SimTime wake_general(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind);
  [[gnu::always_inline]] inline SimTime wake_collapsed(Vcpu& v, Vcpu* waker, IpiKind kind);
  struct IdleWake {
    SimTime sender_cost;  // the waker's: the IPI's send
    SimTime woken;        // the vCPU runs again
  };
  [[gnu::always_inline]] inline IdleWake wake_idle_vcpu(Vcpu& v, Vcpu* waker, IpiKind kind,
                                                        SimTime now);
  SimTime queue_one(int cpu, Work& w, Vcpu& from, SimTime now);
  // Take the lru_lock turns asked for at or before `now`, in order.
  void take_turns(SimTime now) {
    if (first_ask_ <= now) take_turns_until(now);
  }
  void take_turns_until(SimTime now);
  [[gnu::always_inline]] inline void take_due_turns(SimTime now);
  [[gnu::always_inline]] inline void take_turn(const LockAsk& a, bool fast);
  [[gnu::always_inline]] inline void take_fresh_turn(const LockAsk& a);
  struct PerCpu;
  [[gnu::always_inline]] inline SimTime worker_lock_turn(PerCpu& pc, SimTime at, int pages);
  // (pages + adds) % pagevec_size, without a division in the usual case.
  int wrap_pages(std::size_t p) const {
    const auto size = static_cast<std::size_t>(c_.pagevec_size);
    return static_cast<int>(p < size ? p : p % size);
  }
  [[gnu::always_inline]] inline void ask_lock(SimTime at, int v);
  void on_turn_due(std::int64_t v);
  void settle_lazy(Vcpu& v, SimTime now);
  inline void block(Vcpu& v, SimTime at);
  void trace_block(const Vcpu& v, SimTime at);
  void sleep_at_slow(Vcpu& v, SimTime at);
  SimTime wake_on_way_to_halt(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind);
  [[gnu::always_inline]] inline void run_worker_after_wake(Vcpu& v, SimTime woken);
  void trace_worker_after_wake(Vcpu& v, SimTime woken, SimTime run);
  // Nothing to do unless v holds a collapsed worker's turn or completion.
  void materialize(Vcpu& v) {
    if (v.lock_attempt != kNever || v.lazy_done != kNever) materialize_slow(v);
  }
  void materialize_slow(Vcpu& v);
  void on_collapsed_done(std::int64_t v);
  void worker_run(std::int64_t v);
  void worker_drained(std::int64_t v);
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
  [[gnu::always_inline]] inline int forecast_pages(Pagevec& pv, SimTime t);
  [[gnu::always_inline]] inline int take_pages(Pagevec& pv, SimTime at);
  [[gnu::always_inline]] inline SimTime lock_turn(Vcpu& v, SimTime at, int pages);
  int pagevec_take(int v, SimTime at);
  // NOTE: inlined for speed: an idle target's empty drain runs it 0.7 times per
  // mlock per vCPU (a call cost 1.6 % of the instructions at 1024 vCPUs).
  [[gnu::always_inline]] inline SimTime drain_pagevecs(Vcpu& v, SimTime at, int pages);
  void drain_released(std::int64_t v);

  engine::Simulator& sim_;
  const Costs& c_;
  Hypervisor& xen_;
  Metrics& m_;
  const double page_add_gap_ns_;  // mean gap between background page adds (1 / rate)
  // Sums of costs every target's chain adds (integers: the same in any order).
  const SimTime poll_len_;     // sleep to the end of polling: context_switch + idle_entry
  const SimTime halt_len_;     // ... to SCHEDOP_block's return: + hypercall
  const SimTime wake_to_run_;  // Xen runs the vCPU to its task running: upcall, idle exit, switch
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::unique_ptr<CpuDrain>> cpu_drains_;  // by task id
  // Per vCPU, what a drain touches of it side by side (a drain walks them
  // all, in order): the vCPU, its events/N worker, its pagevecs, and the
  // continuation of a drain_local() on it.
  struct PerCpu {
    Vcpu v;
    Worker wk;
    Pagevec pv;
    Action drain_then;
  };
  std::vector<PerCpu> cpus_;
  // distances_from(): the distance class from vCPU dist_from_ to each.
  const std::uint8_t* distances_from(const Vcpu& from);
  std::vector<std::uint8_t> dist_;
  int dist_from_ = -1;
  LruLock lru_lock_;
  AskQueue asks_;
  std::vector<LockAsk> new_asks_;  // queue_drain_works()'s, not yet in asks_
  std::size_t join_asks(SimTime now, LockAsk* fresh, std::size_t n, bool keep_fresh);
  SimTime first_ask_ = INT64_MAX;  // asks_.front().at, or kNever: the check at every look
  engine::RandomStream rng_;
  TraceObserver* trace_ = nullptr;
  std::vector<std::string> trace_names_;  // per vCPU: "dom0 vCPU N", "run queue vCPU N"
  void trace_runq(const Vcpu& v);
  void trace_exit_idle(const Vcpu& v, SimTime at, SimTime upcall, bool upcall_ran);
  [[gnu::always_inline]] inline void note_wake(Vcpu& v, SimTime sender_cost, topo::DistanceClass d);
  // smp_send_reschedule() -> xen_send_IPI_one() -> EVTCHNOP_send from
  // `from` to `to`, at distance class d: counted (by kind and distance) and
  // traced (trace_ipi), landing on to's pCPU (Xen must wake it) or else on
  // to's vCPU. Returns the sender's cost.
  SimTime send_ipi(IpiKind kind, const Vcpu& from, const Vcpu& to, topo::DistanceClass d,
                   bool to_pcpu) {
    m_.count_ipi(sim_.now(), d, kind);
    if (tracing(trace_)) trace_ipi(from, to, d, to_pcpu);
    return c_.evtchn_send;
  }
  void trace_ipi(const Vcpu& from, const Vcpu& to, topo::DistanceClass d, bool to_pcpu);
};

}  // namespace ipistorm::model
