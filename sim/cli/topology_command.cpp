// topology_command.cpp: what a topology spec resolves to, as a table or JSON.
#include "cli/topology_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "cli/help.hpp"
#include "cli/tables.hpp"
#include "model/params.hpp"
#include "model/placement.hpp"
#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "topology/topology.hpp"

namespace ipistorm::cli {

namespace {

// The spec, and the run flags of the Config field table that say where
// dom0 lands (the same help, bounds and errors as simulate's).
struct TopologyFlags {
  std::string spec;
  RunFlags run;
  bool json = false;
};

std::vector<int> smt_siblings(const topo::Topology& t, int i) {
  std::vector<int> sib;
  for (int j = 0; j < t.num_cpus(); ++j)
    if (j != i && t.distance(i, j) == topo::DistanceClass::kSameCore)
      sib.push_back(t.cpu(j).os_index);
  return sib;
}

// Where the dom0 vCPUs, the device model (qemu-dm) and, where the model has
// it, the vCPU its event channel notifies land for one placement.
struct PlacementMap {
  std::string placement;
  int vcpus = 0, dm_vcpu = 0, evtchn_vcpu = -1;
  std::vector<int> cpu_of_vcpu;  // OS CPU numbers
};

// `c` resolved (run::resolve: every field checked against its row and the
// machine, as a run's).
PlacementMap placement_map(const topo::Topology& t, const model::Config& c) {
  PlacementMap m;
  m.placement = c.placement;
  m.vcpus = c.dom0_vcpus;
  m.dm_vcpu = c.dm_vcpu;
  for (int i : model::place_vcpus(t, m.vcpus, m.placement))
    m.cpu_of_vcpu.push_back(t.cpu(i).os_index);
  m.evtchn_vcpu = static_cast<int>(c.params.get("dm_evtchn_vcpu"));  // resolve: below vcpus
  return m;
}

nlohmann::json topology_json(const topo::Topology& t, const TopologyFlags& f,
                             const PlacementMap& m) {
  nlohmann::json cpus = nlohmann::json::array();
  for (int i = 0; i < t.num_cpus(); ++i) {
    const auto& c = t.cpu(i);
    cpus.push_back({{"os_index", c.os_index},
                    {"package", c.package},
                    {"core", c.core},
                    {"numa", c.numa},
                    {"smt_siblings", smt_siblings(t, i)}});
  }
  nlohmann::json counts = nlohmann::json::object();
  const char* names[] = {"same_cpu", "same_core", "same_package", "other_package"};
  int n[topo::kDistanceClasses] = {};
  for (int j = 0; j < t.num_cpus(); ++j) ++n[static_cast<int>(t.distance(0, j))];
  for (int k = 1; k < topo::kDistanceClasses; ++k) counts[names[k]] = n[k];
  nlohmann::json vmap = nlohmann::json::array();
  for (int v = 0; v < m.vcpus; ++v) vmap.push_back({{"vcpu", v}, {"cpu", m.cpu_of_vcpu[v]}});
  nlohmann::json place = {{"placement", m.placement},
                          {"dom0_vcpus", m.vcpus},
                          {"vcpu_to_cpu", vmap},
                          {"dm_vcpu", m.dm_vcpu},
                          {"dm_cpu", m.cpu_of_vcpu[m.dm_vcpu]}};
  if (m.evtchn_vcpu >= 0) {
    place["evtchn_vcpu"] = m.evtchn_vcpu;
    place["evtchn_cpu"] = m.cpu_of_vcpu[m.evtchn_vcpu];
  }
  return {{"spec", f.spec},
          {"kind", t.kind()},
          {"description", t.description()},
          {"num_cpus", t.num_cpus()},
          {"num_cores", t.num_cores()},
          {"num_packages", t.num_packages()},
          {"num_numa_nodes", t.num_numa_nodes()},
          {"ghz", t.ghz()},
          {"ghz_source", t.ghz_source()},
          {"numa_distances", t.numa_matrix()},
          {"numa_distances_from_file", t.numa_distances_from_file()},
          {"cpus", cpus},
          {"distance_counts_from_cpu0", counts},
          {"dom0", place},
          {"provenance", run::provenance_json()}};
}

int cmd_topology(const TopologyFlags& f) {
  model::Config c = build_config(f.run);
  c.topology = f.spec;
  const run::Resolved r = run::resolve(c);
  const topo::Topology& t = r.topology;
  const PlacementMap m = placement_map(t, r.config);
  if (f.json) {
    // Standard output as the table's (exit 1 when it cannot be written).
    std::cout << report::to_text(topology_json(t, f, m));
    return 0;
  }
  std::cout << "topology " << f.spec << " (" << t.kind() << "): " << t.description() << "\n";
  std::cout << "  CPUs " << t.num_cpus() << ", cores " << t.num_cores() << ", packages "
            << t.num_packages() << ", NUMA nodes " << t.num_numa_nodes() << ", " << fmt(t.ghz(), 2)
            << " GHz";
  if (const std::string note = ipistorm::cli::clock_note(t.ghz(), t.ghz_assumed()); !note.empty())
    std::cout << " " << note;
  std::cout << "\n";
  std::cout << "  NUMA distances ("
            << (t.numa_distances_from_file() ? "from the topology" : "default: 10 local, 21 remote")
            << "):\n";
  for (const auto& row : t.numa_matrix()) {
    std::cout << "   ";
    for (int d : row) std::cout << " " << d;
    std::cout << "\n";
  }
  // Which dom0 vCPU (if any) runs on each CPU under this placement.
  std::vector<std::string> on_cpu(static_cast<std::size_t>(t.num_cpus()));
  for (int v = 0; v < m.vcpus; ++v)
    for (int i = 0; i < t.num_cpus(); ++i)
      if (t.cpu(i).os_index == m.cpu_of_vcpu[v]) {
        std::string tag = "vCPU " + std::to_string(v);
        if (v == m.dm_vcpu) tag += " (qemu-dm)";
        if (v == m.evtchn_vcpu && m.evtchn_vcpu != m.dm_vcpu) tag += " (ioreq event)";
        on_cpu[static_cast<std::size_t>(i)] = tag;
      }
  // The CPUs as the table reporter lays them out, indented under the heading
  // (the dom0 cell of a CPU no vCPU runs on is empty).
  report::Rows cpus_table;
  cpus_table.columns = {
      "CPU",  "package",      "core",
      "numa", "SMT siblings", "dom0 (" + m.placement + ", " + std::to_string(m.vcpus) + " vCPUs)"};
  for (int i = 0; i < t.num_cpus(); ++i) {
    const auto& c = t.cpu(i);
    std::string sib;
    for (int s : smt_siblings(t, i)) sib += (sib.empty() ? "" : ",") + std::to_string(s);
    const std::string& tag = on_cpu[static_cast<std::size_t>(i)];
    cpus_table.add({std::int64_t{c.os_index}, std::int64_t{c.package}, std::int64_t{c.core},
                    std::int64_t{c.numa}, sib.empty() ? "-" : sib, tag});
  }
  const std::string table = report::to_table(cpus_table);
  std::string line;
  for (std::istringstream lines(table); std::getline(lines, line);)
    std::cout << "  " << line << "\n";
  // Distance classes seen from CPU 0.
  int counts[topo::kDistanceClasses] = {};
  for (int j = 0; j < t.num_cpus(); ++j) ++counts[static_cast<int>(t.distance(0, j))];
  std::cout << "  from CPU " << t.cpu(0).os_index << ": same_core " << counts[1]
            << ", same_package " << counts[2] << ", other_package " << counts[3] << "\n";
  std::string map = "  vCPU -> CPU (" + m.placement + "):";
  for (int v = 0; v < m.vcpus; ++v)
    map += " " + std::to_string(v) + "->" + std::to_string(m.cpu_of_vcpu[v]);
  std::cout << ipistorm::cli::wrap(map, "    ");
  std::cout << "  device model (qemu-dm): vCPU " << m.dm_vcpu << " on CPU "
            << m.cpu_of_vcpu[m.dm_vcpu] << "\n";
  if (m.evtchn_vcpu >= 0)
    std::cout << "  ioreq event channel notifies vCPU " << m.evtchn_vcpu << " on CPU "
              << m.cpu_of_vcpu[m.evtchn_vcpu] << " (dm_evtchn_vcpu)\n";
  return 0;
}

}  // namespace

Subcommand topology_command() {
  auto f = std::make_shared<TopologyFlags>();
  return {"topology", "show what a topology spec resolves to and where dom0's vCPUs land on it",
          [f](CLI::App& cmd) {
            cmd.add_option("spec", f->spec, "preset, hwloc XML file, synthetic string, or 'host'")
                ->required();
            for (const char* key : {"dom0_vcpus", "placement", "dm_vcpu", "cpu_ghz"})
              add_run_flag(&cmd, f->run, key);
            cmd.add_flag("--json", f->json, "print the topology and the placement map as JSON");
            set_help(&cmd, {false, false, true, true},
                     {"ipistorm topology nehalem-ep --dom0-vcpus 4 --placement spread",
                      "ipistorm topology \"pack:2 [numa] core:4 pu:2\" --json"});
          },
          [f](CLI::App&) { return cmd_topology(*f); }};
}

}  // namespace ipistorm::cli
