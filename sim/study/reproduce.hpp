// reproduce.hpp: the 2009 report's scenarios with its figures and the
// tolerance each must meet (README "Reproduction targets").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::study {

struct Figure {
  std::string name;   // e.g. "boot_time_s"
  std::string label;  // for people
  double reference;   // the report's value
  double lo, hi;      // accepted range
  double model = 0;
  bool ok = false;
  double rel_error() const { return reference != 0 ? (model - reference) / reference : 0; }
  // Exact figures (lo == hi) compare with a tolerance for rounding only.
  bool accepts(double v) const { return v >= lo - 1e-9 && v <= hi + 1e-9; }
};

struct ReproScenario {
  std::string name;
  model::Config config;
  std::vector<Figure> figures;
};

struct ReproOutcome {
  ReproScenario scenario;
  model::Result result;
  bool ok = false;
};

// What the report's text leaves open about its machine (README
// "Reproduction targets").
struct ReproOptions {
  // Xen 3.4 uses C-states deeper than C1 only after dom0 uploads ACPI Cx
  // data (set_cx_pminfo(), xen/arch/x86/acpi/cpu_idle.c); the Xenified
  // 2.6.18 dom0 did (processor_extcntl), whether the 2009 pvops dom0 did is
  // unknown. Default: it did, so both columns see the same idle states;
  // false runs the pvops scenarios with C1 only (max_cstate = 1).
  bool pvops_cx_uploaded = true;
};

// The report's scenarios built on `base` (its topology, parameters and seed;
// kernel, strategy and vCPUs are set per scenario).
std::vector<ReproScenario> reproduce_scenarios(const model::Config& base,
                                               const ReproOptions& opts = {});
// Runs them on up to `jobs` threads; the outcome does not depend on `jobs`.
std::vector<ReproOutcome> run_reproduce(const model::Config& base, int jobs,
                                        const ReproOptions& opts = {});
nlohmann::json reproduce_json(const std::vector<ReproOutcome>& outcomes);

// Reads the value of a figure from a result (a row of metric_table()).
double figure_value(const std::string& name, const model::Result& r);
// The metric-table row a figure reads.
const model::MetricSpec& figure_metric(const std::string& name);

}  // namespace ipistorm::study
