// test_lab_files.cpp: the lab files' readers (bench JSON, calibration files)
// refuse what they cannot trust, one line each; calibrate never reads a
// benchmark validate scores; the strategy micro-scenario on a hand count.
#include <gtest/gtest.h>

#include <string>

#include "calibration/bench_results.hpp"
#include "calibration/calibrate.hpp"
#include "calibration/strategy_scenario.hpp"
#include "calibration/validate.hpp"
#include "errors.hpp"
#include "run/calibration_file.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {
namespace {

using run::parse_calibration;

// One Google Benchmark iteration row with `field` (raw JSON) spliced in.
std::string bench_text(const std::string& field) {
  return R"({"context": {"home_cpu": "0"}, "benchmarks": [{"name": "syscall/getppid/real_time",
    "run_name": "syscall/getppid/real_time", "run_type": "iteration", "iterations": 1000,
    "time_unit": "ns", )" +
         field + R"(}]})";
}

void expect_refused(const std::string& text, const std::string& needle) {
  try {
    parse_bench_results(text, "t.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(LabFiles, BenchJsonReadsAWellFormedRow) {
  const BenchResults r =
      parse_bench_results(bench_text(R"("real_time": 170.0, "ipis_per_op": 0.01)"), "t.json");
  const BenchRecord* b = r.find("syscall/getppid");
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(b->median_us(), 0.17);
  EXPECT_DOUBLE_EQ(*b->counter_median("ipis_per_op"), 0.01);
}

// Run delay (another process on the CPU) leaves the time of an operation
// that never sleeps; an operation that sleeps keeps it (waiting to be woken
// is part of it).
TEST(LabFiles, RunDelayIsTakenOutOnlyWhenTheThreadNeverSlept) {
  const BenchResults r = parse_bench_results(
      bench_text(R"("real_time": 1000, "run_delay_ns_per_op": 250, "sleeps_per_op": 0.001,
                    "mlock_ns": 600, "munlock_ns": 400)"),
      "t.json");
  const BenchRecord* b = r.find("syscall/getppid");
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(b->median_us(), 0.75);
  EXPECT_DOUBLE_EQ(b->raw_real_time_us.at(0), 1.0);
  EXPECT_DOUBLE_EQ(*b->counter_median("mlock_ns"), 450);
  EXPECT_DOUBLE_EQ(*b->counter_median("munlock_ns"), 300);
  const BenchResults s = parse_bench_results(
      bench_text(R"("real_time": 1000, "run_delay_ns_per_op": 250, "sleeps_per_op": 2)"), "t.json");
  EXPECT_DOUBLE_EQ(s.find("syscall/getppid")->median_us(), 1.0);
}

TEST(LabFiles, BenchJsonRefusesBadTimes) {
  expect_refused(bench_text(R"("real_time": 0)"), "real_time 0");
  expect_refused(bench_text(R"("real_time": -3)"), "real_time -3");
  expect_refused(bench_text(R"("real_time": NaN)"), "NaN or infinite");
  expect_refused(bench_text(R"("real_time": Infinity)"), "NaN or infinite");
  expect_refused(bench_text(R"("real_time": 1e400)"), "not valid JSON");
  expect_refused(bench_text(R"("real_time": 2e10)"), "outside (0, 1e+10]");  // 20 s per op
  expect_refused(bench_text(R"("cpu_time": 1)"), "no real_time");
  expect_refused(bench_text(R"("real_time": 1, "ipis_per_op": -1)"), "ipis_per_op -1");
  // The row's own "iterations" replaced (a key given twice is refused as such).
  std::string zero_iterations = bench_text(R"("real_time": 1)");
  zero_iterations.replace(zero_iterations.find("\"iterations\": 1000"), 18, "\"iterations\": 0");
  expect_refused(zero_iterations, "iterations 0");
  expect_refused(bench_text(R"("real_time": 1, "iterations": 0)"), "\"iterations\" twice");
}

TEST(LabFiles, BenchJsonRefusesWrongTypes) {
  expect_refused(bench_text(R"("real_time": "170")"), "want a number");
  expect_refused(bench_text(R"("real_time": true)"), "want a number");
  expect_refused(bench_text(R"("real_time": 1, "label": 5)"), "\"label\" 5 of the wrong type");
  expect_refused(bench_text(R"("real_time": 1, "error_occurred": "yes")"), "error_occurred");
  expect_refused(bench_text(R"("real_time": 1, "ipis_per_op": "many")"), "counter ipis_per_op");
  expect_refused(R"({"benchmarks": [{"name": 5, "real_time": 1}]})", "\"name\" 5");
  expect_refused(R"({"benchmarks": [7]})", "benchmarks[0] is not an object");
  expect_refused(R"({"context": [], "benchmarks": []})", "\"context\" is not an object");
  expect_refused(R"({"benchmarks": {}})", "no \"benchmarks\" array");
  expect_refused(R"({"benchmarks": [{"name": "x", "time_unit": "min", "real_time": 1}]})",
                 "unknown time_unit 'min'");
}

TEST(LabFiles, DeeplyNestedValueIsRefusedByTheParser) {
  // io::parse_json refuses nesting deeper than kMaxJsonDepth while parsing.
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  expect_refused(bench_text(R"("real_time": )" + deep), "nested deeper than 64 levels");
  expect_refused(bench_text(R"("real_time": 1, "ipis_per_op": )" + deep), "nested deeper");
  EXPECT_THROW(parse_calibration(R"({"params": {"syscall_us": )" + deep + "}}", "c.json"),
               InputError);
}

TEST(LabFiles, BenchFileMustBeARegularFile) {
  EXPECT_THROW(read_bench_results("/dev/zero"), InputError);
  EXPECT_THROW(read_bench_results("/tmp"), InputError);
  EXPECT_THROW(read_bench_results("/nonexistent/bench.json"), InputError);
}

void expect_calibration_refused(const std::string& text, const std::string& needle) {
  try {
    parse_calibration(text, "c.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(LabFiles, CalibrationFileIsReadAndChecked) {
  const auto p = parse_calibration(R"({"params": {"syscall_us": 0.17, "ipi_same_package_us": 9.9},
                                        "fit": {"anything": [1, 2]}})",
                                   "c.json");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].first, "ipi_same_package_us");
  EXPECT_DOUBLE_EQ(p[0].second, 9.9);
  EXPECT_EQ(p[1].first, "syscall_us");
  expect_calibration_refused(R"({"params": {"syscall_us": 1e400}})", "not valid JSON");
  expect_calibration_refused(R"({"params": {"syscall_us": "0.1"}})", "syscall_us is \"0.1\"");
  expect_calibration_refused(R"({"params": {"syscall_us": true}})", "not a number");
  expect_calibration_refused(R"({"params": {"syscall_us": -1}})", "syscall_us");
  expect_calibration_refused(R"({"params": {"no_such_param": 1}})", "no_such_param");
  expect_calibration_refused(R"({"params": [1]})", "no \"params\" object");
  expect_calibration_refused(R"([])", "no \"params\" object");
  expect_calibration_refused(R"({"params": )", "not valid JSON");
}

