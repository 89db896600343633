// dom0.cpp: vCPU scheduling, wake-ups, workers, pagevecs and the lru_lock.
#include "model/dom0.hpp"

#include <algorithm>
#include <cmath>

#include "model/drain.hpp"

namespace ipistorm::model {

Dom0::Dom0(engine::Simulator& sim, const Costs& c, Hypervisor& xen, Metrics& m,
           const topo::Topology& topo, std::vector<int> pcpu_of_vcpu, std::uint64_t seed)
    : sim_(sim), c_(c), xen_(xen), m_(m), topo_(topo), rng_(seed, /*stream=*/2) {
  const std::size_t n = pcpu_of_vcpu.size();
  for (std::size_t i = 0; i < n; ++i) {
    auto v = std::make_unique<Vcpu>();
    v->id = static_cast<int>(i);
    v->pcpu = pcpu_of_vcpu[i];
    vcpus_.push_back(std::move(v));
  }
  workers_.resize(n);
  pagevecs_.resize(n);
  drain_then_.resize(n);
  drain_pages_.resize(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    Task& t = create_task("events/" + std::to_string(i), static_cast<int>(i));
    workers_[i].task = &t;
    t.resume = Action::bind<&Dom0::worker_run>(this, static_cast<std::int64_t>(i));
  }
}

Dom0::~Dom0() = default;

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

void Dom0::compute(Vcpu& v, SimTime dt, Action then) {
  (void)v;
  sim_.after(dt, then);
}

// ---- scheduling -------------------------------------------------------------

void Dom0::sleep(Task& t, Action resume) {
  Vcpu& v = *t.vcpu;
  t.resume = resume;
  t.sleeping = true;
  v.current = nullptr;
  if (!v.runq.empty()) {
    switch_to_next(v);
    return;
  }
  // Nothing to run: switch to the idle task, which stops the tick
  // (tick_nohz_stop_sched_tick) with TS_POLLING set: cpu_idle(),
  // arch/x86/kernel/process_64.c (2.6.31).
  v.state = Vcpu::State::kBlocking;
  sim_.after(c_.context_switch + c_.idle_entry, Action::bind<&Dom0::on_idle_check>(this, v.id));
}

void Dom0::switch_to_next(Vcpu& v) {
  v.state = Vcpu::State::kRunning;
  sim_.after(c_.context_switch, Action::bind<&Dom0::on_switch_done>(this, v.id));
}

// cpu_idle()'s `while (!need_resched())` check, then xen_idle()
// (arch/x86/xen/setup.c, 2.6.31): clear TS_POLLING, safe_halt() =
// SCHEDOP_block, set TS_POLLING again.
void Dom0::on_idle_check(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  if (!v.runq.empty()) {  // woken while polling: no IPI was needed, no halt
    v.state = Vcpu::State::kRunning;
    sim_.after(c_.idle_exit + c_.context_switch, Action::bind<&Dom0::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kHalting;
  sim_.after(c_.hypercall, Action::bind<&Dom0::on_block_done>(this, v.id));
}

void Dom0::on_block_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  if (!v.runq.empty()) {
    // Woken while TS_POLLING was clear: the reschedule IPI's event is
    // pending, so SCHEDOP_block returns at once (Xen's do_block() checks
    // local_events_need_delivery()); the upcall runs, the idle loop exits.
    v.state = Vcpu::State::kRunning;
    sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
               Action::bind<&Dom0::on_switch_done>(this, v.id));
    return;
  }
  v.state = Vcpu::State::kIdle;
  m_.dom0_busy_ns.add_interval(v.busy_since, sim_.now());
  xen_.pcpu_goes_idle(v.pcpu, sim_.now());
}

SimTime Dom0::wake(Task& t, Vcpu* waker, IpiKind kind) {
  if (!t.sleeping) return 0;
  t.sleeping = false;
  Vcpu& v = *t.vcpu;
  v.runq.push_back(&t);
  // resched_task() (kernel/sched.c, 2.6.31) sends the IPI only
  // `if (!tsk_is_polling(p))`: an idle task still polling on its way to
  // halt sees need_resched by itself.
  if (v.state == Vcpu::State::kHalting && waker != nullptr && waker != &v) {
    // TS_POLLING is clear around SCHEDOP_block: the IPI is sent, but the
    // vCPU needs no wake-up from Xen (its block returns at once).
    m_.count_ipi(sim_.now(), distance(*waker, v), kind);
    return c_.evtchn_send;
  }
  if (v.state != Vcpu::State::kIdle) return 0;  // running, polling or already waking
  v.state = Vcpu::State::kWaking;
  ++m_.vcpu_wakes;
  SimTime sender_cost = 0;
  topo::DistanceClass d = topo::DistanceClass::kSamePackage;  // Xen's own event (ioreq, timer)
  if (waker != nullptr) {
    d = distance(*waker, v);
    m_.count_ipi(sim_.now(), d, kind);
    sender_cost = c_.evtchn_send;
  }
  const SimTime latency = xen_.vcpu_wake_latency(v.pcpu, d, sim_.now() + sender_cost);
  sim_.at(sim_.now() + sender_cost + latency, Action::bind<&Dom0::on_wake_done>(this, v.id));
  return sender_cost;
}

void Dom0::deliver_event(int id, Task& t) {
  Vcpu& v = vcpu(id);
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
    const SimTime latency =
        xen_.vcpu_wake_latency(v.pcpu, topo::DistanceClass::kSamePackage, sim_.now());
    sim_.at(sim_.now() + latency, Action::bind<&Dom0::on_wake_done>(this, v.id));
    return;
  }
  if (v.state == Vcpu::State::kWaking) return;  // on_wake_done runs the upcall
  // v is busy: the upcall interrupts what runs there. Its time is not
  // charged to the interrupted task (README "Model limits").
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
      sim_.after(cost + c_.idle_exit + c_.context_switch,
                 Action::bind<&Dom0::on_switch_done>(this, v.id));
      return;
    }
    v.state = Vcpu::State::kHalting;
    sim_.after(cost + c_.hypercall, Action::bind<&Dom0::on_block_done>(this, v.id));
    return;
  }
  // The event upcall runs first, the idle loop restarts the tick, then the
  // scheduler switches from idle to the woken task.
  sim_.after(c_.evtchn_upcall + c_.idle_exit + c_.context_switch,
             Action::bind<&Dom0::on_switch_done>(this, v.id));
}

