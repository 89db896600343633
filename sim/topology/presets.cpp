// presets.cpp: the built-in machines, as hwloc synthetic strings with Linux's
// CPU numbering written in (indexes=...), so the product needs no files.
#include <string>

#include "topology/topology.hpp"

namespace ipistorm::topo {
namespace {

// Linux numbers SMT siblings i and i + (cores in the machine) on Intel
// servers: first thread of every core, then the second threads.
std::string smt_split_indexes(int cores_total) {
  std::string s;
  for (int c = 0; c < cores_total; ++c) {
    if (!s.empty()) s += ",";
    s += std::to_string(c) + "," + std::to_string(c + cores_total);
  }
  return s;
}

std::vector<Preset> make_presets() {
  static const std::string nehalem_ep =
      "pack:2 [numa] core:4 pu:2(indexes=" + smt_split_indexes(8) + ")";
  static const std::string nehalem_ex =
      "pack:4 [numa] core:8 pu:2(indexes=" + smt_split_indexes(32) + ")";
  static const std::string icelake =
      "pack:2 [numa] core:32 pu:2(indexes=" + smt_split_indexes(64) + ")";
  static const std::string genoa =
      "pack:2 [numa] core:96 pu:2(indexes=" + smt_split_indexes(192) + ")";
  static const std::string sapphire =
      "pack:2 [numa] core:56 pu:2(indexes=" + smt_split_indexes(112) + ")";
  return {
      // The report's box: 2 x Xeon X5550 (Nehalem-EP, family 6 model 26), SMT on,
      // 16 logical CPUs, one NUMA node per package (docs/background.md section 5).
      {"nehalem-ep", nehalem_ep.c_str(), 2.67, "2 x Xeon X5550: 2 packages x 4 cores x 2 threads"},
      // 4 x Xeon X7560 (Nehalem-EX), 2.26 GHz, 4 NUMA nodes.
      {"nehalem-ex", nehalem_ex.c_str(), 2.26, "4 x Xeon X7560: 4 packages x 8 cores x 2 threads"},
      // A current 2-socket server: 2 x Xeon Platinum 8358 (Ice Lake-SP), 2.6 GHz.
      {"icelake-sp-2s", icelake.c_str(), 2.6, "2 x Xeon 8358: 2 packages x 32 cores x 2 threads"},
      // Today's storms (issue "Today's storm"): 2 x AMD EPYC 9654 (Genoa), 2.4 GHz
      // base, NPS1 (one NUMA node per socket). Its L3 is per CCD of 8 cores;
      // the models that read LLCs take a package as one (model/linux6/sched.hpp).
      {"epyc-9654-2s", genoa.c_str(), 2.4,
       "2 x EPYC 9654: 2 packages x 96 cores x 2 threads, 384 CPUs (one LLC per package assumed)"},
      // 2 x Xeon Platinum 8480+ (Sapphire Rapids), 2.0 GHz base, SNC off.
      {"sapphire-rapids-2s", sapphire.c_str(), 2.0,
       "2 x Xeon 8480+: 2 packages x 56 cores x 2 threads, 224 CPUs"},
      // nativelink's 255-vCPU guest as QEMU's plain -smp 255 presents it: 255
      // sockets of one core, one NUMA node, so no two vCPUs share an LLC. The
      // clock is the host's (an EPYC 9654's base, assumed); run it with
      // `--host kvm`.
      {"guest-255", "pack:255 core:1 pu:1", 2.4,
       "a 255-vCPU KVM guest (-smp 255): 255 one-core sockets, one NUMA node"},
  };
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> p = make_presets();
  return p;
}

}  // namespace ipistorm::topo
