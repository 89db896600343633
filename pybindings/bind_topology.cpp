// bind_topology.cpp: ipistorm.topology(spec) -> Topology, the machine the
// model runs on (a preset, an hwloc XML file, an hwloc synthetic string, or
// "host"). CPUs are addressed by their OS (Linux) index, as in the CLI's
// `ipistorm topology` table. Covered by tests/test_topology.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>

#include "errors.hpp"
#include "py_json.hpp"
#include "topology/topology.hpp"

namespace ipistorm::py {

namespace {

using topo::Topology;

// Position of the CPU with OS index `os` (InputError -> ValueError if none).
// tests/test_topology.py: test_unknown_cpu_is_value_error, test_xml_os_indexes
int position(const Topology& t, int os) {
  for (int i = 0; i < t.num_cpus(); ++i)
    if (t.cpu(i).os_index == os) return i;
  throw InputError("CPU " + std::to_string(os) + " is not a CPU of topology '" + t.spec() +
                   "' (OS indexes " + std::to_string(t.cpu(0).os_index) + ".." +
                   std::to_string(t.cpu(t.num_cpus() - 1).os_index) + ")");
}

// The per-CPU table as columns, for pandas.DataFrame.
pyb::dict cpu_columns(const Topology& t) {
  pyb::list os, pkg, core, numa, siblings;
  for (int i = 0; i < t.num_cpus(); ++i) {
    const topo::Cpu& c = t.cpu(i);
    os.append(c.os_index);
    pkg.append(c.package);
    core.append(c.core);
    numa.append(c.numa);
    pyb::list sib;
    for (int j = 0; j < t.num_cpus(); ++j)
      if (j != i && t.distance(i, j) == topo::DistanceClass::kSameCore)
        sib.append(t.cpu(j).os_index);
    siblings.append(sib);
  }
  pyb::dict d;
  d["os_index"] = os;
  d["package"] = pkg;
  d["core"] = core;
  d["numa"] = numa;
  d["smt_siblings"] = siblings;
  return d;
}

}  // namespace

void bind_topology(pyb::module_& m) {
  pyb::class_<Topology>(m, "Topology",
                        "A machine: CPUs with package, core and NUMA node, read through hwloc.")
      // tests/test_topology.py: test_preset_nehalem_ep, test_synthetic, test_xml_os_indexes
      .def_property_readonly("spec", &Topology::spec, "what was loaded")
      .def_property_readonly("kind", &Topology::kind, "preset | xml | synthetic | host")
      .def_property_readonly("description", &Topology::description)
      .def_property_readonly("ghz", &Topology::ghz, "CPU frequency used for cycle figures")
      .def_property_readonly("num_cpus", &Topology::num_cpus)
      .def_property_readonly("num_packages", &Topology::num_packages)
      .def_property_readonly("num_cores", &Topology::num_cores)
      .def_property_readonly("num_numa_nodes", &Topology::num_numa_nodes)
      .def_property_readonly("numa_distances_from_file", &Topology::numa_distances_from_file,
                             "False: the default 10 local / 21 remote matrix")
      .def_property_readonly("numa_matrix", &Topology::numa_matrix,
                             "NUMA distances node x node (ACPI SLIT style, 10 = local)")
      .def_property_readonly(
          "os_indexes",
          [](const Topology& t) {
            std::vector<int> v;
            for (int i = 0; i < t.num_cpus(); ++i) v.push_back(t.cpu(i).os_index);
            return v;
          },
          "the CPUs' Linux numbers, ascending")
      // tests/test_topology.py: test_cpu_table
      .def_property_readonly(
          "cpus",
          [](const Topology& t) {
            return pyb::module_::import("pandas").attr("DataFrame")(cpu_columns(t));
          },
          "per-CPU table (pandas.DataFrame): os_index, package, core, numa, smt_siblings")
      .def(
          "cpu",
          [](const Topology& t, int os) {
            const topo::Cpu& c = t.cpu(position(t, os));
            pyb::dict d;
            d["os_index"] = c.os_index;
            d["package"] = c.package;
            d["core"] = c.core;
            d["numa"] = c.numa;
            return d;
          },
          pyb::arg("os_index"), "one CPU's package, core and NUMA node")
      // tests/test_topology.py: test_distance_classes, test_unknown_cpu_is_value_error
      .def(
          "distance",
          [](const Topology& t, int a, int b) {
            return std::string(
                topo::distance_class_name(t.distance(position(t, a), position(t, b))));
          },
          pyb::arg("a"), pyb::arg("b"),
          "distance class of two CPUs (OS indexes): same_cpu, same_core, same_package, "
          "other_package")
      .def(
          "numa_distance",
          [](const Topology& t, int a, int b) {
            return t.numa_distance(position(t, a), position(t, b));
          },
          pyb::arg("a"), pyb::arg("b"), "NUMA distance of two CPUs (OS indexes)")
      // tests/test_topology.py: test_distance_counts
      .def(
          "distance_counts",
          [](const Topology& t, int os) {
            const int a = position(t, os);
            std::map<std::string, int> counts;
            for (int k = 1; k < topo::kDistanceClasses; ++k)
              counts[topo::distance_class_name(static_cast<topo::DistanceClass>(k))] = 0;
            for (int j = 0; j < t.num_cpus(); ++j)
              if (j != a) ++counts[topo::distance_class_name(t.distance(a, j))];
            return counts;
          },
          pyb::arg("os_index"),
          "how many other CPUs lie at each distance class from this one (the fan-out's targets)")
      .def("__len__", &Topology::num_cpus)
      .def("__repr__", [](const Topology& t) {
        return "<ipistorm.Topology '" + t.spec() + "' (" + t.kind() +
               "): " + std::to_string(t.num_cpus()) + " CPUs, " + std::to_string(t.num_cores()) +
               " cores, " + std::to_string(t.num_packages()) + " packages, " +
               std::to_string(t.num_numa_nodes()) + " NUMA nodes>";
      });

  // tests/test_topology.py: test_bad_spec_is_value_error, test_wrong_type_is_type_error
  m.def(
      "load_topology",
      [](const std::string& spec) {
        pyb::gil_scoped_release release;  // "host" walks sysfs
        return Topology::load(spec);
      },
      pyb::arg("spec"),
      "Load a topology: preset name, hwloc XML path, synthetic string or 'host'.");

  // tests/test_topology.py: test_presets_listed
  m.def("_topology_presets", [] {
    pyb::list out;
    for (const auto& p : topo::presets()) {
      pyb::dict d;
      d["name"] = p.name;
      d["summary"] = p.summary;
      d["ghz"] = p.ghz;
      d["synthetic"] = p.synthetic;
      out.append(d);
    }
    return out;
  });
}

}  // namespace ipistorm::py
