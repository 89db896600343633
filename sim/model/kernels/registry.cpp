// registry.cpp: the registry of kernel presets. The presets add themselves
// from their own files (KernelRegistration); nothing here names them.
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

namespace {
Registry<KernelPolicyEntry>& registry() {
  static Registry<KernelPolicyEntry> r("kernel");
  return r;
}
}  // namespace

KernelRegistration::KernelRegistration(KernelPolicyEntry e) { registry().add(e); }

const std::vector<KernelPolicyEntry>& kernel_policies() { return registry().entries(); }

const KernelPolicyEntry& find_kernel_policy(const std::string& name) {
  return registry().find(name);
}

}  // namespace ipistorm::model
