// fanout_scenario.cpp: a caller task looping over drain_cpus().
#include "calibration/fanout_scenario.hpp"

#include "calibration/micro_world.hpp"
#include "engine/stats.hpp"
#include "model/drain.hpp"

namespace ipistorm::calibration {
namespace {

using engine::Action;
using engine::SimTime;

// The benchmark's loop: for (auto _ : state) workers.schedule_on_each_cpu();
struct CallerLoop {
  model::Dom0* dom0 = nullptr;
  model::Task* caller = nullptr;
  std::vector<int> vcpus;  // the workers' vCPUs
  int remaining = 0, warmup = 0;
  SimTime started = 0;
  bool measuring = false;
  std::uint64_t ipis_at_start = 0;
  engine::Histogram latency;

  void start(std::int64_t) {
    started = dom0->sim().now();
    if (warmup == 0 && !measuring) {
      measuring = true;
      ipis_at_start = dom0->metrics().ipis_total;
    }
    model::drain_cpus(*dom0, *caller, vcpus, Action::bind<&CallerLoop::done>(this));
  }
  void done(std::int64_t) {
    if (warmup > 0) {
      --warmup;
    } else {
      latency.add(dom0->sim().now() - started);
      --remaining;
    }
    if (remaining > 0) start(0);
  }
};

}  // namespace

FanoutPrediction simulate_fanout(const topo::Topology& topology, int home,
                                 const std::vector<int>& targets, const model::ParamValues& params,
                                 std::uint64_t seed, int ops, int warmup) {
  if (targets.empty()) throw InputError("a fan-out needs at least one target CPU");
  const std::vector<int> pcpus = home_and(topology, home, targets, "fan-out target");
  // The work item touches no pages: no page activity anywhere (quiet()).
  MicroWorld w(topology, pcpus, params, seed);
  model::Dom0& dom0 = w.dom0;
  model::Metrics& metrics = w.metrics;

  CallerLoop loop;
  loop.dom0 = &dom0;
  loop.caller = &dom0.create_task("fanout-caller", 0);
  for (std::size_t i = 1; i < pcpus.size(); ++i) loop.vcpus.push_back(static_cast<int>(i));
  loop.remaining = ops;
  loop.warmup = warmup;
  loop.caller->resume = Action::bind<&CallerLoop::start>(&loop);
  dom0.wake(*loop.caller, nullptr, model::IpiKind::kOther);
  w.sim.run();

  FanoutPrediction out;
  out.ops = loop.latency.count();
  out.mean_us = loop.latency.mean() / 1e3;
  out.p50_us = loop.latency.quantile(0.5) / 1e3;
  if (out.ops)
    out.ipis_per_op =
        static_cast<double>(metrics.ipis_total - loop.ipis_at_start) / static_cast<double>(out.ops);
  return out;
}

}  // namespace ipistorm::calibration
