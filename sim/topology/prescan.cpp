// prescan.cpp: topology text checked before hwloc parses it (see prescan.hpp).
#include "topology/prescan.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "errors.hpp"
#include "topology/topology.hpp"

namespace ipistorm::topo {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// strtoul(s + i, &end, 0) as hwloc's synthetic parser reads an arity
// (topology-synthetic.c, hwloc_backend_synthetic_init): leading white space,
// a sign, 0x hex, 0 octal, else decimal; saturated at cap + 1 (a negative
// number is ULONG_MAX there). Returns -1 when no digit is read; `i` moves past
// what was read.
long long strtoul_like(std::string_view s, std::size_t& i, long long cap) {
  std::size_t j = i;
  while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
  bool negative = false;
  if (j < s.size() && (s[j] == '+' || s[j] == '-')) negative = s[j++] == '-';
  int base = 10;
  if (j < s.size() && s[j] == '0') {
    base = 8;
    if (j + 2 < s.size() && (s[j + 1] == 'x' || s[j + 1] == 'X') &&
        std::isxdigit(static_cast<unsigned char>(s[j + 2]))) {
      base = 16;
      j += 2;
    }
  }
  long long v = -1;
  for (; j < s.size(); ++j) {
    const unsigned char c = static_cast<unsigned char>(s[j]);
    int d = 99;
    if (std::isdigit(c))
      d = c - '0';
    else if (base == 16 && std::isxdigit(c))
      d = std::tolower(c) - 'a' + 10;
    if (d >= base) break;
    if (v < 0) v = 0;
    if (v <= cap) v = v * base + d;
    if (v > cap) v = cap + 1;
  }
  if (v < 0) return -1;
  i = j;
  return negative && v != 0 ? cap + 1 : v;
}

// Past the bracket that closes the one at s[i] ('(' or '[').
std::size_t skip_group(std::string_view s, std::size_t i) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '(' || s[i] == '[') ++depth;
    if ((s[i] == ')' || s[i] == ']') && --depth == 0) return i + 1;
  }
  return s.size();
}

// The largest number in the indexes= attribute of the group `g` ("(...)"),
// saturated at cap + 1; -1 without one. hwloc reads the explicit list with
// strtoul(.., 10) into an unsigned (hwloc_synthetic_process_indexes in
// topology-synthetic.c) and sets that bit in a cpuset: 'indexes=0,4294967295'
// allocates a 512 MiB bitmap per object (found by fuzz_topology_synthetic).
long long max_index(std::string_view g, long long cap) {
  const auto at = g.find("indexes=");
  if (at == std::string_view::npos) return -1;
  long long most = -1, v = -1;
  for (std::size_t i = at + 8; i < g.size() && g[i] != ')' && !space(g[i]); ++i) {
    if (std::isdigit(static_cast<unsigned char>(g[i]))) {
      if (v < 0) v = 0;
      if (v <= cap) v = v * 10 + (g[i] - '0');
      if (v > cap) v = cap + 1;
      if (v > most) most = v;
    } else {
      v = -1;
    }
  }
  return most;
}

}  // namespace

// The levels as hwloc's synthetic parser walks them: spaces skipped, a
// memory child [..] skipped, a type name up to the next ':' (anywhere
// after it, as strchr finds it), then an arity read by strtoul(.., 0) and
// an optional (attributes) group; the next level starts right after, with
// or without a space ('822pu:92' is 822 x 92). Where hwloc would refuse the
// text the walk stops and hwloc's own error follows.
long long synthetic_pu_count(std::string_view spec, long long cap, long long* max_arity,
                             long long* max_cpu_number) {
  long long product = 1;
  if (max_arity) *max_arity = 0;
  if (max_cpu_number) *max_cpu_number = -1;
  std::size_t i = 0;
  while (i < spec.size()) {
    if (space(spec[i])) {
      ++i;
      continue;
    }
    if (spec[i] == '[') {
      i = skip_group(spec, i);
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(spec[i]))) {
      const auto colon = spec.find(':', i);
      if (colon == std::string_view::npos) break;
      i = colon + 1;
    }
    const long long arity = strtoul_like(spec, i, cap);
    if (arity < 0) break;
    if (max_arity && arity > *max_arity) *max_arity = arity;
    if (arity > 1) product = product > cap / arity ? cap + 1 : product * arity;
    if (product > cap) return cap + 1;
    if (i < spec.size() && spec[i] == '(') {
      const std::size_t end = skip_group(spec, i);
      if (max_cpu_number)
        *max_cpu_number = std::max(*max_cpu_number, max_index(spec.substr(i, end - i), cap));
      i = end;
    }
  }
  return product;
}

int check_synthetic(const std::string& spec) {
  long long arity = 0, number = -1;
  const long long n = synthetic_pu_count(spec, kMaxCpus, &arity, &number);
  if (n > kMaxCpus)
    throw InputError("topology '" + spec + "' has more than " + std::to_string(kMaxCpus) +
                     " PUs (the product of its levels), the most a topology may have");
  if (arity > kMaxSyntheticArity)
    throw InputError("topology '" + spec + "' gives one level more than " +
                     std::to_string(kMaxSyntheticArity) +
                     " children per parent (hwloc takes minutes to build that; split the level, "
                     "e.g. 'pack:2 core:64 pu:64')");
  if (number >= kMaxCpus)
    throw InputError("topology '" + spec + "' numbers an object " +
                     (number > kMaxCpus ? "above " : "") + std::to_string(kMaxCpus) +
                     " in indexes=; CPU numbers run from 0 to " + std::to_string(kMaxCpus - 1) +
                     " (Linux's largest NR_CPUS is " + std::to_string(kMaxCpus) + ")");
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
