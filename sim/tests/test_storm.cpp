// test_storm.cpp: today's storm (run/storm.hpp) on small machines: what the
// user-side strategies change, the RT hang and what each proposed fix does
// about it, determinism, and the host.
#include <gtest/gtest.h>

#include "errors.hpp"
#include "model/linux6/sched.hpp"
#include "run/storm.hpp"

namespace {

using namespace ipistorm;
namespace lx = model::linux6;

run::StormConfig small() {
  run::StormConfig c;
  c.topology = "pack:2 [numa] core:4 pu:2";  // 16 CPUs, 2 LLCs
  c.workers = 4;
  c.busy_cpus = 8;
  c.duration_s = 0.2;
  return c;
}

const run::StormCpuClass& cls(const run::StormResult& r, const std::string& name) {
  for (const auto& c : r.classes)
    if (c.name == name) return c;
  throw std::logic_error("no class " + name);
}

TEST(Storm, FadvisePerBlobDrainsTheBusyCpusAndNoFadviseDoesNot) {
  run::StormConfig c = small();
  const run::StormResult per_blob = run::run_storm(c);
  c.strategy = "none";
  const run::StormResult none = run::run_storm(c);
  EXPECT_GT(per_blob.drain.drains, 0u);
  EXPECT_GT(cls(per_blob, "busy").drains_per_s, 0);
  EXPECT_GT(cls(per_blob, "busy").irqs_per_s[static_cast<int>(lx::Vector::kRES)] +
                cls(per_blob, "busy").irqs_per_s[static_cast<int>(lx::Vector::kCAL)],
            0);
  EXPECT_EQ(none.drain.drains, 0u);
  EXPECT_EQ(cls(none, "busy").drains_per_s, 0);
  EXPECT_EQ(none.fadvise_calls, 0u);
  // The drain is the ceiling: without it the workers retire more blobs.
  EXPECT_GT(none.blobs, per_blob.blobs);
  // The idle CPUs, batches empty, are never drained nor interrupted.
  EXPECT_EQ(cls(per_blob, "idle").drains_per_s, 0);
}

TEST(Storm, OneFadvisePerNBlobsDrainsLessOften) {
  run::StormConfig c = small();
  const run::StormResult each = run::run_storm(c);
  c.strategy = "every-n";
  c.every = 8;
  const run::StormResult batched = run::run_storm(c);
  EXPECT_LT(batched.fadvise_calls * 4, each.fadvise_calls);
  EXPECT_GT(batched.blobs, each.blobs);
}

TEST(Storm, BlobsJustWrittenDoNotDrainOn61) {
  run::StormConfig c = small();
  c.drain_fraction = 0;  // written, then fadvised: the scan skips folios under writeback
  const run::StormResult r = run::run_storm(c);
  EXPECT_GT(r.fadvise_calls, 0u);
  EXPECT_EQ(r.fadvise_drained, 0u);
  EXPECT_EQ(r.drain.drains, 0u);
}

TEST(Storm, TheBlobPathDecidesWhetherFadviseDrains) {
  for (const char* path : {"written", "read"}) {
    run::StormConfig c = small();
    c.blob_path = path;
    const run::StormResult r = run::run_storm(c);
    EXPECT_GT(r.fadvise_calls, 0u) << path;
    EXPECT_EQ(r.fadvise_drained, 0u) << path;
  }
  for (const char* path : {"read-elsewhere", "mmap", "sendfile"}) {
    run::StormConfig c = small();
    c.blob_path = path;
    const run::StormResult r = run::run_storm(c);
    // Every call drains (those in flight at the end have drained, not returned).
    EXPECT_GE(r.fadvise_drained, r.fadvise_calls) << path;
    EXPECT_LE(r.fadvise_drained, r.fadvise_calls + static_cast<std::uint64_t>(c.workers)) << path;
  }
  run::StormConfig c = small();
  c.blob_path = "nfs";
  EXPECT_THROW(run::check_storm_config(c), InputError);
}

TEST(Storm, SameConfigAndSeedGiveTheSameResultAnotherSeedAnother) {
  run::StormConfig c = small();
  const auto a = run::storm_json(c, run::run_storm(c));
  const auto b = run::storm_json(c, run::run_storm(c));
  EXPECT_EQ(a.dump(), b.dump());
  c.seed = 2;
  const auto d = run::storm_json(c, run::run_storm(c));
  EXPECT_NE(a["result"].dump(), d["result"].dump());
}

// The RT hang: a SCHED_FIFO loop on an isolated CPU that keeps folios in its
// batch. Its kworker never runs, so the drain (and every caller behind the
// mutex) waits for ever, and the run still ends at its stated time.
run::StormConfig rt_hang(const std::string& kernel) {
  run::StormConfig c = small();
  c.busy_cpus = 2;
  c.kernel = kernel;
  c.isolated = "12-15";
  c.isolated_task = "fifo-spin-refill";
  c.duration_s = 3;
  c.hung_task_s = 1;
  return c;
}

TEST(Storm, RtHangOn612IsStuckOnTheIsolatedCpu) {
  const run::StormResult r = run::run_storm(rt_hang("linux-6.12"));
  EXPECT_TRUE(r.stuck);
  EXPECT_GE(r.flush_wait_cpu, 12);
  EXPECT_LE(r.flush_wait_cpu, 15);
  EXPECT_GT(r.oldest_flush_wait_s, 1);
  EXPECT_NEAR(r.simulated_s, 3, 1e-9);
  // Everyone else waits behind the mutex: almost nothing retires.
  EXPECT_LT(r.fadvise_calls, 100u);
}

TEST(Storm, RtHangWithQpwIsNotStuckAndTheIsolatedCpusAreNotInterrupted) {
  const run::StormResult r = run::run_storm(rt_hang("linux-6.12-qpw"));
  EXPECT_FALSE(r.stuck);
  EXPECT_GT(r.fadvise_calls, 1000u);
  EXPECT_GT(r.drain.remote_drains, 0u);
  const auto& iso = cls(r, "isolated");
  EXPECT_EQ(iso.irqs_per_s[static_cast<int>(lx::Vector::kRES)] +
                iso.irqs_per_s[static_cast<int>(lx::Vector::kCAL)] +
                iso.irqs_per_s[static_cast<int>(lx::Vector::kIWI)],
            0);
  EXPECT_EQ(iso.noise_us_per_s, 0);
}

TEST(Storm, RtHangWithDeferredDrainIsNotStuckAndLeavesTheFoliosBatched) {
  const run::StormResult r = run::run_storm(rt_hang("linux-6.12-deferred"));
  EXPECT_FALSE(r.stuck);
  EXPECT_GT(r.fadvise_calls, 1000u);
  EXPECT_GT(r.drain.skipped_isolated, 0u);
  const auto& iso = cls(r, "isolated");
  EXPECT_EQ(iso.drains_per_s, 0);
  EXPECT_GT(iso.folios_left, 0);  // a loop that never enters the kernel never drains
  EXPECT_EQ(iso.irqs_per_s[static_cast<int>(lx::Vector::kRES)] +
                iso.irqs_per_s[static_cast<int>(lx::Vector::kCAL)],
            0);
}

TEST(Storm, IsolatedPureSpinnersAreNeverInterrupted) {
  run::StormConfig c = small();
  c.busy_cpus = 2;
  c.isolated = "12-15";
  c.isolated_task = "spin";
  const run::StormResult r = run::run_storm(c);
  const auto& iso = cls(r, "isolated");
  EXPECT_EQ(iso.drains_per_s, 0);
  EXPECT_EQ(iso.noise_us_per_s, 0);
  EXPECT_EQ(iso.cpu_available_pct, 100);
}

TEST(Storm, IsolatedSpinnerThatRefillsTakesAWorkItemResAndTickCalPerDrain) {
  run::StormConfig c = small();
  c.busy_cpus = 0;
  c.isolated = "1";  // CPU 0's LLC: the kworker's wake-up is a RES
  c.isolated_task = "spin-refill";
  c.isolated_folio_adds_per_s = 1e6;  // never empty when a drain looks
  const run::StormResult r = run::run_storm(c);
  const auto& iso = cls(r, "isolated");
  ASSERT_GT(iso.drains_per_s, 0);
  EXPECT_NEAR(iso.irqs_per_s[static_cast<int>(lx::Vector::kRES)], iso.drains_per_s, 1e-9);
  EXPECT_NEAR(iso.irqs_per_s[static_cast<int>(lx::Vector::kCAL)], iso.drains_per_s, 1e-9);
  EXPECT_GT(iso.max_single_noise_us, 0);
  EXPECT_LT(iso.cpu_available_pct, 100);
}

TEST(Storm, AKvmGuestPaysMorePerCallForTheSameInterrupts) {
  run::StormConfig c = small();
  c.workers = 1;  // one caller: no mutex wait, no sharing; the same drains on both hosts
  c.busy_cpus = 8;
  c.busy_folio_adds_per_s = 1e5;  // ~50 folios between drains: every busy CPU, every time
  const run::StormResult metal = run::run_storm(c);
  c.host = "kvm";
  const run::StormResult kvm = run::run_storm(c);
  // On both hosts a busy CPU takes one interrupt per drain (RES in the
  // caller's LLC, CAL beyond; a few drains find the kworker already woken)...
  for (const run::StormResult* r : {&metal, &kvm}) {
    const auto& b = cls(*r, "busy");
    EXPECT_NEAR((b.irqs_per_s[static_cast<int>(lx::Vector::kRES)] +
                 b.irqs_per_s[static_cast<int>(lx::Vector::kCAL)]) /
                    b.drains_per_s,
                1, 0.02);
  }
  // ... but every IPI costs its sender a VM exit, and a halted vCPU wakes slower.
  EXPECT_GT(kvm.fadvise_latency_ns.quantile(0.5), metal.fadvise_latency_ns.quantile(0.5));
  EXPECT_LT(kvm.fadvise_calls, metal.fadvise_calls);
}

TEST(Storm, MbindCallersAddTheGracePeriodsCalAndKhugepagedScansOnTime) {
  run::StormConfig c = small();
  c.strategy = "none";  // the only drains are theirs
  c.duration_s = 1;
  c.mbind_per_s = 50;
  c.khugepaged_scan_ms = 100;
  c.memfd_seals_per_s = 20;
  const run::StormResult r = run::run_storm(c);
  EXPECT_GT(r.memfd_seals, 5u);
  EXPECT_LT(r.memfd_seals, 50u);
  EXPECT_GT(r.mbind_calls, 25u);
  EXPECT_LT(r.mbind_calls, 100u);
  // Scans start 0.1 s after the last one returned: 9 have returned by 1 s.
  EXPECT_EQ(r.khugepaged_scans, 9u);
  const auto& busy = cls(r, "busy");
  // Every mbind interrupts every busy CPU once for its grace period (a CAL;
  // the memfd seals and khugepaged scans drain without one),
  // beside the drains' own interrupts, one per drain.
  const double drain_irqs = busy.drains_per_s;
  const double all = busy.irqs_per_s[static_cast<int>(lx::Vector::kRES)] +
                     busy.irqs_per_s[static_cast<int>(lx::Vector::kCAL)];
  EXPECT_NEAR(all, drain_irqs + static_cast<double>(r.mbind_calls), 0.02 * all);
  EXPECT_EQ(busy.by_cause_per_s[static_cast<int>(lx::Cause::kRcuExpedited)],
            static_cast<double>(r.mbind_calls));
}

// The JSON's osnoise and cyclictest parts keep the shapes their tools use,
// so a real measurement can be laid beside them.
TEST(Storm, OsnoiseAndCyclictestJsonHaveTheirToolsShape) {
  run::StormConfig c = small();
  c.busy_cpus = 2;
  c.isolated = "14-15";
  c.isolated_task = "spin-refill";
  c.isolated_folio_adds_per_s = 1e5;
  const nlohmann::json j = run::storm_json(c, run::run_storm(c));
  for (const char* k : {"config", "seed", "result", "provenance"}) EXPECT_TRUE(j.contains(k)) << k;
  const nlohmann::json& o = j["result"]["osnoise"];
  const std::vector<std::string> cols = o["columns"].get<std::vector<std::string>>();
  ASSERT_EQ(o["cpus"].size(), 4u);  // 2 busy + 2 isolated
  for (const auto& row : o["cpus"]) {
    for (const std::string& col : cols) {
      ASSERT_TRUE(row.contains(col)) << col;
      EXPECT_TRUE(row[col].is_number()) << col;
    }
    EXPECT_LE(row["%_OF_CPU_AVAILABLE"].get<double>(), 100);
    EXPECT_NEAR(row["RUNTIME_IN_US"].get<double>(), o["period_us"].get<double>(), 1e-6);
  }
  const nlohmann::json& ct = j["result"]["cyclictest"];
  ASSERT_EQ(ct["thread"].size(), 4u);
  bool some = false;
  for (const auto& [id, t] : ct["thread"].items()) {
    std::uint64_t n = 0;
    for (const auto& [us, count] : t["histogram"].items()) {
      EXPECT_GE(std::stoll(us), 0);
      n += count.get<std::uint64_t>();
    }
    EXPECT_EQ(n, t["cycles"].get<std::uint64_t>()) << id;
    if (n > 0) {
      some = true;
      EXPECT_LE(t["min"].get<double>(), t["avg"].get<double>());
      EXPECT_LE(t["avg"].get<double>(), t["max"].get<double>());
    }
  }
  EXPECT_TRUE(some);
  // An isolated loop that refills: each drain is one IRQ pair and one preemption.
  for (const auto& row : o["cpus"]) {
    if (row["class"] == "isolated") {
      EXPECT_EQ(row["IRQ"].get<std::uint64_t>(), 2 * row["THREAD"].get<std::uint64_t>());
    }
  }
}

TEST(Storm, BadConfigsAreRefusedNamingTheField) {
  run::StormConfig c = small();
  c.workers = 20;  // 16 CPUs
  EXPECT_THROW(run::run_storm(c), InputError);
  c = small();
  c.kernel = "linux-6.2";
  EXPECT_THROW(run::check_storm_config(c), InputError);
  c = small();
  c.drain_fraction = 1.5;
  EXPECT_THROW(run::check_storm_config(c), InputError);
  c = small();
  c.isolated = "3-99";
  EXPECT_THROW(run::run_storm(c), InputError);
  c = small();
  c.duration_s = 0;
  EXPECT_THROW(run::check_storm_config(c), InputError);
}

}  // namespace
