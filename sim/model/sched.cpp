// sched.cpp: vCPUs, run queues, the idle task's way to halt, wake-ups and
// Xen's event upcalls (sched.hpp).
#include "model/sched.hpp"

#include "model/workqueue.hpp"

namespace ipistorm::model {

Sched::Sched(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
             const topo::Topology& topo, const std::vector<int>& pcpu_of_vcpu, PerCpu* cpus,
             Lru& lru, Workqueue& wq)
    : Dom0Part(sim, c, m, cpus),
      xen_(xen),
      n_(static_cast<int>(pcpu_of_vcpu.size())),
      lru_(lru),
      wq_(wq),
      poll_len_(c.context_switch + c.idle_entry),
      halt_len_(c.context_switch + c.idle_entry + c.hypercall),
      wake_to_run_(c.evtchn_upcall + c.idle_exit + c.context_switch) {
  const std::size_t n = pcpu_of_vcpu.size();
  for (std::size_t i = 0; i < n; ++i) {
    cpus_[i].v.id = static_cast<int>(i);
    cpus_[i].v.pcpu = pcpu_of_vcpu[i];
    cpus_[i].v.core = topo.cpu(pcpu_of_vcpu[i]).core;
    cpus_[i].v.package = topo.cpu(pcpu_of_vcpu[i]).package;
  }
  m_.wakes_by_cstate.assign(n, {});
}

Sched::~Sched() = default;

void Sched::set_trace(TraceObserver* t) {
  trace_ = t;
  if (!trace_) return;
  const auto n = static_cast<std::size_t>(n_);
  trace_names_.assign(2 * n, {});
  for (std::size_t i = 0; i < n; ++i) {
    trace_names_[i] = "dom0 vCPU " + std::to_string(i);
    trace_names_[n + i] = "run queue vCPU " + std::to_string(i);
    // Every vCPU starts in the idle task (blocked in Xen).
    if (cpus_[i].v.state == Vcpu::State::kIdle)
      trace_->begin(TraceTrack::vcpu(static_cast<int>(i)), sim_.now(), "idle", TraceCat::kSched);
  }
}

void Sched::trace_runq(const Vcpu& v) {
  trace_->counter(TraceTrack::kDom0, trace_runq_name(v), sim_.now(),
                  static_cast<double>(v.runq.size()));
}

Task& Sched::create_task(const std::string& name, int v) {
  auto t = std::make_unique<Task>();
  t->name = name;
  t->id = static_cast<int>(tasks_.size());
  t->vcpu = &vcpu(v);
  tasks_.push_back(std::move(t));
  return *tasks_.back();
}

void Sched::sleep(Task& t, Action resume) { sleep_at(t, resume, sim_.now()); }

// sleep_at() when tracing or when another task is queued on v.
void Sched::sleep_at_slow(Vcpu& v, SimTime at) {
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
    sim_.at(at + c_.context_switch, Action::bind<&Sched::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kBlocking;  // see sleep_at()
  v.tail_from = at;
}

// Where the idle task's way to halt has got to by `now`: blocked in Xen once
// SCHEDOP_block has returned with nothing pending. A collapsed worker whose
// item is done by `now` sleeps first.
void Sched::settle_lazy(Vcpu& v, SimTime now) {
  if (v.lazy_done <= now) wq_.retire_collapsed(v);
  if (v.state == Vcpu::State::kBlocking && halt_end(v) <= now) block(v, halt_end(v));
}

[[gnu::always_inline]] inline void Sched::block(Vcpu& v, SimTime at) {
  v.state = Vcpu::State::kIdle;
  m_.dom0_busy_ns.add_interval(v.busy_since, at);
  if (tracing(trace_)) trace_block(v, at);
  xen_.pcpu_goes_idle(v.pcpu, at);
}

void Sched::trace_block(const Vcpu& v, SimTime at) {
  trace_->slice(TraceTrack::vcpu(v.id), poll_end(v), at, "SCHEDOP_block", TraceCat::kXen);
  trace_->slice(TraceTrack::pcpu(v.pcpu), v.busy_since, at,
                trace_names_[static_cast<std::size_t>(v.id)], TraceCat::kSched);
}

// A task made runnable on a vCPU whose idle task is on its way to halt.
SimTime Sched::wake_on_way_to_halt(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind) {
  v.runq.push_back(&t);
  if (tracing(trace_)) trace_runq(v);
  v.state = Vcpu::State::kRunning;
  const SimTime now = sim_.now(), t1 = poll_end(v), t2 = halt_end(v);
  if (now < t1) {
    // Still polling: resched_task() sees TS_POLLING and sends no IPI;
    // cpu_idle()'s need_resched() check at t1 leaves the idle loop.
    if (tracing(trace_)) trace_exit_idle(v, t1, 0, false);
    sim_.at(t1 + c_.idle_exit + c_.context_switch,
            Action::bind<&Sched::on_switch_done>(this, v.id));
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
          Action::bind<&Sched::on_switch_done>(this, v.id));
  return cost;
}

void Sched::on_block_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  if (!v.runq.empty()) {
    // Woken while TS_POLLING was clear: the reschedule IPI's event is
    // pending, so SCHEDOP_block returns at once (Xen's do_block() checks
    // local_events_need_delivery()); the upcall runs, the idle loop exits.
    v.state = Vcpu::State::kRunning;
    if (tracing(trace_)) trace_exit_idle(v, sim_.now(), c_.evtchn_upcall, true);
    sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
               Action::bind<&Sched::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kIdle;
  m_.dom0_busy_ns.add_interval(v.busy_since, sim_.now());
  if (tracing(trace_))
    trace_->slice(TraceTrack::pcpu(v.pcpu), v.busy_since, sim_.now(),
                  trace_names_[static_cast<std::size_t>(v.id)], TraceCat::kSched);
  xen_.pcpu_goes_idle(v.pcpu, sim_.now());
}

// The reschedule IPI (tracing): the sender's EVTCHNOP_send and a flow to
// where the IPI lands, the target's pCPU, where Xen's wake-up begins, or
// its vCPU when no wake-up from Xen is needed.
void Sched::trace_ipi(const Vcpu& from, const Vcpu& to, topo::DistanceClass d, bool to_pcpu) {
  const SimTime now = sim_.now(), sent = now + c_.evtchn_send;
  trace_->slice(TraceTrack::vcpu(from.id), now, sent, "EVTCHNOP_send (IPI)", TraceCat::kXen);
  const std::uint64_t flow = trace_->flow_start(TraceTrack::vcpu(from.id), now, TraceFlow::kIpi);
  if (to_pcpu)
    trace_->flow_end(flow, TraceTrack::pcpu(to.pcpu), sent + c_.ipi[static_cast<int>(d)]);
  else
    trace_->flow_end(flow, TraceTrack::vcpu(to.id), sent);
}

SimTime Sched::wake(Task& t, Vcpu* waker, IpiKind kind) {
  settle(*t.vcpu, sim_.now());
  return wake_settled(t, waker, kind);
}

// resched_task() (kernel/sched.c, 2.6.31) sends the IPI only
// `if (!tsk_is_polling(p))`: an idle task still polling on its way to
// halt sees need_resched by itself. (events/N woken from idle for its one
// item takes Workqueue::wake_collapsed() instead.)
SimTime Sched::wake_settled(Task& t, Vcpu* waker, IpiKind kind) {
  if (!t.sleeping) return 0;
  t.sleeping = false;
  Vcpu& v = *t.vcpu;
  if (v.state == Vcpu::State::kBlocking) return wake_on_way_to_halt(v, t, waker, kind);
  return wake_general(v, t, waker, kind);
}

// wake() of a task to a vCPU that is not on its way to halt.
SimTime Sched::wake_general(Vcpu& v, Task& t, Vcpu* waker, IpiKind kind) {
  const SimTime now = sim_.now();
  v.runq.push_back(&t);
  if (tracing(trace_)) trace_runq(v);
  if (v.state == Vcpu::State::kHalting && waker != nullptr && waker != &v) {
    // TS_POLLING is clear around SCHEDOP_block: the IPI is sent, but the
    // vCPU needs no wake-up from Xen (its block returns at once).
    return send_ipi(kind, *waker, v, distance(*waker, v), false);
  }
  if (v.state != Vcpu::State::kIdle) {  // running or already waking
    wq_.materialize(v);                 // a collapsed worker goes on to this task when done
    return 0;
  }
  v.state = Vcpu::State::kWaking;
  const auto [sender_cost, woken] = wake_idle_vcpu(v, waker, kind, now);
  sim_.at(woken, Action::bind<&Sched::on_wake_done>(this, v.id));
  return sender_cost;
}

void Sched::deliver_event(int id, Task& t) {
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
    sim_.at(sim_.now() + latency, Action::bind<&Sched::on_wake_done>(this, v.id));
    return;
  }
  if (v.state == Vcpu::State::kWaking) return;  // on_wake_done runs the upcall
  // v is busy (or on its way to halt): the upcall interrupts what runs
  // there. Its time is not
  // charged to the interrupted task (docs/model.md "Model limits").
  if (tracing(trace_))
    trace_->instant(TraceTrack::vcpu(v.id), sim_.now(), "evtchn upcall (interrupt)");
  sim_.after(c_.evtchn_upcall, Action::bind<&Sched::on_upcall_done>(this, v.id));
}

void Sched::on_upcall_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  Task* t = v.upcall_wakes;
  v.upcall_wakes = nullptr;
  wake(*t, &v, IpiKind::kOther);
}

