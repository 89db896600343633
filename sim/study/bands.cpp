// bands.cpp: percentiles over the samples (see bands.hpp).
#include "study/bands.hpp"

#include <algorithm>
#include <cmath>

namespace ipistorm::study {

Band band(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    if (v.empty()) return std::nan("");
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  return {q(0.05), q(0.50), q(0.95)};
}

nlohmann::json band_json(const Band& b) { return {{"p5", b.p5}, {"p50", b.p50}, {"p95", b.p95}}; }

}  // namespace ipistorm::study
