// reproduce_uncertainty.cpp: the reproduce scenarios per sample, the band
// and tolerance fraction of every figure (see reproduce_uncertainty.hpp).
#include "study/reproduce_uncertainty.hpp"

#include <algorithm>
#include <cmath>

#include "run/config.hpp"
#include "run/report.hpp"
#include "run/world.hpp"
#include "study/bands.hpp"
#include "study/fit.hpp"

namespace ipistorm::study {

using nlohmann::json;

std::vector<double> reproduce_figures(const model::Config& base, bool refit, Sample& s,
                                      const std::atomic<bool>* stop,
                                      const study::ReproOptions& opts) {
  s.refit = refit;
  model::Config c = base;
  if (refit) {
    s.fit = fit(base, fitted_cost(), stop, opts);
    c.params.set(s.fit.param, s.fit.value);
  }
  std::vector<double> out;
  for (const auto& sc : study::reproduce_scenarios(c, opts)) {
    const bool reuse = refit && sc.name == fitted_cost().scenario;
    const model::Result r = reuse ? std::move(s.fit.result) : run::run(sc.config, stop);
    for (const auto& f : sc.figures) out.push_back(study::figure_value(f.name, r));
  }
  s.fit.result = model::Result{};
  return out;
}

ReproUncertainty reproduce_uncertainty(const model::Config& base, const StudyOptions& o) {
  ReproUncertainty u;
  u.base = base;
  u.seed = base.seed;
  u.refit = o.refit;
  u.repro = o.repro;
  u.dims = dimensions(base, o.refit);
  u.scenarios = study::reproduce_scenarios(base, o.repro);
  u.samples = make_samples(u.dims, o.n, base.seed);
  u.figures.resize(u.samples.size());
  // The values go into the config before the fit; the fitted value after.
  study::parallel_for(
      u.samples.size(), o.jobs,
      [&](std::size_t i) {
        Sample& s = u.samples[i];
        u.figures[i] =
            reproduce_figures(with_values(base, u.dims, s.values), o.refit, s, o.stop, o.repro);
      },
      o.stop, o.progress);
  return u;
}

namespace {

// within[sample][flat figure]
std::vector<std::vector<bool>> within_table(const ReproUncertainty& u) {
  std::vector<std::vector<bool>> w(u.samples.size());
  for (std::size_t i = 0; i < u.samples.size(); ++i) {
    std::size_t k = 0;
    for (const auto& sc : u.scenarios)
      for (const auto& f : sc.figures) w[i].push_back(f.accepts(u.figures[i][k++]));
  }
  return w;
}

bool all_of(const std::vector<bool>& v) {
  return std::all_of(v.begin(), v.end(), [](bool b) { return b; });
}

}  // namespace

json reproduce_uncertainty_json(const ReproUncertainty& u) {
  const std::size_t n = u.samples.size();
  const auto within = within_table(u);
  json scenarios = json::array();
  std::size_t k = 0;
  for (const auto& sc : u.scenarios) {
    json figs = json::array();
    for (const auto& f : sc.figures) {
      std::vector<double> v(n);
      std::size_t in = 0;
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = u.figures[i][k];
        in += within[i][k] ? 1 : 0;
      }
      figs.push_back(
          {{"figure", f.name},
           {"label", f.label},
           {"reference", f.reference},
           {"accepted", {f.lo, f.hi}},
           {"band", band_json(band(v))},
           {"within_tolerance_fraction", static_cast<double>(in) / static_cast<double>(n)}});
      ++k;
    }
    scenarios.push_back({{"name", sc.name},
                         {"kernel", sc.config.kernel},
                         {"strategy", sc.config.strategy},
                         {"dom0_vcpus", sc.config.dom0_vcpus},
                         {"figures", figs}});
  }
  // Ranges of every sampled parameter (and the fitted one) over the samples
  // that meet every figure at once.
  std::size_t all_in = 0;
  std::vector<double> lo(u.dims.size() + 1, INFINITY), hi(u.dims.size() + 1, -INFINITY);
  std::vector<bool> all(n);
  for (std::size_t i = 0; i < n; ++i) {
    all[i] = all_of(within[i]);
    if (!all[i]) continue;
    ++all_in;
    for (std::size_t j = 0; j < u.dims.size(); ++j) {
      lo[j] = std::min(lo[j], u.samples[i].values[j]);
      hi[j] = std::max(hi[j], u.samples[i].values[j]);
    }
    if (u.refit) {
      lo.back() = std::min(lo.back(), u.samples[i].fit.value);
      hi.back() = std::max(hi.back(), u.samples[i].fit.value);
    }
  }
  json consistent = json::object();
  if (all_in > 0) {
    for (std::size_t j = 0; j < u.dims.size(); ++j) consistent[u.dims[j].name] = {lo[j], hi[j]};
    if (u.refit) consistent[fitted_cost().param] = {lo.back(), hi.back()};
  }
  std::size_t fit_failures = 0;
  for (const auto& s : u.samples) fit_failures += s.refit && !s.fit.converged ? 1 : 0;
  json samples = samples_json(u.dims, u.samples);
  for (std::size_t i = 0; i < n; ++i) {
    json figs = json::object();
    std::size_t kk = 0;
    for (const auto& sc : u.scenarios)
      for (const auto& f : sc.figures) figs[sc.name][f.name] = u.figures[i][kk++];
    samples[i]["figures"] = figs;
    samples[i]["all_within"] = static_cast<bool>(all[i]);
  }
  json design = design_json(n, u.seed, u.refit, u.dims);
  design["pvops_cx"] = u.repro.pvops_cx_uploaded ? "uploaded" : "none";
  design["fit_failures"] = fit_failures;
  return {{"uncertainty", design},
          {"base", run::to_json(u.base)},
          {"scenarios", scenarios},
          {"all_within_fraction", static_cast<double>(all_in) / static_cast<double>(n)},
          {"all_within_samples", all_in},
          {"consistent_ranges", consistent},
          {"samples", samples},
          {"provenance", run::provenance_json()}};
}

report::Rows reproduce_uncertainty_rows(const ReproUncertainty& u) {
  report::Rows out;
  out.columns = {"sample"};
  for (const auto& d : u.dims) out.columns.push_back(d.name);
  if (u.refit) out.columns.insert(out.columns.end(), {fitted_cost().param, "fit_converged"});
  for (const auto& sc : u.scenarios)
    for (const auto& f : sc.figures) out.columns.push_back(sc.name + "/" + f.name);
  out.columns.emplace_back("all_within");
  const auto within = within_table(u);
  for (std::size_t i = 0; i < u.samples.size(); ++i) {
    std::vector<report::Cell> row = {std::uint64_t{i}};
    for (double v : u.samples[i].values) row.emplace_back(v);
    if (u.refit) {
      row.emplace_back(u.samples[i].fit.value);
      row.emplace_back(u.samples[i].fit.converged);
    }
    for (double v : u.figures[i]) row.emplace_back(v);
    row.emplace_back(all_of(within[i]));
    out.add(std::move(row));
  }
  return out;
}

}  // namespace ipistorm::study
