// metrics.hpp: what a run measures, and the one table of the figures
// derived from it. Metrics holds the raw counters (streaming only:
// histograms and per-window series of at most WindowSeries::kMaxWindows
// slots whatever the simulated time, no event log). metric_table() says,
// for every figure a run reports, its name (the dotted JSON path of
// `simulate --json`'s "metrics"), label, unit, display format and how it is
// computed; the JSON, the CLI tables, the CSV files, reproduce and Python
// all read it, and nothing else computes one.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/stats.hpp"
#include "topology/topology.hpp"

namespace ipistorm::model {

// Why a reschedule IPI was sent, so the report's formula can be checked.
enum class IpiKind { kDrainTarget, kCallerWake, kOther };
constexpr int kIpiKinds = 3;

// Where an ioport access's time goes (simulate --json "ioport_breakdown_us").
// The parts partition each access, issue to resume, so their means add up
// to the mean latency. Time the device model sleeps in flush_work() is split
// along the critical path: the chain of the drain work it waits for (IPI
// delivery, C-state exit, Xen wake and switch, lock wait, drain), then its
// own wake-up after complete().
enum class LatencyPart : std::uint8_t {
  kGuestExitDispatch,  // VM exit, ioreq dispatch, the device model's wake-up
  kDeviceModel,        // emulation, libxc around the hypercall
  kMlockSyscall,       // sys_mlock: entry, page marking (not the drain)
  kQueueWorkIpiSend,   // schedule_on_each_cpu: queue_work and EVTCHNOP_send per CPU
  kWakeIpiDelivery,    // waiting for a target: the IPI in flight
  kWakeCstateExit,     // ... its pCPU leaving its idle state
  kWakeXenSwitch,      // ... Xen's vcpu_unblock/schedule, upcall, idle exit, switch
  kLruLockWait,        // waiting for the lru_lock (caller or target)
  kDrainWork,          // lru_add_drain: moving pages under the lock, empty drains
  kFlushWork,          // flush_work() checks
  kCallerWake,         // complete() to the caller running again
  kDrainMutexWait,     // 3.12+: waiting for the drain mutex
  kHypercall,          // copies, trap and Xen's work (retries included)
  kMunlock,            // sys_munlock / munmap
  kResume,             // xc_evtchn_notify, ioreq done, VM entry
};
inline constexpr int kLatencyParts = 15;
inline constexpr const char* kLatencyPartNames[kLatencyParts] = {"guest_exit_ioreq_dispatch",
                                                                 "device_model",
                                                                 "mlock_syscall",
                                                                 "queue_work_ipi_send",
                                                                 "wake_ipi_delivery",
                                                                 "wake_cstate_exit",
                                                                 "wake_xen_switch",
                                                                 "lru_lock_wait",
                                                                 "drain_work",
                                                                 "flush_work",
                                                                 "caller_wake",
                                                                 "drain_mutex_wait",
                                                                 "hypercall",
                                                                 "munlock",
                                                                 "resume"};

// The running attribution of one access: time since `last` goes to `cur`.
struct LatencyParts {
  engine::SimTime ns[kLatencyParts] = {};
  LatencyPart cur = LatencyPart::kGuestExitDispatch;
  engine::SimTime last = 0;
  void open(engine::SimTime now) {
    cur = LatencyPart::kGuestExitDispatch;
    last = now;
  }
  // From now on the time goes to `p`.
  void to(engine::SimTime now, LatencyPart p) {
    ns[static_cast<int>(cur)] += now - last;
    last = now;
    cur = p;
  }
  // The part of [a, b) after `from` goes to `p`.
  void add_after(engine::SimTime from, LatencyPart p, engine::SimTime a, engine::SimTime b) {
    const engine::SimTime lo = a > from ? a : from;
    if (b > lo) ns[static_cast<int>(p)] += b - lo;
  }
};

struct Metrics {
  explicit Metrics(engine::SimTime window) : dom0_busy_ns(window), resched_ipis(window) {}

  engine::Histogram ioport_ns;        // guest IDE access, issue to resume
  engine::WindowSeries dom0_busy_ns;  // summed over vCPUs
  engine::WindowSeries resched_ipis;  // count per window
  std::uint64_t ipis_total = 0;
  std::uint64_t ipis_by_distance[topo::kDistanceClasses] = {};
  std::uint64_t ipis_by_kind[kIpiKinds] = {};
  std::uint64_t ioport_accesses = 0;
  std::uint64_t mlock_calls = 0;
  std::uint64_t munlock_calls = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t hypercalls = 0;
  std::uint64_t drains_all = 0;     // lru_add_drain_all() calls that queued work
  std::uint64_t drain_cpus = 0;     // CPUs work was queued on, summed over those calls
  std::uint64_t drains_local = 0;   // lru_add_drain() run on a CPU (local or by a worker)
  std::uint64_t drain_skipped = 0;  // callers that piggy-backed on another drain
  std::uint64_t lock_acquisitions = 0;
  std::uint64_t lock_contended = 0;
  engine::SimTime lock_wait_ns = 0;
  std::uint64_t vcpu_wakes = 0;
  LatencyParts ioport_parts;  // summed over the accesses
  // Per dom0 vCPU: wakes from Xen, by the idle state its pCPU was in.
  std::vector<std::array<std::uint64_t, 4>> wakes_by_cstate;
  // hypercall buffers
  std::uint64_t irq_updates = 0;        // IRQ level changes QEMU asked for
  std::uint64_t irq_hypercalls = 0;     // hypercalls made for them (incl. retries)
  std::uint64_t buffer_syscalls = 0;    // syscalls made by the buffer strategy
  std::uint64_t failed_hypercalls = 0;  // -EFAULT: argument page not present
  std::uint64_t bytes_copied = 0;
  std::uint64_t tlb_flush_ipis = 0;  // munmap's TLB shootdowns (not reschedule IPIs)
  std::int64_t locked_bytes = 0;
  std::int64_t peak_locked_bytes = 0;
  void lock_bytes(std::int64_t b) {
    locked_bytes += b;
    if (locked_bytes > peak_locked_bytes) peak_locked_bytes = locked_bytes;
  }
  void unlock_bytes(std::int64_t b) { locked_bytes -= b; }
  engine::SimTime boot_time_ns = 0;

