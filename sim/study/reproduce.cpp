// reproduce.cpp: the report's scenarios (docs/background.md s1) and their checks.
#include "study/reproduce.hpp"

#include "run/config.hpp"
#include "run/report.hpp"
#include "study/sweep.hpp"

namespace ipistorm::study {

using namespace model;  // the model's types (Config, Result, Costs) by their short names

namespace {

Figure within(const std::string& name, const std::string& label, double ref, double tol) {
  return Figure{name, label, ref, ref * (1 - tol), ref * (1 + tol)};
}
Figure range(const std::string& name, const std::string& label, double ref, double lo, double hi) {
  return Figure{name, label, ref, lo, hi};
}

}  // namespace

// The report's figures are the rows of the metric table's reproduce view,
// under the names the reproduce JSON has always used.
const MetricSpec& figure_metric(const std::string& name) {
  return metric_in_view(View::kReproduce, name);
}

double figure_value(const std::string& name, const Result& r) {
  return figure_metric(name).value(r);
}

std::vector<ReproScenario> reproduce_scenarios(const Config& base, const ReproOptions& opts) {
  std::vector<ReproScenario> out;
  auto make = [&](const std::string& name, const std::string& kernel, const std::string& strategy,
                  int vcpus) {
    Config c = base;
    c.kernel = kernel;
    c.strategy = strategy;
    c.dom0_vcpus = vcpus;
    if (!opts.pvops_cx_uploaded && kernel == "linux-2.6.31-pvops") c.params.set("max_cstate", 1);
    return ReproScenario{name, c, {}};
  };
  // nehalem-ep, 16 dom0 vCPUs, mlock-per-call unless stated (docs/background.md s1).
  ReproScenario xen18 = make("2.6.18-xen", "linux-2.6.18-xen", "mlock-per-call", 16);
  xen18.figures = {
      within("boot_time_s", "guest boot time (s)", 20, 0.15),
      within("dom0_util_peak_pct", "dom0 utilisation, peak (%)", 99, 0.15),
      within("ioport_latency_mean_cycles", "ioport latency, mean (cycles)", 30000, 0.20),
  };
  ReproScenario pvops = make("pvops", "linux-2.6.31-pvops", "mlock-per-call", 16);
  pvops.figures = {
      within("boot_time_s", "guest boot time (s)", 42, 0.15),
      within("dom0_util_peak_pct", "dom0 utilisation, peak (%)", 230, 0.15),
      range("resched_ipis_peak_per_s", "reschedule IPIs, peak (/s)", 200000, 200000, 400000),
      within("ioport_latency_mean_cycles", "ioport latency, mean (cycles)", 300000, 0.20),
  };
  ReproScenario nolock = make("pvops-no-lock", "linux-2.6.31-pvops", "no-lock", 16);
  nolock.figures = {within("boot_time_s", "guest boot time (s)", 20, 0.15)};
  out.push_back(xen18);
  out.push_back(pvops);
  out.push_back(nolock);
  // The report's formula: resched IPIs = mlock calls x (dom0 vCPUs - 1), for
  // any vCPU count. A short boot (the probe phase only) is enough.
  for (int v : {1, 2, 4, 8, 12, 16}) {
    ReproScenario s = make("pvops-" + std::to_string(v) + "vcpu-formula", "linux-2.6.31-pvops",
                           "mlock-per-call", v);
    for (const char* k :
         {"boot_firmware_polls", "boot_firmware_sectors", "boot_init_polls", "boot_init_sectors"})
      s.config.params.set(k, 0);
    s.config.params.set("boot_firmware_cpu_s", 0.01);
    s.config.params.set("boot_init_cpu_s", 0.01);
    s.config.params.set("boot_probe_polls", 2000);
    s.config.params.set("boot_probe_cpu_s", 0.01);
    s.figures = {range("drain_target_ipis_per_mlock", "drain-target IPIs per mlock", v - 1.0,
                       v - 1.0, v - 1.0)};
    out.push_back(s);
  }
  return out;
}

std::vector<ReproOutcome> run_reproduce(const Config& base, int jobs, const ReproOptions& opts) {
  std::vector<ReproScenario> scenarios = reproduce_scenarios(base, opts);
  std::vector<Config> configs;
  for (const auto& s : scenarios) configs.push_back(s.config);
  std::vector<Result> results = run_sweep(configs, jobs);
  std::vector<ReproOutcome> out;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    ReproOutcome o{scenarios[i], std::move(results[i]), true};
    for (Figure& f : o.scenario.figures) {
      f.model = figure_value(f.name, o.result);
      f.ok = f.accepts(f.model);
      o.ok = o.ok && f.ok;
    }
    out.push_back(std::move(o));
  }
  return out;
}

nlohmann::json reproduce_json(const std::vector<ReproOutcome>& outcomes) {
  nlohmann::json scenarios = nlohmann::json::array();
  bool all = true;
  for (const auto& o : outcomes) {
    nlohmann::json ref = nlohmann::json::object();
    nlohmann::json figs = nlohmann::json::array();
    for (const auto& f : o.scenario.figures) {
      ref[f.name] = f.reference;
      figs.push_back({{"figure", f.name},
                      {"label", f.label},
                      {"reference", f.reference},
                      {"accepted", {f.lo, f.hi}},
                      {"model", f.model},
                      {"rel_error", f.rel_error()},
                      {"ok", f.ok}});
    }
    all = all && o.ok;
    scenarios.push_back({{"name", o.scenario.name},
                         {"kernel", o.result.config.kernel},
                         {"strategy", o.result.config.strategy},
                         {"dom0_vcpus", o.result.config.dom0_vcpus},
                         {"config", run::to_json(o.result.config)},
                         {"clock", run::clock_json(o.result)},
                         {"metrics", run::metrics_json(o.result)},
                         {"reference", ref},
                         {"figures", figs},
                         {"within_tolerance", o.ok}});
  }
  return {{"scenarios", scenarios},
          {"all_within_tolerance", all},
          {"provenance", run::provenance_json()}};
}

}  // namespace ipistorm::study
