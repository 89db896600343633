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
#include "run/config.hpp"
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
  // Every check of the config, before any work (run/config.hpp).
  Resolved resolved = resolve(input);
  Config& cfg = r.config = std::move(resolved.config);
  const topo::Topology& topo = resolved.topology;
  r.cpu_ghz_source = topo.ghz_source();
  const KernelPolicyEntry& kernel_entry = find_kernel_policy(cfg.kernel);
  const StrategyEntry& strategy_entry = find_strategy(cfg.strategy);
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
