// workqueue.cpp: schedule_work_on, the drain loop over CPUs with its inline
// targets (Dom0::queue_drain_works), the workers, evented or collapsed, and
// flush_work's barrier (workqueue.hpp).
#include "model/workqueue.hpp"

#include <algorithm>
#include <array>
#include <cassert>

#include "model/dom0.hpp"

namespace ipistorm::model {

Workqueue::Workqueue(engine::Simulator& sim, const Costs& c, Metrics& m, PerCpu* cpus,
                     std::size_t n, Sched& sched, Lru& lru)
    : Dom0Part(sim, c, m, cpus), sched_(sched), lru_(lru) {
  for (std::size_t i = 0; i < n; ++i) {
    Task& t = sched_.create_task("events/" + std::to_string(i), static_cast<int>(i));
    cpus_[i].wk.task = &t;
    t.resume = Action::bind<&Workqueue::worker_run>(this, static_cast<std::int64_t>(i));
  }
}

// What on_wake_done, on_switch_done and worker_run would do for events/N
// woken from idle, computed at the wake (no other task is on this vCPU and
// no event channel is bound to it, so nothing can change it meanwhile):
// Xen runs the vCPU at `woken`, the upcall, idle exit and the switch follow,
// then lru_add_drain(). Pagevecs with pages: the drain asks for the
// lru_lock at `run`, its turn taken once the clock passes it (take_turns).
// Either way the item's completion is seen lazily (settle, materialize).
inline void Workqueue::run_worker_after_wake(Vcpu& v, SimTime woken) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(v.id)];
  Worker& wk = pc.wk;
  v.state = Vcpu::State::kRunning;
  v.busy_since = woken - c_.xen_context_switch;  // see Sched::on_wake_done
  v.current = wk.task;
  const SimTime run = woken + sched_.wake_to_run_;
  wk.run_at = run;
  if (tracing(trace_)) trace_worker_after_wake(v, woken, run);
  if (lru_.forecast_pages(pc.pv, run) > 0) {
    lru_.ask_lock(v, run);
    return;
  }
  const SimTime done = lru_.drain_pagevecs(v, run, 0);
  wk.queue.front()->done_at = done;
  v.lazy_done = done;
}

void Workqueue::trace_worker_after_wake(Vcpu& v, SimTime woken, SimTime run) {
  const TraceTrack tr = TraceTrack::vcpu(v.id);
  const std::string& q = sched_.trace_runq_name(v);
  trace_->counter(TraceTrack::kDom0, q, sim_.now(), static_cast<double>(v.runq.size() + 1));
  sched_.trace_exit_idle(v, woken, c_.evtchn_upcall, true);
  trace_->counter(TraceTrack::kDom0, q, run, static_cast<double>(v.runq.size()));
  trace_->end(tr, run);  // idle
  trace_->begin(tr, run, v.current->name, TraceCat::kSched);
}

// The wake of events/N on idle v for its one item, v bound to no event
// channel: Sched::wake_general()'s kIdle case, its chain computed
// (run_worker_after_wake) instead of evented. Inline: every idle drain
// target takes it.
inline SimTime Workqueue::wake_collapsed(Vcpu& v, Vcpu* waker, IpiKind kind) {
  const SimTime now = sim_.now();
  const auto [sender_cost, woken] = sched_.wake_idle_vcpu(v, waker, kind, now);
  run_worker_after_wake(v, woken);
  return sender_cost;
}

// Something needs a collapsed worker's completion as an event (a waiter to
// wake, more work, another task to switch to): schedule it at done_at.
// Every caller has taken the turns asked for up to now (settle, work_done).
void Workqueue::materialize_slow(Vcpu& v) {
  if (v.lock_attempt != kNever) {  // its turn lies ahead: the completion follows it
    if (!v.turn_evented) {
      v.turn_evented = true;
      sim_.at(v.lock_attempt, Action::bind<&Lru::on_turn_due>(&lru_, v.id));
    }
    return;
  }
  if (v.lazy_done == kNever) return;
  sim_.at(v.lazy_done, Action::bind<&Workqueue::on_collapsed_done>(this, v.id));
  v.lazy_done = kNever;
}

