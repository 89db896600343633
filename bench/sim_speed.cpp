// sim_speed.cpp: how fast the simulator is (a benchmark, not a test).
//   BM_EngineEvents      raw event loop: events per second
//   BM_SimulatePvops     the pvops scenario of the report, events/s and wall
//   BM_Reproduce         every reproduce scenario on 2 threads (target < 2 s)
#include <benchmark/benchmark.h>

#include "engine/simulator.hpp"
#include "model/reproduce.hpp"
#include "model/scenario.hpp"

namespace {

using ipistorm::engine::Action;
using ipistorm::engine::Simulator;

// A ring of N timers, each rescheduling itself: a heap of constant size N.
struct Ring {
  Simulator* sim;
  std::int64_t remaining;
  void tick(std::int64_t i) {
    if (--remaining <= 0) return;
    sim->after(1 + (i * 7919) % 97, Action::bind<&Ring::tick>(this, i));
  }
};

void BM_EngineEvents(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    Simulator sim;
    Ring ring{&sim, 1000000};
    for (int i = 0; i < width; ++i) sim.at(i, Action::bind<&Ring::tick>(&ring, i));
    events += sim.run();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineEvents)->Arg(16)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SimulatePvops(benchmark::State& state) {
  ipistorm::model::Config c;  // nehalem-ep, pvops, mlock-per-call, 16 vCPUs
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto r = ipistorm::model::run(c);
    events += r.events;
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatePvops)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_Reproduce(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ipistorm::model::run_reproduce({}, 2));
}
BENCHMARK(BM_Reproduce)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
