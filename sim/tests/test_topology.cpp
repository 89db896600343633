// test_topology.cpp: presets, synthetic strings, the real hwloc XML files in
// testdata/topologies, distance classes and NUMA distances, bad input.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "errors.hpp"
#include "model/percpu.hpp"
#include "model/placement.hpp"
#include "topology/prescan.hpp"
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
  // docs/background.md s5: this form gives two NUMA nodes, "package:2 core:4 pu:2" one.
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

TEST(Topology, EveryTestXmlFileLoadsWithDistanceClasses) {
  const std::vector<XmlCase> cases = {
      {"Intel-Nehalem-2xXeon-X5550.xml", 16, 2, 1, false},
      {"24em64t-2n6c2t-pci.xml", 24, 2, 2, true},
      {"32em64t-2n8c2t-pci-noio.xml", 32, 2, 2, true},
      {"Intel-SapphireRapids-2xXeonMax9460.xml", 160, 2, 1, false},
  };
  // The directory must hold exactly these files: a new one needs a case.
  std::vector<std::string> found;
  if (DIR* d = opendir(IPISTORM_TEST_TOPOLOGIES)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".xml") found.push_back(n);
    }
    closedir(d);
  }
  ASSERT_EQ(found.size(), cases.size()) << "new topology files in " IPISTORM_TEST_TOPOLOGIES;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Topology t = Topology::load(std::string(IPISTORM_TEST_TOPOLOGIES) + "/" + c.file);
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
      Topology::load(std::string(IPISTORM_TEST_TOPOLOGIES) + "/Intel-Nehalem-2xXeon-X5550.xml");
  EXPECT_DOUBLE_EQ(x5550.ghz(), 2.67);  // from "X5550 @ 2.67GHz"
  Topology sysfs =
      Topology::load(std::string(IPISTORM_TEST_TOPOLOGIES) + "/24em64t-2n6c2t-pci.xml");
  EXPECT_EQ(sysfs.numa_distance(0, 0), sysfs.numa_matrix()[0][0]);
  EXPECT_GT(sysfs.numa_matrix()[0][1], sysfs.numa_matrix()[0][0]);
}