void Workqueue::retire_collapsed(Vcpu& v) {
  Worker& wk = cpus_[static_cast<std::size_t>(v.id)].wk;
  const SimTime done = v.lazy_done;
  v.lazy_done = kNever;
  wk.queue.pop_front();
  sched_.sleep_at(*wk.task, Action::bind<&Workqueue::worker_run>(this, v.id), done);
}

void Workqueue::on_collapsed_done(std::int64_t v) { worker_drained(v); }

void Workqueue::await_work(int cpu, Work& w, Task& waiter) {
  w.waiter = &waiter;
  materialize(cpus_[static_cast<std::size_t>(cpu)].v);
}

// schedule_work_on(cpu) at `now`: settle the target, queue the item, wake
// its worker (collapsed when it can be).
SimTime Workqueue::queue_one(int cpu, Work& w, Vcpu& from, SimTime now) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(cpu)];
  Worker& wk = pc.wk;
  Vcpu& v = pc.v;
  sched_.settle(v, now);
  w.done_at = kNever;
  w.waiter = nullptr;
  w.queued_at = now;
  wk.queue.push_back(&w);
  materialize(v);  // a collapsed worker runs this item after its own
  SimTime send;    // the wake, v settled above
  if (wk.task->sleeping && v.state == Vcpu::State::kIdle && v.id != c_.dm_evtchn_vcpu &&
      wk.queue.size() == 1) {
    // events/N woken from idle for one item, on a vCPU no event channel is
    // bound to: its chain up to the drain is computed here (no event).
    wk.task->sleeping = false;
    send = wake_collapsed(v, &from, IpiKind::kDrainTarget);
  } else {
    send = sched_.wake_settled(*wk.task, &from, IpiKind::kDrainTarget);
  }
  if (tracing(trace_))
    trace_->slice(TraceTrack::vcpu(from.id), now + send, now + send + c_.queue_work, "queue_work",
                  TraceCat::kKernel);
  return c_.queue_work + send;
}

