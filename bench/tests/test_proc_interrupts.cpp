// test_proc_interrupts.cpp: the /proc/interrupts parser and IPI deltas on
// recorded and hand-written samples (bench/testdata/interrupts/README.md).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "proc_interrupts.hpp"

namespace ipistorm::bench {
namespace {

InterruptSample load(const std::string& file) {
  const std::string path = std::string(IPISTORM_BENCH_TESTDATA) + "/interrupts/" + file;
  auto s = InterruptSample::read(path);
  if (!s) ADD_FAILURE() << "cannot read " << path;
  return s.value_or(InterruptSample{});
}

InterruptSample parse_text(const std::string& text) {
  std::istringstream in(text);
  return InterruptSample::parse(in);
}

TEST(ProcInterrupts, ParsesHeaderAndRowsOfARecordedSample) {
  const InterruptSample s = load("kvm-2cpu-before.txt");
  EXPECT_EQ(s.cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.count("RES", 0), 34341u);
  EXPECT_EQ(s.count("RES", 1), 26734u);
  EXPECT_EQ(s.count("CAL", 1), 119661u);
  EXPECT_EQ(s.count("TLB", 0), 5080u);
  EXPECT_EQ(s.count("24", 0), 1u);  // numbered rows stop at the description
  // ERR and MIS carry one number, not one per CPU.
  EXPECT_EQ(s.rows.at("ERR").size(), 1u);
  EXPECT_EQ(s.count("ERR", 1), std::nullopt);
  EXPECT_EQ(s.count("RES", 7), std::nullopt);
  EXPECT_EQ(s.count("NOPE", 0), std::nullopt);
}

TEST(ProcInterrupts, DeltaOfARecordedFanoutRun) {
  const IpiDelta d = ipi_delta(load("kvm-2cpu-before.txt"), load("kvm-2cpu-after.txt"));
  EXPECT_EQ(d.cpus, (std::vector<int>{0, 1}));
  EXPECT_TRUE(d.cpus_gone.empty());
  EXPECT_TRUE(d.cpus_new.empty());
  EXPECT_EQ(*d.by_kind[0], (std::vector<std::uint64_t>{35653 - 34341, 28068 - 26734}));
  EXPECT_EQ(*d.by_kind[1], (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(*d.by_kind[2], (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(d.total(IpiKind::kRes), 1312u + 1334u);
  EXPECT_EQ(d.total(false), 1312u + 1334u + 6u + 6u);
  EXPECT_EQ(d.per_cpu(false), (std::vector<std::uint64_t>{1312 + 2 + 2, 1334 + 4 + 4}));
  // Recorded on x86 Linux 6.18: every TLB shootdown is also a CAL (6 and 6).
  EXPECT_EQ(d.total(true), 1312u + 1334u + 6u);
  EXPECT_EQ(d.per_cpu(true), (std::vector<std::uint64_t>{1312 + 2, 1334 + 4}));
  EXPECT_FALSE(d.counter_went_back);
}

TEST(ProcInterrupts, CpuGoingOfflineIsMatchedByHeaderNotPosition) {
  const IpiDelta d =
      ipi_delta(load("hotplug-4cpu-before.txt"), load("hotplug-4cpu-cpu2-offline.txt"));
  EXPECT_EQ(d.cpus, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(d.cpus_gone, (std::vector<int>{2}));
  EXPECT_TRUE(d.cpus_new.empty());
  // CPU3's counts moved from column 4 to column 3; by position they would
  // read 4040 - 3000 = 1040.
  EXPECT_EQ(*d.by_kind[0], (std::vector<std::uint64_t>{10, 20, 40}));
  EXPECT_EQ(*d.by_kind[1], (std::vector<std::uint64_t>{5, 6, 8}));
  EXPECT_EQ(*d.by_kind[2], (std::vector<std::uint64_t>{1, 2, 4}));
  EXPECT_EQ(d.total(false), 70u + 19u + 7u);
  EXPECT_FALSE(d.counter_went_back);
}

TEST(ProcInterrupts, CpuComingBackOnlineIsNew) {
  const IpiDelta d =
      ipi_delta(load("hotplug-4cpu-cpu2-offline.txt"), load("hotplug-4cpu-cpu2-online.txt"));
  EXPECT_EQ(d.cpus, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(d.cpus_new, (std::vector<int>{2}));
  EXPECT_EQ(*d.by_kind[0], (std::vector<std::uint64_t>{100, 100, 100}));
}

TEST(ProcInterrupts, WholeHotplugCycleLeavesOnlyCommonCpus) {
  // before -> online-again: CPU2 is in both headers; its counters survived.
  const IpiDelta d =
      ipi_delta(load("hotplug-4cpu-before.txt"), load("hotplug-4cpu-cpu2-online.txt"));
  EXPECT_EQ(d.cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(*d.by_kind[0], (std::vector<std::uint64_t>{110, 120, 5, 140}));
}

TEST(ProcInterrupts, NoIpiRowsMeansAbsentNotZero) {
  const InterruptSample s = load("arm64-2cpu.txt");
  EXPECT_EQ(s.cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.count("IPI0", 1), 2391u);
  const IpiDelta d = ipi_delta(s, s);
  for (const auto& k : d.by_kind) EXPECT_FALSE(k.has_value());
  EXPECT_EQ(d.total(false), std::nullopt);
}

TEST(ProcInterrupts, CounterGoingBackwardsIsFlaggedAndClamped) {
  const IpiDelta d = ipi_delta(load("kvm-2cpu-after.txt"), load("kvm-2cpu-before.txt"));
  EXPECT_TRUE(d.counter_went_back);
  EXPECT_EQ(d.total(false), 0u);
}

TEST(ProcInterrupts, UnreadableOrMalformedGivesNothing) {
  EXPECT_EQ(InterruptSample::read("/nonexistent/interrupts"), std::nullopt);
  std::istringstream no_header("RES: 1 2 Rescheduling interrupts\n");
  EXPECT_THROW(InterruptSample::parse(no_header), std::runtime_error);
  std::istringstream bad_header("   CPU0  banana\n");
  EXPECT_THROW(InterruptSample::parse(bad_header), std::runtime_error);
  std::istringstream empty("");
  EXPECT_THROW(InterruptSample::parse(empty), std::runtime_error);
}

TEST(ProcInterrupts, TlbShootdownsAreFunctionCallsOnX86Since3_6) {
  EXPECT_TRUE(tlb_within_cal("6.18.44-fc-v973", "x86_64"));
  EXPECT_TRUE(tlb_within_cal("3.6.0", "x86_64"));
  EXPECT_TRUE(tlb_within_cal("4.19.0-6-686", "i686"));
  EXPECT_FALSE(tlb_within_cal("3.5.7", "x86_64"));
  EXPECT_FALSE(tlb_within_cal("2.6.31.13-xen", "x86_64"));
  EXPECT_FALSE(tlb_within_cal("6.1.0", "aarch64"));
  EXPECT_FALSE(tlb_within_cal("banana", "x86_64"));
}

TEST(ProcInterrupts, DuplicateCpuColumnIsRefused) {
  std::istringstream dup("           CPU0       CPU1       CPU0\n RES:  1  2  3  Rescheduling\n");
  EXPECT_THROW(InterruptSample::parse(dup), std::runtime_error);
  EXPECT_EQ(parse_text("           CPU0       CPU1\n RES:  1  2  Rescheduling\n").count("RES", 1),
            2u);
}

TEST(ProcInterrupts, CounterAbove64BitsIsRefusedNotWrapped) {
  // 2^64-1 is the largest count; one more (20 digits) would wrap to 0.
  EXPECT_EQ(parse_text("CPU0 CPU1\nRES: 18446744073709551615 7 Rescheduling\n").count("RES", 0),
            18446744073709551615u);
  std::istringstream over("CPU0 CPU1\nRES: 18446744073709551616 7 Rescheduling\n");
  EXPECT_THROW(InterruptSample::parse(over), std::runtime_error);
  std::istringstream longer("CPU0 CPU1\nCAL: 5 99999999999999999999999 Function call\n");
  EXPECT_THROW(InterruptSample::parse(longer), std::runtime_error);
}

TEST(ProcInterrupts, LiveFileParsesWithEveryOnlineCpu) {
  auto s = InterruptSample::read();
  if (!s) GTEST_SKIP() << "/proc/interrupts unreadable here";
  EXPECT_FALSE(s->cpus.empty());
  EXPECT_TRUE(s->rows.count("LOC") || s->rows.count("RES") || s->rows.count("IPI0"));
}

TEST(ProcInterrupts, TotalsHoldAtTheLargestCountInsteadOfWrapping) {
  // Counts near 2^64 (a corrupt or hostile file): the sums must not wrap to
  // a small number that reads like a quiet machine.
  const InterruptSample before = parse_text(
      "           CPU0       CPU1\n"
      " RES:          0          0   Rescheduling interrupts\n"
      " CAL:          0          0   Function call interrupts\n");
  const InterruptSample after = parse_text(
      "           CPU0       CPU1\n"
      " RES: 18446744073709551615 18446744073709551615   Rescheduling interrupts\n"
      " CAL: 18446744073709551615          5   Function call interrupts\n");
  const IpiDelta d = ipi_delta(before, after);
  EXPECT_EQ(d.total(IpiKind::kRes), UINT64_MAX);
  EXPECT_EQ(d.total(false), UINT64_MAX);
  EXPECT_EQ(d.per_cpu(false), (std::vector<std::uint64_t>{UINT64_MAX, UINT64_MAX}));
}

}  // namespace
}  // namespace ipistorm::bench
