// uncertainty.cpp: Sobol' samples over the chosen costs, a re-fit per
// sample, bands, win fractions (see uncertainty.hpp).
#include "study/uncertainty.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "errors.hpp"
#include "run/config.hpp"
#include "run/report.hpp"
#include "run/world.hpp"

namespace ipistorm::study {

using nlohmann::json;

std::vector<Dimension> dimensions(const model::Config& base, bool refit) {
  std::vector<Dimension> out;
  const std::string& fitted = fitted_cost().param;
  for (const auto& s : model::param_specs()) {
    model::ParamRange r = s.range;
    std::string source = r.source;
    if (auto it = base.ranges.find(s.name); it != base.ranges.end()) {
      r = it->second;
      source = "config file";
    }
    if (r.distribution == model::Distribution::kNone) continue;
    if (refit && s.name == fitted)
      throw InputError(fitted + " is re-fitted for every sample and takes no range (or use " +
                       "--no-refit)");
    out.push_back({s.name, r.distribution, r.low, r.high, s.integer(), source});
  }
  if (out.empty()) throw InputError("no parameter has a range: nothing to sample");
  return out;
}

json dimensions_json(const std::vector<Dimension>& dims) {
  json a = json::array();
  for (const auto& d : dims)
    a.push_back({{"name", d.name},
                 {"distribution", model::distribution_name(d.distribution)},
                 {"range", {d.low, d.high}},
                 {"range_source", d.source}});
  return a;
}

void check_sample_count(long long n) {
  if (n < 2 || n > static_cast<long long>(kMaxSamples))
    throw InputError("--uncertainty needs 2.." + std::to_string(kMaxSamples) + " samples, got " +
                     std::to_string(n));
}

double from_unit(const Dimension& d, double u) {
  double v = d.distribution == model::Distribution::kLogUniform
                 ? std::exp(std::log(d.low) + u * (std::log(d.high) - std::log(d.low)))
                 : d.low + u * (d.high - d.low);
  if (d.integer) v = std::round(v);
  return std::min(std::max(v, d.low), d.high);  // exp/log rounding at the ends
}

std::vector<std::vector<double>> sobol_design(const std::vector<Dimension>& dims, std::size_t n,
                                              std::uint64_t seed) {
  const std::size_t d = dims.size();
  boost::random::sobol gen(d);
  std::mt19937_64 mask_rng(seed);
  std::vector<std::uint64_t> mask(d);
  for (auto& m : mask) m = mask_rng();
  std::vector<std::vector<double>> out(n, std::vector<double>(d));
  // Boost's sequence starts at its second point (0.5, ...): point 0 is the
  // origin, so that the first 2^k points form a complete net.
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const std::uint64_t x = (i == 0 ? 0 : static_cast<std::uint64_t>(gen())) ^ mask[j];
      out[i][j] = from_unit(dims[j], static_cast<double>(x >> 11) * 0x1p-53);
    }
  return out;
}

model::Config apply_sample(const model::Config& base, const std::vector<Dimension>& dims,
                           const Sample& s) {
  model::Config c = base;
  for (std::size_t j = 0; j < dims.size(); ++j) c.params.set(dims[j].name, s.values[j]);
  if (s.refit) c.params.set(s.fit.param, s.fit.value);
  return c;
}

model::Config fit_base(const model::Config& c) {
  model::Config f;
  f.params = c.params;
  f.seed = c.seed;
  return f;
}

namespace {

std::vector<Sample> make_samples(const std::vector<Dimension>& dims, const StudyOptions& o,
                                 std::uint64_t seed) {
  check_sample_count(o.n);
  const auto values = sobol_design(dims, static_cast<std::size_t>(o.n), seed);
  std::vector<Sample> samples(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) samples[i].values = values[i];
  return samples;
}

json fit_summary(const Sample& s) {
  if (!s.refit) return nullptr;
  json j = {{"value", s.fit.value},
            {"achieved", s.fit.achieved},
            {"runs", s.fit.runs},
            {"converged", s.fit.converged}};
  if (!s.fit.converged) j["reason"] = s.fit.reason;
  return j;
}

}  // namespace

json samples_json(const std::vector<Dimension>& dims, const std::vector<Sample>& samples) {
  json a = json::array();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    json p = json::object();
    for (std::size_t j = 0; j < dims.size(); ++j) p[dims[j].name] = samples[i].values[j];
    a.push_back({{"sample", i}, {"params", p}, {"fit", fit_summary(samples[i])}});
  }
  return a;
}

// ---- reproduce ----------------------------------------------------------------

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
  u.samples = make_samples(u.dims, o, base.seed);
  u.figures.resize(u.samples.size());
  // The values go into the config before the fit; the fitted value after.
  study::parallel_for(
      u.samples.size(), o.jobs,
      [&](std::size_t i) {
        Sample& s = u.samples[i];
        model::Config c = base;
        for (std::size_t j = 0; j < u.dims.size(); ++j) c.params.set(u.dims[j].name, s.values[j]);
        u.figures[i] = reproduce_figures(c, o.refit, s, o.stop, o.repro);
      },
      o.stop, o.progress);
  return u;
}

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