// calibrate() reads only its declared subset: changing every benchmark
// validate scores changes no fitted value.
TEST(LabFiles, CalibrateNeverSeesABenchmarkValidateScores) {
  auto run = [](double scored_us) {
    auto row = [](const std::string& name, double us, const std::string& extra = "") {
      return R"({"name": ")" + name + R"(", "run_type": "iteration", "time_unit": "us",
                 "real_time": )" +
             std::to_string(us) + extra + "}";
    };
    const std::string text =
        R"({"context": {"home_cpu": "0"}, "benchmarks": [)" + row("syscall/getppid", 0.2) + "," +
        row("syscall/futex_wake_no_waiter", 0.3) + "," + row("wake/pingpong/same_cpu", 5) + "," +
        row("fanout/membarrier/same_package/k:1", 10, R"(, "ipis_per_op": 1)") + "," +
        row("strategy/mlock-per-call/bytes:64/load:idle", scored_us) + "," +
        row("strategy/no-lock/bytes:8192/load:idle", scored_us) + "," +
        row("fanout/schedule_on_each_cpu/same_package/k:1", scored_us,
            R"(, "label": "home=0 targets=1")") +
        "]}";
    return parse_bench_results(text, "run.json");
  };
  const BenchResults a = run(1), b = run(1000);
  const Calibration ca = calibrate(a), cb = calibrate(b);
  ASSERT_EQ(ca.params.size(), cb.params.size());
  for (std::size_t i = 0; i < ca.params.size(); ++i) {
    EXPECT_EQ(ca.params[i].name, cb.params[i].name);
    EXPECT_EQ(ca.params[i].value, cb.params[i].value) << ca.params[i].name;
  }
  // And what validate scores is disjoint from everything calibrate names.
  const topo::Topology t = topo::Topology::load("pack:1 core:2 pu:1");
  const Validation v = validate(b, t, ca.values());
  EXPECT_EQ(v.rows.size(), 3u);
  for (const auto& row : v.rows) {
    EXPECT_FALSE(calibration_input(row.benchmark)) << row.benchmark;
    for (const auto& p : ca.params)
      for (const auto& o : p.observations) EXPECT_NE(o, row.benchmark);
    for (const auto& o : ca.observations) EXPECT_NE(o.benchmark, row.benchmark);
  }
}