// The drain's loop over CPUs, its costs and the caller's distances read
// once. The usual target, an idle vCPU whose worker's last item was done
// lazily (its sleep at lazy_done and the vCPU's halt after it both before
// now), nothing else on it and no event channel bound to it, is queued
// inline here: what Sched::settle(), materialize(), the wake,
// wake_collapsed() and run_worker_after_wake() do for it, in their order,
// without their tests. The worker stays the vCPU's current task and stays
// awake (it sleeps and is woken at once; its resume is worker_run, always),
// its old item leaves the queue and the new one takes its place. The
// counts every such target adds to (wakes, IPIs, empty drains) are summed
// here and added once (integers: the same sums). Every other target, and
// every target while tracing, takes Workqueue::queue_one().
//
// A member of Dom0, not of Workqueue: its inline targets read and write
// all three parts' state, each then one base (the Dom0) away; as a
// Workqueue member reaching Sched and Lru by reference it cost 10 more
// instructions per idle target (callgrind-per-target.sh: 334, not 322).
SimTime Dom0::queue_drain_works(const int* cpus, std::size_t n, std::size_t& pos_io, Work* works,
                                Vcpu& from) {
  const bool fast = !tracing(sched.trace_);
  Metrics& m = sched.m_;
  const Costs& c = sched.c_;
  const std::uint8_t* dist = sched.distances_from(from);
  std::array<std::uint64_t, 4>* wakes_by_cstate = m.wakes_by_cstate.data();
  PerCpu* const per_cpu = cpus_.data();
  const SimTime queue_work = c.queue_work, send = c.evtchn_send;
  const SimTime halt_len = sched.halt_len_, wake_to_run = sched.wake_to_run_;
  const SimTime xen_switch = c.xen_context_switch, drain_empty = c.drain_empty;
  // Sums of the inline targets' counts, added at the end: their IPIs (one
  // per wake) by distance, their empty drains.
  std::uint64_t empty_drains = 0;
  std::uint64_t ipis_by_distance[topo::kDistanceClasses] = {};
  // Their reschedule IPIs of one window of m.resched_ipis: from ipi_t, before ipi_end.
  SimTime ipi_t = 0, ipi_end = -1;
  std::uint64_t ipis_in_window = 0;
  // Their busy time (ns, an integer: the same sum in any order) within one
  // window [busy_lo, busy_hi) of m.dom0_busy_ns.
  SimTime busy_lo = 0, busy_hi = -1, busy_ns = 0;
  // Their asks for the lru_lock, in the order made (lru.new_asks_), join
  // the queue before anything can take a turn or look at one: before a
  // general target, when a turn of the queue comes due, and when the loop
  // ends. Until then no one can: turns are taken in time order whenever
  // they are taken (a turn draws nothing, the forecast drew past its time,
  // and schedules nothing: no one asked for its completion), and the
  // inline targets look only at their own vCPUs.
  if (lru.new_asks_.size() < n - pos_io) lru.new_asks_.resize(n - pos_io);
  Lru::LockAsk* const fresh = lru.new_asks_.data();
  std::size_t fresh_n = 0;
  std::size_t pos = pos_io;
  SimTime now = sched.sim_.now();
  SimTime last_now = now;  // the last target's time: its settle() took the turns up to it
  SimTime wait = -1;
  while (pos < n) {
    last_now = now;
    const int cpu = cpus[pos++];
    Work& w = works[cpu];
    // The turns settle() would take: those asked before the loop as they
    // come due (with the loop's own up to then).
    if (lru.first_ask_ <= now) fresh_n = lru.join_asks(now, fresh, fresh_n, true);
    PerCpu& pc = per_cpu[cpu];
    Vcpu& v = pc.v;
    SimTime cost;
    // lazy_done is set only for a collapsed worker (run_worker_after_wake(),
    // Lru::take_turn(), below) with nothing else on its vCPU, and cleared
    // (materialize()) as soon as anything else comes to it: a lazy worker's
    // vCPU has no ask, no other item, no other task, no event channel.
    if (fast && v.lazy_done <= now - halt_len) {
      assert(v.lock_attempt == kNever && pc.wk.queue.size() == 1 && v.runq.empty() &&
             cpu != c.dm_evtchn_vcpu && v.current == pc.wk.task && !v.current->sleeping);
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
      ++ipis_by_distance[static_cast<int>(d)];
      if (now < ipi_end) {
        ++ipis_in_window;
      } else {
        if (ipis_in_window > 0)
          m.resched_ipis.add_count(ipi_t, static_cast<double>(ipis_in_window));
        ipi_t = now;
        ipi_end = m.resched_ipis.window_end(now);
        ipis_in_window = 1;
      }
      const SimTime sent = now + send;
      int cstate;
      const SimTime latency = sched.xen_.idle_then_wake(v.pcpu, halted, d, sent, cstate);
      ++wakes_by_cstate[cpu][static_cast<std::size_t>(cstate)];
      v.keep_xen_wake(sent, d, cstate);  // note_wake()
      // run_worker_after_wake(): the worker runs the item at `run`.
      const SimTime woken = sent + latency;
      v.state = Vcpu::State::kRunning;
      v.busy_since = woken - xen_switch;
      const SimTime run = woken + wake_to_run;
      pc.wk.run_at = run;
      w.waiter = nullptr;
      w.queued_at = now;
      pc.wk.queue.replace_front(&w);
      if (const int pages = lru.forecast_pages(pc.pv, run); pages > 0) {
        w.done_at = kNever;
        v.lazy_done = kNever;
        v.lock_attempt = run;                // lru.ask_lock(v, run), joined later
        Lru::LockAsk& a = fresh[fresh_n++];  // (field by field: no wide load of narrow stores)
        a.at = run;
        a.vcpu = cpu;
        a.pages = pages;
      } else {
        // lru.drain_pagevecs(v, run, 0); the worker has no latency parts
        ++empty_drains;
        v.lock_wait_from = v.lock_wait_to = run;
        w.done_at = v.lazy_done = run + drain_empty;
      }
      cost = queue_work + send;
    } else {
      fresh_n = lru.join_asks(now, fresh, fresh_n, false);
      cost = wq.queue_one(cpu, w, from, now);
    }
    if (!sched.sim_.advance(now + cost)) {
      wait = cost;
      break;
    }
    now += cost;
  }
  if (pos != pos_io) lru.join_asks(last_now, fresh, fresh_n, false);
  pos_io = pos;
  std::uint64_t wakes = 0;
  for (const std::uint64_t k : ipis_by_distance) wakes += k;
  if (wakes > 0) {
    m.vcpu_wakes += wakes;
    m.ipis_total += wakes;
    m.ipis_by_kind[static_cast<int>(IpiKind::kDrainTarget)] += wakes;
    for (int d = 0; d < topo::kDistanceClasses; ++d) m.ipis_by_distance[d] += ipis_by_distance[d];
    m.resched_ipis.add_count(ipi_t, static_cast<double>(ipis_in_window));
    m.drains_local += empty_drains;
  }
  if (busy_ns > 0) m.dom0_busy_ns.add_count(busy_lo, static_cast<double>(busy_ns));
  return wait;
}

