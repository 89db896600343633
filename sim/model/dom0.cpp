// dom0.cpp: vCPU scheduling, wake-ups, workers, pagevecs and the lru_lock.
#include "model/dom0.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>

#include "model/drain.hpp"

namespace ipistorm::model {

Dom0::Dom0(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
           const topo::Topology& topo, std::vector<int> pcpu_of_vcpu, std::uint64_t seed)
    : sim_(sim),
      c_(c),
      xen_(xen),
      m_(m),
      page_add_gap_ns_(c.dom0_page_adds_per_ns > 0 ? 1.0 / c.dom0_page_adds_per_ns : 0),
      poll_len_(c.context_switch + c.idle_entry),
      halt_len_(c.context_switch + c.idle_entry + c.hypercall),
      wake_to_run_(c.evtchn_upcall + c.idle_exit + c.context_switch),
      rng_(seed, /*stream=*/2) {
  const std::size_t n = pcpu_of_vcpu.size();
  cpus_.resize(n);  // never resized again: tasks keep pointers into it
  for (std::size_t i = 0; i < n; ++i) {
    cpus_[i].v.id = static_cast<int>(i);
    cpus_[i].v.pcpu = pcpu_of_vcpu[i];
    cpus_[i].v.core = topo.cpu(pcpu_of_vcpu[i]).core;
    cpus_[i].v.package = topo.cpu(pcpu_of_vcpu[i]).package;
  }
  m_.wakes_by_cstate.assign(n, {});
  for (PerCpu& pc : cpus_)
    pc.pv.next = c_.dom0_page_adds_per_ns > 0 ? rng_.fast_exponential(page_add_gap_ns_)
                                              : std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    Task& t = create_task("events/" + std::to_string(i), static_cast<int>(i));
    cpus_[i].wk.task = &t;
    t.resume = Action::bind<&Dom0::worker_run>(this, static_cast<std::int64_t>(i));
  }
}

Dom0::~Dom0() = default;

void Dom0::set_trace(TraceObserver* t) {
  trace_ = t;
  if (!trace_) return;
  const std::size_t n = cpus_.size();
  trace_names_.assign(2 * n, {});
  for (std::size_t i = 0; i < n; ++i) {
    trace_names_[i] = "dom0 vCPU " + std::to_string(i);
    trace_names_[n + i] = "run queue vCPU " + std::to_string(i);
    // Every vCPU starts in the idle task (blocked in Xen).
    if (cpus_[i].v.state == Vcpu::State::kIdle)
      trace_->begin(TraceTrack::vcpu(static_cast<int>(i)), sim_.now(), "idle", TraceCat::kSched);
  }
}

void Dom0::trace_runq(const Vcpu& v) {
  trace_->counter(TraceTrack::kDom0, trace_names_[cpus_.size() + static_cast<std::size_t>(v.id)],
                  sim_.now(), static_cast<double>(v.runq.size()));
}

Task& Dom0::create_task(const std::string& name, int v) {
  auto t = std::make_unique<Task>();
  t->name = name;
  t->id = static_cast<int>(tasks_.size());
  t->vcpu = &vcpu(v);
  tasks_.push_back(std::move(t));
  return *tasks_.back();
}

CpuDrain& Dom0::cpu_drain(Task& t) {
  const auto i = static_cast<std::size_t>(t.id);
  if (cpu_drains_.size() <= i) cpu_drains_.resize(i + 1);
  if (!cpu_drains_[i]) cpu_drains_[i] = std::make_unique<CpuDrain>(*this, t);
  return *cpu_drains_[i];
}

// ---- scheduling -------------------------------------------------------------

void Dom0::sleep(Task& t, Action resume) { sleep_at(t, resume, sim_.now()); }

