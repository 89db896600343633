// other_drain_callers.hpp: lru_add_drain_all() from paths other than mlock
// (page migration, GUP FOLL_LONGTERM pinning, CMA, memory offlining:
// docs/background.md s3). A Poisson stream of calls at other_drain_all_per_s, each
// from a kernel thread on a vCPU drawn uniformly; 0 (off) in the report.
#pragma once

#include <vector>

#include "engine/random.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

class OtherDrainCallers {
 public:
  OtherDrainCallers(Dom0& dom0, KernelPolicy& kernel, std::uint64_t seed);
  void start();

 private:
  void arrival(std::int64_t);
  void run_drain(std::int64_t v);
  void done(std::int64_t v);
  void schedule_next();

  Dom0& dom0_;
  KernelPolicy& kernel_;
  engine::RandomStream rng_;
  std::vector<Task*> tasks_;
  std::vector<int> backlog_;    // calls waiting per vCPU while its caller is busy
  std::vector<char> in_drain_;  // the vCPU's caller is inside lru_add_drain_all()
};

}  // namespace ipistorm::model
