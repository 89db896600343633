// ipi_counters.cpp
#include "ipi_counters.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

namespace ipistorm::bench {

std::optional<std::uint64_t> IpiCounters::run_delay_ns() {
  // "<sum_exec_runtime> <run_delay> <pcount>" (fs/proc/base.c, proc_pid_schedstat).
  std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
  if (!f) return std::nullopt;
  unsigned long long exec = 0, delay = 0, count = 0;
  const int n = std::fscanf(f, "%llu %llu %llu", &exec, &delay, &count);
  std::fclose(f);
  if (n != 3) return std::nullopt;
  return static_cast<std::uint64_t>(delay);
}

std::optional<std::uint64_t> IpiCounters::voluntary_switches() {
  std::FILE* f = std::fopen("/proc/thread-self/status", "r");
  if (!f) return std::nullopt;
  char line[256];
  std::optional<std::uint64_t> out;
  unsigned long long n = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1) {
      out = static_cast<std::uint64_t>(n);
      break;
    }
  std::fclose(f);
  return out;
}

std::string IpiCounters::report(benchmark::State& state) const {
  using benchmark::Counter;
  if (state.iterations() > 0 && delay_before_ && sleeps_before_) {
    const auto delay = run_delay_ns();
    const auto sleeps = voluntary_switches();
    if (delay && sleeps && *delay >= *delay_before_ && *sleeps >= *sleeps_before_) {
      state.counters["run_delay_ns_per_op"] =
          Counter(static_cast<double>(*delay - *delay_before_), Counter::kAvgIterations);
      state.counters["sleeps_per_op"] =
          Counter(static_cast<double>(*sleeps - *sleeps_before_), Counter::kAvgIterations);
    }
  }
  if (!before_ || state.iterations() == 0) return "";
  const auto after = InterruptSample::read();
  if (!after) return "";
  const IpiDelta d = ipi_delta(*before_, *after);
  // Each TLB shootdown once: on x86 since 3.6 it is also a CAL.
  static const bool tlb_in_cal = [] {
    struct utsname u {};
    return uname(&u) == 0 && tlb_within_cal(u.release, u.machine);
  }();
  const auto total = d.total(tlb_in_cal);
  if (!total) return "";
  state.counters["ipis_per_op"] = Counter(static_cast<double>(*total), Counter::kAvgIterations);
  const char* names[kIpiKinds] = {"res_per_op", "cal_per_op", "tlb_per_op"};
  for (int k = 0; k < kIpiKinds; ++k)
    if (auto t = d.total(static_cast<IpiKind>(k)))
      state.counters[names[k]] = Counter(static_cast<double>(*t), Counter::kAvgIterations);

  // Which CPUs received them: per-op counts, largest first, those >= 0.005.
  const auto per_cpu = d.per_cpu(tlb_in_cal);
  std::vector<std::pair<double, int>> rx;
  const double iters = static_cast<double>(state.iterations());
  for (std::size_t i = 0; i < per_cpu.size(); ++i)
    if (per_cpu[i] > 0) rx.emplace_back(static_cast<double>(per_cpu[i]) / iters, d.cpus[i]);
  std::sort(rx.begin(), rx.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::string s = "ipi_to=";
  int shown = 0;
  for (const auto& [v, cpu] : rx) {
    if (v < 0.005 || shown == 8) break;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%d:%.2f", shown ? "," : "", cpu, v);
    s += buf;
    ++shown;
  }
  if (shown == 0) s += "none";
  if (!d.cpus_gone.empty()) s += " cpus_gone=" + cpu_list(d.cpus_gone);
  if (!d.cpus_new.empty()) s += " cpus_new=" + cpu_list(d.cpus_new);
  return s;
}

void set_label(benchmark::State& state, std::initializer_list<std::string> parts) {
  std::string label;
  for (const auto& p : parts)
    if (!p.empty()) label += (label.empty() ? "" : " ") + p;
  state.SetLabel(label);
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string s;
  for (int c : cpus) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

}  // namespace ipistorm::bench
