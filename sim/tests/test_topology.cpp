// test_topology.cpp: presets, synthetic strings, the real XML files in
// ../shared/topologies, distance classes and NUMA distances, bad input.
#include <dirent.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "errors.hpp"
#include "model/placement.hpp"
#include "topology/topology.hpp"

using ipistorm::InputError;
using ipistorm::topo::DistanceClass;
using ipistorm::topo::Topology;

namespace {

int cpu_index(const Topology& t, int os) {
  for (int i = 0; i < t.num_cpus(); ++i)
    if (t.cpu(i).os_index == os) return i;
  return -1;
}

TEST(Topology, NehalemEpPresetMatchesTheReportBox) {
  Topology t = Topology::load("nehalem-ep");
  EXPECT_EQ(t.kind(), "preset");
  EXPECT_EQ(t.num_cpus(), 16);
  EXPECT_EQ(t.num_packages(), 2);
  EXPECT_EQ(t.num_cores(), 8);
  EXPECT_EQ(t.num_numa_nodes(), 2);
  EXPECT_DOUBLE_EQ(t.ghz(), 2.67);
  // Linux numbering: SMT siblings are i and i+8; CPUs 0-3 and 8-11 on package 0.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(t.distance(cpu_index(t, i), cpu_index(t, i + 8)), DistanceClass::kSameCore) << i;
    EXPECT_EQ(t.cpu(cpu_index(t, i)).package, i < 4 ? 0 : 1);
  }
  EXPECT_EQ(t.distance(cpu_index(t, 0), cpu_index(t, 1)), DistanceClass::kSamePackage);
  EXPECT_EQ(t.distance(cpu_index(t, 0), cpu_index(t, 4)), DistanceClass::kOtherPackage);
  EXPECT_EQ(t.distance(cpu_index(t, 3), cpu_index(t, 11)), DistanceClass::kSameCore);
  EXPECT_EQ(t.distance(cpu_index(t, 5), cpu_index(t, 5)), DistanceClass::kSameCpu);
  // Synthetic topologies have no matrix: the default 10/21 applies.
  EXPECT_FALSE(t.numa_distances_from_file());
  EXPECT_EQ(t.numa_distance(cpu_index(t, 0), cpu_index(t, 8)), 10);
  EXPECT_EQ(t.numa_distance(cpu_index(t, 0), cpu_index(t, 4)), 21);
}

TEST(Topology, NehalemExAndCurrentServerPresets) {
  Topology ex = Topology::load("nehalem-ex");
  EXPECT_EQ(ex.num_cpus(), 64);
  EXPECT_EQ(ex.num_packages(), 4);
  EXPECT_EQ(ex.num_numa_nodes(), 4);
  EXPECT_EQ(ex.distance(cpu_index(ex, 0), cpu_index(ex, 32)), DistanceClass::kSameCore);
  EXPECT_EQ(ex.distance(cpu_index(ex, 0), cpu_index(ex, 8)), DistanceClass::kOtherPackage);
  Topology icx = Topology::load("icelake-sp-2s");
  EXPECT_EQ(icx.num_cpus(), 128);
  EXPECT_EQ(icx.num_packages(), 2);
  EXPECT_EQ(icx.distance(cpu_index(icx, 0), cpu_index(icx, 64)), DistanceClass::kSameCore);
}

TEST(Topology, SyntheticStringFromDomainDoc) {
  // DOMAIN.md s5: this form gives two NUMA nodes, "package:2 core:4 pu:2" one.
  Topology two = Topology::load("pack:2 [numa] core:4 pu:2");
  EXPECT_EQ(two.kind(), "synthetic");
  EXPECT_EQ(two.num_cpus(), 16);
  EXPECT_EQ(two.num_numa_nodes(), 2);
  Topology one = Topology::load("package:2 core:4 pu:2");
  EXPECT_EQ(one.num_numa_nodes(), 1);
  // Without indexes= hwloc numbers siblings adjacently.
  EXPECT_EQ(one.distance(cpu_index(one, 0), cpu_index(one, 1)), DistanceClass::kSameCore);
}

struct XmlCase {
  const char* file;
  int cpus, packages, numa;
  bool numa_matrix;
};

