// points_uncertainty.hpp: `sweep --uncertainty`, and the runs of
// `compare --uncertainty` (study/compare_uncertainty.hpp): every point of a
// grid under every sample of the chosen costs (study/sampling.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "model/scenario.hpp"
#include "study/sampling.hpp"

namespace ipistorm::study {

// The configuration the fitted cost is fitted on in compare and sweep
// studies: the report's machine and scenario (Config's defaults) with the
// sample's costs and the base's seed, whatever the compared scenario.
model::Config fit_base(const model::Config& c);

struct PointsUncertainty {
  std::vector<model::Config> points;  // as given (compare adds its references)
  std::uint64_t seed = 0;
  bool refit = true;
  std::vector<Dimension> dims;
  std::vector<Sample> samples;
  std::vector<model::Result> results;  // [point * n + sample]
  const model::Result& at(std::size_t point, std::size_t sample) const {
    return results[point * samples.size() + sample];
  }
};
// Every point under every sample (the same samples for every point, so
// comparisons are paired). The fit runs once per sample, on fit_base(base).
PointsUncertainty points_uncertainty(const model::Config& base,
                                     const std::vector<model::Config>& points,
                                     const StudyOptions& o);

}  // namespace ipistorm::study
