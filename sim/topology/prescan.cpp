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

// Past the group that starts at s[i] ('(' or '['): hwloc's synthetic
// parser ends it at the first closing bracket of its kind, nested or not
// (strchr(.., ')') in hwloc_synthetic_parse_attrs, strchr(.., ']') for an
// attached memory child, topology-synthetic.c); s.size() without one
// (hwloc refuses the text). The CI's fuzzer found what counting nested
// brackets did: '(indexes=0,4(x...)888888287' hid its level, 888 million
// PUs, inside a group that never closed.
std::size_t skip_group(std::string_view s, std::size_t i) {
  const auto close = s.find(s[i] == '(' ? ')' : ']', i);
  return close == std::string_view::npos ? s.size() : close + 1;
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

// Past the root object's attribute group, when the text starts with one
// ('(' first: hwloc's synthetic parser reads "(memory=1GB) 2 2" as the
// machine's attributes, then the levels; hwloc_backend_synthetic_init);
// else 0. Found by
// fuzz_topology_synthetic: '(indexes=0,48&8888888u:\xc7)888888288' was
// walked as one level named '(indexes=0,48&8888888u' (1 PU) and hwloc then
// built 888,888,288 PUs.
std::size_t root_group_end(std::string_view s) {
  return !s.empty() && s[0] == '(' ? skip_group(s, 0) : 0;
}

}  // namespace

// The levels as hwloc's synthetic parser walks them, after the root's
// attribute group if there is one: spaces skipped, a
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
  std::size_t i = root_group_end(spec);
  if (max_cpu_number && i > 0)
    *max_cpu_number = std::max(*max_cpu_number, max_index(spec.substr(0, i), cap));
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

namespace {

bool iequal_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[k])) != prefix[k]) return false;
  return true;
}

bool numa_type(std::string_view t) { return iequal_prefix(t, "numa") || iequal_prefix(t, "node"); }
bool cache_type(std::string_view t) {
  return (t.size() >= 2 && std::tolower(static_cast<unsigned char>(t[0])) == 'l' &&
          std::isdigit(static_cast<unsigned char>(t[1]))) ||
         iequal_prefix(t, "cache");
}

// A memory or cache size as hwloc reads it, decimal only: digits and an
// optional unit (kB, kiB, MB, MiB, GB, GiB, TB, TiB).
bool size_value(std::string_view v) {
  std::size_t d = 0;
  while (d < v.size() && std::isdigit(static_cast<unsigned char>(v[d]))) ++d;
  if (d == 0 || d > 15) return false;  // 15 digits: no unit can overflow 64 bits
  std::string unit(v.substr(d));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* u : {"", "kb", "kib", "mb", "mib", "gb", "gib", "tb", "tib"})
    if (unit == u) return true;
  return false;
}

// One level's attribute group (the text inside its parentheses): each
// attribute hwloc knows, where it means something, with a value it reads as
// written; an explicit indexes= list with one number per object of the level.
void check_attributes(const std::string& spec, std::string_view type, std::string_view level,
                      std::string_view attrs, long long objects, long long cap, bool root = false) {
  const std::string where = "topology '" + spec + "': level '" + std::string(level) + "'";
  std::size_t i = 0;
  while (i < attrs.size()) {
    if (space(attrs[i])) {
      ++i;
      continue;
    }
    std::size_t e = i;
    while (e < attrs.size() && !space(attrs[e])) ++e;
    const std::string_view attr = attrs.substr(i, e - i);
    i = e;
    const auto eq = attr.find('=');
    const std::string_view key = attr.substr(0, eq == std::string_view::npos ? attr.size() : eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : attr.substr(eq + 1);
    if (key == "indexes") {
      if (value.find(':') != std::string_view::npos) continue;  // interleaving (pack:pu)
      long long count = 0;
      std::size_t k = 0;
      bool ok = !value.empty();
      while (ok && k <= value.size()) {
        std::size_t c = value.find(',', k);
        if (c == std::string_view::npos) c = value.size();
        const std::string_view num = value.substr(k, c - k);
        ok = !num.empty() && std::all_of(num.begin(), num.end(), [](char ch) {
          return std::isdigit(static_cast<unsigned char>(ch));
        });
        ++count;
        k = c + 1;
      }
      if (!ok)
        throw InputError(where + " has indexes='" + std::string(value) +
                         "'; give decimal CPU numbers separated by commas");
      if (objects <= cap && count != objects)
        throw InputError(where + " lists " + std::to_string(count) + " indexes= number" +
                         (count == 1 ? "" : "s") + " for its " + std::to_string(objects) +
                         " objects; give one per object");
    } else if (key == "memory") {
      if (!root && !numa_type(type))
        throw InputError(where +
                         " has memory=, which hwloc gives only NUMA nodes "
                         "('[numa(memory=16GB)]'); it would be ignored");
      if (!size_value(value))
        throw InputError(where + " has memory='" + std::string(value) +
                         "'; give a decimal size such as 16GB");
    } else if (key == "size") {
      if (!cache_type(type))
        throw InputError(where +
                         " has size=, which hwloc gives only caches ('l3:1(size=32MB)')"
                         "; it would be ignored");
      if (!size_value(value))
        throw InputError(where + " has size='" + std::string(value) +
                         "'; give a decimal size such as 32MB");
    } else {
      throw InputError(where + " has the attribute '" + std::string(attr) +
                       "'; hwloc's synthetic attributes are indexes=, memory= (NUMA nodes) and "
                       "size= (caches)");
    }
  }
}

// The levels walked as synthetic_pu_count walks them, each attribute group
// checked against its level (objects = the level's objects in all).
void check_synthetic_attributes(const std::string& spec, long long cap) {
  long long objects = 1;
  const std::string_view s = spec;
  std::size_t i = root_group_end(s);
  if (i > 0)  // the root's, s[0] == '(' (one object; hwloc gives it memory= too)
    check_attributes(spec, "machine", "(root)", s.substr(1, i > 1 ? i - 2 : 0), 1, cap, true);
  while (i < s.size()) {
    if (space(s[i])) {
      ++i;
      continue;
    }
    if (s[i] == '[') {  // a memory child: one per parent object
      const std::size_t end = skip_group(s, i);
      const std::string_view inner = s.substr(i + 1, end > i + 1 ? end - i - 2 : 0);
      const auto open = inner.find('(');
      if (open != std::string_view::npos) {
        const auto close = inner.rfind(')');
        const std::string_view type = inner.substr(0, std::min(open, inner.find(':')));
        check_attributes(
            spec, type, s.substr(i, end - i),
            inner.substr(open + 1,
                         (close == std::string_view::npos || close < open ? inner.size() : close) -
                             open - 1),
            objects, cap);
      }
      i = end;
      continue;
    }
    const std::size_t start = i;
    std::string_view type;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      const auto colon = s.find(':', i);
      if (colon == std::string_view::npos) return;  // hwloc refuses it
      type = s.substr(i, colon - i);
      i = colon + 1;
    }
    const long long arity = strtoul_like(s, i, cap);
    if (arity < 0) return;
    if (arity > 1) objects = objects > cap / arity ? cap + 1 : objects * arity;
    if (i < s.size() && s[i] == '(') {
      const std::size_t end = skip_group(s, i);
      check_attributes(spec, type, s.substr(start, i - start),
                       s.substr(i + 1, end > i + 1 ? end - i - 2 : 0), objects, cap);
      i = end;
    }
  }
}

}  // namespace

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
  check_synthetic_attributes(spec, kMaxCpus);
  return static_cast<int>(n);
}