// Mirrors worker_thread()/run_workqueue(): run queued work items in order,
// then sleep until more work arrives.
void Workqueue::worker_run(std::int64_t id) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(id)];
  if (pc.wk.queue.empty()) {
    sched_.sleep(*pc.wk.task, Action::bind<&Workqueue::worker_run>(this, id));
    return;
  }
  pc.wk.run_at = sim_.now();
  lru_.lru_add_drain(pc.v, Action::bind<&Workqueue::worker_drained>(this, id));
}

void Workqueue::worker_drained(std::int64_t id) {
  PerCpu& pc = cpus_[static_cast<std::size_t>(id)];
  Worker& wk = pc.wk;
  Work* w = wk.queue.front();
  wk.queue.pop_front();
  w->done_at = sim_.now();
  SimTime cost = 0;
  if (w->waiter != nullptr) {  // the flush barrier: complete() wakes the caller
    Task* waiter = w->waiter;
    w->waiter = nullptr;
    Vcpu& v = pc.v;
    if (waiter->latency) {
      // The chain the waiter's sleep is split along, each boundary no
      // earlier than the one before (an older wake counts from the queueing).
      SimTime arrive = 0, idle_exit = 0;  // never woken from Xen: all three 0
      if (v.woke_distance1 > 0) {
        arrive = v.woke_send_end + c_.ipi[v.woke_distance1 - 1];
        idle_exit = arrive + c_.cstate_exit[v.woke_cstate];
      }
      const SimTime b[7] = {v.woke_send_end,  arrive,         idle_exit, wk.run_at,
                            v.lock_wait_from, v.lock_wait_to, sim_.now()};
      SimTime prev = w->queued_at;
      for (int i = 0; i < 7; ++i) prev = w->chain[i] = std::max(prev, b[i]);
    }
    const TraceTrack tr = TraceTrack::vcpu(static_cast<int>(id));
    if (tracing(trace_)) w->trace_flow = trace_->flow_start(tr, sim_.now(), TraceFlow::kComplete);
    cost = c_.complete + sched_.wake(*waiter, &v, IpiKind::kCallerWake);
    if (tracing(trace_))
      trace_->slice(tr, sim_.now(), sim_.now() + cost, "complete()", TraceCat::kKernel);
  }
  sim_.continue_after(cost, Action::bind<&Workqueue::worker_run>(this, id));
}

}  // namespace ipistorm::model