namespace {

json band_json(const Band& b) { return {{"p5", b.p5}, {"p50", b.p50}, {"p95", b.p95}}; }

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
  return {{"uncertainty",
           {{"samples", n},
            {"seed", u.seed},
            {"design", "sobol (boost::random::sobol, digital shift from std::mt19937_64(seed))"},
            {"refit", u.refit ? fit_target_json() : json(nullptr)},
            {"pvops_cx", u.repro.pvops_cx_uploaded ? "uploaded" : "none"},
            {"fit_failures", fit_failures},
            {"dimensions", dimensions_json(u.dims)}}},
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

// ---- sensitivity --------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> figure_names(const model::Config& base) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& sc : study::reproduce_scenarios(base))
    for (const auto& f : sc.figures) out.emplace_back(sc.name, f.name);
  return out;
}

std::vector<std::vector<double>> evaluate_figures(
    const model::Config& base, const std::string& scenario, const std::vector<std::string>& figures,
    const std::vector<std::string>& names, const std::vector<std::vector<double>>& rows, bool refit,
    int jobs, const std::atomic<bool>* stop) {
  std::string scenarios, accepted;
  bool scenario_ok = false;
  std::vector<bool> figure_ok(figures.size(), false);
  for (const auto& [s, f] : figure_names(base)) {
    if (scenarios.find(s) == std::string::npos) scenarios += (scenarios.empty() ? "" : ", ") + s;
    if (s == scenario) {
      scenario_ok = true;
      accepted += (accepted.empty() ? "" : ", ") + f;
      for (std::size_t k = 0; k < figures.size(); ++k)
        figure_ok[k] = figure_ok[k] || f == figures[k];
    }
  }
  if (!scenario_ok)
    throw InputError("unknown scenario '" + scenario + "' (accepted: " + scenarios + ")");
  if (figures.empty()) throw InputError("no figure to evaluate (accepted: " + accepted + ")");
  for (std::size_t k = 0; k < figures.size(); ++k)
    if (!figure_ok[k])
      throw InputError("unknown figure '" + figures[k] + "' for " + scenario +
                       " (accepted: " + accepted + ")");
  std::vector<const model::ParamSpec*> specs;
  for (const auto& n : names) {
    const model::ParamSpec* p = model::find_param(n);
    if (!p) throw InputError("unknown parameter '" + n + "' (see 'ipistorm params')");
    if (refit && n == fitted_cost().param)
      throw InputError(n + " is re-fitted for every row; leave it out (or refit=False)");
    specs.push_back(p);
  }
  std::vector<model::Config> configs(rows.size(), base);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != names.size())
      throw InputError("row " + std::to_string(i) + " has " + std::to_string(rows[i].size()) +
                       " values for " + std::to_string(names.size()) + " parameters");
    for (std::size_t j = 0; j < names.size(); ++j)
      configs[i].params.set(names[j], specs[j]->integer() ? std::round(rows[i][j]) : rows[i][j]);
  }
  std::vector<std::vector<double>> out(rows.size());
  study::parallel_for(
      rows.size(), jobs,
      [&](std::size_t i) {
        model::Config c = configs[i];
        model::Result fitted;
        bool have = false;
        if (refit) {
          FitResult f = fit(c, fitted_cost(), stop);
          c.params.set(f.param, f.value);
          if (scenario == fitted_cost().scenario) fitted = std::move(f.result), have = true;
        }
        for (const auto& sc : study::reproduce_scenarios(c))
          if (sc.name == scenario) {
            const model::Result r = have ? std::move(fitted) : run::run(sc.config, stop);
            for (const auto& f : figures) out[i].push_back(study::figure_value(f, r));
          }
      },
      stop);
  return out;
}

// ---- compare / sweep ----------------------------------------------------------

PointsUncertainty points_uncertainty(const model::Config& base,
                                     const std::vector<model::Config>& points,
                                     const StudyOptions& o) {
  PointsUncertainty u;
  u.points = points;
  u.seed = base.seed;
  u.refit = o.refit;
  u.dims = dimensions(base, o.refit);
  u.samples = make_samples(u.dims, o, base.seed);
  const std::size_t n = u.samples.size();
  if (o.refit) {
    study::parallel_for(
        n, o.jobs,
        [&](std::size_t i) {
          Sample& s = u.samples[i];
          model::Config c = fit_base(base);
          for (std::size_t j = 0; j < u.dims.size(); ++j) c.params.set(u.dims[j].name, s.values[j]);
          s.refit = true;
          s.fit = fit(c, fitted_cost(), o.stop);
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
  return {{"uncertainty",
           {{"samples", n},
            {"seed", u.seed},
            {"design", "sobol (boost::random::sobol, digital shift from std::mt19937_64(seed))"},
            {"refit", u.refit ? fit_target_json() : json(nullptr)},
            {"dimensions", dimensions_json(u.dims)}}},
          {"baseline", {{"kernel", c.baseline.kernel}, {"strategy", c.baseline.strategy}}},
          {"rows", rows},
          {"win_fractions", pairs},
          {"verdicts", c.verdicts},
          {"samples", samples_json(u.dims, u.samples)},
          {"provenance", run::provenance_json()}};
}

}  // namespace ipistorm::study
