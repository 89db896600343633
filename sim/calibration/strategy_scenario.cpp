// strategy_scenario.cpp: a caller task looping over one strategy's hypercall.
#include "calibration/strategy_scenario.hpp"

#include <cstdio>
#include <memory>
#include <tuple>

#include "calibration/micro_world.hpp"
#include "engine/stats.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/strategies/strategy.hpp"

namespace ipistorm::calibration {
namespace {

using engine::Action;
using engine::SimTime;

constexpr SimTime kBusySlice = 50 * engine::kNsPerUs;

// A loaded CPU: its task computes in slices until the caller is done.
struct BusyTask {
  model::Dom0* dom0 = nullptr;
  model::Task* task = nullptr;
  const bool* stop = nullptr;
  void run(std::int64_t) {
    if (*stop) return;
    dom0->compute(kBusySlice, Action::bind<&BusyTask::run>(this));
  }
};

// The benchmark's loop: for (auto _ : state) { acquire; copy; call; copy; release; }
struct CallerLoop {
  model::Dom0* dom0 = nullptr;
  model::HypercallBufferStrategy* strategy = nullptr;
  model::HypercallSite* site = nullptr;
  std::int64_t bytes = 0;
  int remaining = 0, warmup = 0;
  SimTime started = 0;
  std::uint64_t ipis_at_start = 0;
  bool stop = false;
  engine::Histogram latency;

  std::uint64_t ipis() const {
    const model::Metrics& m = dom0->metrics();
    return m.ipis_total + m.tlb_flush_ipis;
  }
  void start(std::int64_t) {
    started = dom0->sim().now();
    strategy->hypercall(*site, bytes, Action::bind<&CallerLoop::done>(this));
  }
  void done(std::int64_t) {
    if (warmup > 0) {
      if (--warmup == 0) ipis_at_start = ipis();
    } else {
      latency.add(dom0->sim().now() - started);
      --remaining;
    }
    if (remaining > 0)
      start(0);
    else
      stop = true;
  }
};

}  // namespace

StrategyPrediction simulate_strategy(const topo::Topology& topology, int home,
                                     const std::string& strategy, const std::string& kernel,
                                     std::int64_t bytes, BenchLoad load, BenchCall call,
                                     const std::vector<int>& load_cpus,
                                     const model::ParamValues& params, std::uint64_t seed, int ops,
                                     int warmup) {
  if (bytes < 1) throw InputError("a strategy benchmark needs an argument of at least 1 byte");
  if (ops < 1 || warmup < 1) throw InputError("a strategy micro-scenario needs ops and warm-up");
  const std::vector<int> pcpus = home_and(topology, home, load_cpus, "load");
  model::ParamValues p = params;
  p.set("nolock_fault_prob", 0);  // the bench's argument is always resident
  p.set("dm_mm_other_cpus", load == BenchLoad::kSpin ? static_cast<double>(load_cpus.size()) : 0);
  MicroWorld w(topology, pcpus, p, seed);
  model::Dom0& dom0 = w.dom0;
  const std::unique_ptr<model::KernelPolicy> policy = model::find_kernel_policy(kernel).make();
  const std::unique_ptr<model::HypercallBufferStrategy> s = model::find_strategy(strategy).make();
  engine::RandomStream rng(seed, /*stream=*/11);

  CallerLoop loop;
  loop.dom0 = &dom0;
  model::Task& caller = dom0.create_task("bench-caller", 0);
  // The stand-in (getppid) is one system call; xen_version is the privcmd
  // ioctl (a system call) and the hypercall it makes.
  const engine::SimTime call_cost =
      w.costs.syscall + (call == BenchCall::kXenVersion ? w.costs.hypercall : 0);
  model::HypercallSite site{dom0, caller, *policy, call_cost, bytes, rng};
  loop.strategy = s.get();
  loop.site = &site;
  loop.bytes = bytes;
  loop.remaining = ops;
  loop.warmup = warmup;

  std::vector<std::unique_ptr<BusyTask>> busy;
  if (load != BenchLoad::kIdle)
    for (std::size_t i = 1; i < pcpus.size(); ++i) {
      auto b = std::make_unique<BusyTask>();
      b->dom0 = &dom0;
      b->task = &dom0.create_task("bench-load", static_cast<int>(i));
      b->stop = &loop.stop;
      b->task->resume = Action::bind<&BusyTask::run>(b.get());
      dom0.wake(*b->task, nullptr, model::IpiKind::kOther);
      busy.push_back(std::move(b));
    }
  caller.resume = Action::bind<&CallerLoop::start>(&loop);
  dom0.wake(caller, nullptr, model::IpiKind::kOther);
  w.sim.run();

  StrategyPrediction out;
  out.ops = loop.latency.count();
  out.mean_us = loop.latency.mean() / 1e3;
  if (out.ops)
    out.ipis_per_op =
        static_cast<double>(loop.ipis() - loop.ipis_at_start) / static_cast<double>(out.ops);
  return out;
}

std::string kernel_preset_for_release(const std::string& release) {
  // The release as the registry's `order` writes a version (2.6.31 -> 20631,
  // 5.10 -> 51000): the preset is chosen by that number, never by parsing
  // preset names (a "linux-6.13-qpw" must not break it).
  int a = 0, b = 0, c = 0;
  const int n = std::sscanf(release.c_str(), "%d.%d.%d", &a, &b, &c);
  const long have = n >= 2 ? 10000L * a + 100L * b + (n == 3 ? c : 0) : -1;
  const auto& presets = model::kernel_policies();
  const model::KernelPolicyEntry* best = &presets.front();
  for (const auto& e : presets)  // in historical order: the first of an order wins a tie
    if (e.order <= have && e.order > best->order) best = &e;
  return best->name;
}

}  // namespace ipistorm::calibration