  std::uint64_t ipis(IpiKind k) const { return ipis_by_kind[static_cast<int>(k)]; }
  std::uint64_t ipis(topo::DistanceClass d) const { return ipis_by_distance[static_cast<int>(d)]; }

  void count_ipi(engine::SimTime t, topo::DistanceClass d, IpiKind k) {
    ++ipis_total;
    ++ipis_by_distance[static_cast<int>(d)];
    ++ipis_by_kind[static_cast<int>(k)];
    resched_ipis.add_count(t);
  }
};

struct Result;  // scenario.hpp: one run's config, metrics and series

// How a figure is shown to people. JSON and CSV always carry full precision.
enum class MetricFormat {
  kCount,   // an integer count, human-readable (1.23M)
  kSi,      // a real number, human-readable (1.23M)
  kFixed1,  // fixed point with 1, 2, 3 or 4 decimals
  kFixed2,
  kFixed3,
  kFixed4,
};

// The tables for people that show a selection of the rows (the JSON, the
// CSV files and the uncertainty bands show every row). A row lists the views
// it appears in (MetricSpec::views); each view's table is built from that
// column alone, so a new row with a view shows there with no other edit.
enum class View : std::uint8_t {
  kSimulate,   // simulate's table: metric, value, unit
  kCompare,    // compare's columns (and its --wide CSV's, under the row's name)
  kSweep,      // sweep's headline columns
  kReproduce,  // the report's figures, under their reproduce JSON names
  kBreakdown,  // the ioport latency breakdown (simulate, compare --breakdown)
};
inline constexpr int kViews = 5;
// "simulate", "compare", "sweep", "reproduce", "breakdown".
const char* view_name(View v);

// One row's place in one view.
struct MetricView {
  View view;
  int position = 0;  // order in the view (ties: table order)
  // The view's name for the row (reproduce's "dom0_util_peak_pct");
  // nullptr: the row's name.
  const char* short_name = nullptr;
  // Another row whose value the view shows beside this one's unit
  // (simulate: the cycle latencies with microseconds); nullptr: none.
  const char* beside = nullptr;
};

struct MetricSpec {
  const char* name;         // dotted path in the "metrics" JSON object ("dom0_util_pct.peak")
  const char* label;        // for tables
  const char* unit;         // "s", "cycles", "% of one CPU", "IPIs", ...
  MetricFormat format;      // kCount: written to JSON as an integer
  const char* computation;  // how it is computed, in words
  bool deterministic;       // false: differs run to run (wall time); CSV and sweeps leave it out
  double (*value)(const Result&);
  std::vector<MetricView> views = {};  // the tables for people that show the row
  // This row's place in `v`, or nullptr when `v` does not show it.
  const MetricView* in(View v) const;
};

// Every derived figure, in table order (the JSON's and the CSV's).
const std::vector<MetricSpec>& metric_table();
// A row added to the table from another file (tests: a row registered from
// the test binary shows in every view it lists). Only during static
// initialisation: references into the table stay valid after it.
// logic_error when the name is taken.
struct MetricRegistration {
  explicit MetricRegistration(MetricSpec m);
};
// The rows `v` shows, in its order (position, then table order).
std::vector<const MetricSpec*> metrics_in_view(View v);
// The row `v` shows under `short_name` (its short name, else its name);
// logic_error when there is none (names are fixed in code).
const MetricSpec& metric_in_view(View v, const std::string& short_name);
// The name `v` gives row `m` (its short name, else its name).
std::string view_name_of(const MetricSpec& m, View v);
// The entry named `name`; throws std::logic_error when there is none (a
// programming error: names are fixed in code).
const MetricSpec& metric(const std::string& name);
// metric(name).value(r).
double metric_value(const std::string& name, const Result& r);
// A value as the table's format shows it ("1.23M", "42.13").
std::string format_metric(const MetricSpec& m, double v);
// "count", "si", "fixed1" .. "fixed4".
const char* format_name(MetricFormat f);
// A count or rate for people: 1234567 -> "1.23M", 12345 -> "12.3k".
std::string format_si(double v);

// One window's figures from its sums and its length in ns: the per-window
// series (run/world.cpp) and the peak rows of metric_table() both use these.
// dom0 utilisation, % of one CPU: busy ns summed over vCPUs / length x 100.
double window_util_pct(double busy_ns, double length_ns);
// Reschedule IPIs per second: IPIs / length in s.
double window_ipis_per_s(double ipis, double length_ns);

}  // namespace ipistorm::model
