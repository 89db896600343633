// compare_uncertainty.cpp: the compare grid per sample, its bands, win
// fractions and verdicts (see compare_uncertainty.hpp).
#include "study/compare_uncertainty.hpp"

#include <cstdio>

#include "run/report.hpp"
#include "study/bands.hpp"

namespace ipistorm::study {

using nlohmann::json;

std::vector<const model::MetricSpec*> band_metrics() {
  std::vector<const model::MetricSpec*> out;
  for (const auto& m : model::metric_table())
    if (m.deterministic) out.push_back(&m);
  return out;
}

namespace {

std::string percent(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.0f %%", 100 * f);
  return b;
}

}  // namespace

CompareUncertainty compare_uncertainty(const model::Config& base,
                                       const std::vector<model::Config>& grid_points,
                                       const StudyOptions& o, const Baseline& bl) {
  // References every verdict needs: mlock-per-call on each kernel compared,
  // and the baseline; added (not shown) when the grid lacks them.
  std::vector<model::Config> points = grid_points;
  std::vector<bool> shown(points.size(), true);
  auto find = [&](const std::string& kernel, const std::string& strategy) -> long {
    for (std::size_t i = 0; i < points.size(); ++i)
      if (points[i].kernel == kernel && points[i].strategy == strategy) return static_cast<long>(i);
    return -1;
  };
  auto ensure = [&](const model::Config& like, const std::string& kernel,
                    const std::string& strategy) {
    long i = find(kernel, strategy);
    if (i >= 0) return static_cast<std::size_t>(i);
    model::Config c = like;
    c.kernel = kernel;
    c.strategy = strategy;
    points.push_back(c);
    shown.push_back(false);
    return points.size() - 1;
  };
  const std::string reference = "mlock-per-call";
  std::vector<std::size_t> ref_of(grid_points.size());
  for (std::size_t i = 0; i < grid_points.size(); ++i)
    ref_of[i] = ensure(grid_points[i], grid_points[i].kernel, reference);
  const std::size_t baseline = ensure(grid_points.front(), bl.kernel, bl.strategy);

  CompareUncertainty c;
  c.baseline = bl;
  c.runs = points_uncertainty(base, points, o);
  c.shown = shown;
  bool several_kernels = false;
  for (const auto& p : grid_points) several_kernels |= p.kernel != grid_points.front().kernel;
  for (std::size_t i = 0; i < points.size(); ++i)
    c.labels.push_back(several_kernels || !shown[i] ? points[i].kernel + "/" + points[i].strategy
                                                    : points[i].strategy);
  const std::size_t n = c.runs.samples.size(), np = points.size();
  c.win.assign(np, std::vector<double>(np, 0));
  for (std::size_t a = 0; a < np; ++a)
    for (std::size_t b = 0; b < np; ++b) {
      std::size_t w = 0;
      for (std::size_t s = 0; s < n; ++s)
        w += model::metric_value("boot_time_s", c.runs.at(a, s)) <
                     model::metric_value("boot_time_s", c.runs.at(b, s))
                 ? 1
                 : 0;
      c.win[a][b] = static_cast<double>(w) / static_cast<double>(n);
    }
  const std::string of = " of " + std::to_string(n) + " samples";
  for (std::size_t i = 0; i < grid_points.size(); ++i) {
    if (ref_of[i] != i)
      c.verdicts.push_back(c.labels[i] + " faster than " + reference + " in " +
                           percent(c.win[i][ref_of[i]]) + of);
    if (baseline != i)
      c.verdicts.push_back(c.labels[i] + " faster than the baseline (" + bl.kernel + "/" +
                           bl.strategy + ") in " + percent(c.win[i][baseline]) + of);
  }
  return c;
}

json compare_uncertainty_json(const CompareUncertainty& c) {
  const auto& u = c.runs;
  const std::size_t n = u.samples.size();
  json rows = json::array();
  for (std::size_t p = 0; p < u.points.size(); ++p) {
    json bands = json::object();
    for (const model::MetricSpec* m : band_metrics()) {
      std::vector<double> v(n);
      for (std::size_t s = 0; s < n; ++s) v[s] = m->value(u.at(p, s));
      bands[m->name] = band_json(band(v));
    }
    rows.push_back({{"label", c.labels[p]},
                    {"kernel", u.points[p].kernel},
                    {"strategy", u.points[p].strategy},
                    {"reference_only", !c.shown[p]},
                    {"bands", bands}});
  }
  json pairs = json::array();
  for (std::size_t a = 0; a < u.points.size(); ++a)
    for (std::size_t b = 0; b < u.points.size(); ++b)
      if (a != b)
        pairs.push_back({{"first", c.labels[a]},
                         {"second", c.labels[b]},
                         {"first_faster_fraction", c.win[a][b]}});
  return {{"uncertainty", design_json(n, u.seed, u.refit, u.dims)},
          {"baseline", {{"kernel", c.baseline.kernel}, {"strategy", c.baseline.strategy}}},
          {"rows", rows},
          {"win_fractions", pairs},
          {"verdicts", c.verdicts},
          {"samples", samples_json(u.dims, u.samples)},
          {"provenance", run::provenance_json()}};
}

}  // namespace ipistorm::study
