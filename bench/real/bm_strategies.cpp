// bm_strategies.cpp: every real strategy, one iteration = acquire a buffer
// for an argument of N bytes, copy the argument in, make the call, copy the
// result out, release (docs/background.md section 4, done for real).
#include <benchmark/benchmark.h>

#include <cstring>

#include "background_load.hpp"
#include "benchmarks.hpp"
#include "ipi_counters.hpp"
#include "locked_memory.hpp"
#include "strategies/strategy.hpp"

namespace ipistorm::bench {
namespace {

struct LoadSpec {
  LoadKind kind = LoadKind::kIdle;
  std::vector<int> cpus;
};

void bm_strategy(benchmark::State& state, const StrategyEntry* s, std::size_t bytes,
                 const LoadSpec& load) {
  const Machine& m = Machine::host();
  ScopedThreadPin pin(m, m.home_cpu());
  if (!pin.ok()) return state.SkipWithError("cannot pin to the home CPU");
  // Ask the lock budget first: a small RLIMIT_MEMLOCK skips, with the reason.
  const LockBudget budget = LockBudget::current();
  std::uint64_t need = s->locked_bytes(bytes);
  if (need == kWholeAddressSpace) need = budget.address_space;
  if (const std::string why = budget.shortfall(need); !why.empty())
    return state.SkipWithError((std::string(s->name) + " skipped: " + why).c_str());

  ScopedMemoryNode numa(options().numa);
  BackgroundLoad background(m, load.kind, load.cpus);
  if (!background.ok()) return state.SkipWithError(background.error().c_str());
  NodeBuffer argument(bytes, options().numa.node), result(bytes, options().numa.node);
  const HypercallPath& call = hypercall_path();
  std::unique_ptr<HypercallBufferStrategy> strategy;
  long call_errors = 0;
  int buffer_node = -1;
  try {
    strategy = s->make();
    // One use before measuring: first-touch costs and the buffer's node.
    void* b = strategy->acquire(bytes);
    std::memcpy(b, argument.data(), bytes);
    buffer_node = node_of_address(b);
    strategy->release(b, bytes);
  } catch (const StrategyUnavailable& e) {
    return state.SkipWithError((std::string(s->name) + " skipped: " + e.what()).c_str());
  }
  const auto counters_before = strategy->counters();
  IpiCounters ipis;
  try {
    for (auto _ : state) {
      void* b = strategy->acquire(bytes);
      std::memcpy(b, argument.data(), bytes);
      if (call.call(b) < 0) ++call_errors;
      std::memcpy(result.data(), b, bytes);
      benchmark::DoNotOptimize(result.data());
      strategy->release(b, bytes);
    }
  } catch (const StrategyUnavailable& e) {
    return state.SkipWithError((std::string(s->name) + " failed: " + e.what()).c_str());
  }
  const std::string ipi_label = ipis.report(state);
  using benchmark::Counter;
  const auto counters_after = strategy->counters();
  for (std::size_t i = 0; i < counters_after.size() && i < counters_before.size(); ++i)
    state.counters[counters_after[i].first + "_per_op"] =
        Counter(counters_after[i].second - counters_before[i].second, Counter::kAvgIterations);
  if (call_errors) state.counters["call_errors"] = static_cast<double>(call_errors);
  set_label(state, {std::string("call=") + call.label(), "buf_node=" + std::to_string(buffer_node),
                    load.cpus.empty() ? "" : "load_cpus=" + cpu_list(load.cpus), ipi_label});
}

void add(const StrategyEntry& s, std::size_t bytes, const LoadSpec& load,
         const std::string& where) {
  std::string name = std::string("strategy/") + s.name + "/bytes:" + std::to_string(bytes) +
                     "/load:" + load_name(load.kind) + where;
  benchmark::RegisterBenchmark(name.c_str(), bm_strategy, &s, bytes, load)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_strategy_benchmarks(const Machine& m) {
  const std::size_t page = page_size();
  const std::size_t sizes[] = {64, 512, page, 2 * page, 4 * page, 16 * page};
  for (const auto& s : strategies()) {
    for (std::size_t bytes : sizes) add(s, bytes, LoadSpec{}, "");
    // Neighbours busy: per distance class, the nearest CPU and all of them.
    for (LoadKind kind : {LoadKind::kSpin, LoadKind::kFault})
      for (int d = 0; d < kDistances; ++d) {
        const auto& cpus = m.cpus_at(static_cast<Distance>(d));
        if (cpus.empty()) continue;
        std::vector<int> ks{1};
        if (cpus.size() > 1) ks.push_back(static_cast<int>(cpus.size()));
        for (int k : ks)
          add(s, page, LoadSpec{kind, std::vector<int>(cpus.begin(), cpus.begin() + k)},
              std::string("/") + distance_name(static_cast<Distance>(d)) +
                  "/k:" + std::to_string(k));
      }
  }
}

}  // namespace ipistorm::bench