void Dom0::on_switch_done(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  Task* t = v.runq.front();
  v.runq.pop_front();
  v.current = t;
  t->resume();
}

void Dom0::finish(SimTime end) {
  for (auto& v : vcpus_)
    if (v->state != Vcpu::State::kIdle) m_.dom0_busy_ns.add_interval(v->busy_since, end);
}

// ---- pagevecs -----------------------------------------------------------------

int Dom0::pagevec_pages(int id) {
  Pagevec& pv = pagevecs_[static_cast<std::size_t>(id)];
  const SimTime now = sim_.now();
  if (now > pv.seen && c_.dom0_page_adds_per_ns > 0) {
    const double mean = c_.dom0_page_adds_per_ns * static_cast<double>(now - pv.seen);
    std::uint64_t added = rng_.poisson(mean);
    // A full pagevec drains itself (pagevec_add returns 0 -> __pagevec_lru_add).
    pv.pages = static_cast<int>((static_cast<std::uint64_t>(pv.pages) + added) %
                                static_cast<std::uint64_t>(c_.pagevec_size));
  }
  pv.seen = now;
  return pv.pages;
}

void Dom0::add_pages(int id, double pages) {
  pagevec_pages(id);  // account background activity up to now first
  Pagevec& pv = pagevecs_[static_cast<std::size_t>(id)];
  pv.frac += pages;
  const double whole = std::floor(pv.frac);
  pv.frac -= whole;
  pv.pages = (pv.pages + static_cast<int>(whole)) % c_.pagevec_size;
}

void Dom0::drain_local(Vcpu& v, Action then) {
  ++m_.drains_local;
  const int pages = pagevec_pages(v.id);
  if (pages == 0) {
    sim_.after(c_.drain_empty, then);
    return;
  }
  drain_then_[static_cast<std::size_t>(v.id)] = then;
  drain_pages_[static_cast<std::size_t>(v.id)] = pages;
  pagevecs_[static_cast<std::size_t>(v.id)].pages = 0;
  lock_acquire(v, Action::bind<&Dom0::drain_holding>(this, v.id));
}

