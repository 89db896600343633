// machine.cpp: hwloc host topology, distance classes and the description.
#include "machine.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace ipistorm::bench {

const char* distance_name(Distance d) {
  switch (d) {
    case Distance::kSameCore:
      return "same_core";
    case Distance::kSamePackage:
      return "same_package";
    case Distance::kOtherPackage:
      return "other_package";
  }
  return "?";
}

const Machine& Machine::host() {
  static const Machine m;
  return m;
}

Machine::Machine() {
  if (hwloc_topology_init(&topo_) != 0) throw std::runtime_error("hwloc_topology_init failed");
  if (hwloc_topology_load(topo_) != 0) {
    hwloc_topology_destroy(topo_);
    throw std::runtime_error("hwloc_topology_load failed");
  }
  // The process binding (numactl --cpunodebind, taskset) limits the CPUs used.
  hwloc_bitmap_t bound = hwloc_bitmap_alloc();
  if (hwloc_get_cpubind(topo_, bound, HWLOC_CPUBIND_PROCESS) != 0)
    hwloc_bitmap_copy(bound, hwloc_topology_get_allowed_cpuset(topo_));
  hwloc_bitmap_and(bound, bound, hwloc_topology_get_allowed_cpuset(topo_));
  unsigned idx = 0;
  hwloc_bitmap_foreach_begin(idx, bound) allowed_.push_back(static_cast<int>(idx));
  hwloc_bitmap_foreach_end();
  if (allowed_.empty()) {
    hwloc_bitmap_free(bound);
    hwloc_topology_destroy(topo_);
    throw std::runtime_error("no CPU is allowed to this process");
  }
  // Home: the first allowed PU in hwloc's logical order.
  hwloc_obj_t home_pu = nullptr;
  for (hwloc_obj_t pu = hwloc_get_next_obj_by_type(topo_, HWLOC_OBJ_PU, nullptr); pu;
       pu = hwloc_get_next_obj_by_type(topo_, HWLOC_OBJ_PU, pu))
    if (hwloc_bitmap_isset(bound, pu->os_index)) {
      home_pu = pu;
      break;
    }
  if (!home_pu) home_pu = hwloc_get_pu_obj_by_os_index(topo_, static_cast<unsigned>(allowed_[0]));
  home_ = static_cast<int>(home_pu->os_index);
  hwloc_obj_t home_core = hwloc_get_ancestor_obj_by_type(topo_, HWLOC_OBJ_CORE, home_pu);
  hwloc_obj_t home_pkg = hwloc_get_ancestor_obj_by_type(topo_, HWLOC_OBJ_PACKAGE, home_pu);
  for (hwloc_obj_t pu = hwloc_get_next_obj_by_type(topo_, HWLOC_OBJ_PU, nullptr); pu;
       pu = hwloc_get_next_obj_by_type(topo_, HWLOC_OBJ_PU, pu)) {
    if (pu == home_pu || !hwloc_bitmap_isset(bound, pu->os_index)) continue;
    Distance d = Distance::kOtherPackage;
    if (home_core && hwloc_bitmap_isset(home_core->cpuset, pu->os_index))
      d = Distance::kSameCore;
    else if (!home_pkg || hwloc_bitmap_isset(home_pkg->cpuset, pu->os_index))
      d = Distance::kSamePackage;  // no package object: one package
    by_distance_[static_cast<int>(d)].push_back(static_cast<int>(pu->os_index));
  }
  hwloc_bitmap_free(bound);
}

Machine::~Machine() { hwloc_topology_destroy(topo_); }

std::vector<int> Machine::nearest_cpus() const {
  std::vector<int> out;
  for (const auto& v : by_distance_) out.insert(out.end(), v.begin(), v.end());
  return out;
}

Distance Machine::distance_from_home(int cpu) const {
  for (int d = 0; d < kDistances; ++d)
    if (std::find(by_distance_[d].begin(), by_distance_[d].end(), cpu) != by_distance_[d].end())
      return static_cast<Distance>(d);
  return Distance::kOtherPackage;
}

int Machine::numa_node_of(int cpu) const {
  hwloc_obj_t node = nullptr;
  while ((node = hwloc_get_next_obj_by_type(topo_, HWLOC_OBJ_NUMANODE, node)) != nullptr)
    if (hwloc_bitmap_isset(node->cpuset, static_cast<unsigned>(cpu)))
      return static_cast<int>(node->os_index);
  return -1;
}

bool Machine::pin_this_thread(int cpu) const {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  hwloc_bitmap_only(set, static_cast<unsigned>(cpu));
  const int rc = hwloc_set_cpubind(topo_, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT);
  hwloc_bitmap_free(set);
  return rc == 0;
}