// sleep_at() when tracing or when another task is queued on v.
void Dom0::sleep_at_slow(Vcpu& v, SimTime at) {
  if (tracing(trace_)) {
    const TraceTrack tr = TraceTrack::vcpu(v.id);
    trace_->end(tr, at);  // the task's run slice
    if (v.runq.empty()) {
      trace_->begin(tr, at, "idle", TraceCat::kSched);
      trace_->slice(tr, at, at + poll_len_, "idle entry", TraceCat::kSched);
    } else {
      trace_->begin(tr, at, "context switch", TraceCat::kSched);
    }
  }
  if (!v.runq.empty()) {
    v.state = Vcpu::State::kRunning;
    sim_.at(at + c_.context_switch, Action::bind<&Dom0::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kBlocking;  // see sleep_at()
  v.tail_from = at;
}

// Where the idle task's way to halt has got to by `now`: blocked in Xen once
// SCHEDOP_block has returned with nothing pending. A collapsed worker whose
// item is done by `now` sleeps first.
void Dom0::settle_lazy(Vcpu& v, SimTime now) {
  if (v.lazy_done <= now) {
    Worker& wk = cpus_[static_cast<std::size_t>(v.id)].wk;
    const SimTime done = v.lazy_done;
    v.lazy_done = kNever;
    wk.queue.pop_front();  // nobody waits for it (a waiter would have evented it)
    sleep_at(*wk.task, Action::bind<&Dom0::worker_run>(this, v.id), done);
  }
  if (v.state == Vcpu::State::kBlocking && halt_end(v) <= now) block(v, halt_end(v));
}

[[gnu::always_inline]] inline void Dom0::block(Vcpu& v, SimTime at) {
  v.state = Vcpu::State::kIdle;
  m_.dom0_busy_ns.add_interval(v.busy_since, at);
  if (tracing(trace_)) trace_block(v, at);
  xen_.pcpu_goes_idle(v.pcpu, at);
}

void Dom0::trace_block(const Vcpu& v, SimTime at) {
  trace_->slice(TraceTrack::vcpu(v.id), poll_end(v), at, "SCHEDOP_block", TraceCat::kXen);
  trace_->slice(TraceTrack::pcpu(v.pcpu), v.busy_since, at,
                trace_names_[static_cast<std::size_t>(v.id)], TraceCat::kSched);
}

// A task made runnable on a vCPU whose idle task is on its way to halt.
SimTime Dom0::wake_on_way_to_halt(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind) {
  v.runq.push_back(&t);
  if (tracing(trace_)) trace_runq(v);
  v.state = Vcpu::State::kRunning;
  const SimTime now = sim_.now(), t1 = poll_end(v), t2 = halt_end(v);
  if (now < t1) {
    // Still polling: resched_task() sees TS_POLLING and sends no IPI;
    // cpu_idle()'s need_resched() check at t1 leaves the idle loop.
    if (tracing(trace_)) trace_exit_idle(v, t1, 0, false);
    sim_.at(t1 + c_.idle_exit + c_.context_switch, Action::bind<&Dom0::on_switch_done>(this, v.id));
    return 0;
  }
  // TS_POLLING is clear around SCHEDOP_block: the IPI is sent, but the
  // vCPU needs no wake-up from Xen: the block returns at t2 with the event
  // pending (do_block() checks local_events_need_delivery()), the upcall
  // runs, the idle loop exits.
  SimTime cost = 0;
  if (waker != nullptr && waker != &v) cost = send_ipi(kind, *waker, v, distance(*waker, v), false);
  if (tracing(trace_)) {
    trace_->slice(TraceTrack::vcpu(v.id), t1, t2, "SCHEDOP_block", TraceCat::kXen);
    trace_exit_idle(v, t2, c_.evtchn_upcall, true);
  }
  sim_.at(t2 + c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
          Action::bind<&Dom0::on_switch_done>(this, v.id));
  return cost;
}

void Dom0::on_block_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  if (!v.runq.empty()) {
    // Woken while TS_POLLING was clear: the reschedule IPI's event is
    // pending, so SCHEDOP_block returns at once (Xen's do_block() checks
    // local_events_need_delivery()); the upcall runs, the idle loop exits.
    v.state = Vcpu::State::kRunning;
    if (tracing(trace_)) trace_exit_idle(v, sim_.now(), c_.evtchn_upcall, true);
    sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
               Action::bind<&Dom0::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kIdle;
  m_.dom0_busy_ns.add_interval(v.busy_since, sim_.now());
  if (tracing(trace_))
    trace_->slice(TraceTrack::pcpu(v.pcpu), v.busy_since, sim_.now(),
                  trace_names_[static_cast<std::size_t>(v.id)], TraceCat::kSched);
  xen_.pcpu_goes_idle(v.pcpu, sim_.now());
}

// Per vCPU woken from Xen: the idle state it left, and the boundaries the
// latency parts split a wait for it along.
[[gnu::always_inline]] inline void Dom0::note_wake(Vcpu& v, SimTime sender_cost,
                                                   topo::DistanceClass d) {
  const int cstate = xen_.idle_state(v.pcpu);
  ++m_.wakes_by_cstate[static_cast<std::size_t>(v.id)][static_cast<std::size_t>(cstate)];
  v.woke_sent = sim_.now();
  v.woke_send_end = v.woke_sent + sender_cost;
  v.woke_arrive = v.woke_send_end + c_.ipi[static_cast<int>(d)];
  v.woke_exit = v.woke_arrive + c_.cstate_exit[cstate];
}

// The reschedule IPI (tracing): the sender's EVTCHNOP_send and a flow to
// where the IPI lands, the target's pCPU, where Xen's wake-up begins, or
// its vCPU when no wake-up from Xen is needed.
void Dom0::trace_ipi(const Vcpu& from, const Vcpu& to, topo::DistanceClass d, bool to_pcpu) {
  const SimTime now = sim_.now(), sent = now + c_.evtchn_send;
  trace_->slice(TraceTrack::vcpu(from.id), now, sent, "EVTCHNOP_send (IPI)", TraceCat::kXen);
  const std::uint64_t flow = trace_->flow_start(TraceTrack::vcpu(from.id), now, TraceFlow::kIpi);
  if (to_pcpu)
    trace_->flow_end(flow, TraceTrack::pcpu(to.pcpu), sent + c_.ipi[static_cast<int>(d)]);
  else
    trace_->flow_end(flow, TraceTrack::vcpu(to.id), sent);
}

// What on_wake_done, on_switch_done and worker_run would do for events/N
// woken from idle, computed at the wake (no other task is on this vCPU and
// no event channel is bound to it, so nothing can change it meanwhile):
// Xen runs the vCPU at `woken`, the upcall, idle exit and the switch follow,
// then lru_add_drain(). Pagevecs with pages: the drain asks for the
// lru_lock at `run`, its turn taken once the clock passes it (take_turns).
// Either way the item's completion is seen lazily (settle, materialize).
inline void Dom0::run_worker_after_wake(Vcpu& v, SimTime woken) {
  Worker& wk = cpus_[static_cast<std::size_t>(v.id)].wk;
  v.state = Vcpu::State::kRunning;
  v.busy_since = woken - c_.xen_context_switch;  // see on_wake_done
  v.current = wk.task;
  const SimTime run = woken + wake_to_run_;
  wk.run_at = run;
  if (tracing(trace_)) trace_worker_after_wake(v, woken, run);
  if (forecast_pages(cpus_[static_cast<std::size_t>(v.id)].pv, run) > 0) {
    ask_lock(run, v.id);
    return;
  }
  const SimTime done = drain_pagevecs(v, run, 0);
  wk.queue.front()->done_at = done;
  v.lazy_done = done;
}

void Dom0::trace_worker_after_wake(Vcpu& v, SimTime woken, SimTime run) {
  const TraceTrack tr = TraceTrack::vcpu(v.id);
  const std::string& q = trace_names_[cpus_.size() + static_cast<std::size_t>(v.id)];
  trace_->counter(TraceTrack::kDom0, q, sim_.now(), static_cast<double>(v.runq.size() + 1));
  trace_exit_idle(v, woken, c_.evtchn_upcall, true);
  trace_->counter(TraceTrack::kDom0, q, run, static_cast<double>(v.runq.size()));
  trace_->end(tr, run);  // idle
  trace_->begin(tr, run, v.current->name, TraceCat::kSched);
}

// An idle vCPU woken at `now`: the reschedule IPI from the waker (none for
// Xen's own event: an ioreq, a timer), the wake counts, and the time Xen
// has the vCPU running again (vcpu_wake_latency()). The waker's cost is the
// IPI's send.
inline Dom0::IdleWake Dom0::wake_idle_vcpu(Vcpu& v, Vcpu* waker, IpiKind kind, SimTime now) {
  ++m_.vcpu_wakes;
  SimTime sender_cost = 0;
  topo::DistanceClass d = topo::DistanceClass::kSamePackage;  // Xen's own event (ioreq, timer)
  if (waker != nullptr) {
    d = distance(*waker, v);
    sender_cost = send_ipi(kind, *waker, v, d, true);
  }
  note_wake(v, sender_cost, d);
  const SimTime woken = now + sender_cost + xen_.vcpu_wake_latency(v.pcpu, d, now + sender_cost);
  return {sender_cost, woken};
}

// wake() of events/N on idle v for its one item, v bound to no event
// channel: the general path's kIdle case, its chain computed
// (run_worker_after_wake) instead of evented. Inline: every idle drain
// target takes it.
inline SimTime Dom0::wake_collapsed(Vcpu& v, Vcpu* waker, IpiKind kind) {
  const SimTime now = sim_.now();
  const auto [sender_cost, woken] = wake_idle_vcpu(v, waker, kind, now);
  run_worker_after_wake(v, woken);
  return sender_cost;
}

SimTime Dom0::wake(Task& t, Vcpu* waker, IpiKind kind) {
  settle(*t.vcpu, sim_.now());
  return wake_settled(t, waker, kind);
}

SimTime Dom0::wake_settled(Task& t, Vcpu* waker, IpiKind kind) {
  if (!t.sleeping) return 0;
  t.sleeping = false;
  Vcpu& v = *t.vcpu;
  // resched_task() (kernel/sched.c, 2.6.31) sends the IPI only
  // `if (!tsk_is_polling(p))`: an idle task still polling on its way to
  // halt sees need_resched by itself.
  if (v.state == Vcpu::State::kBlocking) return wake_on_way_to_halt(v, t, waker, kind);
  const Worker& wk = cpus_[static_cast<std::size_t>(v.id)].wk;
  // events/N woken from idle for one item, on a vCPU no event channel is
  // bound to: its chain up to the drain is computed here (no event).
  if (v.state == Vcpu::State::kIdle && &t == wk.task && v.id != c_.dm_evtchn_vcpu &&
      wk.queue.size() == 1)
    return wake_collapsed(v, waker, kind);
  return wake_general(v, t, waker, kind);
}

// wake() of a task the collapsed path does not take.
SimTime Dom0::wake_general(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind) {
  const SimTime now = sim_.now();
  v.runq.push_back(&t);
  if (tracing(trace_)) trace_runq(v);
  if (v.state == Vcpu::State::kHalting && waker != nullptr && waker != &v) {
    // TS_POLLING is clear around SCHEDOP_block: the IPI is sent, but the
    // vCPU needs no wake-up from Xen (its block returns at once).
    return send_ipi(kind, *waker, v, distance(*waker, v), false);
  }
  if (v.state != Vcpu::State::kIdle) {  // running or already waking
    materialize(v);                     // a collapsed worker goes on to this task when done
    return 0;
  }
  v.state = Vcpu::State::kWaking;
  const auto [sender_cost, woken] = wake_idle_vcpu(v, waker, kind, now);
  sim_.at(woken, Action::bind<&Dom0::on_wake_done>(this, v.id));
  return sender_cost;
}

// Something needs a collapsed worker's completion as an event (a waiter to
// wake, more work, another task to switch to): schedule it at done_at.
// Every caller has taken the turns asked for up to now (settle, work_done).
void Dom0::materialize_slow(Vcpu& v) {
  if (v.lock_attempt != kNever) {  // its turn lies ahead: the completion follows it
    if (!v.turn_evented) {
      v.turn_evented = true;
      sim_.at(v.lock_attempt, Action::bind<&Dom0::on_turn_due>(this, v.id));
    }
    return;
  }
  if (v.lazy_done == kNever) return;
  sim_.at(v.lazy_done, Action::bind<&Dom0::on_collapsed_done>(this, v.id));
  v.lazy_done = kNever;
}

void Dom0::on_collapsed_done(std::int64_t id) { worker_drained(id); }

void Dom0::await_work(int cpu, Work& w, Task& waiter) {
  w.waiter = &waiter;
  materialize(vcpu(cpu));
}

void Dom0::deliver_event(int id, Task& t) {
  Vcpu& v = vcpu(id);
  settle(v, sim_.now());
  if (t.vcpu == &v) {  // bound where the reader runs: Xen wakes it directly
    wake(t, nullptr, IpiKind::kOther);
    return;
  }
  if (!t.sleeping) return;                // the reader is awake: it will find the event itself
  if (v.upcall_wakes != nullptr) return;  // an upcall is already pending on v
  v.upcall_wakes = &t;
  if (v.state == Vcpu::State::kIdle) {
    // Xen wakes v for the event; on_wake_done runs the upcall.
    v.state = Vcpu::State::kWaking;
    ++m_.vcpu_wakes;
    note_wake(v, 0, topo::DistanceClass::kSamePackage);
    const SimTime latency =
        xen_.vcpu_wake_latency(v.pcpu, topo::DistanceClass::kSamePackage, sim_.now());
    sim_.at(sim_.now() + latency, Action::bind<&Dom0::on_wake_done>(this, v.id));
    return;
  }
  if (v.state == Vcpu::State::kWaking) return;  // on_wake_done runs the upcall
  // v is busy (or on its way to halt): the upcall interrupts what runs
  // there. Its time is not
  // charged to the interrupted task (docs/model.md "Model limits").
  if (tracing(trace_))
    trace_->instant(TraceTrack::vcpu(v.id), sim_.now(), "evtchn upcall (interrupt)");
  sim_.after(c_.evtchn_upcall, Action::bind<&Dom0::on_upcall_done>(this, v.id));
}

void Dom0::on_upcall_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  Task* t = v.upcall_wakes;
  v.upcall_wakes = nullptr;
  wake(*t, &v, IpiKind::kOther);
}

void Dom0::on_wake_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  v.state = Vcpu::State::kRunning;
  // xentop's dom0 CPU is runstate-running time (xen/common/domctl.c), and
  // schedule() (xen/common/schedule.c) marks the vCPU running before its
  // context_switch(): the switch-in counts as dom0 time.
  v.busy_since = sim_.now() - c_.xen_context_switch;
  if (v.upcall_wakes != nullptr) {
    // Woken for an event whose handler wakes a task elsewhere: the upcall
    // runs in the idle task; then the idle loop exits if there is work,
    // else it halts again.
    Task* t = v.upcall_wakes;
    v.upcall_wakes = nullptr;
    const SimTime cost = c_.evtchn_upcall + wake(*t, &v, IpiKind::kOther);
    if (!v.runq.empty()) {
      if (tracing(trace_)) trace_exit_idle(v, sim_.now(), cost, true);
      sim_.after(cost + c_.idle_exit + c_.context_switch,
                 Action::bind<&Dom0::on_switch_done>(this, v.id));
      return;
    }
    v.state = Vcpu::State::kHalting;
    if (tracing(trace_)) {
      const TraceTrack tr = TraceTrack::vcpu(v.id);
      trace_->slice(tr, sim_.now(), sim_.now() + cost, "evtchn upcall", TraceCat::kKernel);
      trace_->slice(tr, sim_.now() + cost, sim_.now() + cost + c_.hypercall, "SCHEDOP_block",
                    TraceCat::kXen);
    }
    sim_.after(cost + c_.hypercall, Action::bind<&Dom0::on_block_done>(this, v.id));
    return;
  }
  if (tracing(trace_)) trace_exit_idle(v, sim_.now(), c_.evtchn_upcall, true);
  // The event upcall runs first, the idle loop restarts the tick, then the
  // scheduler switches from idle to the woken task.
  sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
             Action::bind<&Dom0::on_switch_done>(this, v.id));
}

