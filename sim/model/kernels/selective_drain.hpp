// selective_drain.hpp: the kernels since 3.12 (linux_3_12.cpp, linux_4_15.cpp,
// linux_5_10.cpp), which differ only in two switches: whether mlock()
// drains every CPU with pages (3.12) or only the local one (4.15+), and
// whether concurrent drain callers share a generation (5.10+).
#pragma once

#include <memory>
#include <vector>

#include "model/drain.hpp"
#include "model/kernels/kernel_policy.hpp"
#include "model/mutex.hpp"
#include "model/steps.hpp"

namespace ipistorm::model {

// The CPUs whose pagevecs hold pages now, as lru_add_drain_all() checks
// with pagevec_count() since 5fbc461636c3.
std::vector<int> cpus_with_pages(Dom0& dom0);

// lru_add_drain_all() since 5fbc461636c3 (v3.12): under a global mutex,
// drain only the CPUs whose pagevecs hold pages. With `share_generation`
// (eef1a429f234, 6446a5131e24) a caller that finds the drain generation
// moved on while it waited for the mutex returns at once: the drain that
// ran meanwhile covered its pages.
class SelectiveDrainAll {
 public:
  explicit SelectiveDrainAll(bool share_generation) : share_generation_(share_generation) {}
  void run(Dom0& dom0, Task& caller, Action then);

 private:
  // One caller's lru_add_drain_all(), as mm/swap.c writes it:
  // mutex_lock(&lock); queue and flush the CPUs with pages; mutex_unlock.
  struct Call {
    SelectiveDrainAll* all = nullptr;
    Task* caller = nullptr;
    std::uint64_t generation_seen = 0;  // read before the mutex (5.10's lru_drain_gen)
    Steps<Call> steps;
    void lock_mutex(Action next);
    void drain_cpus_with_pages(Action next);
    void unlock_mutex(Action next);
  };

  bool share_generation_;
  Dom0* dom0_ = nullptr;
  Mutex mutex_;
  std::uint64_t generation_ = 0;
  PerTask<Call> calls_;  // by calling Task::id (callers can overlap)
};

class SelectiveDrainKernel : public KernelPolicy {
 public:
  SelectiveDrainKernel(bool mlock_drains_all, bool share_generation)
      : mlock_drains_all_(mlock_drains_all), selective_(share_generation) {}
  void mlock_prepare(Dom0& dom0, Task& caller, Action then) override {
    if (mlock_drains_all_)
      drain_all(dom0, caller, then);
    else
      dom0.lru.lru_add_drain(*caller.vcpu, then);
  }
  void drain_all(Dom0& dom0, Task& caller, Action then) override {
    selective_.run(dom0, caller, then);
  }
  bool mlock_moves_page_through_pagevec() const override { return true; }

 private:
  bool mlock_drains_all_;
  SelectiveDrainAll selective_;
};

}  // namespace ipistorm::model