ScopedThreadPin::ScopedThreadPin(const Machine& m, int cpu) : m_(m), saved_(hwloc_bitmap_alloc()) {
  if (hwloc_get_cpubind(m_.topology(), saved_, HWLOC_CPUBIND_THREAD) != 0)
    hwloc_bitmap_zero(saved_);
  ok_ = m_.pin_this_thread(cpu);
}

ScopedThreadPin::~ScopedThreadPin() {
  if (!hwloc_bitmap_iszero(saved_)) hwloc_set_cpubind(m_.topology(), saved_, HWLOC_CPUBIND_THREAD);
  hwloc_bitmap_free(saved_);
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

std::string hypervisor_description() {
  // A Xen guest (dom0 included) says so in sysfs.
  const std::string sys = read_first_line("/sys/hypervisor/type");
  if (!sys.empty()) return sys + " (/sys/hypervisor/type)";
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31))) {  // CPUID.1:ECX.hypervisor
    unsigned leaf = 0, s1 = 0, s2 = 0, s3 = 0;
    __cpuid(0x40000000, leaf, s1, s2, s3);
    char sig[13] = {};
    std::copy_n(reinterpret_cast<const char*>(&s1), 4, sig);
    std::copy_n(reinterpret_cast<const char*>(&s2), 4, sig + 4);
    std::copy_n(reinterpret_cast<const char*>(&s3), 4, sig + 8);
    std::string v(sig);
    if (v == "KVMKVMKVM") v = "KVM";
    if (v == "XenVMMXenVMM") v = "xen";
    if (v == "Microsoft Hv") v = "Hyper-V";
    if (v == "VMwareVMware") v = "VMware";
    return (v.empty() ? std::string("unknown") : v) + " (cpuid hypervisor bit)";
  }
  return "none (cpuid hypervisor bit clear)";
#else
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.find(" hypervisor") != std::string::npos) return "yes (/proc/cpuinfo flags)";
  return "none found";
#endif
}

std::map<std::string, std::string> Machine::description() const {
  std::map<std::string, std::string> d;
  const int pk = hwloc_get_nbobjs_by_type(topo_, HWLOC_OBJ_PACKAGE);
  const int co = hwloc_get_nbobjs_by_type(topo_, HWLOC_OBJ_CORE);
  const int pu = hwloc_get_nbobjs_by_type(topo_, HWLOC_OBJ_PU);
  const int nn = hwloc_get_nbobjs_by_type(topo_, HWLOC_OBJ_NUMANODE);
  d["hwloc_topology"] = std::to_string(pk) + " packages, " + std::to_string(co) + " cores, " +
                        std::to_string(pu) + " PUs, " + std::to_string(nn) + " NUMA nodes";
  std::string allowed;
  for (int c : allowed_) allowed += (allowed.empty() ? "" : ",") + std::to_string(c);
  d["cpus_allowed"] = allowed;
  d["home_cpu"] = std::to_string(home_);
  std::string classes;
  for (int k = 0; k < kDistances; ++k) {
    classes += std::string(k ? " " : "") + distance_name(static_cast<Distance>(k)) + ":";
    std::string list;
    for (int c : by_distance_[k]) list += (list.empty() ? "" : ",") + std::to_string(c);
    classes += list.empty() ? "-" : list;
  }
  d["cpus_by_distance"] = classes;
  struct utsname u {};
  if (uname(&u) == 0) {
    d["kernel_release"] = u.release;
    d["kernel_version"] = u.version;
    d["machine"] = u.machine;
  }
  std::string model;
  if (hwloc_obj_t p = hwloc_get_obj_by_type(topo_, HWLOC_OBJ_PACKAGE, 0))
    if (const char* m = hwloc_obj_get_info_by_name(p, "CPUModel")) model = m;
  if (model.empty()) {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("model name", 0) == 0) {
        model = line.substr(line.find(':') + 2);
        break;
      }
  }
  d["cpu_model"] = model.empty() ? "unknown" : model;
  const std::string cpufreq = "/sys/devices/system/cpu/cpu" + std::to_string(home_) + "/cpufreq/";
  const std::string gov = read_first_line(cpufreq + "scaling_governor");
  d["cpufreq_governor"] = gov.empty() ? "unreadable (no cpufreq)" : gov;
  const std::string idle = read_first_line("/sys/devices/system/cpu/cpuidle/current_driver");
  d["cpuidle_driver"] = idle.empty() ? "unreadable" : idle;
  struct rlimit rl {};
  if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
    d["rlimit_memlock"] =
        rl.rlim_cur == RLIM_INFINITY ? "unlimited" : std::to_string(rl.rlim_cur) + " bytes";
  d["euid"] = std::to_string(geteuid());
  d["hypervisor"] = hypervisor_description();
  d["page_size"] = std::to_string(sysconf(_SC_PAGESIZE));
  return d;
}

}  // namespace ipistorm::bench
