// world.cpp: build the simulated world for a Config (Xen, dom0, the device
// model, the other drain callers, the guest), run it to the end of the boot.
#include "run/world.hpp"

#include <chrono>
#include <memory>

#include "errors.hpp"
#include "io/number.hpp"
#include "model/costs.hpp"
#include "model/device_model.hpp"
#include "model/dom0.hpp"
#include "model/guest.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/other_drain_callers.hpp"
#include "model/placement.hpp"
#include "model/strategies/strategy.hpp"
#include "model/xen.hpp"
#include "topology/topology.hpp"

namespace ipistorm::run {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

namespace {

// Name the tracks: "pCPU 3 (package 0, core 3)", "vCPU 3 (pCPU 3, package 0)",
// the guest vCPU, and a track per task that can block (not the workers).
void name_trace_tracks(TraceObserver& tr, const topo::Topology& topo, Dom0& dom0) {
  for (int p = 0; p < topo.num_cpus(); ++p) {
    const auto& c = topo.cpu(p);
    tr.name_track(TraceTrack::pcpu(p),
                  "pCPU " + std::to_string(c.os_index) + " (package " + std::to_string(c.package) +
                      ", core " + std::to_string(c.core) + ")",
                  p);
  }
  tr.name_track(TraceTrack::guest(), "HVM guest vCPU 0", topo.num_cpus());
  for (int v = 0; v < dom0.num_vcpus(); ++v) {
    const auto& c = topo.cpu(dom0.vcpu(v).pcpu);
    tr.name_track(TraceTrack::vcpu(v),
                  "vCPU " + std::to_string(v) + " (pCPU " + std::to_string(c.os_index) +
                      ", package " + std::to_string(c.package) + ")",
                  v);
  }
  for (const auto& t : dom0.tasks())
    if (t->name.rfind("events/", 0) != 0)
      tr.name_track(TraceTrack::task(t->id),
                    t->name + " (task on vCPU " + std::to_string(t->vcpu->id) + ")",
                    dom0.num_vcpus() + t->id);
}

}  // namespace

Result run(const Config& input, const std::atomic<bool>* cancel, TraceObserver* trace) {
  const auto wall0 = std::chrono::steady_clock::now();
  Result r;
  r.config = input;
  Config& cfg = r.config;

  // Validate names before any work.
  const KernelPolicyEntry& kernel_entry = find_kernel_policy(cfg.kernel);
  const StrategyEntry& strategy_entry = find_strategy(cfg.strategy);
  topo::Topology topo = topo::Topology::load(cfg.topology);
  if (!(cfg.cpu_ghz == 0 || (cfg.cpu_ghz >= kMinGhz && cfg.cpu_ghz <= kMaxGhz)))
    throw InputError("cpu_ghz must be 0 (the topology's own) or in " +
                     io::format_range(kMinGhz, kMaxGhz) + ", got " +
                     io::format_number(cfg.cpu_ghz));
  if (cfg.cpu_ghz > 0) topo.set_ghz(cfg.cpu_ghz);
  cfg.cpu_ghz = topo.ghz();
  r.cpu_ghz_source = topo.ghz_source();
  if (cfg.dom0_vcpus == 0) cfg.dom0_vcpus = topo.num_cpus();
  if (cfg.dom0_vcpus < 1 || cfg.dom0_vcpus > topo.num_cpus())
    throw InputError("dom0_vcpus " + std::to_string(cfg.dom0_vcpus) + " is outside 1.." +
                     std::to_string(topo.num_cpus()) + " (the CPUs of " + cfg.topology + ")");
  if (cfg.dm_vcpu < 0 || cfg.dm_vcpu >= cfg.dom0_vcpus)
    throw InputError("dm_vcpu " + std::to_string(cfg.dm_vcpu) + " is outside 0.." +
                     std::to_string(cfg.dom0_vcpus - 1));
  if (!(cfg.window_s >= kMinWindowS && cfg.window_s <= kMaxWindowS))
    throw InputError("window_s must be in " + io::format_range(kMinWindowS, kMaxWindowS) +
                     " s, got " + io::format_number(cfg.window_s));
  const double evtchn_vcpu = cfg.params.get("dm_evtchn_vcpu");
  if (evtchn_vcpu >= cfg.dom0_vcpus)
    throw InputError("parameter dm_evtchn_vcpu " + std::to_string(static_cast<long>(evtchn_vcpu)) +
                     " is outside 0.." + std::to_string(cfg.dom0_vcpus - 1) + " (the dom0 vCPUs)");
  // A count of CPUs is bounded by the machine, known only now (the table's
  // range, 0..8192, is the largest machine's).
  const double mm_cpus = cfg.params.get("dm_mm_other_cpus");
  if (mm_cpus > topo.num_cpus())
    throw InputError("parameter dm_mm_other_cpus " + io::format_number(mm_cpus) + " is above the " +
                     std::to_string(topo.num_cpus()) + " CPUs of " + cfg.topology +
                     " (it counts CPUs of the device model's mm_cpumask)");
  check_simulated_times(cfg.params);  // before the run: no delay may pass kMaxSimTime
  const std::vector<int> pcpus = place_vcpus(topo, cfg.dom0_vcpus, cfg.placement);
  r.topology_description = topo.description();

  const Costs costs(cfg.params);
  const auto window = static_cast<engine::SimTime>(cfg.window_s * 1e9);
  r.metrics = Metrics(window);
  engine::Simulator sim;
  Hypervisor xen(costs, topo.num_cpus(), cfg.seed);
  Dom0 dom0(sim, costs, xen, r.metrics, topo, pcpus, cfg.seed);
  std::unique_ptr<KernelPolicy> kernel = kernel_entry.make();
  std::unique_ptr<HypercallBufferStrategy> strategy = strategy_entry.make();
  DeviceModel dm(dom0, *kernel, *strategy, cfg.dm_vcpu, cfg.seed);
  OtherDrainCallers others(dom0, *kernel, cfg.seed);
  Guest guest(sim, costs, r.metrics, dm, boot_phases(cfg.params), cfg.seed);
  if (trace) {
    name_trace_tracks(*trace, topo, dom0);
    xen.set_trace(trace);
    dom0.set_trace(trace);
    guest.set_trace(trace);
  }

  guest.start();
  others.start();
  sim.set_cancel_flag(cancel);
  sim.run(kMaxSimTime);  // no time can overflow: every delay is below the horizon too
  if (sim.cancelled()) throw Cancelled();
  if (!guest.finished() && sim.pending() > 0)
    throw InputError("the guest had not booted after " +
                     io::format_number(static_cast<double>(kMaxSimTime) / 1e9) +
                     " s of simulated time, the longest run; give smaller costs or workload");
  if (!guest.finished()) throw std::runtime_error("simulation ended before the guest booted");
  dom0.finish(sim.now());
  if (trace) {
    xen.trace_finish(sim.now());
    trace->finish(sim.now());
  }

  r.events = sim.events_processed();
  // Per-window series over the boot, at the series' width (window_s, or a
  // power-of-two multiple of it after a long run: engine/stats.hpp).
  Metrics& m = r.metrics;
  m.dom0_busy_ns.cover(m.boot_time_ns);
  m.resched_ipis.cover(m.boot_time_ns);
  const engine::SimTime width = m.dom0_busy_ns.window();
  const double wsec = static_cast<double>(width) / 1e9;
  const auto nwin = static_cast<std::size_t>((m.boot_time_ns + width - 1) / width);
  for (std::size_t i = 0; i < nwin; ++i) {
    const double busy = i < m.dom0_busy_ns.values().size() ? m.dom0_busy_ns.values()[i] : 0.0;
    const double ipis = i < m.resched_ipis.values().size() ? m.resched_ipis.values()[i] : 0.0;
    r.series.time_s.push_back(static_cast<double>(i) * wsec);
    r.series.dom0_util_pct.push_back(window_util_pct(busy, static_cast<double>(width)));
    r.series.resched_ipis_per_s.push_back(window_ipis_per_s(ipis, static_cast<double>(width)));
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

}  // namespace ipistorm::run
