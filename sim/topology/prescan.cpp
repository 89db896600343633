// prescan.cpp: topology text checked before hwloc parses it (see prescan.hpp).
#include "topology/prescan.hpp"

#include <cctype>
#include <vector>

#include "errors.hpp"
#include "topology/topology.hpp"

namespace ipistorm::topo {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The leading decimal digits of `s` as a number saturated at cap + 1
// (hwloc reads an arity with strtoul); nullopt-like -1 when there are none.
long long leading_number(std::string_view s, long long cap) {
  long long v = -1;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (v < 0) v = 0;
    v = v * 10 + (c - '0');
    if (v > cap) return cap + 1;
  }
  return v;
}

}  // namespace

long long synthetic_pu_count(std::string_view spec, long long cap, long long* max_arity) {
  long long product = 1;
  if (max_arity) *max_arity = 0;
  std::size_t i = 0;
  while (i < spec.size()) {
    while (i < spec.size() && space(spec[i])) ++i;
    if (i >= spec.size()) break;
    // One level: up to the next space outside (...) and [...].
    const std::size_t start = i;
    int depth = 0;
    for (; i < spec.size() && (depth > 0 || !space(spec[i])); ++i) {
      if (spec[i] == '(' || spec[i] == '[') ++depth;
      if ((spec[i] == ')' || spec[i] == ']') && depth > 0) --depth;
    }
    std::string_view level = spec.substr(start, i - start);
    if (level.front() == '[') continue;  // a memory child ([numa]): no arity
    level = level.substr(0, level.find('('));
    const auto colon = level.rfind(':');
    const long long arity =
        leading_number(colon == std::string_view::npos ? level : level.substr(colon + 1), cap);
    if (max_arity && arity > *max_arity) *max_arity = arity;
    if (arity > 1) product = product > cap / arity ? cap + 1 : product * arity;
    if (product > cap) return cap + 1;
  }
  return product;
}

int check_synthetic(const std::string& spec) {
  long long arity = 0;
  const long long n = synthetic_pu_count(spec, kMaxCpus, &arity);
  if (n > kMaxCpus)
    throw InputError("topology '" + spec + "' has more than " + std::to_string(kMaxCpus) +
                     " PUs (the product of its levels), the most a topology may have");
  if (arity > kMaxSyntheticArity)
    throw InputError("topology '" + spec + "' gives one level more than " +
                     std::to_string(kMaxSyntheticArity) +
                     " children per parent (hwloc takes minutes to build that; split the level, "
                     "e.g. 'pack:2 core:64 pu:64')");
  return static_cast<int>(n);
}

int check_xml(std::string_view text, const std::string& path) {
  const std::string what = "topology file '" + path + "'";
  if (text.find('\0') != std::string_view::npos)
    throw InputError(what + " is not valid XML (it has a NUL byte)");
  auto skip_to = [&](std::size_t from, std::string_view end) {
    const auto at = text.find(end, from);
    if (at == std::string_view::npos)
      throw InputError(what + " is not valid XML (it ends inside a tag or comment)");
    return at + end.size();
  };
  int depth = 0, objects = 0, pus = 0;
  std::size_t i = 0;
  while ((i = text.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = text.substr(i);
    if (rest.substr(0, 4) == "<!--") {
      i = skip_to(i + 4, "-->");
    } else if (rest.substr(0, 9) == "<![CDATA[") {
      i = skip_to(i + 9, "]]>");
    } else if (rest.substr(0, 2) == "<?") {
      i = skip_to(i + 2, "?>");
    } else if (rest.substr(0, 2) == "<!") {  // <!DOCTYPE ...>
      i = skip_to(i + 2, ">");
    } else if (rest.substr(0, 2) == "</") {
      i = skip_to(i + 2, ">");
      if (depth > 0) --depth;
    } else {
      // A start tag: to its '>' outside quoted attribute values.
      std::size_t j = i + 1;
      char quote = 0;
      for (; j < text.size(); ++j) {
        const char c = text[j];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (j >= text.size())
        throw InputError(what + " is not valid XML (it ends inside a tag or comment)");
      const std::string_view tag = text.substr(i, j - i + 1);
      if (tag.substr(0, 7) == "<object" && tag.size() > 7 && space(tag[7])) {
        if (++objects > kMaxXmlObjects)
          throw InputError(what + " has more than " + std::to_string(kMaxXmlObjects) +
                           " objects, the most a topology file may have");
        if (tag.find(" type=\"PU\"") != std::string_view::npos ||
            tag.find(" type='PU'") != std::string_view::npos)
          if (++pus > kMaxCpus)
            throw InputError(what + " has more than " + std::to_string(kMaxCpus) +
                             " PUs, the most a topology may have");
      }
      if (text[j - 1] != '/' && ++depth > kMaxXmlDepth)
        throw InputError(what + " nests XML elements deeper than " + std::to_string(kMaxXmlDepth) +
                         " levels");
      i = j + 1;
    }
  }
  return pus;
}

}  // namespace ipistorm::topo
