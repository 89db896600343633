// bm_fanout.cpp: the fan-out primitives, the calibration source for the
// simulator's IPI and wake-up costs (`ipistorm calibrate`), and the
// configurations `ipistorm validate` predicts.
//   fanout/membarrier/<d>/k:<k>             membarrier(PRIVATE_EXPEDITED) with k
//                                           busy threads of this process on CPUs
//                                           at distance d: k IPIs and a wait
//   fanout/schedule_on_each_cpu/<d>/k:<k>   queue to k sleeping pinned workers,
//                                           flush each in order
//   wake/pingpong/<d>                       one worker: wake it, it wakes us; the
//                                           counters split one wake-up
#include <benchmark/benchmark.h>

#include "benchmarks.hpp"
#include "fanout.hpp"
#include "ipi_counters.hpp"

namespace ipistorm::bench {
namespace {

constexpr int kPeerNice = -20;

std::string where(const Machine& m, const std::vector<int>& targets) {
  return "home=" + std::to_string(m.home_cpu()) + " targets=" + cpu_list(targets);
}

void bm_membarrier(benchmark::State& state, std::vector<int> targets) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  if (!pin.ok()) return state.SkipWithError("cannot pin to the home CPU");
  if (const std::string why = membarrier_private_expedited_ready(); !why.empty())
    return state.SkipWithError(why.c_str());
  // membarrier IPIs a CPU only while one of our threads runs there: on a
  // shared machine the peers ask for nice -20 so that they nearly always do.
  BusyPeers peers(m, targets, kPeerNice);
  if (!peers.ok()) return state.SkipWithError(peers.error().c_str());
  long errors = 0;
  IpiCounters ipis;
  for (auto _ : state)
    if (membarrier_private_expedited() != 0) ++errors;
  if (errors) return state.SkipWithError("membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) failed");
  set_label(state, {where(m, targets), peers.favoured() ? "peer_nice=-20" : "peer_nice=0",
                    ipis.report(state)});
}

void bm_schedule_on_each_cpu(benchmark::State& state, std::vector<int> targets) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  if (!pin.ok()) return state.SkipWithError("cannot pin to the home CPU");
  FanoutWorkers workers(m, targets);
  if (!workers.ok()) return state.SkipWithError(workers.error().c_str());
  IpiCounters ipis;
  for (auto _ : state) workers.schedule_on_each_cpu();
  const std::string ipi_label = ipis.report(state);
  state.counters["caller_sleeps_per_op"] = benchmark::Counter(
      static_cast<double>(workers.caller_sleeps()), benchmark::Counter::kAvgIterations);
  set_label(state, {where(m, targets), ipi_label});
}

// Counters: wake_call_ns, the waker's time inside FUTEX_WAKE (queueing plus
// sending the IPI); wake_latency_ns, from just before the wake call to the
// woken thread running (monotonic clock read on both CPUs).
void bm_wake_pingpong(benchmark::State& state, int target) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  if (!pin.ok()) return state.SkipWithError("cannot pin to the home CPU");
  FanoutWorkers worker(m, {target});
  if (!worker.ok()) return state.SkipWithError(worker.error().c_str());
  std::uint64_t call_ns = 0, latency_ns = 0;
  IpiCounters ipis;
  for (auto _ : state) worker.wake_round_trip(call_ns, latency_ns);
  const std::string ipi_label = ipis.report(state);
  using benchmark::Counter;
  state.counters["wake_call_ns"] = Counter(static_cast<double>(call_ns), Counter::kAvgIterations);
  state.counters["wake_latency_ns"] =
      Counter(static_cast<double>(latency_ns), Counter::kAvgIterations);
  set_label(state, {where(m, {target}), ipi_label});
}

void add_sweep(const Machine& m, const std::string& dname, const std::vector<int>& cpus) {
  for (int k : k_values(static_cast<int>(cpus.size()))) {
    const std::vector<int> targets(cpus.begin(), cpus.begin() + k);
    const std::string suffix = "/" + dname + "/k:" + std::to_string(k);
    benchmark::RegisterBenchmark(("fanout/membarrier" + suffix).c_str(), bm_membarrier, targets)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("fanout/schedule_on_each_cpu" + suffix).c_str(),
                                 bm_schedule_on_each_cpu, targets)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  (void)m;
}

}  // namespace

void register_fanout_benchmarks(const Machine& m) {
  int classes = 0;
  for (int d = 0; d < kDistances; ++d) {
    const auto& cpus = m.cpus_at(static_cast<Distance>(d));
    if (cpus.empty()) continue;
    ++classes;
    add_sweep(m, distance_name(static_cast<Distance>(d)), cpus);
  }
  if (classes > 1) add_sweep(m, "nearest", m.nearest_cpus());

  // One wake-up, on the home CPU itself (a context switch, no IPI) and on the
  // nearest CPU of each distance class.
  benchmark::RegisterBenchmark("wake/pingpong/same_cpu", bm_wake_pingpong, m.home_cpu())
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  for (int d = 0; d < kDistances; ++d) {
    const auto& cpus = m.cpus_at(static_cast<Distance>(d));
    if (cpus.empty()) continue;
    benchmark::RegisterBenchmark(
        (std::string("wake/pingpong/") + distance_name(static_cast<Distance>(d))).c_str(),
        bm_wake_pingpong, cpus.front())
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace ipistorm::bench
