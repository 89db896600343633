// fanout.hpp: the fan-out primitives measurable from user space on any
// kernel (docs/background.md section 6), the calibration source for the simulator's
// IPI and wake-up costs.
//   BusyPeers       k pinned threads of this process spinning: the CPUs that
//                   membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) must IPI.
//   FanoutWorkers   a user-space schedule_on_each_cpu(): one work item queued
//                   to each of k pinned sleeping workers (futex wake), then
//                   waited for in order, as flush_work() does.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "machine.hpp"
#include "pinned_threads.hpp"

namespace ipistorm::bench {

// Private futexes on a 32-bit atomic word.
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected);
long futex_wake(std::atomic<std::uint32_t>* word);
std::uint64_t monotonic_ns();

// "" when membarrier(PRIVATE_EXPEDITED) is supported and this process is
// registered for it (registering once); else the reason.
std::string membarrier_private_expedited_ready();
long membarrier_private_expedited();

class BusyPeers {
 public:
  // nice < 0 asks for a higher weight (when allowed: root or CAP_SYS_NICE)
  // so that on a shared machine the peer is the task running on its CPU
  // nearly all the time; favoured() says whether every peer got it.
  BusyPeers(const Machine& m, const std::vector<int>& cpus, int nice = 0);
  ~BusyPeers();
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool favoured() const { return refused_ == 0; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> refused_{0};
  PinnedThreads threads_;
  std::string error_;
};

class FanoutWorkers {
 public:
  FanoutWorkers(const Machine& m, const std::vector<int>& cpus);
  ~FanoutWorkers();
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Mirrors schedule_on_each_cpu(): queue on every worker (a futex wake each,
  // like schedule_work_on's try_to_wake_up), then flush each in order,
  // sleeping whenever the next one has not run yet.
  void schedule_on_each_cpu();
  // The same with one worker, timed: adds the time the waker spent in the
  // wake call and the time from "about to wake" to "worker running".
  void wake_round_trip(std::uint64_t& wake_call_ns, std::uint64_t& wake_latency_ns);
  std::uint64_t caller_sleeps() const { return caller_sleeps_; }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint32_t> queued{0};  // generation of the last queued work
    std::atomic<std::uint32_t> done{0};    // generation of the last finished work
    std::atomic<std::uint64_t> woke_ns{0};
  };
  void worker(Slot& s);
  void flush(Slot& s, std::uint32_t gen);

  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<bool> stop_{false};
  std::uint32_t gen_ = 0;
  std::uint64_t caller_sleeps_ = 0;
  PinnedThreads threads_;
  std::string error_;
};

}  // namespace ipistorm::bench
