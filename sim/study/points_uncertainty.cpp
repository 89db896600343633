// points_uncertainty.cpp: one fit per sample, then every point under every
// sample (see points_uncertainty.hpp).
#include "study/points_uncertainty.hpp"

#include "run/world.hpp"
#include "study/fit.hpp"
#include "study/pool.hpp"

namespace ipistorm::study {

model::Config fit_base(const model::Config& c) {
  model::Config f;
  f.params = c.params;
  f.seed = c.seed;
  return f;
}

PointsUncertainty points_uncertainty(const model::Config& base,
                                     const std::vector<model::Config>& points,
                                     const StudyOptions& o) {
  PointsUncertainty u;
  u.points = points;
  u.seed = base.seed;
  u.refit = o.refit;
  u.dims = dimensions(base, o.refit);
  u.samples = make_samples(u.dims, o.n, base.seed);
  const std::size_t n = u.samples.size();
  if (o.refit) {
    study::parallel_for(
        n, o.jobs,
        [&](std::size_t i) {
          Sample& s = u.samples[i];
          s.refit = true;
          s.fit = fit(with_values(fit_base(base), u.dims, s.values), fitted_cost(), o.stop);
          s.fit.result = model::Result{};
        },
        o.stop);
  }
  u.results.resize(points.size() * n);
  study::parallel_for(
      u.results.size(), o.jobs,
      [&](std::size_t k) {
        const model::Config c = apply_sample(points[k / n], u.dims, u.samples[k % n]);
        u.results[k] = run::run(c, o.stop);
      },
      o.stop, o.progress);
  return u;
}

}  // namespace ipistorm::study
