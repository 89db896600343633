// test_threads.cpp: the concurrent paths, built and run under ThreadSanitizer
// too (scripts/test.sh, build-tsan/). The Python module cannot run under TSan
// here (CPython is not instrumented), so these drive the same C++ paths its
// threading tests do (pybindings/tests/test_simulate.py test_gil_released,
// test_keyboard_interrupt_stops_run; test_sweep.py
// test_keyboard_interrupt_stops_sweep): several threads calling run::run
// at once, as Python threads do once simulate() releases the GIL, and the
// cancel flag set from another thread while a run or a sweep is in flight,
// the way pybindings/interrupt.hpp (call_interruptible) sets it on Ctrl-C.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "errors.hpp"
#include "run/cancellable.hpp"
#include "run/report.hpp"
#include "run/world.hpp"
#include "study/pool.hpp"

namespace model = ipistorm::model;
namespace run = ipistorm::run;
namespace study = ipistorm::study;

namespace {

// A boot of a few hundred IDE polls: milliseconds per run.
model::Config tiny(const std::string& kernel, int vcpus, std::uint64_t seed) {
  model::Config c;
  c.kernel = kernel;
  c.dom0_vcpus = vcpus;
  c.seed = seed;
  c.params.set("boot_probe_polls", 200);
  c.params.set("boot_firmware_polls", 20);
  c.params.set("boot_firmware_sectors", 5);
  c.params.set("boot_init_polls", 5);
  c.params.set("boot_init_cpu_s", 0.01);
  c.params.set("boot_firmware_cpu_s", 0.01);
  return c;
}

// Everything a run's config decides (its wall time aside).
std::string metrics_text(const model::Result& r) {
  nlohmann::json m = run::metrics_json(r);
  m.erase("wall_s");
  return m.dump();
}

// The Python module's Ctrl-C loop (run/cancellable.hpp, which
// pybindings/interrupt.hpp calls) with a step count for Python's signals:
// the work on a helper thread, this thread polling in 10 ms steps, the flag
// set once `cancel_after` steps have passed (never when negative).
template <class Fn>
std::exception_ptr run_cancellable(Fn fn, int cancel_after) {
  int step = 0;
  return ipistorm::run::run_cancellable(
             [&](const std::atomic<bool>* stop) {
               fn(stop);
               return 0;
             },
             [&] { return step++ == cancel_after; }, std::chrono::milliseconds(10))
      .error;
}

TEST(Threads, ConcurrentRunsGiveTheSequentialResults) {
  // Different kernels, vCPU counts and seeds at once: topology loading,
  // the registries and parameter tables are shared, each run's state is not.
  const std::vector<model::Config> configs = {
      tiny("linux-2.6.31-pvops", 4, 1), tiny("linux-3.12", 2, 2), tiny("linux-2.6.18-xen", 3, 3),
      tiny("linux-5.10", 4, 4)};
  std::vector<std::string> sequential;
  for (const auto& c : configs) sequential.push_back(metrics_text(run::run(c)));
  std::vector<std::string> concurrent(configs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < configs.size(); ++i)
    threads.emplace_back([&, i] { concurrent[i] = metrics_text(run::run(configs[i])); });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < configs.size(); ++i)
    EXPECT_EQ(concurrent[i], sequential[i]) << configs[i].kernel;
}

TEST(Threads, CancelFlagStopsARunInFlight) {
  // The full pvops boot on the 64-vCPU nehalem-ex (the Python test's run)
  // takes seconds; cancelled after 50 ms it ends with Cancelled instead of
  // a result.
  model::Config c;
  c.topology = "nehalem-ex";
  std::optional<model::Result> result;
  const std::exception_ptr e =
      run_cancellable([&](const std::atomic<bool>* stop) { result = run::run(c, stop); }, 1);
  EXPECT_FALSE(result.has_value());
  ASSERT_TRUE(e);
  EXPECT_THROW(std::rethrow_exception(e), model::Cancelled);
  // The flag belongs to that call: the next run completes.
  EXPECT_GT(run::run(tiny("linux-3.12", 2, 1)).metrics.boot_time_ns, 0);
}

TEST(Threads, CancelFlagStopsASweepOnTwoThreads) {
  // 40 full nehalem-ex boots on two threads; the flag is set while the
  // first ones run.
  std::vector<model::Config> points;
  for (std::uint64_t s = 1; s <= 40; ++s) {
    model::Config c;
    c.topology = "nehalem-ex";
    c.seed = s;
    points.push_back(c);
  }
  std::atomic<int> started{0};
  std::vector<model::Result> results;
  const std::exception_ptr e = run_cancellable(
      [&](const std::atomic<bool>* stop) {
        results = study::run_sweep(points, 2, stop, [&](std::size_t, std::size_t) { ++started; });
      },
      5);
  EXPECT_TRUE(results.empty());
  ASSERT_TRUE(e);
  EXPECT_THROW(std::rethrow_exception(e), study::SweepInterrupted);
  EXPECT_LT(started.load(), 40);
}

TEST(Threads, SweepOnThreadsWithProgressMatchesOneThread) {
  // The pool with a progress callback (the CLI's), from a helper thread
  // that is never cancelled: the same results as one thread, in order.
  std::vector<model::Config> points;
  for (const char* k : {"linux-2.6.31-pvops", "linux-3.12"})
    for (std::uint64_t s = 1; s <= 3; ++s) points.push_back(tiny(k, 3, s));
  std::vector<model::Result> two;
  std::vector<std::size_t> seen;
  const std::exception_ptr e = run_cancellable(
      [&](const std::atomic<bool>* stop) {
        two = study::run_sweep(points, 2, stop,
                               [&](std::size_t done, std::size_t) { seen.push_back(done); });
      },
      -1);
  ASSERT_FALSE(e);
  const std::vector<model::Result> one = study::run_sweep(points, 1);
  ASSERT_EQ(two.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    EXPECT_EQ(metrics_text(two[i]), metrics_text(one[i])) << i;
  // The callback ran under the pool's lock: each count once, in order.
  ASSERT_EQ(seen.size(), points.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

TEST(Threads, AFailingRunStopsThePoolAndItsErrorIsRethrown) {
  std::vector<model::Config> points;
  for (std::uint64_t s = 1; s <= 6; ++s) points.push_back(tiny("linux-3.12", 2, s));
  points[2].topology = "no-such-machine";
  EXPECT_THROW(study::run_sweep(points, 2), ipistorm::InputError);
}

}  // namespace
