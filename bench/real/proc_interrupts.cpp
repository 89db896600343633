// proc_interrupts.cpp: parsing and differencing /proc/interrupts samples.
#include "proc_interrupts.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ipistorm::bench {
namespace {

enum class Digits { kNotANumber, kOk, kOverflow };

// A decimal counter: digits only, at most 2^64 - 1 (a kernel counter is an
// unsigned long or int; a longer one is a broken file, not a count to wrap).
Digits parse_u64(const std::string& tok, std::uint64_t& out) {
  if (tok.empty()) return Digits::kNotANumber;
  for (char c : tok)
    if (c < '0' || c > '9') return Digits::kNotANumber;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t v = 0;
  for (char c : tok) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (kMax - d) / 10) return Digits::kOverflow;
    v = v * 10 + d;
  }
  out = v;
  return Digits::kOk;
}

// "CPU12" -> 12; -1 when the token is not a CPU column name.
int cpu_column(const std::string& tok) {
  if (tok.size() < 4 || tok.compare(0, 3, "CPU") != 0) return -1;
  std::uint64_t v = 0;
  if (parse_u64(tok.substr(3), v) != Digits::kOk || v > 1u << 20) return -1;
  return static_cast<int>(v);
}

}  // namespace

InterruptSample InterruptSample::parse(std::istream& in) {
  InterruptSample s;
  std::string line;
  // The header is the first non-empty line: only CPU column names.
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string tok;
    while (ls >> tok) {
      const int cpu = cpu_column(tok);
      if (cpu < 0) throw std::runtime_error("interrupts header has a non-CPU column '" + tok + "'");
      // A repeated column would be counted twice by every per-CPU sum.
      if (std::find(s.cpus.begin(), s.cpus.end(), cpu) != s.cpus.end())
        throw std::runtime_error("interrupts header names CPU" + std::to_string(cpu) + " twice");
      s.cpus.push_back(cpu);
    }
    if (!s.cpus.empty()) break;
  }
  if (s.cpus.empty()) throw std::runtime_error("interrupts text has no CPU header");
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) continue;
    std::istringstream ls(line.substr(colon + 1));
    std::vector<std::uint64_t> counts;
    std::string tok;
    // Numbers up to one per column; the description text follows them.
    while (counts.size() < s.cpus.size() && ls >> tok) {
      std::uint64_t v = 0;
      const Digits d = parse_u64(tok, v);
      if (d == Digits::kNotANumber) break;
      if (d == Digits::kOverflow)
        throw std::runtime_error("interrupts row '" + name + "' has a counter '" + tok +
                                 "' above 2^64-1");
      counts.push_back(v);
    }
    s.rows[name] = std::move(counts);
  }
  return s;
}

std::optional<InterruptSample> InterruptSample::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return parse(in);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

std::optional<std::uint64_t> InterruptSample::count(const std::string& row, int cpu) const {
  auto r = rows.find(row);
  if (r == rows.end()) return std::nullopt;
  for (std::size_t i = 0; i < cpus.size(); ++i)
    if (cpus[i] == cpu) {
      if (i >= r->second.size()) return std::nullopt;
      return r->second[i];
    }
  return std::nullopt;
}

const char* ipi_row_name(IpiKind k) {
  switch (k) {
    case IpiKind::kRes:
      return "RES";
    case IpiKind::kCal:
      return "CAL";
    case IpiKind::kTlb:
      return "TLB";
  }
  return "?";
}

namespace {
// a + b, held at the largest count instead of wrapping: a hostile or
// corrupt /proc/interrupts can hold counts near 2^64 (the kernel's own
// per-CPU IPI counters are 32-bit, arch/x86/include/asm/hardirq.h).
std::uint64_t add_saturated(std::uint64_t a, std::uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
}  // namespace

std::optional<std::uint64_t> IpiDelta::total(IpiKind k) const {
  const auto& v = by_kind[static_cast<int>(k)];
  if (!v) return std::nullopt;
  std::uint64_t sum = 0;
  for (auto x : *v) sum = add_saturated(sum, x);
  return sum;
}

std::optional<std::uint64_t> IpiDelta::total(bool tlb_within_cal) const {
  std::optional<std::uint64_t> sum;
  for (int k = 0; k < kIpiKinds; ++k) {
    if (tlb_within_cal && static_cast<IpiKind>(k) == IpiKind::kTlb && by_kind[1]) continue;
    if (auto t = total(static_cast<IpiKind>(k))) sum = add_saturated(sum.value_or(0), *t);
  }
  return sum;
}

std::vector<std::uint64_t> IpiDelta::per_cpu(bool tlb_within_cal) const {
  std::vector<std::uint64_t> out(cpus.size(), 0);
  for (int k = 0; k < kIpiKinds; ++k) {
    if (tlb_within_cal && static_cast<IpiKind>(k) == IpiKind::kTlb && by_kind[1]) continue;
    if (const auto& v = by_kind[k])
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = add_saturated(out[i], (*v)[i]);
  }
  return out;
}

bool tlb_within_cal(const std::string& release, const std::string& machine) {
  const bool x86 = machine == "x86_64" ||
                   (machine.size() == 4 && machine[0] == 'i' && machine.compare(2, 2, "86") == 0);
  int major = 0, minor = 0;
  if (!x86 || std::sscanf(release.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major > 3 || (major == 3 && minor >= 6);
}

IpiDelta ipi_delta(const InterruptSample& before, const InterruptSample& after) {
  IpiDelta d;
  auto has = [](const std::vector<int>& v, int c) {
    return std::find(v.begin(), v.end(), c) != v.end();
  };
  for (int c : before.cpus) (has(after.cpus, c) ? d.cpus : d.cpus_gone).push_back(c);
  for (int c : after.cpus)
    if (!has(before.cpus, c)) d.cpus_new.push_back(c);
  std::sort(d.cpus.begin(), d.cpus.end());
  std::sort(d.cpus_gone.begin(), d.cpus_gone.end());
  std::sort(d.cpus_new.begin(), d.cpus_new.end());
  for (int k = 0; k < kIpiKinds; ++k) {
    const std::string row = ipi_row_name(static_cast<IpiKind>(k));
    if (!before.rows.count(row) || !after.rows.count(row)) continue;
    std::vector<std::uint64_t> v;
    bool ok = true;
    for (int c : d.cpus) {
      const auto b = before.count(row, c);
      const auto a = after.count(row, c);
      if (!a || !b) {
        ok = false;
        break;
      }
      if (*a < *b) d.counter_went_back = true;
      v.push_back(*a >= *b ? *a - *b : 0);
    }
    if (ok) d.by_kind[k] = std::move(v);
  }
  return d;
}

}  // namespace ipistorm::bench
