// test_linux6.cpp: the Linux 6.x model (model/linux6) on hand-worked toys:
// who gets a work item and which interrupt, the expedited grace period's
// choice of CPUs, the generation shortcut, the mutex held across the flush,
// a drain stuck behind a SCHED_FIFO loop, and one timeline worked by hand.
#include <gtest/gtest.h>

#include <memory>

#include "calibration/vlab.hpp"
#include "engine/simulator.hpp"
#include "model/linux6/kernel.hpp"
#include "model/linux6/kernels/linux_policy.hpp"
#include "model/linux6/kernels/lru_add_drain_all.hpp"
#include "topology/topology.hpp"

namespace {

using namespace ipistorm;
using calibration::VlabCounts;
using calibration::VlabRole;
using calibration::VlabSetup;
using calibration::VlabTrigger;
using engine::Action;
using engine::SimTime;
namespace lx = model::linux6;

// 2 packages (2 LLCs) x 2 cores: CPU 1 shares CPU 0's LLC, CPUs 2-3 do not.
const topo::Topology& two_llcs() {
  static const topo::Topology t = topo::Topology::load("pack:2 core:2 pu:1");
  return t;
}

std::vector<VlabCounts> run(std::vector<VlabRole> roles, VlabTrigger trigger,
                            const std::string& kernel = "linux-6.1") {
  VlabSetup s;
  s.roles = std::move(roles);
  s.trigger = trigger;
  s.kernel = kernel;
  s.calls = 5;
  return calibration::simulate_vlab(two_llcs(), s, model::ParamValues{});
}

TEST(Linux6, BusyCpuWithABatchGetsOneWorkItemAndOneInterruptEmptyOnesNone) {
  const auto c =
      run({VlabRole::kProbe, VlabRole::kBusyRefill, VlabRole::kBusyRefill, VlabRole::kBusyEmpty},
          VlabTrigger::kCollapse);
  // Same LLC, busy: activated from the caller, the kworker preempts the
  // loop: a reschedule IPI.
  EXPECT_EQ(c[1].work_items, 1);
  EXPECT_EQ(c[1].res, 1);
  EXPECT_EQ(c[1].cal, 0);
  // Another LLC: through its wake list, a function-call IPI.
  EXPECT_EQ(c[2].work_items, 1);
  EXPECT_EQ(c[2].res, 0);
  EXPECT_EQ(c[2].cal, 1);
  // An empty batch: cpu_needs_drain() is false, nothing at all.
  EXPECT_EQ(c[3].work_items, 0);
  EXPECT_EQ(c[3].res + c[3].cal + c[3].iwi, 0);
}

TEST(Linux6, AnIdleCpuWithABatchIsWokenThroughItsWakeList) {
  const auto c =
      run({VlabRole::kProbe, VlabRole::kSleepRefill, VlabRole::kIdle, VlabRole::kSleepRefill},
          VlabTrigger::kCollapse);
  for (int cpu : {1, 3}) {
    EXPECT_EQ(c[static_cast<std::size_t>(cpu)].work_items, 1) << cpu;
    EXPECT_EQ(c[static_cast<std::size_t>(cpu)].cal, 1) << cpu;
    EXPECT_EQ(c[static_cast<std::size_t>(cpu)].res, 0) << cpu;
  }
  EXPECT_EQ(c[2].work_items + c[2].cal + c[2].res, 0);
}

// posix_fadvise(DONTNEED) and memfd seals (bench/vlab's file triggers): the
// caller's local drain, then lru_add_drain_all() only when a page failed to
// invalidate: the storm's blob paths (written and read: never; mapped,
// spliced: always; read elsewhere and a memfd: when another CPU's batch
// holds the page, i.e. a busy-touch CPU touched it).
TEST(Linux6, FileTriggersDrainOnlyWhereAPageFailsToInvalidate) {
  const std::vector<VlabRole> plain = {VlabRole::kProbe, VlabRole::kBusyRefill,
                                       VlabRole::kBusyRefill, VlabRole::kBusyEmpty};
  const std::vector<VlabRole> touched = {VlabRole::kProbe, VlabRole::kBusyRefill,
                                         VlabRole::kBusyTouch, VlabRole::kBusyEmpty};
  struct Case {
    VlabTrigger trigger;
    const std::vector<VlabRole>& roles;
    bool drains;
  };
  const Case cases[] = {
      {VlabTrigger::kFadviseWritten, plain, false},
      {VlabTrigger::kFadviseRead, plain, false},
      {VlabTrigger::kFadviseReadElsewhere, plain, false},  // nobody read it elsewhere
      {VlabTrigger::kFadviseReadElsewhere, touched, true},
      {VlabTrigger::kFadviseMapped, plain, true},
      {VlabTrigger::kFadviseSpliced, plain, true},
      {VlabTrigger::kMemfdSeal, plain, false},
      {VlabTrigger::kMemfdSeal, touched, true},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(static_cast<int>(k.trigger));
    const auto c = run(k.roles, k.trigger);
    // CPU 1 shares the caller's LLC (RES), CPU 2 does not (CAL); a
    // busy-touch CPU's touched page sits in its batch like a refill.
    EXPECT_EQ(c[1].work_items, k.drains ? 1 : 0);
    EXPECT_EQ(c[1].res, k.drains ? 1 : 0);
    EXPECT_EQ(c[2].work_items, k.drains ? 1 : 0);
    EXPECT_EQ(c[2].cal, k.drains ? 1 : 0);
    EXPECT_EQ(c[3].work_items + c[3].res + c[3].cal, 0);
  }
  EXPECT_EQ(calibration::vlab_trigger("fadvise-spliced"), VlabTrigger::kFadviseSpliced);
  EXPECT_EQ(calibration::vlab_role("busy-touch"), VlabRole::kBusyTouch);
  EXPECT_THROW(calibration::vlab_trigger("fadvise-nope"), InputError);
  // Two touchers share one folio per call: which one holds it is a race.
  EXPECT_THROW(
      run({VlabRole::kProbe, VlabRole::kBusyTouch, VlabRole::kBusyTouch, VlabRole::kBusyEmpty},
          VlabTrigger::kMemfdSeal),
      InputError);
}

TEST(Linux6, ExpeditedGracePeriodSkipsIdleAndNohzFullUserCpus) {
  const auto c =
      run({VlabRole::kProbe, VlabRole::kBusyEmpty, VlabRole::kIdle, VlabRole::kIsolatedSpin},
          VlabTrigger::kMbind);
  EXPECT_EQ(c[1].cal, 1);  // running: rcu_exp_handler via a CAL
  EXPECT_EQ(c[1].work_items, 0);
  EXPECT_EQ(c[2].cal, 0);  // idle: in an extended quiescent state
  EXPECT_EQ(c[3].cal, 0);  // nohz_full, in user mode: also in EQS
  EXPECT_EQ(c[3].res, 0);
}

TEST(Linux6, LruCacheDisableAddsOneCalToABusyCpuBeforeItsDrain) {
  const auto c =
      run({VlabRole::kProbe, VlabRole::kBusyRefill, VlabRole::kBusyRefill, VlabRole::kSleepRefill},
          VlabTrigger::kMbind);
  EXPECT_EQ(c[1].res, 1);  // drain (same LLC)
  EXPECT_EQ(c[1].cal, 1);  // grace period
  EXPECT_EQ(c[2].cal, 2);  // grace period + drain's wake list (another LLC)
  EXPECT_EQ(c[3].cal, 1);  // asleep: no grace-period IPI, the drain's wake-up
  EXPECT_EQ(c[3].work_items, 1);
}

TEST(Linux6, NohzFullBusyCpuWithABatchTakesTwoInterruptsPerDrain) {
  const topo::Topology t = topo::Topology::load("pack:1 core:4 pu:1");
  VlabSetup s;
  s.roles = {VlabRole::kProbe, VlabRole::kIsolatedSpinRefill, VlabRole::kIsolatedSpin,
             VlabRole::kIdle};
  s.calls = 4;
  const auto c = calibration::simulate_vlab(t, s, model::ParamValues{});
  EXPECT_EQ(c[1].work_items, 1);
  EXPECT_EQ(c[1].res, 1);  // the kworker preempts the loop
  EXPECT_EQ(c[1].cal, 1);  // the tick restarts: a remote irq_work
  EXPECT_EQ(c[2].res + c[2].cal + c[2].work_items, 0);
}

TEST(Linux6, EveryPresetGivesTheSameCounts) {
  const std::vector<VlabRole> roles = {VlabRole::kProbe, VlabRole::kBusyRefill,
                                       VlabRole::kSleepRefill, VlabRole::kBusyEmpty};
  const auto a = run(roles, VlabTrigger::kMbind, "linux-6.1");
  const auto b = run(roles, VlabTrigger::kMbind, "linux-6.12");
  for (std::size_t i = 1; i < a.size(); ++i) {
    EXPECT_EQ(a[i].work_items, b[i].work_items);
    EXPECT_EQ(a[i].res, b[i].res);
    EXPECT_EQ(a[i].cal, b[i].cal);
  }
}

TEST(Linux6, PresetForAKernelVersionIsChosenByOrder) {
  EXPECT_STREQ(lx::linux_policy_for_version(60100).name, "linux-6.1");
  EXPECT_STREQ(lx::linux_policy_for_version(60600).name, "linux-6.1");
  EXPECT_STREQ(lx::linux_policy_for_version(61200).name, "linux-6.12");
  EXPECT_STREQ(lx::linux_policy_for_version(61600).name, "linux-6.12");
  EXPECT_STREQ(lx::linux_policy_for_version(61700).name, "linux-6.17");
  EXPECT_STREQ(lx::linux_policy_for_version(71000).name, "linux-6.17");  // proposals never
  EXPECT_THROW(lx::linux_policy_for_version(51000), InputError);
}

// A caller task that calls lru_add_drain_all() when it first runs and
// notes when it returns.
struct Caller {
  lx::LinuxPolicy* policy = nullptr;
  lx::Task* task = nullptr;
  engine::Simulator* sim = nullptr;
  SimTime done = -1;
  void call(std::int64_t) { policy->lru_add_drain_all(*task, Action::bind<&Caller::ret>(this)); }
  void ret(std::int64_t) {
    done = sim->now();
    task->user_loop = true;  // back in user space, spinning: no more events
  }
  void bind(lx::Kernel& k, lx::LinuxPolicy& p, const std::string& name, int cpu) {
    policy = &p;
    sim = &k.sched.sim();
    task = &k.sched.create_task(name, cpu, false);
    task->resume = Action::bind<&Caller::call>(this);
  }
};

// Three callers on 4 CPUs: a drains CPU 2's batch (another LLC, busy); b and
// c call while it drains, so they read generation 1 and wait for the mutex.
// b then drains again (its generation is current: its own folios may have
// come after a's check), and c finds the generation moved on: it shares b's.
TEST(Linux6, ACallerWaitingForTheMutexSharesTheDrainThatRanAfterItsRead) {
  engine::Simulator sim;
  const lx::LinuxCosts costs;
  lx::Kernel k(sim, costs, two_llcs(), {});
  auto policy = lx::find_linux_policy("linux-6.1").make(k);
  lx::Task& loop = k.sched.create_task("loop", 2, false);
  loop.user_loop = true;
  k.sched.start(loop);
  k.lru.folio_add_lru(2, 3);
  Caller a, b, c;
  a.bind(k, *policy, "a", 0);
  b.bind(k, *policy, "b", 1);
  c.bind(k, *policy, "c", 3);
  k.sched.start(*a.task);  // a bumps the generation at 0
  k.sched.start(*b.task);  // b and c read it after: 1
  k.sched.start(*c.task);
  sim.run();
  ASSERT_GT(a.done, 0);
  ASSERT_GT(b.done, 0);
  ASSERT_GT(c.done, 0);
  // The mutex is held across the flush: b returns after a, c after b.
  EXPECT_GT(b.done, a.done);
  EXPECT_GT(c.done, b.done);
  auto& p = dynamic_cast<lx::LruAddDrainAll&>(*policy);
  EXPECT_EQ(p.shared(), 1u);      // c
  EXPECT_EQ(k.wq.queued(2), 1u);  // only a found a batch to drain
  EXPECT_EQ(k.lru.batch_folios(2), 0);
}

// 6.17's local drain first: a caller whose own CPU has folios drains them
// itself before the mutex, so its own kworker gets no work item (6.12: one).
TEST(Linux6, FromLinux617TheCallerDrainsItsOwnCpuFirst) {
  for (const char* kernel : {"linux-6.12", "linux-6.17"}) {
    engine::Simulator sim;
    const lx::LinuxCosts costs;
    lx::Kernel k(sim, costs, two_llcs(), {});
    auto policy = lx::find_linux_policy(kernel).make(k);
    k.lru.folio_add_lru(0, 2);
    k.lru.folio_add_lru(3, 2);
    Caller caller;
    caller.bind(k, *policy, "caller", 0);
    k.sched.start(*caller.task);
    sim.run();
    ASSERT_GT(caller.done, 0) << kernel;
    EXPECT_EQ(k.wq.queued(0), std::string(kernel) == "linux-6.12" ? 1u : 0u) << kernel;
    EXPECT_EQ(k.wq.queued(3), 1u) << kernel;
    EXPECT_EQ(k.lru.batch_folios(0), 0) << kernel;
  }
}

// QPW by hand: the caller on CPU 0 drains CPU 2 (another package, a busy
// loop with 3 folios) itself: the batch's lines come over (the lock and
// count plus one line per 8 folio pointers: 3 transfers), then the folios
// go onto the LRU under the lock (one hold, 3 folios), then flush_work
// finds nothing pending. No work item, no interrupt on CPU 2.
TEST(Linux6, QpwDrainsARemoteCpuByHand) {
  engine::Simulator sim;
  const lx::LinuxCosts c;
  lx::Kernel k(sim, c, two_llcs(), {});
  auto policy = lx::find_linux_policy("linux-6.12-qpw").make(k);
  lx::Task& loop = k.sched.create_task("loop", 2, false);
  loop.user_loop = true;
  k.sched.start(loop);
  k.lru.folio_add_lru(2, 3);
  Caller caller;
  caller.bind(k, *policy, "caller", 0);
  k.sched.start(*caller.task);
  sim.run();
  const SimTime lines = 3 * c.line_transfer[static_cast<int>(topo::DistanceClass::kOtherPackage)];
  const SimTime drained = lines + c.lru_lock_hold + 3 * c.lru_add_per_page;
  EXPECT_EQ(caller.done, drained + c.flush_work);
  EXPECT_EQ(k.wq.queued(2), 0u);
  for (int v = 0; v < lx::kVectors; ++v)
    EXPECT_EQ(k.sched.cpu(2).irqs[static_cast<std::size_t>(v)], 0u);
  EXPECT_EQ(k.lru.batch_folios(2), 0);
  EXPECT_EQ(policy->stats().remote_drains, 1u);
  EXPECT_EQ(k.sched.cpu(2).curr, &loop);  // never preempted
}

TEST(Linux6, ADrainBehindASchedFifoLoopNeverCompletesAndTheRunStillEnds) {
  engine::Simulator sim;
  const lx::LinuxCosts costs;
  lx::Kernel k(sim, costs, two_llcs(), {});
  auto policy = lx::find_linux_policy("linux-6.1").make(k);
  lx::Task& loop = k.sched.create_task("rt loop", 1, false);
  loop.user_loop = true;
  loop.fifo = true;
  k.sched.start(loop);
  k.lru.folio_add_lru(1, 1);
  lx::Task& caller = k.sched.create_task("caller", 0, false);
  struct Flag {
    bool returned = false;
    void set(std::int64_t) { returned = true; }
  } flag;
  caller.resume = Action{};
  policy->lru_add_drain_all(caller, Action::bind<&Flag::set>(&flag));
  sim.run();  // no event is left: the kworker never runs
  EXPECT_FALSE(flag.returned);
  EXPECT_TRUE(caller.sleeping);
  EXPECT_EQ(k.lru.batch_folios(1), 1);
  EXPECT_EQ(k.sched.cpu(1).irqs[static_cast<int>(lx::Vector::kRES)], 0u);  // no preemption
}

// One drain worked by hand: CPU 1 (same LLC) spins with one folio batched;
// the caller on CPU 0 queues the work (a RES to CPU 1) and flushes it. CPU 1
// takes the RES, switches to the kworker, drains under the lock. With
// queue_work at 0.1 us the caller is asleep in flush_work by then:
// complete() wakes the idle CPU 0 through its wake list (a CAL and a C1
// exit), which switches back to the caller. With the default queue_work
// (3.85 us) the drain is done before the caller's flush: no sleep, no CAL.
SimTime one_drain(double queue_work_us, std::uint64_t& cals_to_caller, lx::LinuxCosts& c) {
  model::ParamValues p;
  p.set("queue_work_us", queue_work_us);
  c = lx::LinuxCosts(p);
  engine::Simulator sim;
  lx::Kernel k(sim, c, two_llcs(), {});
  auto policy = lx::find_linux_policy("linux-6.1").make(k);
  lx::Task& loop = k.sched.create_task("loop", 1, false);
  loop.user_loop = true;
  k.sched.start(loop);
  k.lru.folio_add_lru(1, 1);
  Caller caller;
  caller.bind(k, *policy, "caller", 0);
  k.sched.start(*caller.task);
  sim.run();
  cals_to_caller = k.sched.cpu(0).irqs[static_cast<int>(lx::Vector::kCAL)];
  EXPECT_EQ(k.sched.cpu(1).irqs[static_cast<int>(lx::Vector::kRES)], 1u);
  EXPECT_EQ(k.sched.cpu(1).curr, &loop);  // the loop runs again
  EXPECT_EQ(k.lru.batch_folios(1), 0);
  return caller.done;
}

TEST(Linux6, OneDrainTimelineByHand) {
  lx::LinuxCosts c;
  std::uint64_t cals = 0;
  const SimTime slept = one_drain(0.1, cals, c);
  const SimTime ipi = c.ipi[static_cast<int>(topo::DistanceClass::kSamePackage)];
  const SimTime res_lands = c.apic_ipi_send + ipi;
  const SimTime kworker_runs = res_lands + c.irq_entry_exit + c.context_switch;
  const SimTime drained = kworker_runs + c.lru_lock_hold + c.lru_add_per_page;
  const SimTime cal_lands = drained + c.apic_ipi_send + ipi + c.c1_exit;
  ASSERT_LT(c.queue_work + c.apic_ipi_send, drained);  // the caller sleeps first
  EXPECT_EQ(slept, cal_lands + c.idle_exit + c.context_switch);
  EXPECT_EQ(cals, 1u);

  const SimTime checked = one_drain(3.85, cals, c);
  ASSERT_GT(c.queue_work + c.apic_ipi_send, drained);  // done before the flush looks
  EXPECT_EQ(checked, c.queue_work + c.apic_ipi_send + c.flush_work);
  EXPECT_EQ(cals, 0u);
}

}  // namespace