// The idle loop leaving for a task, from `at`: the event upcall (`upcall`
// long; none when the idle task saw the work while polling), idle exit,
// the switch to the task (tracing only).
void Dom0::trace_exit_idle(const Vcpu& v, SimTime at, SimTime upcall, bool upcall_ran) {
  const TraceTrack tr = TraceTrack::vcpu(v.id);
  if (upcall_ran) trace_->slice(tr, at, at + upcall, "evtchn upcall", TraceCat::kKernel);
  const SimTime t1 = at + upcall, t2 = t1 + c_.idle_exit;
  trace_->slice(tr, t1, t2, "idle exit", TraceCat::kSched);
  trace_->slice(tr, t2, t2 + c_.context_switch, "context switch", TraceCat::kSched);
}

void Dom0::on_switch_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  Task* t = v.runq.front();
  v.runq.pop_front();
  v.current = t;
  if (tracing(trace_)) {
    trace_runq(v);
    trace_->end(TraceTrack::vcpu(v.id), sim_.now());  // idle or the context switch
    trace_->begin(TraceTrack::vcpu(v.id), sim_.now(), t->name, TraceCat::kSched);
  }
  t->resume();
}

void Dom0::finish(SimTime end) {
  take_turns(end);
  if (tracing(trace_))
    for (; !lru_lock_.handoffs.empty() && lru_lock_.handoffs.front() <= end;
         lru_lock_.handoffs.pop_front())
      trace_->counter(TraceTrack::kDom0, "lru_lock waiters", lru_lock_.handoffs.front(),
                      static_cast<double>(lru_lock_.handoffs.size() - 1));
  for (PerCpu& pc : cpus_) {
    Vcpu& v = pc.v;
    settle(v, end);
    if (trace_ && v.state == Vcpu::State::kBlocking && poll_end(v) <= end)
      trace_->slice(TraceTrack::vcpu(v.id), poll_end(v), halt_end(v), "SCHEDOP_block",
                    TraceCat::kXen);
    if (v.state != Vcpu::State::kIdle && v.busy_since < end) {
      m_.dom0_busy_ns.add_interval(v.busy_since, end);
      if (tracing(trace_))
        trace_->slice(TraceTrack::pcpu(v.pcpu), v.busy_since, end,
                      trace_names_[static_cast<std::size_t>(v.id)], TraceCat::kSched);
    }
  }
}