// The model's distance() of two vCPUs (their pCPU, core and package
// copied into Vcpu, compared without branches) is the topology's, for every
// pair of CPUs: SMT and not, one package and several, PUs without a core
// (each its own), and the four machines of the XML files.
TEST(Topology, VcpuDistanceIsTheTopologysForEveryPair) {
  std::vector<std::string> specs = {"nehalem-ep", "pack:2 core:2 pu:2", "pack:3 pu:2", "pu:4",
                                    "pack:2 [numa] core:3 pu:1"};
  for (const char* f : {"Intel-Nehalem-2xXeon-X5550.xml", "24em64t-2n6c2t-pci.xml",
                        "32em64t-2n8c2t-pci-noio.xml", "Intel-SapphireRapids-2xXeonMax9460.xml"})
    specs.push_back(std::string(IPISTORM_TEST_TOPOLOGIES) + "/" + f);
  for (const std::string& spec : specs) {
    SCOPED_TRACE(spec);
    const Topology t = Topology::load(spec);
    std::vector<ipistorm::model::Vcpu> v(static_cast<std::size_t>(t.num_cpus()));
    for (int i = 0; i < t.num_cpus(); ++i) {
      auto& x = v[static_cast<std::size_t>(i)];
      x.pcpu = i;
      x.core = t.cpu(i).core;
      x.package = t.cpu(i).package;
    }
    int classes[ipistorm::topo::kDistanceClasses] = {};
    for (int a = 0; a < t.num_cpus(); ++a)
      for (int b = 0; b < t.num_cpus(); ++b) {
        const DistanceClass d = t.distance(a, b);
        ++classes[static_cast<int>(d)];
        ASSERT_EQ(ipistorm::model::distance(v[static_cast<std::size_t>(a)],
                                            v[static_cast<std::size_t>(b)]),
                  d)
            << a << " " << b;
      }
    EXPECT_EQ(classes[0], t.num_cpus());
  }
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

// The InputError message of loading `spec`, or "" if it loads.
std::string load_error(const std::string& spec) {
  try {
    Topology::load(spec);
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  return "";
}

// A temporary XML file with `text`; removed by the destructor.
struct TempXml {
  std::string path;
  explicit TempXml(const std::string& text) {
    char p[] = "/tmp/ipistorm-topo-XXXXXX.xml";
    const int fd = mkstemps(p, 4);
    EXPECT_GE(fd, 0);
    close(fd);
    path = p;
    std::ofstream(path) << text;
  }
  ~TempXml() { unlink(path.c_str()); }
};

// A file of testdata/topologies/ as text; a missing file fails the test.
std::string test_topology_file(const std::string& name) {
  std::ifstream in(std::string(IPISTORM_TEST_TOPOLOGIES) + "/" + name);
  EXPECT_TRUE(in.good()) << IPISTORM_TEST_TOPOLOGIES "/" << name << " is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The Nehalem-EP file with PU 1's os_index written as `number`: an error
// from loading it.
std::string nehalem_with_pu1_numbered(const std::string& number, std::string* path = nullptr) {
  const std::string real = test_topology_file("Intel-Nehalem-2xXeon-X5550.xml");
  EXPECT_FALSE(real.empty());
  const std::string changed = std::regex_replace(
      real, std::regex(R"(<object type="PU" os_index="1")"),
      R"(<object type="PU" os_index=")" + number + "\"", std::regex_constants::format_first_only);
  EXPECT_NE(changed, real);
  const TempXml f(changed);
  if (path) *path = f.path;
  return load_error(f.path);
}

// Where the clock comes from, and that nothing silently invents one: a
// preset's own, an XML CPU model's "@ 2.67GHz", the IpistormCpuGHz info
// bench/lab-run writes, --cpu-ghz; else "assumed" (2.00 GHz), which every
// cycle figure then says.
TEST(Topology, TheClockSaysWhereItCameFrom) {
  const Topology preset = Topology::load("nehalem-ep");
  EXPECT_EQ(preset.ghz_source(), "preset");
  EXPECT_FALSE(preset.ghz_assumed());
  Topology synthetic = Topology::load("pack:2 core:2 pu:1");
  EXPECT_TRUE(synthetic.ghz_assumed());
  EXPECT_DOUBLE_EQ(synthetic.ghz(), 2.0);
  synthetic.set_ghz(3.1);
  EXPECT_EQ(synthetic.ghz_source(), "--cpu-ghz");
  EXPECT_FALSE(synthetic.ghz_assumed());
  EXPECT_EQ(
      Topology::load(std::string(IPISTORM_TEST_TOPOLOGIES) + "/Intel-Nehalem-2xXeon-X5550.xml")
          .ghz_source(),
      "CPU model");
  // A sysfs XML has no clock in its model string: assumed, unless lab-run
  // recorded one.
  const std::string plain = test_topology_file("24em64t-2n6c2t-pci.xml");
  const TempXml without(plain);
  EXPECT_TRUE(Topology::load(without.path).ghz_assumed());
  const std::string recorded =
      std::regex_replace(plain, std::regex(R"((<object type="Machine"[^>]*>))"),
                         "$1\n<info name=\"IpistormCpuGHz\" value=\"2.345\"/>",
                         std::regex_constants::format_first_only);
  ASSERT_NE(recorded, plain);
  const TempXml with(recorded);
  const Topology lab = Topology::load(with.path);
  EXPECT_EQ(lab.ghz_source(), "recorded by lab-run");
  EXPECT_DOUBLE_EQ(lab.ghz(), 2.345);
  // A value that is not a clock is not taken for one.
  for (const char* bad : {"fast", "0", "1e9", "2.3GHz", ""}) {
    const TempXml b(std::regex_replace(recorded, std::regex("2\\.345"), bad));
    EXPECT_TRUE(Topology::load(b.path).ghz_assumed()) << bad;
  }
}

TEST(TopologyLimits, SyntheticPuCountIsTheProductOfTheLevels) {
  using ipistorm::topo::synthetic_pu_count;
  EXPECT_EQ(synthetic_pu_count("pack:2 [numa] core:4 pu:2", 8192), 16);
  EXPECT_EQ(synthetic_pu_count("pack:2 [numa(memory=1GB)] core:4 pu:2(indexes=0,8,1,9,2,10,3,11,"
                               "4,12,5,13,6,14,7,15)",
                               8192),
            16);
  EXPECT_EQ(synthetic_pu_count("2 2 2", 8192), 8);
  EXPECT_EQ(synthetic_pu_count("pu:1", 8192), 1);
  EXPECT_EQ(synthetic_pu_count("pu:100000", 8192), 8193);  // saturated just above the cap
  EXPECT_EQ(synthetic_pu_count("pack:99999999999999999999999 pu:2", 8192), 8193);
  EXPECT_EQ(synthetic_pu_count("pack:4096 core:4096 pu:4096", 8192), 8193);  // no overflow
  // hwloc reads each arity with strtoul(.., 0) and starts the next level
  // right after it (found by fuzz_topology_synthetic: '822pu:92' hung).
  EXPECT_EQ(synthetic_pu_count("822pu:92", 8192), 8193);
  EXPECT_EQ(synthetic_pu_count("pack:2core:4", 8192), 8);
  EXPECT_EQ(synthetic_pu_count("pack:0x100 pu:0x100", 8192), 8193);
  EXPECT_EQ(synthetic_pu_count("pu:0x10", 8192), 16);
  EXPECT_EQ(synthetic_pu_count("pu:010", 8192), 8);
  EXPECT_EQ(synthetic_pu_count("pu:+9000", 8192), 8193);
  EXPECT_EQ(synthetic_pu_count("pu:-1", 8192), 8193);
  // Every preset is within the cap and declares the PUs it has.
  for (const auto& p : ipistorm::topo::presets())
    EXPECT_EQ(synthetic_pu_count(p.synthetic, 8192), Topology::load(p.name).num_cpus()) << p.name;
}

TEST(TopologyLimits, TheLargestAllowedTopologyLoadsAndOneMorePuIsRefused) {
  const Topology t = Topology::load("pack:2 core:64 pu:64");
  EXPECT_EQ(t.num_cpus(), ipistorm::topo::kMaxCpus);
  EXPECT_EQ(t.num_cores(), 128);
  const std::string e = load_error("pack:2 core:64 pu:65");
  EXPECT_NE(e.find("more than 8192 PUs"), std::string::npos) << e;
  EXPECT_NE(e.find("pack:2 core:64 pu:65"), std::string::npos) << e;
  // Refused from its text: hwloc would take minutes to build this one.
  EXPECT_NE(load_error("pu:100000").find("more than 8192 PUs"), std::string::npos);
  EXPECT_NE(load_error("pack:1000000 core:1000000 pu:1000000").find("more than 8192"),
            std::string::npos);
}

TEST(TopologyLimits, CpuNumbersOutsideLinuxsRangeAreRefused) {
  using ipistorm::topo::synthetic_pu_count;
  long long arity = 0, number = 0;
  EXPECT_EQ(synthetic_pu_count("pu:2(indexes=0,4294967295)", 8192, &arity, &number), 2);
  EXPECT_EQ(number, 8193);  // saturated
  synthetic_pu_count("pack:2 core:2 pu:2(indexes=0,4,1,5,2,6,3,7)", 8192, &arity, &number);
  EXPECT_EQ(number, 7);
  synthetic_pu_count("pack:2 core:2 pu:2", 8192, &arity, &number);
  EXPECT_EQ(number, -1);
  // Found by fuzz_topology_synthetic: hwloc set bit 2^32-1 of a cpuset per
  // object and ran out of memory.
  const std::string e =
      load_error("pack:2 core:2 pu:2(indexes=0,4,1,58888888888888888888888888,4,1,3,7)");
  EXPECT_NE(e.find("CPU numbers run from 0 to 8191"), std::string::npos) << e;
  EXPECT_NE(load_error("pu:2(indexes=0,8192)").find("numbers an object 8192"), std::string::npos);
  EXPECT_EQ(Topology::load("pu:2(indexes=0,8191)").cpu(1).os_index, 8191);
  // An XML file whose PU carries a number no Linux kernel gives.
  const std::string x = nehalem_with_pu1_numbered("3000000000");
  EXPECT_NE(x.find("os_index 3000000000"), std::string::npos) << x;
}

TEST(TopologyLimits, RepeatedCpuNumbersAreRefused) {
  // hwloc merges the two PUs numbered 0: a 3-CPU machine where 4 were written.
  const std::string e = load_error("pu:4(indexes=0,0,1,2)");
  EXPECT_NE(e.find("declares 4 PUs but only 3"), std::string::npos) << e;
  // An XML file in which two PUs carry os_index 0.
  std::string path;
  const std::string d = nehalem_with_pu1_numbered("0", &path);
  EXPECT_NE(d.find("os_index 0"), std::string::npos) << d;
  EXPECT_NE(d.find(path), std::string::npos) << d;
}

TEST(TopologyLimits, DeepOrHugeXmlIsRefusedBeforeHwlocParsesIt) {
  // 20,000 nested groups overflowed the stack inside hwloc.
  std::string deep = "<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n";
  for (int i = 0; i < 20000; ++i) deep += "<object type=\"Group\">";
  deep += "<object type=\"PU\" os_index=\"0\"/>";
  for (int i = 0; i < 20000; ++i) deep += "</object>";
  deep += "</topology>\n";
  const TempXml d(deep);
  EXPECT_NE(load_error(d.path).find("deeper than 64 levels"), std::string::npos);
  // More PUs than the cap, side by side (shallow).
  std::string wide = "<topology version=\"2.0\"><object type=\"Machine\" os_index=\"0\">";
  for (int i = 0; i <= ipistorm::topo::kMaxCpus; ++i)
    wide += "<object type=\"PU\" os_index=\"" + std::to_string(i) + "\"/>";
  wide += "</object></topology>";
  const TempXml w(wide);
  EXPECT_NE(load_error(w.path).find("more than 8192 PUs"), std::string::npos);
  // More objects than any real machine has.
  std::string many = "<topology version=\"2.0\"><object type=\"Machine\" os_index=\"0\">";
  for (int i = 0; i <= ipistorm::topo::kMaxXmlObjects; ++i) many += "<object type=\"Misc\"/>";
  many += "</object></topology>";
  const TempXml m(many);
  EXPECT_NE(load_error(m.path).find("more than 65536 objects"), std::string::npos);
  // Cut short inside a tag.
  const TempXml cut("<topology version=\"2.0\"><object type=\"Machine");
  EXPECT_NE(load_error(cut.path).find("ends inside a tag"), std::string::npos);
  // Comments, declarations and quoted '>' do not confuse the scan: every
  // real file passes it and counts the PUs hwloc finds.
  for (const char* name :
       {"Intel-Nehalem-2xXeon-X5550.xml", "24em64t-2n6c2t-pci.xml", "32em64t-2n8c2t-pci-noio.xml",
        "Intel-SapphireRapids-2xXeonMax9460.xml"}) {
    const std::string text = test_topology_file(name);
    const int pus = ipistorm::topo::check_xml(text, name);
    EXPECT_EQ(pus, Topology::load(std::string(IPISTORM_TEST_TOPOLOGIES) + "/" + name).num_cpus())
        << name;
    EXPECT_EQ(ipistorm::topo::check_xml("<!-- <object type=\"PU\"> -->" + text, name), pus);
  }
}

// Inputs the fuzz harnesses found (fuzz/corpus/topology_*/ keeps them too).
TEST(TopologyLimits, FuzzFoundInputsAreRefusedBeforeHwloc) {
  // A NUL byte: hwloc read 'pack:6 [numa]' only (and leaked); a path would
  // be cut short at it.
  const std::string nul("pack:6 [numa]\0\0e:4 pu:2", 24);
  EXPECT_NE(load_error(nul).find("has a NUL byte"), std::string::npos) << load_error(nul);
  // hwloc 2.9's XML parser dereferences NULL on this 24-byte file.
  const TempXml x(std::string("<topologyversion=\"2.0\0\">", 24));
  EXPECT_NE(load_error(x.path).find("has a NUL byte"), std::string::npos) << load_error(x.path);
  // hwloc's reader crashes on this one (a double free): it is read in a
  // child process first, so the crash is a refusal.
  const TempXml v1("<topology version=\"1.0\"><object y=\"0\" cpuset=\"\"type=\"NU\"_></po>");
  EXPECT_NE(load_error(v1.path).find("reader crashed"), std::string::npos) << load_error(v1.path);
  // A level with too many children per parent: within the PU cap, but
  // hwloc takes 20 s to build 'pu:8192'.
  const std::string flat = load_error("pu:8192");
  EXPECT_NE(flat.find("more than 256 children per parent"), std::string::npos) << flat;
  EXPECT_NE(load_error("pack:2 core:257 pu:2").find("children per parent"), std::string::npos);
  EXPECT_EQ(Topology::load("pack:2 core:256 pu:1").num_cpus(), 512);
  long long arity = 0;
  EXPECT_EQ(ipistorm::topo::synthetic_pu_count("pack:2 [numa] core:12 pu:2", 8192, &arity), 48);
  EXPECT_EQ(arity, 12);
  // The root's attribute group comes before the levels: counted past it
  // (hwloc spun for minutes building 888,888,288 PUs from this one).
  const std::string rooted("(indexes=0,48&8888888u:\xc7)888888288");
  EXPECT_NE(load_error(rooted).find("more than 8192 PUs"), std::string::npos) << load_error(rooted);
  EXPECT_EQ(ipistorm::topo::synthetic_pu_count("(memory=1GB) 2 pu:3", 8192), 6);
  // A group ends at its first closing bracket, nested or not, as hwloc
  // reads it (the CI's fuzzer found the root's).
  EXPECT_EQ(ipistorm::topo::synthetic_pu_count("(indexes=0,4(x=0)888888287", 8192), 8193);
  EXPECT_EQ(ipistorm::topo::synthetic_pu_count("pack:2(indexes=(0,1)pu:4000", 8192), 8000);
  EXPECT_EQ(ipistorm::topo::synthetic_pu_count("pack:2 [numa(x] pu:4000", 8192), 8000);
  EXPECT_EQ(Topology::load("(memory=1GB) pack:2 pu:2").num_cpus(), 4);  // hwloc takes it
  const std::string root_size = load_error("(size=1MB) pack:2 pu:2");
  EXPECT_NE(root_size.find("level '(root)' has size="), std::string::npos) << root_size;
}

TEST(TopologyLimits, AFifoOrDirectoryIsRefusedByTheInputReader) {
  char dir[] = "/tmp/ipistorm-topo-dir-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string fifo = std::string(dir) + "/box.xml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(load_error(fifo).find("is a FIFO"), std::string::npos);  // and does not block
  EXPECT_NE(load_error(std::string(dir) + "/").find("is a directory"), std::string::npos);
  unlink(fifo.c_str());
  rmdir(dir);
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
