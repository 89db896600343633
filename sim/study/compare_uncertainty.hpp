// compare_uncertainty.hpp: `compare --uncertainty`: a compare grid
// (study/compare.hpp) under every sample of the chosen costs
// (study/points_uncertainty.hpp), with the bands of every metric
// (study/bands.hpp), win fractions and verdict lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/scenario.hpp"
#include "study/compare.hpp"
#include "study/points_uncertainty.hpp"
#include "study/sampling.hpp"

namespace ipistorm::study {

// compare: bands per point and metric, win fractions on boot time for every
// ordered pair, and verdict lines against mlock-per-call (same kernel) and
// against the baseline (compare's --baseline; by default the 2.6.18 kernel
// with mlock-per-call; study/compare.hpp).
struct CompareUncertainty {
  PointsUncertainty runs;
  Baseline baseline;
  std::vector<std::string> labels;       // per point: strategy, or kernel/strategy
  std::vector<bool> shown;               // false: a reference point compare added
  std::vector<std::vector<double>> win;  // [a][b]: fraction with boot(a) < boot(b)
  std::vector<std::string> verdicts;
};
CompareUncertainty compare_uncertainty(const model::Config& base,
                                       const std::vector<model::Config>& grid_points,
                                       const StudyOptions& o, const Baseline& baseline = {});
// The metric-table rows that get bands: every deterministic one (the table
// computes each; bands are keyed by its names).
std::vector<const model::MetricSpec*> band_metrics();
// {"uncertainty", "baseline", "rows": [{label, kernel, strategy,
//  reference_only, bands: {metric: {p5, p50, p95}}}], "win_fractions",
//  "verdicts", "samples", "provenance"}
nlohmann::json compare_uncertainty_json(const CompareUncertainty& c);

}  // namespace ipistorm::study
