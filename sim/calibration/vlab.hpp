// vlab.hpp: the simulator's side of the virtual lab (bench/vlab): the same
// layout and trigger run on the Linux 6.x model (model/linux), and a vlab
// run directory's per-CPU interrupt and work-item counts compared with the
// prediction, per CPU class.
//
// The scenario mirrors bench/vlab/probe.c: CPU 0 runs the probe, which
// calls the trigger `calls` times; before each call every refilling worker
// has put one folio in its CPU's batch (lockstep). A busy worker spins in
// user space; a sleeping one is asleep (its CPU idles in HLT); an isolated
// one spins on a nohz_full CPU. The lab reports each count net of a matched
// background window (the same lockstep without the trigger), so the
// scenario adds the folios directly and counts only what the trigger does.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "topology/topology.hpp"

namespace ipistorm::calibration {

enum class VlabRole {
  kProbe,
  kIdle,
  kBusyEmpty,
  kBusyRefill,
  kSleepRefill,
  kIsolatedSpin,
  kIsolatedSpinRefill,
  kBusyTouch  // spins; before each call touches the trigger's page (a folio in its batch)
};
// probe.c's names: "probe", "idle", "busy-empty", ...; InputError when unknown.
VlabRole vlab_role(const std::string& name);
const char* vlab_role_name(VlabRole r);

enum class VlabTrigger {
  kCollapse,  // MADV_COLLAPSE on a huge page: lru_add_drain_all()
  kMbind,     // MPOL_MF_MOVE: lru_cache_disable()
  // posix_fadvise(DONTNEED) of a page (mm/fadvise.c generic_fadvise): the
  // local lru_add_drain(), then lru_add_drain_all() when the page failed to
  // invalidate, as the storm's blob paths decide (run::blob_path_drain_fraction)
  kFadviseWritten,        // blob path "written": skipped, no drain
  kFadviseRead,           // "read": the local drain frees it
  kFadviseReadElsewhere,  // "read-elsewhere": drains when a busy-touch CPU read it
  kFadviseMapped,         // "mmap"
  kFadviseSpliced,        // "sendfile" (a pipe holds the page)
  // fcntl(F_ADD_SEALS, F_SEAL_WRITE) on a memfd (mm/memfd.c
  // memfd_wait_for_pins): the local drain, then lru_add_drain_all() when a
  // page still has an extra reference (in a busy-touch CPU's batch)
  kMemfdSeal
};
// probe.c's trigger names ("collapse", "mbind", "fadvise-written", ...,
// "memfd-seal"); InputError otherwise.
VlabTrigger vlab_trigger(const std::string& name);

// What a CPU takes per call: work items queued on it, and interrupts by
// /proc/interrupts row.
struct VlabCounts {
  double work_items = 0;
  double res = 0, cal = 0, tlb = 0, iwi = 0;
};

struct VlabSetup {
  std::vector<VlabRole> roles;  // by topology CPU index; CPU 0 is the probe
  VlabTrigger trigger = VlabTrigger::kCollapse;
  std::string kernel = "linux-6.1";  // a Linux 6.x preset
  int calls = 20;
};

// Per CPU (topology index), per call, on the Linux 6.x model with `params`
// (the parameter table; the counts depend on none of its costs).
std::vector<VlabCounts> simulate_vlab(const topo::Topology& topology, const VlabSetup& setup,
                                      const model::ParamValues& params);

// A vlab run directory (bench/vlab: metadata.json, counts.json, topology.xml).
struct VlabRun {
  std::string dir;
  std::string kernel_release;  // uname -r in the guest
  int kernel_version = 0;      // 6.1 -> 60100
  std::string trigger, layout_name;
  int calls = 0;
  VlabSetup setup;  // roles by topology CPU index; kernel: the preset for the version
  struct Cpu {
    int cpu = 0;  // Linux CPU number = topology index
    std::string role, cls;
    VlabCounts measured;
  };
  std::vector<Cpu> cpus;
};
// true when `dir` holds a vlab run's metadata.json.
bool is_vlab_run(const std::string& dir);
// Reads and checks the run; `topology` is its topology.xml, loaded.
VlabRun read_vlab_run(const std::string& dir, const topo::Topology& topology);

// Bounds of issue "Validation against real kernels", point 2.
inline constexpr double kVlabTolerance = 0.05;  // per CPU per call

struct VlabClassResult {
  std::string cls;  // counts.json's class: role/distance from CPU 0
  std::vector<int> cpus;
  std::array<double, 5> measured_min{}, measured_max{}, predicted_min{}, predicted_max{};
  bool must_be_exact = false;  // the kernel makes these counts deterministic
  double worst = 0;            // largest |measured - predicted| over CPUs and counts
  std::string verdict;         // "exact", "within 0.05", "background noise", "miss", "not scored"
  std::string why;
};
inline constexpr const char* kVlabCountNames[5] = {"work_items", "RES", "CAL", "TLB", "IWI"};

struct VlabValidation {
  std::string kernel;
  std::vector<VlabClassResult> classes;
  bool met = false;  // no class is a miss
};
VlabValidation validate_vlab(const VlabRun& run, const topo::Topology& topology,
                             const model::ParamValues& params);
nlohmann::json vlab_validation_json(const VlabRun& run, const VlabValidation& v);

}  // namespace ipistorm::calibration