void Sched::on_wake_done(std::int64_t id) {
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
                 Action::bind<&Sched::on_switch_done>(this, v.id));
      return;
    }
    v.state = Vcpu::State::kHalting;
    if (tracing(trace_)) {
      const TraceTrack tr = TraceTrack::vcpu(v.id);
      trace_->slice(tr, sim_.now(), sim_.now() + cost, "evtchn upcall", TraceCat::kKernel);
      trace_->slice(tr, sim_.now() + cost, sim_.now() + cost + c_.hypercall, "SCHEDOP_block",
                    TraceCat::kXen);
    }
    sim_.after(cost + c_.hypercall, Action::bind<&Sched::on_block_done>(this, v.id));
    return;
  }
  if (tracing(trace_)) trace_exit_idle(v, sim_.now(), c_.evtchn_upcall, true);
  // The event upcall runs first, the idle loop restarts the tick, then the
  // scheduler switches from idle to the woken task.
  sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
             Action::bind<&Sched::on_switch_done>(this, v.id));
}

// The idle loop leaving for a task, from `at`: the event upcall (`upcall`
// long; none when the idle task saw the work while polling), idle exit,
// the switch to the task (tracing only).
void Sched::trace_exit_idle(const Vcpu& v, SimTime at, SimTime upcall, bool upcall_ran) {
  const TraceTrack tr = TraceTrack::vcpu(v.id);
  if (upcall_ran) trace_->slice(tr, at, at + upcall, "evtchn upcall", TraceCat::kKernel);
  const SimTime t1 = at + upcall, t2 = t1 + c_.idle_exit;
  trace_->slice(tr, t1, t2, "idle exit", TraceCat::kSched);
  trace_->slice(tr, t2, t2 + c_.context_switch, "context switch", TraceCat::kSched);
}

void Sched::on_switch_done(std::int64_t id) {
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

void Sched::finish(Vcpu& v, SimTime end) {
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

// The distance class from `from` to every vCPU, by vCPU id: made for the
// last caller that drained, remade when another drains.
const std::uint8_t* Sched::distances_from(const Vcpu& from) {
  if (dist_from_ != from.id) {
    const auto n = static_cast<std::size_t>(n_);
    dist_.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      dist_[i] = static_cast<std::uint8_t>(distance(from, cpus_[i].v));
    dist_from_ = from.id;
  }
  return dist_.data();
}

}  // namespace ipistorm::model
