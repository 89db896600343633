// sim_speed.cpp: how fast the simulator is (a benchmark, not a test).
//   BM_EngineEvents/N    the engine's hold loop at N pending events: events/s
//   BM_HeapYardstick/N   the same hold loop on a bare 4-ary heap of 16-byte
//                        keys, paying a random draw and a log per event as a
//                        model step does: the in-run yardstick the engine is
//                        held to (engine/yardstick >= 1.0 at 16, 256, 4096)
//   BM_SimulatePvops     the pvops scenario of the report (16 vCPUs)
//   BM_Simulate256       pvops on "pack:8 [numa] core:16 pu:2" (256 vCPUs)
//   BM_Simulate1024      pvops on "pack:16 [numa] core:32 pu:2" (1024 vCPUs)
//   BM_Reproduce         every reproduce scenario on 2 threads
//   BM_Storm384          today's storm: epyc-9654-2s (384 CPUs), linux-6.1,
//                        64 fadvise workers, 300 busy CPUs, 10 s simulated
// Rates are per CPU second (this machine is shared; CPU time is the steadier
// measure); the Simulate benchmarks also report wall_s (one run), events
// and events_per_mlock_per_vcpu. Old vs new side by side:
// scripts/sim-speed-vs.sh OLD_BENCH NEW_BENCH.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "engine/simulator.hpp"
#include "model/scenario.hpp"
// Builds of older commits (scripts/sim-speed-vs.sh) may predate the storm.
#if __has_include("run/storm.hpp")
#include "run/storm.hpp"
#define IPISTORM_HAS_STORM 1
#endif
#include "run/world.hpp"
#include "study/reproduce.hpp"

// run() and run_reproduce() live in ipistorm::run and ipistorm::study since
// dd2e43f, in ipistorm::model before: found here either way, so that this
// file builds against older commits too (scripts/sim-speed-vs.sh, 8cbc296).
namespace ipistorm::run {}
namespace ipistorm::study {}
namespace sim_speed_api {
using namespace ipistorm::model;
using namespace ipistorm::run;
using namespace ipistorm::study;
}  // namespace sim_speed_api

namespace {

using ipistorm::engine::Action;
using ipistorm::engine::RandomStream;
using ipistorm::engine::SimTime;
using ipistorm::engine::Simulator;

constexpr std::int64_t kHoldEvents = 1000000;

// A ring of N timers, each rescheduling itself after an exponential delay:
// a queue of constant size N (the classic "hold" model).
struct Ring {
  Simulator* sim;
  RandomStream rng{1, 0};
  std::int64_t remaining;
  void tick(std::int64_t i) {
    if (--remaining <= 0) return;
    sim->after(1 + static_cast<SimTime>(rng.exponential(100.0)),
               Action::bind<&Ring::tick>(this, i));
  }
};

void BM_EngineEvents(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    Simulator sim;
    Ring ring{&sim, RandomStream{1, 0}, kHoldEvents};
    for (int i = 0; i < width; ++i) sim.at(i, Action::bind<&Ring::tick>(&ring, i));
    events += sim.run();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineEvents)->Arg(16)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);

// The yardstick: a 4-ary min-heap of (time, sequence<<24 | id) keys, pop the
// minimum, draw the delay, push. No action dispatch, no slot pool.
struct YardKey {
  SimTime t;
  std::uint64_t order;
};
inline bool yard_before(const YardKey& a, const YardKey& b) {
  return a.t < b.t || (a.t == b.t && a.order < b.order);
}
void yard_push(std::vector<YardKey>& h, YardKey k) {
  std::size_t i = h.size();
  h.push_back(k);
  while (i > 0) {
    const std::size_t p = (i - 1) / 4;
    if (!yard_before(k, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = k;
}
YardKey yard_pop(std::vector<YardKey>& h) {
  const YardKey top = h.front();
  const YardKey k = h.back();
  h.pop_back();
  const std::size_t n = h.size();
  if (n == 0) return top;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t last = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < last; ++c)
      if (yard_before(h[c], h[best])) best = c;
    if (!yard_before(h[best], k)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = k;
  return top;
}

void BM_HeapYardstick(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    std::vector<YardKey> h;
    RandomStream rng{1, 0};
    std::uint64_t seq = 0;
    for (int i = 0; i < width; ++i)
      yard_push(h, YardKey{i, (seq++ << 24) | static_cast<std::uint64_t>(i)});
    std::int64_t remaining = kHoldEvents;
    while (!h.empty()) {
      const YardKey k = yard_pop(h);
      ++events;
      if (--remaining <= 0) continue;
      const SimTime t = k.t + 1 + static_cast<SimTime>(rng.exponential(100.0));
      yard_push(h, YardKey{t, (seq++ << 24) | (k.order & 0xffffff)});
    }
    benchmark::DoNotOptimize(seq);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HeapYardstick)->Arg(16)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);

// One scenario run per iteration; counters per run.
void simulate(benchmark::State& state, const ipistorm::model::Config& c) {
  std::uint64_t events = 0;
  double wall = 0, per_mlock_vcpu = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = sim_speed_api::run(c);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    events += r.events;
    per_mlock_vcpu = ipistorm::model::metric_value("events_per_mlock_per_vcpu", r);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events) / n;
  state.counters["wall_s"] = wall / n;
  state.counters["events_per_mlock_per_vcpu"] = per_mlock_vcpu;
}

void BM_SimulatePvops(benchmark::State& state) {
  ipistorm::model::Config c;  // nehalem-ep, pvops, mlock-per-call, 16 vCPUs
  simulate(state, c);
}
BENCHMARK(BM_SimulatePvops)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Simulate256(benchmark::State& state) {
  ipistorm::model::Config c;
  c.topology = "pack:8 [numa] core:16 pu:2";
  simulate(state, c);
}
BENCHMARK(BM_Simulate256)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Simulate1024(benchmark::State& state) {
  ipistorm::model::Config c;
  c.topology = "pack:16 [numa] core:32 pu:2";
  simulate(state, c);
}
BENCHMARK(BM_Simulate1024)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Reproduce(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sim_speed_api::run_reproduce({}, 2));
}
BENCHMARK(BM_Reproduce)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

#ifdef IPISTORM_HAS_STORM
void BM_Storm384(benchmark::State& state) {
  ipistorm::run::StormConfig c;
  c.topology = "epyc-9654-2s";
  c.workers = 64;
  c.busy_cpus = 300;
  c.duration_s = 10;
  std::uint64_t events = 0;
  double wall = 0, calls = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = ipistorm::run::run_storm(c);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    events += r.events;
    calls = static_cast<double>(r.fadvise_calls);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events) / n;
  state.counters["wall_s"] = wall / n;
  state.counters["fadvise_calls"] = calls;
}
BENCHMARK(BM_Storm384)->Unit(benchmark::kMillisecond)->Iterations(1);
#endif

}  // namespace

BENCHMARK_MAIN();