// A 16-CPU run (two 8-core packages): every schedule_on_each_cpu k and a
// strategy under load on a whole package are scored, on the run's CPUs.
TEST(LabFiles, ValidateScoresEveryFanoutKOfASixteenCpuRun) {
  auto row = [](const std::string& name, double us, const std::string& label) {
    return R"({"name": ")" + name + R"(", "run_type": "iteration", "time_unit": "us",
               "real_time": )" +
           std::to_string(us) + R"(, "label": ")" + label + R"("})";
  };
  std::string rows = row("strategy/mlock-per-call/bytes:4096/load:spin/other_package/k:8", 3,
                         "call=getppid load_cpus=8,9,10,11,12,13,14,15");
  std::string targets;
  for (int k = 1; k <= 15; ++k) {
    targets += (k > 1 ? "," : "") + std::to_string(k);
    if (k == 1 || k == 2 || k == 4 || k == 8 || k == 15)
      rows += "," + row("fanout/schedule_on_each_cpu/nearest/k:" + std::to_string(k), 10.0 * k,
                        "home=0 targets=" + targets);
  }
  const BenchResults r = parse_bench_results(
      R"({"context": {"home_cpu": "0", "kernel_release": "6.1.0"}, "benchmarks": [)" + rows + "]}",
      "run16.json");
  const topo::Topology t = topo::Topology::load("pack:2 core:8 pu:1");
  const Validation v = validate(r, t, model::ParamValues());
  ASSERT_EQ(v.rows.size(), 6u);
  EXPECT_EQ(v.kernel, "linux-5.10");
  for (const auto& row : v.rows) {
    EXPECT_GT(row.predicted_us, 0) << row.benchmark;
    if (row.family == "schedule_on_each_cpu") {
      // At most one IPI to wake each worker and one to wake the caller back
      // (fewer when a wake lands in the idle loop's polling window).
      EXPECT_GT(row.predicted_ipis, 0) << row.benchmark;
      EXPECT_LE(row.predicted_ipis, 2.0 * row.k + 1e-9) << row.benchmark;
    } else {
      EXPECT_EQ(row.k, 8);
    }
  }
  EXPECT_EQ(v.by_family.at("schedule_on_each_cpu").benchmarks, 5);
}

TEST(LabFiles, KernelPresetFollowsTheRelease) {
  EXPECT_EQ(kernel_preset_for_release("6.18.44-fc-v669"), "linux-5.10");
  EXPECT_EQ(kernel_preset_for_release("5.4.0-150-generic"), "linux-4.15");
  EXPECT_EQ(kernel_preset_for_release("4.15.0"), "linux-4.15");
  EXPECT_EQ(kernel_preset_for_release("2.6.32-5-xen-amd64"), "linux-2.6.31-pvops");
  EXPECT_EQ(kernel_preset_for_release("banana"), "linux-2.6.18-xen");
}

// no-lock: copy in + the stand-in call (one syscall) + copy out, nothing else.
TEST(LabFiles, NoLockMicroScenarioIsCopyCallCopy) {
  model::ParamValues p;
  p.set("syscall_us", 0.3);
  p.set("copy_per_kib_us", 0.1);
  const topo::Topology t = topo::Topology::load("pack:1 core:2 pu:1");
  const StrategyPrediction s = simulate_strategy(t, 0, "no-lock", "linux-5.10", 1024,
                                                 BenchLoad::kIdle, BenchCall::kGetppid, {}, p);
  EXPECT_EQ(s.ops, 2000u);
  EXPECT_NEAR(s.mean_us, 0.3 + 2 * 0.1, 1e-6);
  EXPECT_EQ(s.ipis_per_op, 0);
  // In a dom0 the call is xen_version: the privcmd ioctl and the hypercall.
  p.set("hypercall_us", 0.7);
  const StrategyPrediction x = simulate_strategy(t, 0, "no-lock", "linux-5.10", 1024,
                                                 BenchLoad::kIdle, BenchCall::kXenVersion, {}, p);
  EXPECT_NEAR(x.mean_us, 0.3 + 0.7 + 2 * 0.1, 1e-6);
  // mlock-per-call adds an mlock and a munlock (two more syscalls at least).
  const StrategyPrediction m = simulate_strategy(t, 0, "mlock-per-call", "linux-5.10", 1024,
                                                 BenchLoad::kIdle, BenchCall::kGetppid, {}, p);
  EXPECT_GT(m.mean_us, s.mean_us + 2 * 0.3);
  // On the 2.6.31 kernel each mlock drains the other CPU too
  // (schedule_on_each_cpu): the idle worker is woken by an IPI and wakes the
  // caller back, and the caller waits for it.
  const StrategyPrediction d = simulate_strategy(t, 0, "mlock-per-call", "linux-2.6.31-pvops", 1024,
                                                 BenchLoad::kIdle, BenchCall::kGetppid, {1}, p);
  EXPECT_GT(d.mean_us, m.mean_us);
  EXPECT_GE(d.ipis_per_op, 1.0);
}

}  // namespace
}  // namespace ipistorm::calibration
