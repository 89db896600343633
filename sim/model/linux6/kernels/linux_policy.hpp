// linux_policy.hpp: what a Linux 6.x kernel (or a proposed patch to one)
// does for the two entry points today's callers reach: lru_add_drain_all()
// (fadvise, MADV_COLLAPSE, memfd seals, khugepaged) and lru_cache_disable()
// (mbind/migrate_pages/move_pages, CMA). One file per preset under
// kernels/, each registering itself as the 2009 eras do
// (model/registry.hpp):
//   const LinuxPolicyRegistration kEra{{"linux-x.y", summary, source, order, make}};
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/stats.hpp"
#include "model/linux6/kernel.hpp"
#include "model/registry.hpp"

namespace ipistorm::model::linux6 {

// What a policy's drains did, for the storm's report.
struct DrainStats {
  engine::Histogram mutex_wait_ns;     // mutex_lock() to owning it (0 when free)
  engine::Histogram mutex_hold_ns;     // owning it to mutex_unlock()
  std::uint64_t drains = 0;            // passes that queued or drained (generation bumped)
  std::uint64_t shared = 0;            // passes that returned at the generation check
  std::uint64_t cpus = 0;              // CPUs drained, summed over the drains
  std::uint64_t remote_drains = 0;     // CPUs drained by the caller itself (QPW)
  std::uint64_t skipped_isolated = 0;  // CPUs with folios left for later (deferred drain)
  // A caller now asleep in flush_work(): since when, and on which CPU's
  // work (-1: none). The hung-task check reads it.
  SimTime flush_wait_since = -1;
  int flush_wait_cpu = -1;
};

class LinuxPolicy {
 public:
  virtual ~LinuxPolicy() = default;
  const DrainStats& stats() const { return stats_; }
  // lru_add_drain_all() by `caller`; `then` runs in the caller when it returns.
  virtual void lru_add_drain_all(Task& caller, Action then) = 0;
  // lru_cache_disable() by `caller`; `then` as above. lru_cache_enable()
  // ends it.
  virtual void lru_cache_disable(Task& caller, Action then) = 0;
  virtual void lru_cache_enable() = 0;
  // What each local batch operation (folio_add_lru) costs beyond today's
  // (QPW's per-CPU spinlock); 0 for released kernels.
  virtual SimTime local_batch_op_cost() const { return 0; }

 protected:
  DrainStats stats_;
};

struct LinuxPolicyEntry {
  const char* name;
  const char* summary;
  const char* source;
  int order;      // the version as a number (6.1 -> 60100): a lab run picks by it
  bool released;  // false: a proposed patch, never picked for a kernel version
  std::unique_ptr<LinuxPolicy> (*make)(Kernel& k);
};

// Every 6.x preset, by `order`.
const std::vector<LinuxPolicyEntry>& linux_policies();
// Throws InputError naming the accepted names (and the nearest).
const LinuxPolicyEntry& find_linux_policy(const std::string& name);
// The released preset for a kernel of version `version` (6.1 -> 60100):
// the one with the highest order not above it; InputError when every
// preset is newer.
const LinuxPolicyEntry& linux_policy_for_version(int version);

struct LinuxPolicyRegistration {
  explicit LinuxPolicyRegistration(LinuxPolicyEntry e);
};

}  // namespace ipistorm::model::linux6
