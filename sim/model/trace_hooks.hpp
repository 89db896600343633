// trace_hooks.hpp: what the model tells an observer at its interaction
// points (a wake, an IPI, a lock hand-off, a drain), so that a run can be
// drawn as a timeline. Every call carries its own timestamps: a component
// that computes a whole chain at once (wake -> upcall -> switch -> drain)
// reports the slices it computed, begin and end, whenever it computes them.
//
// Tracing off is a null TraceObserver pointer: each hook in the model is one
// `if (trace_)` branch, never allocates and never draws a random number, so
// a run's results are the same with and without an observer.
//
// Tracks: process Xen holds one thread per pCPU and the HVM guest's vCPU;
// process dom0 holds one thread per dom0 vCPU (what runs on it) and one per
// task that can block in the kernel (qemu-dm, drain callers: what it waits
// for). Slices on one track must nest (begin/end explicit or complete).
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/simulator.hpp"

namespace ipistorm::model {

using engine::SimTime;

struct TraceTrack {
  enum Process : std::int32_t { kXen = 1, kDom0 = 2 };
  std::int32_t pid = kXen;
  std::int32_t tid = 0;
  bool operator==(const TraceTrack& o) const { return pid == o.pid && tid == o.tid; }

  // The track ids, one place: pCPU p and the guest vCPU in Xen; vCPU v and
  // task k (Dom0's creation order) in dom0.
  static TraceTrack pcpu(int p) { return {kXen, p}; }
  static TraceTrack guest() { return {kXen, 100000}; }
  static TraceTrack vcpu(int v) { return {kDom0, v}; }
  static TraceTrack task(int k) { return {kDom0, 100000 + k}; }
};

// What a slice is, for its category in the viewer (and the tests).
enum class TraceCat : std::uint8_t {
  kSched,   // what runs on a vCPU: a task, idle, a context switch
  kIdle,    // a pCPU's idle state (C0 poll, C1, C3, C6) and its exit
  kXen,     // in the hypervisor: wake, event-channel send, hypercall, ioreq
  kLock,    // lru_lock hold / wait, mutex wait
  kWait,    // a task asleep in the kernel: flush_work, mutex
  kKernel,  // dom0 kernel work: queue_work, lru_add_drain, complete, syscalls
  kUser,    // qemu-dm's own work, the guest
};

enum class TraceFlow : std::uint8_t {
  kIpi,       // reschedule IPI (EVTCHNOP_send to a dom0 vCPU) -> its wake
  kEvtchn,    // Xen's own event: ioreq -> device model, notify -> guest resume
  kComplete,  // complete() in a drain worker -> the flush_work caller runs again
};

class TraceObserver {
 public:
  virtual ~TraceObserver() = default;

  // Name a track (and its display order) before events land on it.
  virtual void name_track(TraceTrack t, std::string_view name, int sort_index) = 0;

  // A slice known in full: [t0, t1].
  virtual void slice(TraceTrack t, SimTime t0, SimTime t1, std::string_view name, TraceCat cat) = 0;
  // An open slice: begin now, end later (innermost open slice of the track).
  virtual void begin(TraceTrack t, SimTime t0, std::string_view name, TraceCat cat) = 0;
  virtual void end(TraceTrack t, SimTime t1) = 0;

  virtual void instant(TraceTrack t, SimTime at, std::string_view name) = 0;

  // A flow arrow: start returns an id that the matching end takes.
  virtual std::uint64_t flow_start(TraceTrack t, SimTime at, TraceFlow kind) = 0;
  virtual void flow_end(std::uint64_t id, TraceTrack t, SimTime at) = 0;

  // A counter of process `pid` (e.g. "lru_lock waiters") takes `value` at `at`.
  virtual void counter(TraceTrack::Process pid, std::string_view name, SimTime at,
                       double value) = 0;

  // The run reached `end`: open slices close here.
  virtual void finish(SimTime end) = 0;
};

// Tracing is off in almost every run: `if (tracing(trace_))` tells the
// compiler so, and it lays the hooks' code out of the model's hot path.
// NOTE: for speed (without the hint the off-state cost 16 % on
// BM_SimulatePvops, the hooks' code spread through the hot functions).
inline bool tracing(const TraceObserver* t) { return __builtin_expect(t != nullptr, 0); }

// Idle-state names, by Costs::cstate_* index.
inline constexpr const char* kCstateNames[4] = {"C0 (poll)", "C1", "C3", "C6"};
inline constexpr const char* kCstateExitNames[4] = {"C0 exit", "C1 exit", "C3 exit", "C6 exit"};

}  // namespace ipistorm::model