// ---- pagevecs -----------------------------------------------------------------

// The background adds at or before t (drawing the next ones as needed): a
// Poisson process at the background rate. A full pagevec drains itself
// (pagevec_add returns 0 -> __pagevec_lru_add), hence the counts mod
// PAGEVEC_SIZE.
// adds_until() past its quick answers: count the drawn ones, draw more.
std::size_t Dom0::adds_drawn_until(Pagevec& pv, SimTime t) {
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

int Dom0::pagevec_pages(int id) {
  take_turns(sim_.now());  // a drain asked for before now empties them first
  return pagevec_take(id, sim_.now());
}

// The pages in v's pagevecs at `at` (no earlier than the last look).
int Dom0::pagevec_take(int id, SimTime at) {
  return take_pages(cpus_[static_cast<std::size_t>(id)].pv, at);
}

inline int Dom0::take_pages(Pagevec& pv, SimTime at) {
  if (const std::size_t k = adds_until(pv, at); k > 0) {
    pv.next = pv.after[k - 1];
    pv.after.pop_front(k);
    pv.seen_t = -1;
    pv.pages = wrap_pages(static_cast<std::size_t>(pv.pages) + k);
  }
  return pv.pages;
}

// The pages v's pagevecs will hold at t > now if only background activity
// adds to them (no task runs on v before t).
inline int Dom0::forecast_pages(Pagevec& pv, SimTime t) {
  if (pv.next > static_cast<double>(t)) return pv.pages;  // pages < pagevec_size: no wrap
  return wrap_pages(static_cast<std::size_t>(pv.pages) + adds_until(pv, t));
}

void Dom0::add_pages(int id, double pages) {
  pagevec_pages(id);  // account background activity up to now first
  Pagevec& pv = cpus_[static_cast<std::size_t>(id)].pv;
  pv.frac += pages;
  const double whole = std::floor(pv.frac);
  pv.frac -= whole;
  pv.pages = (pv.pages + static_cast<int>(whole)) % c_.pagevec_size;
}

void Dom0::drain_local(Vcpu& v, Action then) {
  const int pages = pagevec_pages(v.id);  // takes the turns asked for before now
  const SimTime done = drain_pagevecs(v, sim_.now(), pages);
  if (pages == 0) {
    compute(c_.drain_empty, then);
    return;
  }
  cpus_[static_cast<std::size_t>(v.id)].drain_then = then;
  sim_.at(done, Action::bind<&Dom0::drain_released>(this, v.id));
}

void Dom0::drain_released(std::int64_t id) { cpus_[static_cast<std::size_t>(id)].drain_then(); }

// lru_add_drain() on v from `at`, its pagevecs holding `pages` (taken by the
// caller): nothing to move, drain_empty; else under the lru_lock, its turn
// taken now. Returns when it is done; every drain, evented or collapsed,
// is this one piece.
inline SimTime Dom0::drain_pagevecs(Vcpu& v, SimTime at, int pages) {
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

// ---- lru_lock: FIFO ticket spinlock (2.6.25+), waiters spin (stay busy) ----

// v's drain asks for the lock at `at` (no earlier than every turn before
// it) to move `pages` to the LRU under it (____pagevec_lru_add, mm/swap.c).
// Returns when it releases the lock. Nothing can touch v or the holder
// meanwhile (a waiter only spins), so neither the wait, the hand-off nor
// the hold is an event: the caller schedules what follows the release.
inline SimTime Dom0::lock_turn(Vcpu& v, SimTime at, int pages) {
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

// A collapsed worker will drain pages from `at` on: its turn waits until
// the clock passes `at`, since turns asked for meanwhile may come first.
// Asks mostly arrive in time order (their wake latencies differ little),
// so the insertion walks back a few places at most.
inline void Dom0::ask_lock(SimTime at, int id) {
  vcpu(id).lock_attempt = at;
  asks_.insert({at, id, 0});
  first_ask_ = asks_.front().at;
}

// The collapsed workers' turns asked for at or before `now`, in order: each
// drain as drain_local() would run it at its ask (worker_run's event there,
// drain_released's at its release), its completion left for the next look
// (lazy_done) or scheduled when someone asked for it (materialize).
void Dom0::take_turns_until(SimTime now) { take_due_turns(now); }

// take_turns_until(), inline in the drain's loop over CPUs (an ask comes
// due every few targets there).
inline void Dom0::take_due_turns(SimTime now) {
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
// drain_local() would run it there, its completion left for the next look
// (lazy_done) or scheduled when someone asked for it (materialize).
inline void Dom0::take_turn(const LockAsk& a, bool fast) {
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
    sim_.at(done, Action::bind<&Dom0::on_collapsed_done>(this, v.id));
  } else {
    v.lazy_done = done;
  }
}

// take_turn() of an ask the drain loop made, joined now: nothing has looked
// at its pagevecs since its forecast (the loop looks at each target's own
// vCPU only, once; a general target joins the asks first), so the forecast's
// count stands (seen_k, its draws past a.at) with its pages, a.pages; no one
// has asked for its completion; no tracing (the loop makes none then).
inline void Dom0::take_fresh_turn(const LockAsk& a) {
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
inline SimTime Dom0::worker_lock_turn(PerCpu& pc, SimTime at, int pages) {
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
void Dom0::on_turn_due(std::int64_t) { take_turns(sim_.now()); }

// ---- workqueue ------------------------------------------------------------------

// schedule_work_on(cpu) at `now`: settle the target, queue the item, wake
// its worker.
SimTime Dom0::queue_one(int cpu, Work& w, Vcpu& from, SimTime now) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(cpu)];
  Worker& wk = pc.wk;
  Vcpu& v = pc.v;
  settle(v, now);
  w.done_at = kNever;
  w.waiter = nullptr;
  w.queued_at = now;
  wk.queue.push_back(&w);
  materialize(v);  // a collapsed worker runs this item after its own
  const SimTime send = wake_settled(*wk.task, &from, IpiKind::kDrainTarget);  // settled above
  if (tracing(trace_))
    trace_->slice(TraceTrack::vcpu(from.id), now + send, now + send + c_.queue_work, "queue_work",
                  TraceCat::kKernel);
  return c_.queue_work + send;
}

// The distance class from `from` to every vCPU, by vCPU id: made for the
// last caller that drained, remade when another drains.
const std::uint8_t* Dom0::distances_from(const Vcpu& from) {
  if (dist_from_ != from.id) {
    dist_.resize(cpus_.size());
    for (std::size_t i = 0; i < cpus_.size(); ++i)
      dist_[i] = static_cast<std::uint8_t>(distance(from, cpus_[i].v));
    dist_from_ = from.id;
  }
  return dist_.data();
}

// The drain's loop over CPUs, its costs and the caller's distances read
// once. The usual target, an idle vCPU whose worker's last item was done
// lazily (its sleep at lazy_done and the vCPU's halt after it both before
// now), nothing else on it and no event channel bound to it, is queued
// inline here: what settle(), materialize(), wake_settled(),
// wake_collapsed() and run_worker_after_wake() do for it, in their order,
// without their tests. The worker stays the vCPU's current task and stays
// awake (it sleeps and is woken at once; its resume is worker_run, always),
// its old item leaves the queue and the new one takes its place. The
// counts every such target adds to (wakes, IPIs, empty drains) are summed
// here and added once (integers: the same sums). Every other target, and
// every target while tracing, takes queue_one().
SimTime Dom0::queue_drain_works(const int* cpus, std::size_t n, std::size_t& pos_io, Work* works,
                                Vcpu& from) {
  const bool fast = !tracing(trace_);
  Metrics& m = m_;
  const std::uint8_t* dist = distances_from(from);
  std::array<std::uint64_t, 4>* wakes_by_cstate = m.wakes_by_cstate.data();
  PerCpu* const per_cpu = cpus_.data();
  const SimTime queue_work = c_.queue_work, send = c_.evtchn_send;
  const SimTime halt_len = halt_len_, wake_to_run = wake_to_run_;
  const SimTime xen_switch = c_.xen_context_switch, drain_empty = c_.drain_empty;
  // Sums of the inline targets' counts, added at the end.
  std::uint64_t wakes = 0, empty_drains = 0;
  std::uint64_t ipis_by_distance[topo::kDistanceClasses] = {};
  // Their reschedule IPIs of one window of m.resched_ipis: from ipi_t, before ipi_end.
  SimTime ipi_t = 0, ipi_end = -1;
  double ipis_in_window = 0;
  // Their busy time (ns, an integer: the same sum in any order) within one
  // window [busy_lo, busy_hi) of m.dom0_busy_ns.
  SimTime busy_lo = 0, busy_hi = -1, busy_ns = 0;
  // Their asks for the lru_lock, in the order made (new_asks_), join the
  // queue before anything can take a turn or look at one: before a
  // general target, when a turn of the queue comes due, and when the loop
  // ends. Until then no one can: turns are taken in time order whenever
  // they are taken (a turn draws nothing, the forecast drew past its time,
  // and schedules nothing: no one asked for its completion), and the
  // inline targets look only at their own vCPUs.
  if (new_asks_.size() < n - pos_io) new_asks_.resize(n - pos_io);
  LockAsk* const fresh = new_asks_.data();
  std::size_t fresh_n = 0;
  std::size_t pos = pos_io;
  SimTime now = sim_.now();
  SimTime last_now = now;  // the last target's time: its settle() took the turns up to it
  SimTime wait = -1;
  while (pos < n) {
    last_now = now;
    const int cpu = cpus[pos++];
    Work& w = works[cpu];
    // The turns settle() would take: those asked before the loop as they
    // come due (with the loop's own up to then).
    if (first_ask_ <= now) fresh_n = join_asks(now, fresh, fresh_n, true);
    PerCpu& pc = per_cpu[cpu];
    Vcpu& v = pc.v;
    SimTime cost;
    // lazy_done is set only for a collapsed worker (run_worker_after_wake(),
    // take_due_turns(), below) with nothing else on its vCPU, and cleared
    // (materialize()) as soon as anything else comes to it: a lazy worker's
    // vCPU has no ask, no other item, no other task, no event channel.
    if (fast && v.lazy_done <= now - halt_len) {
      assert(v.lock_attempt == kNever && pc.wk.queue.size() == 1 && v.runq.empty() &&
             cpu != c_.dm_evtchn_vcpu && v.current == pc.wk.task && !v.current->sleeping);
      // settle(): the worker slept at `done`, the vCPU halted after it.
      // (tail_from, read only on the way to halt, is not kept: the vCPU is
      // running again below)
      const SimTime halted = v.lazy_done + halt_len;
      const SimTime busy_since = v.busy_since;
      if (busy_since >= busy_lo && halted <= busy_hi) {
        busy_ns += halted - busy_since;  // add_interval(busy_since, halted), summed
      } else {
        if (busy_ns > 0) m.dom0_busy_ns.add_count(busy_lo, static_cast<double>(busy_ns));
        busy_lo = m.dom0_busy_ns.window_start(busy_since);
        busy_hi = m.dom0_busy_ns.window_end(busy_since);
        busy_ns = 0;
        if (halted <= busy_hi)
          busy_ns = halted - busy_since;
        else
          m.dom0_busy_ns.add_interval(busy_since, halted);
      }
      // wake_collapsed(): the IPI, the pCPU's idle state and Xen's wake-up
      // (pcpu_goes_idle() at the halt, note_wake(), vcpu_wake_latency()).
      const auto d = static_cast<topo::DistanceClass>(dist[cpu]);
      ++wakes;
      ++ipis_by_distance[static_cast<int>(d)];
      if (now < ipi_end) {
        ipis_in_window += 1;
      } else {
        if (ipis_in_window > 0) m.resched_ipis.add_count(ipi_t, ipis_in_window);
        ipi_t = now;
        ipi_end = m.resched_ipis.window_end(now);
        ipis_in_window = 1;
      }
      const SimTime sent = now + send;
      int cstate;
      const SimTime latency = xen_.idle_then_wake(v.pcpu, halted, d, sent, cstate);
      ++wakes_by_cstate[cpu][static_cast<std::size_t>(cstate)];
      v.woke_sent = now;
      v.woke_send_end = sent;
      v.woke_arrive = sent + c_.ipi[static_cast<int>(d)];
      v.woke_exit = v.woke_arrive + c_.cstate_exit[cstate];
      // run_worker_after_wake(): the worker runs the item at `run`.
      const SimTime woken = sent + latency;
      v.state = Vcpu::State::kRunning;
      v.busy_since = woken - xen_switch;
      const SimTime run = woken + wake_to_run;
      pc.wk.run_at = run;
      w.waiter = nullptr;
      w.queued_at = now;
      pc.wk.queue.replace_front(&w);
      if (const int pages = forecast_pages(pc.pv, run); pages > 0) {
        w.done_at = kNever;
        v.lazy_done = kNever;
        v.lock_attempt = run;           // ask_lock(run, cpu), joined later
        LockAsk& a = fresh[fresh_n++];  // (field by field: no wide load of narrow stores)
        a.at = run;
        a.vcpu = cpu;
        a.pages = pages;
      } else {
        // drain_pagevecs(v, run, 0); the worker has no latency parts
        ++empty_drains;
        v.lock_wait_from = v.lock_wait_to = run;
        w.done_at = v.lazy_done = run + drain_empty;
      }
      cost = queue_work + send;
    } else {
      fresh_n = join_asks(now, fresh, fresh_n, false);
      cost = queue_one(cpu, w, from, now);
    }
    if (!sim_.advance(now + cost)) {
      wait = cost;
      break;
    }
    now += cost;
  }
  if (pos != pos_io) join_asks(last_now, fresh, fresh_n, false);
  pos_io = pos;
  if (wakes > 0) {
    m.vcpu_wakes += wakes;
    m.ipis_total += wakes;
    m.ipis_by_kind[static_cast<int>(IpiKind::kDrainTarget)] += wakes;
    for (int d = 0; d < topo::kDistanceClasses; ++d) m.ipis_by_distance[d] += ipis_by_distance[d];
    m.resched_ipis.add_count(ipi_t, ipis_in_window);
    m.drains_local += empty_drains;
  }
  if (busy_ns > 0) m.dom0_busy_ns.add_count(busy_lo, static_cast<double>(busy_ns));
  return wait;
}

// The turns asked for at or before `now` are taken, as take_turns(now)
// would, the drain loop's new asks, fresh[0, n), with the queue's. The new
// ones, made in order of their CPUs, are sorted by time (stably: a few
// places at most), then taken in one merge with the queue's, the queue's
// first at equal times (asked first); those after `now` join the queue
// (ask_lock()), or stay the loop's (keep_fresh: no one else can look
// before the loop's next join). Returns how many stay the loop's.
std::size_t Dom0::join_asks(SimTime now, LockAsk* fresh, std::size_t n, bool keep_fresh) {
  if (n == 0) {
    take_turns(now);
    return 0;
  }
  for (std::size_t i = 1; i < n; ++i) {
    const LockAsk x = fresh[i];
    std::size_t j = i;
    for (; j > 0 && fresh[j - 1].at > x.at; --j) fresh[j] = fresh[j - 1];
    fresh[j] = x;
  }
  const bool fast = !tracing(trace_);
  std::size_t i = 0;
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

// Mirrors worker_thread()/run_workqueue(): run queued work items in order,
// then sleep until more work arrives.
void Dom0::worker_run(std::int64_t id) {
  Worker& wk = cpus_[static_cast<std::size_t>(id)].wk;
  if (wk.queue.empty()) {
    sleep(*wk.task, Action::bind<&Dom0::worker_run>(this, id));
    return;
  }
  wk.run_at = sim_.now();
  drain_local(vcpu(static_cast<int>(id)), Action::bind<&Dom0::worker_drained>(this, id));
}

void Dom0::worker_drained(std::int64_t id) {
  Worker& wk = cpus_[static_cast<std::size_t>(id)].wk;
  Work* w = wk.queue.front();
  wk.queue.pop_front();
  w->done_at = sim_.now();
  SimTime cost = 0;
  if (w->waiter != nullptr) {  // the flush barrier: complete() wakes the caller
    Task* waiter = w->waiter;
    w->waiter = nullptr;
    if (waiter->latency) {
      // The chain the waiter's sleep is split along, each boundary no
      // earlier than the one before (an older wake counts from the queueing).
      const Vcpu& v = vcpu(static_cast<int>(id));
      const SimTime b[7] = {v.woke_send_end,  v.woke_arrive,  v.woke_exit, wk.run_at,
                            v.lock_wait_from, v.lock_wait_to, sim_.now()};
      SimTime prev = w->queued_at;
      for (int i = 0; i < 7; ++i) prev = w->chain[i] = std::max(prev, b[i]);
    }
    const TraceTrack tr = TraceTrack::vcpu(static_cast<int>(id));
    if (tracing(trace_)) w->trace_flow = trace_->flow_start(tr, sim_.now(), TraceFlow::kComplete);
    cost = c_.complete + wake(*waiter, &vcpu(static_cast<int>(id)), IpiKind::kCallerWake);
    if (tracing(trace_))
      trace_->slice(tr, sim_.now(), sim_.now() + cost, "complete()", TraceCat::kKernel);
  }
  compute(cost, Action::bind<&Dom0::worker_run>(this, id));
}

}  // namespace ipistorm::model
