// bands.hpp: the band an uncertainty study gives a figure or metric over its
// samples (study/sampling.hpp): its 5th, 50th and 95th percentiles.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace ipistorm::study {

struct Band {
  double p5 = 0, p50 = 0, p95 = 0;
};
// Linear interpolation between order statistics (numpy's default).
Band band(std::vector<double> v);
// {"p5", "p50", "p95"}
nlohmann::json band_json(const Band& b);

}  // namespace ipistorm::study
