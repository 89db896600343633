// registry.cpp: the one table of kernel presets. Adding an era is one file
// and one line here.
#include "did_you_mean.hpp"
#include "errors.hpp"
#include "model/kernels/kernel_policy.hpp"

namespace ipistorm::model {

const std::vector<KernelPolicyEntry>& kernel_policies() {
  static const std::vector<KernelPolicyEntry> table = {
      {"linux-2.6.18-xen", "mlock never drains other CPUs",
       "mm/mlock.c, mm/swap.c of 2.6.18 (all-CPU drain only under CONFIG_NUMA)",
       make_linux_2_6_18_xen},
      {"linux-2.6.31-pvops", "mlock drains every online CPU: schedule_on_each_cpu, caller waits",
       "b291f000393f (2.6.28-rc1), 8891d6da17db", make_linux_2_6_31_pvops},
      {"linux-3.12", "drain only CPUs with non-empty pagevecs; callers serialised by a mutex",
       "5fbc461636c3 (Chris Metcalf, v3.12)", make_linux_3_12},
      {"linux-4.15", "mlock drains only the local CPU",
       "Shakeel Butt, mm: mlock: remove lru_add_drain_all() (2017)", make_linux_4_15},
      {"linux-5.10", "as 4.15; concurrent lru_add_drain_all callers share one drain generation",
       "eef1a429f234, 6446a5131e24", make_linux_5_10},
  };
  return table;
}

const KernelPolicyEntry& find_kernel_policy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : kernel_policies()) {
    if (name == e.name) return e;
    names.emplace_back(e.name);
  }
  throw InputError(unknown_name_message("kernel", name, names));
}

std::vector<int> cpus_with_pages(Dom0& dom0) {
  std::vector<int> cpus;
  for (int v = 0; v < dom0.num_vcpus(); ++v)
    if (dom0.pagevec_pages(v) > 0) cpus.push_back(v);
  return cpus;
}

}  // namespace ipistorm::model
