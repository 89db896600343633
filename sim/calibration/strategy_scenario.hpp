// strategy_scenario.hpp: the simulator's prediction for ipistorm-bench's
// strategy/<name>/bytes:<N>/load:<l>[/<d>/k:<k>] benchmark, a micro-scenario
// built from the simulator's own strategy code (model/strategies/) and
// kernel policy (model/kernels/): one caller task on the home CPU makes
// hypercalls one after another through the strategy, each with an N-byte
// argument, as the benchmark's loop does (acquire, copy in, call, copy out,
// release: HypercallBufferStrategy::hypercall). The call is the bench's:
// outside a Xen dom0 the stand-in getppid(), so the trap costs syscall_us
// (HypercallSite::xen_work); in a dom0 xen_version through the privcmd
// ioctl, syscall_us + hypercall_us. A loaded CPU (spin: a thread of the
// process; fault: child processes faulting pages) is a vCPU kept running by
// a busy task; a spinning thread also puts the CPU in the process's
// mm_cpumask, which a munmap must flush (dm_mm_other_cpus = k for spin, 0
// otherwise). The bench's memory never pages out: nolock_fault_prob = 0.
// No background page activity (dom0_page_adds_per_s = 0): the bench's home
// CPU does nothing but the loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {

struct StrategyPrediction {
  double mean_us = 0;      // per hypercall
  double ipis_per_op = 0;  // every IPI the model counts (reschedule + TLB shootdown)
  std::uint64_t ops = 0;
};

enum class BenchLoad { kIdle, kSpin, kFault };
enum class BenchCall { kGetppid, kXenVersion };

// `home` and `load_cpus` are topology CPU indexes, load CPUs distinct from
// home. `strategy` and `kernel` are the simulator's registry names.
StrategyPrediction simulate_strategy(const topo::Topology& topology, int home,
                                     const std::string& strategy, const std::string& kernel,
                                     std::int64_t bytes, BenchLoad load, BenchCall call,
                                     const std::vector<int>& load_cpus,
                                     const model::ParamValues& params, std::uint64_t seed = 1,
                                     int ops = 2000, int warmup = 20);

// The simulator's kernel preset for a kernel release string ("6.18.44-fc"):
// the newest preset whose version is not above it ("linux-5.10"); the
// oldest preset for an unparsable or older release.
std::string kernel_preset_for_release(const std::string& release);

}  // namespace ipistorm::calibration