int check_xml(std::string_view text, const std::string& path, bool* os_index_repeats,
              int* core_objects) {
  std::vector<long long> pu_numbers;
  int cores = 0;
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
        if (tag.find(" type=\"Core\"") != std::string_view::npos ||
            tag.find(" type='Core'") != std::string_view::npos)
          ++cores;
        if (tag.find(" type=\"PU\"") != std::string_view::npos ||
            tag.find(" type='PU'") != std::string_view::npos) {
          if (++pus > kMaxCpus)
            throw InputError(what + " has more than " + std::to_string(kMaxCpus) +
                             " PUs, the most a topology may have");
          const auto at = tag.find(" os_index=\"");
          if (at != std::string_view::npos) {
            const auto close = tag.find('"', at + 11);
            const std::string_view num = tag.substr(at + 11, close - at - 11);
            long long v = 0;
            bool digits = !num.empty();
            for (char c : num) {
              digits = digits && std::isdigit(static_cast<unsigned char>(c));
              if (digits && v <= kMaxCpus) v = v * 10 + (c - '0');  // (a non-digit stops it)
            }
            // hwloc reads it with strtoul into an unsigned: 99999999999
            // would be CPU 1215752191, "0x10" CPU 16.
            if (!digits || v >= kMaxCpus)
              throw InputError(what + " has a PU with os_index " + std::string(num.substr(0, 40)) +
                               "; CPU numbers are decimal and run from 0 to " +
                               std::to_string(kMaxCpus - 1));
            pu_numbers.push_back(v);
          }
        }
      }
      if (tag.substr(0, 10) == "<u64values" && text[j - 1] != '/') {
        // A distance matrix's values: decimal (hwloc's strtoull(.., 0)
        // would read "0x14" as 20 and "-1" as 2^64-1).
        const auto end = text.find("</u64values>", j);
        const std::string_view values =
            text.substr(j + 1, (end == std::string_view::npos ? text.size() : end) - j - 1);
        std::size_t k = 0;
        while (k < values.size()) {
          while (k < values.size() && space(values[k])) ++k;
          std::size_t e = k;
          while (e < values.size() && !space(values[e])) ++e;
          const std::string_view v = values.substr(k, e - k);
          if (!v.empty() && !std::all_of(v.begin(), v.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c));
              }))
            throw InputError(what + " has the NUMA distance value '" +
                             std::string(v.substr(0, 40)) + "'; distances are decimal numbers");
          k = e;
        }
      }
      if (text[j - 1] != '/' && ++depth > kMaxXmlDepth)
        throw InputError(what + " nests XML elements deeper than " + std::to_string(kMaxXmlDepth) +
                         " levels");
      i = j + 1;
    }
  }
  if (os_index_repeats) {
    std::sort(pu_numbers.begin(), pu_numbers.end());
    *os_index_repeats =
        std::adjacent_find(pu_numbers.begin(), pu_numbers.end()) != pu_numbers.end();
  }
  if (core_objects) *core_objects = cores;
  return pus;
}

}  // namespace ipistorm::topo
