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

#include "model/linux6/kernel.hpp"
#include "model/registry.hpp"

namespace ipistorm::model::linux6 {

class LinuxPolicy {
 public:
  virtual ~LinuxPolicy() = default;
  // lru_add_drain_all() by `caller`; `then` runs in the caller when it returns.
  virtual void lru_add_drain_all(Task& caller, Action then) = 0;
  // lru_cache_disable() by `caller`; `then` as above. lru_cache_enable()
  // ends it.
  virtual void lru_cache_disable(Task& caller, Action then) = 0;
  virtual void lru_cache_enable() = 0;
};

struct LinuxPolicyEntry {
  const char* name;
  const char* summary;
  const char* source;
  int order;  // the version as a number (6.1 -> 60100): a lab run picks by it
  std::unique_ptr<LinuxPolicy> (*make)(Kernel& k);
};

// Every 6.x preset, by `order`.
const std::vector<LinuxPolicyEntry>& linux_policies();
// Throws InputError naming the accepted names (and the nearest).
const LinuxPolicyEntry& find_linux_policy(const std::string& name);
// The preset for a kernel of version `version` (6.1 -> 60100): the one with
// the highest order not above it; InputError when every preset is newer.
const LinuxPolicyEntry& linux_policy_for_version(int version);

struct LinuxPolicyRegistration {
  explicit LinuxPolicyRegistration(LinuxPolicyEntry e);
};

}  // namespace ipistorm::model::linux6
