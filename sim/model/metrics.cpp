// metrics.cpp: the one table of derived figures. Each row's function is the
// only place its figure is computed.
#include "model/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "model/scenario.hpp"

namespace ipistorm::model {

namespace {

using topo::DistanceClass;

double u(std::uint64_t x) { return static_cast<double>(x); }
double ratio(double a, double b) { return b != 0 ? a / b : 0.0; }

double boot_s(const Result& r) { return static_cast<double>(r.metrics.boot_time_ns) / 1e9; }
double ioport_q(const Result& r, double q) { return r.metrics.ioport_ns.quantile(q); }

// A series' busiest full window (WindowSeries::peak) through one of the
// window formulas below.
double peak_of(const engine::WindowSeries& w, engine::SimTime end,
               double (*per_window)(double, double)) {
  const engine::WindowSeries::Peak p = w.peak(end);
  return p.length > 0 ? per_window(p.value, static_cast<double>(p.length)) : 0.0;
}

// Mean microseconds per ioport access of latency part P.
template <int P>
double part_us(const Result& r) {
  const double n = u(r.metrics.ioport_ns.count());
  return n > 0 ? static_cast<double>(r.metrics.ioport_parts.ns[P]) / n / 1e3 : 0.0;
}

// The built-in rows; MetricRegistration appends to them.
std::vector<MetricSpec>& table_rows() {
  using F = MetricFormat;
  using V = View;
  static std::vector<MetricSpec> table = {
      {"boot_time_s",
       "guest boot time",
       "s",
       F::kFixed2,
       "simulated time at which the guest's last boot phase ends",
       true,
       boot_s,
       {{V::kSimulate, 10}, {V::kCompare}, {V::kSweep, 1}, {V::kReproduce}}},
      {"ioport_latency_cycles.mean",
       "ioport latency mean",
       "cycles",
       F::kSi,
       "mean guest IDE access latency (issue to resume) x cpu_ghz",
       true,
       [](const Result& r) { return r.metrics.ioport_ns.mean() * r.config.cpu_ghz; },
       {{V::kSimulate, 20, nullptr, "ioport_latency_us.mean"},
        {V::kReproduce, 0, "ioport_latency_mean_cycles"}}},
      {"ioport_latency_cycles.p50",
       "ioport latency p50",
       "cycles",
       F::kSi,
       "median ioport latency x cpu_ghz (histogram quantile)",
       true,
       [](const Result& r) { return ioport_q(r, 0.50) * r.config.cpu_ghz; },
       {{V::kSimulate, 30, nullptr, "ioport_latency_us.p50"}}},
      {"ioport_latency_cycles.p99",
       "ioport latency p99",
       "cycles",
       F::kSi,
       "99th percentile ioport latency x cpu_ghz (histogram quantile)",
       true,
       [](const Result& r) { return ioport_q(r, 0.99) * r.config.cpu_ghz; },
       {{V::kSimulate, 40, nullptr, "ioport_latency_us.p99"}}},
      {"ioport_latency_us.mean",
       "ioport latency mean",
       "us",
       F::kFixed1,
       "mean guest IDE access latency, issue to resume",
       true,
       [](const Result& r) { return r.metrics.ioport_ns.mean() * 1e-3; },
       {{V::kSweep, 2}}},
      {"ioport_latency_us.p50",
       "ioport latency p50",
       "us",
       F::kFixed1,
       "median ioport latency (histogram quantile)",
       true,
       [](const Result& r) { return ioport_q(r, 0.50) * 1e-3; },
       {{V::kCompare}}},
      {"ioport_latency_us.p99",
       "ioport latency p99",
       "us",
       F::kFixed1,
       "99th percentile ioport latency (histogram quantile)",
       true,
       [](const Result& r) { return ioport_q(r, 0.99) * 1e-3; },
       {{V::kCompare}}},
      {"ioport_accesses", "ioport accesses", "accesses", F::kCount,
       "guest IDE port accesses answered", true,
       [](const Result& r) { return u(r.metrics.ioport_accesses); }},
      {"dom0_util_pct.mean",
       "dom0 utilisation mean",
       "% of one CPU",
       F::kFixed1,
       "dom0 vCPU busy time summed over vCPUs / boot time x 100",
       true,
       [](const Result& r) {
         return ratio(r.metrics.dom0_busy_ns.total(), static_cast<double>(r.metrics.boot_time_ns)) *
                100.0;
       },
       {{V::kSimulate, 50}}},
      {"dom0_util_pct.peak",
       "dom0 utilisation peak",
       "% of one CPU",
       F::kFixed1,
       "busiest window lying fully inside the boot: busy time / window x 100 (the partial last "
       "window left out; a boot shorter than one window: its mean)",
       true,
       [](const Result& r) {
         return peak_of(r.metrics.dom0_busy_ns, r.metrics.boot_time_ns, window_util_pct);
       },
       {{V::kSimulate, 60},
        {V::kCompare},
        {V::kSweep, 4},
        {V::kReproduce, 0, "dom0_util_peak_pct"}}},
      {"resched_ipis_per_s.mean",
       "resched IPIs mean",
       "per s",
       F::kSi,
       "reschedule IPIs / boot time",
       true,
       [](const Result& r) { return ratio(u(r.metrics.ipis_total), boot_s(r)); },
       {{V::kSimulate, 80}}},
      {"resched_ipis_per_s.peak",
       "resched IPIs peak",
       "per s",
       F::kSi,
       "reschedule IPIs in the busiest full window / its width (a boot shorter than one "
       "window: the mean)",
       true,
       [](const Result& r) {
         return peak_of(r.metrics.resched_ipis, r.metrics.boot_time_ns, window_ipis_per_s);
       },
       {{V::kSimulate, 90},
        {V::kCompare},
        {V::kSweep, 3},
        {V::kReproduce, 0, "resched_ipis_peak_per_s"}}},
      {"resched_ipis_total",
       "resched IPIs total",
       "IPIs",
       F::kCount,
       "reschedule IPIs sent (EVTCHNOP_send to another vCPU)",
       true,
       [](const Result& r) { return u(r.metrics.ipis_total); },
       {{V::kSimulate, 70}}},
      {"ipis_by_distance.same_core",
       "  to SMT sibling",
       "IPIs",
       F::kCount,
       "reschedule IPIs to a vCPU on an SMT sibling",
       true,
       [](const Result& r) { return u(r.metrics.ipis(DistanceClass::kSameCore)); },
       {{V::kSimulate, 100}}},
      {"ipis_by_distance.same_package",
       "  within package",
       "IPIs",
       F::kCount,
       "reschedule IPIs to another core of the same package",
       true,
       [](const Result& r) { return u(r.metrics.ipis(DistanceClass::kSamePackage)); },
       {{V::kSimulate, 110}}},
      {"ipis_by_distance.other_package",
       "  other package",
       "IPIs",
       F::kCount,
       "reschedule IPIs to another package",
       true,
       [](const Result& r) { return u(r.metrics.ipis(DistanceClass::kOtherPackage)); },
       {{V::kSimulate, 120}}},
      {"ipis_by_purpose.drain_target", "IPIs to drain targets", "IPIs", F::kCount,
       "reschedule IPIs waking a CPU's workqueue worker for its drain work", true,
       [](const Result& r) { return u(r.metrics.ipis(IpiKind::kDrainTarget)); }},
      {"ipis_by_purpose.caller_wake", "IPIs waking drain callers", "IPIs", F::kCount,
       "reschedule IPIs from complete() waking the flush_work() caller", true,
       [](const Result& r) { return u(r.metrics.ipis(IpiKind::kCallerWake)); }},
      {"ipis_by_purpose.other", "other IPIs", "IPIs", F::kCount,
       "other reschedule IPIs (mutex hand-off, ...)", true,
       [](const Result& r) { return u(r.metrics.ipis(IpiKind::kOther)); }},
      {"drain_target_ipis_per_mlock",
       "drain-target IPIs per mlock",
       "IPIs",
       F::kFixed2,
       "drain-target IPIs / mlock calls (the report's formula: dom0 vCPUs - 1)",
       true,
       [](const Result& r) {
         return ratio(u(r.metrics.ipis(IpiKind::kDrainTarget)), u(r.metrics.mlock_calls));
       },
       {{V::kSimulate, 130}, {V::kReproduce}}},
      {"mlock_calls",
       "mlock calls",
       "calls",
       F::kCount,
       "sys_mlock calls",
       true,
       [](const Result& r) { return u(r.metrics.mlock_calls); },
       {{V::kSimulate, 140}}},
      {"drains",
       "all-CPU drains",
       "calls",
       F::kCount,
       "lru_add_drain_all() calls that queued work",
       true,
       [](const Result& r) { return u(r.metrics.drains_all); },
       {{V::kSimulate, 150}}},
      {"drain_cpus", "CPUs drained", "CPUs", F::kCount,
       "CPUs drain work was queued on, summed over drains", true,
       [](const Result& r) { return u(r.metrics.drain_cpus); }},
      {"local_drains", "local drains", "calls", F::kCount,
       "lru_add_drain() runs on a CPU (by the caller or a worker)", true,
       [](const Result& r) { return u(r.metrics.drains_local); }},
      {"drains_skipped", "drains skipped", "calls", F::kCount,
       "lru_add_drain_all() callers that piggy-backed on another's drain (5.10+)", true,
       [](const Result& r) { return u(r.metrics.drain_skipped); }},
      {"hypercalls",
       "hypercalls",
       "calls",
       F::kCount,
       "hypercalls made by dom0 (including failed ones and event notifications)",
       true,
       [](const Result& r) { return u(r.metrics.hypercalls); },
       {{V::kSimulate, 160}}},
      {"syscalls", "syscalls", "calls", F::kCount, "system calls made by the device model", true,
       [](const Result& r) { return u(r.metrics.syscalls); }},
      {"lock_acquisitions", "lru_lock acquisitions", "acquisitions", F::kCount,
       "zone lru_lock acquisitions", true,
       [](const Result& r) { return u(r.metrics.lock_acquisitions); }},
      {"lock_contended", "lru_lock contended", "acquisitions", F::kCount,
       "lru_lock acquisitions that found it held", true,
       [](const Result& r) { return u(r.metrics.lock_contended); }},
      {"lock_wait_s",
       "lru_lock wait",
       "s",
       F::kFixed4,
       "time spent spinning for the lru_lock, summed over CPUs",
       true,
       [](const Result& r) { return static_cast<double>(r.metrics.lock_wait_ns) / 1e9; },
       {{V::kSimulate, 170}}},
      {"vcpu_wakes", "vCPU wakes", "wakes", F::kCount, "blocked dom0 vCPUs woken by Xen", true,
       [](const Result& r) { return u(r.metrics.vcpu_wakes); }},
      {"irq_updates", "IRQ level changes", "calls", F::kCount,
       "IRQ level settings the device model asked for", true,
       [](const Result& r) { return u(r.metrics.irq_updates); }},
      {"irq_hypercalls", "IRQ hypercalls", "calls", F::kCount,
       "hypercalls made for them (retries included)", true,
       [](const Result& r) { return u(r.metrics.irq_hypercalls); }},
      {"peak_locked_bytes",
       "locked memory peak",
       "bytes",
       F::kCount,
       "most bytes mlocked at once",
       true,
       [](const Result& r) { return static_cast<double>(r.metrics.peak_locked_bytes); },
       {{V::kCompare}}},
      {"buffer_syscalls", "buffer syscalls", "calls", F::kCount,
       "system calls made by the hypercall-buffer strategy", true,
       [](const Result& r) { return u(r.metrics.buffer_syscalls); }},
      {"syscalls_per_hypercall",
       "syscalls per hypercall",
       "syscalls",
       F::kFixed3,
       "buffer syscalls / IRQ hypercalls",
       true,
       [](const Result& r) {
         return ratio(u(r.metrics.buffer_syscalls), u(r.metrics.irq_hypercalls));
       },
       {{V::kCompare}}},
      {"failed_hypercalls",
       "failed hypercalls",
       "calls",
       F::kCount,
       "hypercalls that failed with -EFAULT (argument page absent)",
       true,
       [](const Result& r) { return u(r.metrics.failed_hypercalls); },
       {{V::kCompare}}},
      {"bytes_copied", "bytes copied", "bytes", F::kCount,
       "hypercall argument bytes copied in and out", true,
       [](const Result& r) { return u(r.metrics.bytes_copied); }},
      {"tlb_flush_ipis", "TLB flush IPIs", "IPIs", F::kCount,
       "munmap TLB shootdowns (not reschedule IPIs)", true,
       [](const Result& r) { return u(r.metrics.tlb_flush_ipis); }},
      {"ioport_breakdown_us.guest_exit_ioreq_dispatch",
       "  guest exit, ioreq dispatch",
       "us",
       F::kFixed2,
       "mean per ioport access: VM exit, ioreq dispatch and the device model's wake-up (the parts "
       "add up to the mean latency)",
       true,
       part_us<0>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.device_model",
       "  device model",
       "us",
       F::kFixed2,
       "mean per ioport access: emulation and libxc around the hypercall (the parts add up to the "
       "mean latency)",
       true,
       part_us<1>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.mlock_syscall",
       "  mlock syscall",
       "us",
       F::kFixed2,
       "mean per ioport access: sys_mlock's entry and page marking, not its drain (the parts add "
       "up to the mean latency)",
       true,
       part_us<2>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.queue_work_ipi_send",
       "  queue_work + IPI sends",
       "us",
       F::kFixed2,
       "mean per ioport access: schedule_on_each_cpu's queue_work and EVTCHNOP_send per CPU (the "
       "parts add up to the mean latency)",
       true,
       part_us<3>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.wake_ipi_delivery",
       "  target wake: IPI delivery",
       "us",
       F::kFixed2,
       "mean per ioport access: waiting for a drain target while its IPI is in flight (the parts "
       "add up to the mean latency)",
       true,
       part_us<4>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.wake_cstate_exit",
       "  target wake: C-state exit",
       "us",
       F::kFixed2,
       "mean per ioport access: waiting while the target's pCPU leaves its idle state (the parts "
       "add up to the mean latency)",
       true,
       part_us<5>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.wake_xen_switch",
       "  target wake: Xen wake, switch",
       "us",
       F::kFixed2,
       "mean per ioport access: waiting for Xen's vcpu_unblock/schedule, upcall, idle exit, switch "
       "to events/N (the parts add up to the mean latency)",
       true,
       part_us<6>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.lru_lock_wait",
       "  lru_lock wait",
       "us",
       F::kFixed2,
       "mean per ioport access: waiting for the lru_lock (the caller's or an awaited target's) "
       "(the parts add up to the mean latency)",
       true,
       part_us<7>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.drain_work",
       "  drain work",
       "us",
       F::kFixed2,
       "mean per ioport access: lru_add_drain under the lock, empty drains (the parts add up to "
       "the mean latency)",
       true,
       part_us<8>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.flush_work",
       "  flush_work",
       "us",
       F::kFixed2,
       "mean per ioport access: flush_work() checks (the parts add up to the mean latency)",
       true,
       part_us<9>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.caller_wake",
       "  caller wake",
       "us",
       F::kFixed2,
       "mean per ioport access: complete() to the device model running again (the parts add up to "
       "the mean latency)",
       true,
       part_us<10>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.drain_mutex_wait",
       "  drain mutex wait",
       "us",
       F::kFixed2,
       "mean per ioport access: waiting for lru_add_drain_all's mutex (3.12+) (the parts add up to "
       "the mean latency)",
       true,
       part_us<11>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.hypercall",
       "  hypercall",
       "us",
       F::kFixed2,
       "mean per ioport access: argument copies, trap and Xen's work, retries included (the parts "
       "add up to the mean latency)",
       true,
       part_us<12>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.munlock",
       "  munlock",
       "us",
       F::kFixed2,
       "mean per ioport access: sys_munlock / munmap (the parts add up to the mean latency)",
       true,
       part_us<13>,
       {{V::kBreakdown}}},
      {"ioport_breakdown_us.resume",
       "  resume",
       "us",
       F::kFixed2,
       "mean per ioport access: xc_evtchn_notify, ioreq done, VM entry (the parts add up to the "
       "mean latency)",
       true,
       part_us<14>,
       {{V::kBreakdown}}},
      {"events",
       "events",
       "events",
       F::kCount,
       "simulator events run",
       true,
       [](const Result& r) { return u(r.events); },
       {{V::kSimulate, 180}}},
      {"events_per_mlock_per_vcpu", "events per mlock per vCPU", "events", F::kFixed2,
       "simulator events / mlock calls / dom0 vCPUs (0 without mlock calls): the engine's work "
       "per drain target",
       true,
       [](const Result& r) {
         return ratio(ratio(u(r.events), u(r.metrics.mlock_calls)),
                      static_cast<double>(r.config.dom0_vcpus));
       }},
      {"wall_s",
       "wall time",
       "s",
       F::kFixed3,
       "host seconds the run took",
       false,
       [](const Result& r) { return r.wall_s; },
       {{V::kSimulate, 190}}},
  };
  return table;
}

}  // namespace

const std::vector<MetricSpec>& metric_table() { return table_rows(); }

MetricRegistration::MetricRegistration(MetricSpec m) {
  for (const auto& x : table_rows())
    if (std::string(x.name) == m.name)
      throw std::logic_error(std::string("metric '") + m.name + "' registered twice");
  table_rows().push_back(std::move(m));
}

const MetricView* MetricSpec::in(View v) const {
  for (const MetricView& x : views)
    if (x.view == v) return &x;
  return nullptr;
}

const char* view_name(View v) {
  switch (v) {
    case View::kSimulate:
      return "simulate";
    case View::kCompare:
      return "compare";
    case View::kSweep:
      return "sweep";
    case View::kReproduce:
      return "reproduce";
    case View::kBreakdown:
      return "breakdown";
  }
  return "?";
}

std::vector<const MetricSpec*> metrics_in_view(View v) {
  std::vector<const MetricSpec*> out;
  for (const MetricSpec& m : metric_table())
    if (m.in(v)) out.push_back(&m);
  std::stable_sort(out.begin(), out.end(), [v](const MetricSpec* a, const MetricSpec* b) {
    return a->in(v)->position < b->in(v)->position;
  });
  return out;
}

std::string view_name_of(const MetricSpec& m, View v) {
  const MetricView* x = m.in(v);
  return x && x->short_name ? x->short_name : m.name;
}

const MetricSpec& metric_in_view(View v, const std::string& short_name) {
  for (const MetricSpec& m : metric_table())
    if (m.in(v) && view_name_of(m, v) == short_name) return m;
  throw std::logic_error(std::string("no metric named ") + short_name + " in the " + view_name(v) +
                         " view");
}

const MetricSpec& metric(const std::string& name) {
  for (const auto& m : metric_table())
    if (name == m.name) return m;
  throw std::logic_error("no metric named " + name);
}

double metric_value(const std::string& name, const Result& r) { return metric(name).value(r); }

std::string format_metric(const MetricSpec& m, double v) {
  char buf[64];
  switch (m.format) {
    case MetricFormat::kFixed1:
    case MetricFormat::kFixed2:
    case MetricFormat::kFixed3:
    case MetricFormat::kFixed4: {
      const int digits = 1 + static_cast<int>(m.format) - static_cast<int>(MetricFormat::kFixed1);
      std::snprintf(buf, sizeof buf, "%.*f", digits, v);
      return buf;
    }
    case MetricFormat::kCount:
    case MetricFormat::kSi:
      break;
  }
  return format_si(v);
}

const char* format_name(MetricFormat f) {
  switch (f) {
    case MetricFormat::kCount:
      return "count";
    case MetricFormat::kSi:
      return "si";
    case MetricFormat::kFixed1:
      return "fixed1";
    case MetricFormat::kFixed2:
      return "fixed2";
    case MetricFormat::kFixed3:
      return "fixed3";
    case MetricFormat::kFixed4:
      return "fixed4";
  }
  return "?";
}

double window_util_pct(double busy_ns, double length_ns) { return busy_ns / length_ns * 100.0; }

double window_ipis_per_s(double ipis, double length_ns) { return ipis / length_ns * 1e9; }

std::string format_si(double v) {
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (a >= 1e4)
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace ipistorm::model