void Dom0::drain_holding(std::int64_t id) {
  const SimTime hold =
      c_.lru_lock_hold + c_.lru_add_per_page * drain_pages_[static_cast<std::size_t>(id)];
  sim_.after(hold, Action::bind<&Dom0::drain_released>(this, id));
}

void Dom0::drain_released(std::int64_t id) {
  Vcpu& v = vcpu(static_cast<int>(id));
  lock_release(v);
  drain_then_[static_cast<std::size_t>(id)]();
}

// ---- lru_lock: FIFO ticket spinlock (2.6.25+), waiters spin (stay busy) ----

void Dom0::lock_acquire(Vcpu& v, Action then) {
  ++m_.lock_acquisitions;
  if (lru_lock_.owner == nullptr) {
    lru_lock_.owner = &v;
    const int from = lru_lock_.last_pcpu < 0 ? v.pcpu : lru_lock_.last_pcpu;
    const SimTime transfer = c_.line_transfer[static_cast<int>(topo_.distance(from, v.pcpu))];
    lru_lock_.last_pcpu = v.pcpu;
    sim_.after(transfer, then);
    return;
  }
  ++m_.lock_contended;
  lru_lock_.waiters.emplace_back(&v, then);
  lru_lock_.waiting_since.push_back(sim_.now());
}

void Dom0::lock_release(Vcpu& v) {
  lru_lock_.owner = nullptr;
  if (lru_lock_.waiters.empty()) return;
  auto [next, then] = lru_lock_.waiters.front();
  const SimTime since = lru_lock_.waiting_since.front();
  lru_lock_.waiters.pop_front();
  lru_lock_.waiting_since.pop_front();
  lru_lock_.owner = next;
  lru_lock_.last_pcpu = next->pcpu;
  const SimTime transfer = c_.line_transfer[static_cast<int>(distance(v, *next))];
  m_.lock_wait_ns += sim_.now() + transfer - since;
  sim_.after(transfer, then);
}

// ---- workqueue ------------------------------------------------------------------

SimTime Dom0::queue_drain_work(int cpu, Work& w, Vcpu& from) {
  Worker& wk = workers_[static_cast<std::size_t>(cpu)];
  w.done = false;
  w.waiter = nullptr;
  wk.queue.push_back(&w);
  return c_.queue_work + wake(*wk.task, &from, IpiKind::kDrainTarget);
}

// Mirrors worker_thread()/run_workqueue(): run queued work items in order,
// then sleep until more work arrives.
void Dom0::worker_run(std::int64_t id) {
  Worker& wk = workers_[static_cast<std::size_t>(id)];
  if (wk.queue.empty()) {
    sleep(*wk.task, Action::bind<&Dom0::worker_run>(this, id));
    return;
  }
  drain_local(vcpu(static_cast<int>(id)), Action::bind<&Dom0::worker_drained>(this, id));
}

void Dom0::worker_drained(std::int64_t id) {
  Worker& wk = workers_[static_cast<std::size_t>(id)];
  Work* w = wk.queue.front();
  wk.queue.pop_front();
  w->done = true;
  SimTime cost = 0;
  if (w->waiter != nullptr) {  // the flush barrier: complete() wakes the caller
    Task* waiter = w->waiter;
    w->waiter = nullptr;
    cost = c_.complete + wake(*waiter, &vcpu(static_cast<int>(id)), IpiKind::kCallerWake);
  }
  sim_.after(cost, Action::bind<&Dom0::worker_run>(this, id));
}

// ---- mutex ----------------------------------------------------------------------

void Dom0::mutex_lock(Mutex& m, Task& t, Action then) {
  if (m.owner == nullptr) {
    m.owner = &t;
    then();
    return;
  }
  m.waiters.emplace_back(&t, then);
  sleep(t, then);  // resumes holding the mutex (ownership passed on unlock)
}

SimTime Dom0::mutex_unlock(Mutex& m, Task& t) {
  m.owner = nullptr;
  if (m.waiters.empty()) return 0;
  Task* next = m.waiters.front().first;
  m.waiters.pop_front();
  m.owner = next;
  return wake(*next, t.vcpu, IpiKind::kOther);
}

}  // namespace ipistorm::model