TEST(Topology, EverySharedXmlFileLoadsWithDistanceClasses) {
  const std::vector<XmlCase> cases = {
      {"Intel-Nehalem-2xXeon-X5550.xml", 16, 2, 1, false},
      {"24em64t-2n6c2t-pci.xml", 24, 2, 2, true},
      {"32em64t-2n8c2t-pci-noio.xml", 32, 2, 2, true},
      {"Intel-SapphireRapids-2xXeonMax9460.xml", 160, 2, 1, false},
  };
  // The directory must hold exactly these files: a new one needs a case.
  std::vector<std::string> found;
  if (DIR* d = opendir(IPISTORM_SHARED_TOPOLOGIES)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".xml") found.push_back(n);
    }
    closedir(d);
  }
  ASSERT_EQ(found.size(), cases.size()) << "new topology files in " IPISTORM_SHARED_TOPOLOGIES;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Topology t = Topology::load(std::string(IPISTORM_SHARED_TOPOLOGIES) + "/" + c.file);
    EXPECT_EQ(t.kind(), "xml");
    EXPECT_EQ(t.num_cpus(), c.cpus);
    EXPECT_EQ(t.num_packages(), c.packages);
    EXPECT_EQ(t.num_numa_nodes(), c.numa);
    EXPECT_EQ(t.numa_distances_from_file(), c.numa_matrix);
    EXPECT_GT(t.ghz(), 0.0);
    // Every CPU has exactly one SMT sibling on these machines, and both
    // other classes occur from CPU 0.
    int counts[4] = {};
    for (int j = 0; j < t.num_cpus(); ++j) ++counts[static_cast<int>(t.distance(0, j))];
    EXPECT_EQ(counts[0], 1);
    EXPECT_EQ(counts[1], 1);
    EXPECT_EQ(counts[2], c.cpus / c.packages - 2);
    EXPECT_EQ(counts[3], c.cpus - c.cpus / c.packages);
    for (int a = 0; a < t.num_cpus(); ++a)
      EXPECT_EQ(t.distance(a, (a + 7) % t.num_cpus()), t.distance((a + 7) % t.num_cpus(), a));
  }
  Topology x5550 =
      Topology::load(std::string(IPISTORM_SHARED_TOPOLOGIES) + "/Intel-Nehalem-2xXeon-X5550.xml");
  EXPECT_DOUBLE_EQ(x5550.ghz(), 2.67);  // from "X5550 @ 2.67GHz"
  Topology sysfs =
      Topology::load(std::string(IPISTORM_SHARED_TOPOLOGIES) + "/24em64t-2n6c2t-pci.xml");
  EXPECT_EQ(sysfs.numa_distance(0, 0), sysfs.numa_matrix()[0][0]);
  EXPECT_GT(sysfs.numa_matrix()[0][1], sysfs.numa_matrix()[0][0]);
}

TEST(Topology, HostLoads) {
  Topology t = Topology::load("host");
  EXPECT_EQ(t.kind(), "host");
  EXPECT_GE(t.num_cpus(), 1);
  EXPECT_GT(t.ghz(), 0.0);
}

TEST(Topology, BadInputIsAnInputError) {
  EXPECT_THROW(Topology::load("no-such-preset"), InputError);
  EXPECT_THROW(Topology::load("/nonexistent/file.xml"), InputError);
  EXPECT_THROW(Topology::load(""), InputError);
  // A file that is not XML at all.
  char path[] = "/tmp/ipistorm-bad-XXXXXX.xml";
  int fd = mkstemps(path, 4);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "not xml\n", 8), 8);
  close(fd);
  try {
    Topology::load(path);
    FAIL() << "invalid XML accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  unlink(path);
}

TEST(Placement, PinnedCompactSpread) {
  Topology t = Topology::load("nehalem-ep");
  using ipistorm::model::place_vcpus;
  auto pinned = place_vcpus(t, 4, "pinned");
  EXPECT_EQ(pinned, (std::vector<int>{0, 1, 2, 3}));
  // compact: hwloc logical order fills core 0's two threads first (OS 0, 8).
  auto compact = place_vcpus(t, 2, "compact");
  EXPECT_EQ(t.distance(compact[0], compact[1]), DistanceClass::kSameCore);
  // spread: alternate packages, no SMT sibling before every core has a vCPU.
  auto spread = place_vcpus(t, 8, "spread");
  for (std::size_t i = 0; i < spread.size(); ++i)
    for (std::size_t j = i + 1; j < spread.size(); ++j)
      EXPECT_NE(t.distance(spread[i], spread[j]), DistanceClass::kSameCore);
  EXPECT_EQ(t.distance(spread[0], spread[1]), DistanceClass::kOtherPackage);
  EXPECT_THROW(place_vcpus(t, 2, "random"), InputError);
}

}  // namespace
