// prescan.hpp: cheap, bounded checks of a topology's text before hwloc sees
// it, so that no input can make hwloc hang, exhaust memory or overflow its
// stack: the PU count of a synthetic string (the product of its levels'
// arities), and the nesting depth, object count and PU count of an XML file.
// Each is one linear pass over the text with no recursion.
#pragma once

#include <string>
#include <string_view>

namespace ipistorm::topo {

// Limits on an XML topology, checked before it is parsed. Real files stay far
// below them: hwloc's own XML nests about 12 elements deep (topology,
// Machine, Group, Package, Die, caches, Core, PU, I/O bridges) and has a few
// objects per PU (486 objects for the 160-PU Sapphire Rapids file).
constexpr int kMaxXmlDepth = 64;
constexpr int kMaxXmlObjects = 65536;

// The most children one level of a synthetic string may give each parent.
// hwloc's build time grows much faster than linearly with it: 'pu:8192'
// (legal by its PU count) takes 20 s and 'core:4096 pu:2' half a minute,
// where 'pack:2 core:64 pu:64' takes a fraction of a second (found by
// fuzz/topology_synthetic). Real machines give a package at most a few
// hundred cores (192 on AMD EPYC 9005).
constexpr long long kMaxSyntheticArity = 256;

// The PUs a synthetic string describes: the product of its levels' arities
// (memory children in [...] and attributes in (...) aside), saturated just
// above `cap`. A level without an arity counts 1; hwloc refuses such strings
// itself. With `max_arity`, the largest arity of a level (saturated too);
// with `max_cpu_number`, the largest number in an indexes= attribute
// (saturated too; -1 without one).
long long synthetic_pu_count(std::string_view spec, long long cap, long long* max_arity = nullptr,
                             long long* max_cpu_number = nullptr);

// InputError naming `spec` when an attribute would be ignored or misread by
// hwloc: an indexes= list whose length is not the level's object count,
// memory= on a level that is not a NUMA node, size= on one that is not a
// cache, a size that is not decimal, an attribute hwloc does not know.
// InputError naming `spec` when the synthetic string has more than kMaxCpus
// PUs, a level with more than kMaxSyntheticArity children per parent, or an
// indexes= number of kMaxCpus or more (each one a bit hwloc allocates);
// else the PUs it declares.
int check_synthetic(const std::string& spec);

// InputError naming `path` when the XML text nests deeper than kMaxXmlDepth,
// has more than kMaxXmlObjects <object> elements or more than kMaxCpus PU
// objects, holds a NUL byte (never valid XML: hwloc 2.9's own parser
// crashes on '<topologyversion="2.0\0">', found by fuzz/topology_xml),
// or is cut short inside a tag, comment or declaration; else the PU
// objects it holds.
// With `os_index_repeats`, whether two PU objects give the same os_index;
// with `core_objects`, how many Core objects it holds.
int check_xml(std::string_view text, const std::string& path, bool* os_index_repeats = nullptr,
              int* core_objects = nullptr);

}  // namespace ipistorm::topo
