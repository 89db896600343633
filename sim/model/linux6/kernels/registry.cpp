// registry.cpp: the registry of Linux 6.x presets; the presets add
// themselves from their own files.
#include "errors.hpp"
#include "model/linux6/kernels/linux_policy.hpp"

namespace ipistorm::model::linux6 {

namespace {
Registry<LinuxPolicyEntry>& registry() {
  static Registry<LinuxPolicyEntry> r("Linux 6.x kernel");
  return r;
}
}  // namespace

LinuxPolicyRegistration::LinuxPolicyRegistration(LinuxPolicyEntry e) { registry().add(e); }

const std::vector<LinuxPolicyEntry>& linux_policies() { return registry().entries(); }

const LinuxPolicyEntry& find_linux_policy(const std::string& name) { return registry().find(name); }

const LinuxPolicyEntry& linux_policy_for_version(int version) {
  const LinuxPolicyEntry* best = nullptr;
  for (const LinuxPolicyEntry& e : registry().entries())
    if (e.released && e.order <= version) best = &e;  // entries are in `order`
  if (best == nullptr)
    throw InputError(
        "no Linux 6.x preset covers kernel version " + std::to_string(version / 10000) + "." +
        std::to_string(version / 100 % 100) + " (the oldest is " +
        (registry().entries().empty() ? std::string("none") : registry().entries().front().name) +
        ")");
  return *best;
}

}  // namespace ipistorm::model::linux6
