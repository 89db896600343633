// reproduce_uncertainty.hpp: `reproduce --uncertainty`: the report's
// scenarios (study/reproduce.hpp) under every sample of the chosen costs
// (study/sampling.hpp), each with its own re-fit, and the band of every
// figure (study/bands.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "study/reproduce.hpp"
#include "study/sampling.hpp"

namespace ipistorm::study {

// One sample of the reproduce study: every figure, in scenario then figure
// order, with the sample's fitted cost when refit (the fit's own run is
// the pvops scenario's run, built with the same `opts`). With `base` at the
// defaults this is exactly what run_reproduce(base, jobs, opts) gives.
std::vector<double> reproduce_figures(const model::Config& base, bool refit, Sample& s,
                                      const std::atomic<bool>* stop = nullptr,
                                      const study::ReproOptions& opts = {});

struct ReproUncertainty {
  model::Config base;
  std::uint64_t seed = 0;
  bool refit = true;
  study::ReproOptions repro;
  std::vector<Dimension> dims;
  std::vector<study::ReproScenario> scenarios;  // names, references, accepted ranges
  std::vector<Sample> samples;
  std::vector<std::vector<double>> figures;  // [sample][figure, flat]
};
ReproUncertainty reproduce_uncertainty(const model::Config& base, const StudyOptions& o);

// {"uncertainty": {...}, "scenarios": [{name, kernel, strategy, dom0_vcpus,
//  figures: [{figure, label, reference, accepted, band: {p5, p50, p95},
//  within_tolerance_fraction}]}], "all_within_fraction", "all_within_samples",
//  "consistent_ranges": {param: [low, high]}, "samples": [...]}
nlohmann::json reproduce_uncertainty_json(const ReproUncertainty& u);
// One row per sample: sample, every dimension, the fitted cost, fit_converged,
// one column per scenario/figure, all_within.
report::Rows reproduce_uncertainty_rows(const ReproUncertainty& u);

}  // namespace ipistorm::study
