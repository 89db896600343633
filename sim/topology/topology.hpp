// topology.hpp: the machine the model runs on, read through libhwloc: a
// built-in preset, an hwloc synthetic string, an hwloc XML file, or the live
// host. It answers the two questions the model asks about any two CPUs: how
// far apart they are (same core / same package / other package) and their
// NUMA distance (ACPI SLIT style, 10 = local).
#pragma once

#include <string>
#include <vector>

namespace ipistorm::topo {

enum class DistanceClass { kSameCpu = 0, kSameCore = 1, kSamePackage = 2, kOtherPackage = 3 };
constexpr int kDistanceClasses = 4;
// The most PUs a topology may have (synthetic or XML): larger ones are
// refused before hwloc builds them. CPU numbers (os_index) lie below it too:
// it is the largest NR_CPUS Linux builds (x86 CONFIG_MAXSMP).
constexpr int kMaxCpus = 8192;
const char* distance_class_name(DistanceClass d);

struct Cpu {
  int os_index;  // Linux CPU number
  int package;   // logical package index
  int core;      // logical core index (machine-wide)
  int numa;      // logical NUMA node index
};

struct Preset {
  const char* name;
  const char* synthetic;  // hwloc synthetic description, OS indexes included
  double ghz;
  const char* summary;
};
const std::vector<Preset>& presets();

class Topology {
 public:
  // spec: a preset name, a path to an hwloc XML file, an hwloc synthetic
  // string, or "host". Throws InputError naming the spec otherwise.
  static Topology load(const std::string& spec);

  const std::string& spec() const { return spec_; }
  const std::string& kind() const { return kind_; }  // preset | xml | synthetic | host
  const std::string& description() const { return description_; }
  double ghz() const { return ghz_; }
  // Where ghz() came from: "preset", "CPU model" (an XML's "@ 2.67GHz"),
  // "recorded by lab-run" (its XML's IpistormCpuGHz info), "/proc/cpuinfo",
  // "--cpu-ghz", or "assumed" (nothing said: kFallbackGhz, 2.00 GHz).
  const std::string& ghz_source() const { return ghz_source_; }
  bool ghz_assumed() const { return ghz_source_ == "assumed"; }
  void set_ghz(double g) {
    ghz_ = g;
    ghz_source_ = "--cpu-ghz";
  }

  int num_cpus() const { return static_cast<int>(cpus_.size()); }
  int num_packages() const { return packages_; }
  int num_cores() const { return cores_; }
  int num_numa_nodes() const { return static_cast<int>(numa_matrix_.size()); }
  bool numa_distances_from_file() const { return numa_from_file_; }

  // CPUs are indexed 0..num_cpus()-1 in OS-index order.
  const Cpu& cpu(int i) const { return cpus_[static_cast<std::size_t>(i)]; }
  // CPU indexes in hwloc's logical order (package, core, thread): compact.
  const std::vector<int>& logical_order() const { return logical_order_; }

  // Inline: every wake and lock hand-off asks it.
  DistanceClass distance(int a, int b) const {
    if (a == b) return DistanceClass::kSameCpu;
    const Cpu& x = cpu(a);
    const Cpu& y = cpu(b);
    if (x.core == y.core) return DistanceClass::kSameCore;
    if (x.package == y.package) return DistanceClass::kSamePackage;
    return DistanceClass::kOtherPackage;
  }
  int numa_distance(int a, int b) const;
  const std::vector<std::vector<int>>& numa_matrix() const { return numa_matrix_; }

 private:
  std::string spec_, kind_, description_;
  double ghz_ = 0;
  std::string ghz_source_ = "assumed";
  std::vector<Cpu> cpus_;
  std::vector<int> logical_order_;
  int packages_ = 0, cores_ = 0;
  std::vector<std::vector<int>> numa_matrix_;
  bool numa_from_file_ = false;
};

// Default NUMA distance when a topology carries no matrix: 10 local, 21
// remote, what ACPI SLIT tables of 2-socket QPI servers commonly report
// (numactl -H on such boxes); a stated choice, not a measurement.
constexpr int kNumaLocalDistance = 10;
constexpr int kNumaRemoteDistance = 21;
// The largest NUMA distance a topology may give (ACPI SLIT: 10..254; hwloc
// latency matrices in nanoseconds stay far below it).
constexpr int kMaxNumaDistance = 1000000;

// hwloc says why it refuses an XML file only when HWLOC_XML_VERBOSE is set,
// and reads the variable once per process. The crash probe's child sets it
// for itself; a program calls this at its start (single-threaded: setenv is
// not thread-safe) so that every load, not just the first, can say why.
// Leaves a value the user set alone.
void ask_hwloc_for_reasons();

}  // namespace ipistorm::topo