// A policy is one file (sim/tests/test_only_kernel.cpp registers
// "test-only-remote-drain" with public calls only): found by name, it
// drains a busy remote CPU's batch from the caller with no work item, no
// interrupt, and the caller pays for it; never picked for a kernel version.
TEST(Linux6, AOneFileTestOnlyPolicyDrainsRemoteCpusWithoutInterrupts) {
  engine::Simulator sim;
  const lx::LinuxCosts costs;
  lx::Kernel k(sim, costs, two_llcs(), {});
  const lx::LinuxPolicyEntry& e = lx::find_linux_policy("test-only-remote-drain");
  EXPECT_FALSE(e.released);
  auto policy = e.make(k);
  lx::Task& loop = k.sched.create_task("loop", 2, false);
  loop.user_loop = true;
  k.sched.start(loop);
  k.lru.folio_add_lru(1, 2);
  k.lru.folio_add_lru(2, 3);
  Caller caller;
  caller.bind(k, *policy, "caller", 0);
  k.sched.start(*caller.task);
  sim.run();
  ASSERT_GT(caller.done, 0);
  for (int cpu : {1, 2}) {
    EXPECT_EQ(k.lru.batch_folios(cpu), 0) << cpu;
    EXPECT_EQ(k.wq.queued(cpu), 0u) << cpu;
    const lx::Cpu& x = k.sched.cpu(cpu);
    std::uint64_t irqs = 0;
    for (std::uint64_t n : x.irqs) irqs += n;
    EXPECT_EQ(irqs, 0u) << cpu;
  }
  EXPECT_EQ(policy->stats().remote_drains, 2u);
  EXPECT_STRNE(lx::linux_policy_for_version(99999).name, "test-only-remote-drain");
}
