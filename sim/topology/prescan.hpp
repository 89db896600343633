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

// The PUs a synthetic string describes: the product of its levels' arities
// (memory children in [...] and attributes in (...) aside), saturated just
// above `cap`. A level without an arity counts 1; hwloc refuses such strings
// itself.
long long synthetic_pu_count(std::string_view spec, long long cap);

// InputError naming `spec` when the synthetic string has more than kMaxCpus
// PUs; else the PUs it declares.
int check_synthetic(const std::string& spec);

// InputError naming `path` when the XML text nests deeper than kMaxXmlDepth,
// has more than kMaxXmlObjects <object> elements or more than kMaxCpus PU
// objects, or is cut short inside a tag, comment or declaration; else the PU
// objects it holds.
int check_xml(std::string_view text, const std::string& path);

}  // namespace ipistorm::topo
