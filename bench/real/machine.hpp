// machine.hpp: the real machine the benchmarks run on, read through hwloc.
// Benchmarks never name CPU numbers: they ask for the "home" CPU (the first
// CPU this process may run on, so a numactl/taskset binding is honoured) and
// for other CPUs by their distance from it, as hwloc's objects say: the SMT
// siblings in home's core, the other cores of home's package, the other
// packages. Also the machine description stored in every benchmark JSON.
#pragma once

#include <hwloc.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ipistorm::bench {

// Distance from the home CPU; names as the simulator's DistanceClass.
enum class Distance { kSameCore = 0, kSamePackage = 1, kOtherPackage = 2 };
constexpr int kDistances = 3;
const char* distance_name(Distance d);  // same_core | same_package | other_package

class Machine {
 public:
  // The live host, loaded once. Throws std::runtime_error if hwloc fails.
  static const Machine& host();
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  hwloc_topology_t topology() const { return topo_; }
  int home_cpu() const { return home_; }
  // OS CPUs this process may run on (its binding at start-up), ascending.
  const std::vector<int>& allowed_cpus() const { return allowed_; }
  // Allowed CPUs at distance `d` from home, in hwloc logical order.
  const std::vector<int>& cpus_at(Distance d) const { return by_distance_[static_cast<int>(d)]; }
  // Every allowed CPU but home, nearest first (siblings, package, others).
  std::vector<int> nearest_cpus() const;
  Distance distance_from_home(int cpu) const;
  int numa_node_of(int cpu) const;  // OS index of the NUMA node holding `cpu`, or -1

  // Pin the calling thread to one OS CPU (hwloc_set_cpubind, THREAD).
  // Returns false if the kernel refused.
  bool pin_this_thread(int cpu) const;

  // Facts for the benchmark JSON context (key -> value).
  std::map<std::string, std::string> description() const;

 private:
  Machine();
  hwloc_topology_t topo_ = nullptr;
  int home_ = 0;
  std::vector<int> allowed_;
  std::vector<int> by_distance_[kDistances];
};

// Pins the calling thread to `cpu` for its lifetime and restores the
// thread's previous binding on destruction (RAII).
class ScopedThreadPin {
 public:
  ScopedThreadPin(const Machine& m, int cpu);
  ~ScopedThreadPin();
  ScopedThreadPin(const ScopedThreadPin&) = delete;
  ScopedThreadPin& operator=(const ScopedThreadPin&) = delete;
  bool ok() const { return ok_; }

 private:
  const Machine& m_;
  hwloc_bitmap_t saved_;
  bool ok_ = false;
};

// Small helpers shared by the description and the tests.
std::string read_first_line(const std::string& path);  // "" when unreadable
std::string hypervisor_description();                  // "none", "KVM (cpuid)", "xen (...)"

}  // namespace ipistorm::bench
