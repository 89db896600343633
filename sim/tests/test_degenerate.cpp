// test_degenerate.cpp: inputs at the edges of what is legal finish with sane
// metrics: every cost zero, one vCPU, the largest topology, a boot shorter
// than one window, and a run long enough for the window series to merge.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/stats.hpp"
#include "model/metrics.hpp"
#include "model/params.hpp"
#include "model/scenario.hpp"
#include "run/world.hpp"
#include "toy.hpp"

namespace {

using namespace ipistorm::model;
using ipistorm::model::testing::short_boot;
using ipistorm::run::run;

// Every figure of the metric table is finite and not negative.
void expect_sane(const Result& r) {
  for (const MetricSpec& m : metric_table()) {
    const double v = m.value(r);
    EXPECT_TRUE(std::isfinite(v)) << m.name << " = " << v;
    EXPECT_GE(v, 0.0) << m.name;
  }
}

double fig(const Result& r, const char* name) { return metric_value(name, r); }

TEST(Degenerate, EveryCostZeroFinishes) {
  // Every row that is a cost (not structure or workload) at 0: the storm
  // still happens in counts, but takes no time.
  Config c = short_boot(0.05, 300);
  for (const auto& s : param_specs())
    if (std::string(s.group) != "workload" && s.min == 0) c.params.set(s.name, 0);
  c.dom0_vcpus = 8;
  const Result r = run(c);
  expect_sane(r);
  EXPECT_EQ(fig(r, "ioport_accesses"), 300);
  EXPECT_EQ(fig(r, "ioport_latency_us.mean"), 0.0);
  EXPECT_EQ(fig(r, "drain_target_ipis_per_mlock"), 7.0);  // vCPUs - 1 still
  // The boot is the guest's own CPU time only: 0.07 s in all, give or take
  // the exponential draws.
  EXPECT_GT(fig(r, "boot_time_s"), 0.0);
  EXPECT_LT(fig(r, "boot_time_s"), 1.0);
  EXPECT_EQ(fig(r, "dom0_util_pct.mean"), 0.0);
}

TEST(Degenerate, AZeroLengthBootHasZeroRatesNotNaN) {
  Config c = short_boot(0, 0);
  for (const char* k : {"boot_firmware_cpu_s", "boot_init_cpu_s"}) c.params.set(k, 0);
  const Result r = run(c);
  expect_sane(r);
  EXPECT_EQ(fig(r, "boot_time_s"), 0.0);
  EXPECT_EQ(fig(r, "dom0_util_pct.peak"), 0.0);
}

TEST(Degenerate, OneVcpuOnAOneCpuMachine) {
  Config c = short_boot(0.05, 300);
  c.topology = "pu:1";
  const Result r = run(c);
  expect_sane(r);
  EXPECT_EQ(r.config.dom0_vcpus, 1);
  // lru_add_drain_all() on one CPU drains locally: no IPI at all.
  EXPECT_EQ(fig(r, "resched_ipis_total"), 0.0);
  EXPECT_GT(fig(r, "mlock_calls"), 0.0);
}

TEST(Degenerate, TheLargestAllowedTopologyRunsWithEveryCpuInDom0) {
  // 8192 vCPUs, one mlock storm per ioreq: a boot of a few dozen accesses.
  Config c = short_boot(0.01, 20);
  c.topology = "pack:2 core:64 pu:64";
  const Result r = run(c);
  expect_sane(r);
  EXPECT_EQ(r.config.dom0_vcpus, 8192);
  EXPECT_EQ(fig(r, "drain_target_ipis_per_mlock"), 8191.0);  // the report's formula
}

TEST(Degenerate, ABootShorterThanOneWindowPeaksAtItsMean) {
  // The case: a 0.4-s boot in 1-s windows printed dom0 utilisation
  // mean 162 % but peak 41 % (the partial window divided by the full width).
  Config c = short_boot(0.05, 2000);
  c.window_s = 1.0;
  const Result r = run(c);
  ASSERT_LT(fig(r, "boot_time_s"), 1.0);
  EXPECT_GT(fig(r, "dom0_util_pct.mean"), 100.0);
  EXPECT_NEAR(fig(r, "dom0_util_pct.peak"), fig(r, "dom0_util_pct.mean"), 1e-9);
  EXPECT_NEAR(fig(r, "resched_ipis_per_s.peak"), fig(r, "resched_ipis_per_s.mean"),
              1e-9 * fig(r, "resched_ipis_per_s.mean"));
  // With windows shorter than the boot, the partial last one is left out and
  // the peak is at least the mean of the full windows.
  c.window_s = 0.01;
  const Result fine = run(c);
  EXPECT_GE(fig(fine, "dom0_util_pct.peak"), fig(fine, "dom0_util_pct.mean") * 0.9);
}

TEST(Degenerate, ALongRunKeepsABoundedSeries) {
  // 200 s of boot in 1-ms windows: 200,000 windows, merged to 65536 or
  // fewer (4-ms windows); the series and the peaks follow the wider window.
  Config c = short_boot(200, 300);
  c.window_s = 0.001;
  const Result r = run(c);
  ASSERT_GT(fig(r, "boot_time_s"), 131.072);  // more than 65536 x 2 ms
  const auto& busy = r.metrics.dom0_busy_ns;
  EXPECT_LE(busy.values().size(), ipistorm::engine::WindowSeries::kMaxWindows);
  EXPECT_EQ(busy.window(), 4'000'000);
  EXPECT_EQ(r.metrics.resched_ipis.window(), busy.window());
  ASSERT_EQ(r.series.time_s.size(), busy.values().size());
  EXPECT_DOUBLE_EQ(r.series.time_s[1], 0.004);
  // The series' mean is the run's mean: nothing lost in the merging.
  double sum = 0;
  for (double v : r.series.dom0_util_pct) sum += v;
  const double boot = fig(r, "boot_time_s");
  EXPECT_NEAR(sum * 0.004 / boot, fig(r, "dom0_util_pct.mean"),
              1e-6 * fig(r, "dom0_util_pct.mean"));
  expect_sane(r);
}

}  // namespace
