// ipi_counters.cpp
#include "ipi_counters.hpp"

#include <algorithm>
#include <cstdio>

namespace ipistorm::bench {

std::string IpiCounters::report(benchmark::State& state) const {
  if (!before_ || state.iterations() == 0) return "";
  const auto after = InterruptSample::read();
  if (!after) return "";
  const IpiDelta d = ipi_delta(*before_, *after);
  const auto total = d.total();
  if (!total) return "";
  using benchmark::Counter;
  state.counters["ipis_per_op"] = Counter(static_cast<double>(*total), Counter::kAvgIterations);
  const char* names[kIpiKinds] = {"res_per_op", "cal_per_op", "tlb_per_op"};
  for (int k = 0; k < kIpiKinds; ++k)
    if (auto t = d.total(static_cast<IpiKind>(k)))
      state.counters[names[k]] = Counter(static_cast<double>(*t), Counter::kAvgIterations);

  // Which CPUs received them: per-op counts, largest first, those >= 0.005.
  const auto per_cpu = d.per_cpu();
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
