// percpu.hpp: what dom0 keeps per task and per vCPU, and what every part
// reads (Dom0Part), for its parts named
// after the kernel's files: the scheduler (sched.hpp: Task, Vcpu), the
// workqueue (workqueue.hpp: Work, Worker) and the LRU pagevecs (lru.hpp:
// Pagevec). A drain walks every vCPU's state in order, so one PerCpu holds
// a vCPU's pieces side by side (one array, owned by Dom0); each part reads
// and writes its own pieces, and the collapsed worker's (below) where the
// parts meet.
#pragma once

#include <cstdint>
#include <string>

#include "engine/action.hpp"
#include "engine/inline_fifo.hpp"
#include "engine/simulator.hpp"
#include "model/costs.hpp"
#include "model/metrics.hpp"
#include "model/trace_hooks.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

using engine::Action;
using engine::InlineFifo;
using engine::SimTime;

struct Vcpu;

template <class T>
using PtrFifo = InlineFifo<T*>;

constexpr SimTime kNever = INT64_MAX;

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
  // events/N collapsed (Workqueue::run_worker_after_wake): its item is done
  // at lazy_done, seen by whoever looks next (Sched::settle); kNever when
  // none or evented.
  SimTime lazy_done = INT64_MAX;
  // A collapsed worker whose pagevecs hold pages: its drain takes the
  // lru_lock at lock_attempt, a turn not yet taken (Lru::take_turns);
  // kNever when none. turn_evented: someone needs its completion as an
  // event (Workqueue::materialize), scheduled once the turn is taken.
  SimTime lock_attempt = INT64_MAX;
  bool turn_evented = false;
  Task* upcall_wakes = nullptr;  // an event-channel upcall pending on this vCPU wakes this task
  // The last wake from Xen: its IPI's send done at woke_send_end, its
  // distance class plus one (0: never woken) and the idle state it left;
  // the IPI's landing and the idle exit follow from them (Costs::ipi,
  // cstate_exit), derived when a waiter's latency parts are built
  // (Workqueue::worker_drained) instead of stored at every wake.
  SimTime woke_send_end = 0;
  std::uint8_t woke_distance1 = 0, woke_cstate = 0;
  // Keep a wake from Xen: its IPI sent by send_end over distance d, the
  // pCPU leaving idle state `cstate` (Sched::note_wake and the drain loop's
  // inline targets).
  void keep_xen_wake(SimTime send_end, topo::DistanceClass d, int cstate) {
    woke_send_end = send_end;
    woke_distance1 = static_cast<std::uint8_t>(static_cast<int>(d) + 1);
    woke_cstate = static_cast<std::uint8_t>(cstate);
  }
  // The last lru_lock wait of a drain on this vCPU (empty when uncontended).
  SimTime lock_wait_from = 0, lock_wait_to = 0;
};

// topo::Topology::distance() of their pCPUs, from the copies in Vcpu: the
// same first match, without branches (three loads and compares, then
// selects). The lru_lock's turns ask it of vCPUs next to each other, where
// "same core?" is a coin toss that a branch would mispredict (cachegrind
// --branch-sim: 0.2 mispredicts per idle drain target at 1024 vCPUs).
inline topo::DistanceClass distance(const Vcpu& a, const Vcpu& b) {
  const bool same_cpu = a.pcpu == b.pcpu, same_core = a.core == b.core;
  const bool same_package = a.package == b.package;
  int d = same_package ? 2 : 3;
  d = same_core ? 1 : d;
  d = same_cpu ? 0 : d;
  return static_cast<topo::DistanceClass>(d);
}

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

// A vCPU's workqueue worker, events/N, and the items queued for it.
struct Worker {
  Task* task = nullptr;
  PtrFifo<Work> queue;
  SimTime run_at = 0;  // when the item at the front began
};

// A vCPU's LRU pagevecs, as one count of pages waiting.
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

// Per vCPU, what a drain touches of it side by side (a drain walks them
// all, in order): the vCPU, its events/N worker, its pagevecs, and the
// continuation of an lru_add_drain() on it.
struct PerCpu {
  Vcpu v;
  Worker wk;
  Pagevec pv;
  Action drain_then;
};

// What every part of dom0 (Sched, Lru, Workqueue) reads: the clock, the
// costs, the metrics, the per-vCPU array (Dom0 owns it) and the trace
// observer (null: off; Dom0::set_trace sets every part's).
struct Dom0Part {
  Dom0Part(engine::Simulator& sim, const Costs& c, Metrics& m, PerCpu* cpus)
      : sim_(sim), c_(c), m_(m), cpus_(cpus) {}
  engine::Simulator& sim_;
  const Costs& c_;
  Metrics& m_;
  PerCpu* const cpus_;
  TraceObserver* trace_ = nullptr;
};

}  // namespace ipistorm::model
