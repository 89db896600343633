// uncertainty.hpp: every verdict with the band the unknown costs allow.
// The chosen costs (params rows with a plausible range) are sampled by a
// Sobol' design (Boost.Random's sobol, digitally shifted by the seed); each
// sample re-fits the one fitted cost (study::fit) and then runs the
// reproduce scenarios, a compare grid or a sweep grid. Samples are
// independent tasks on the sweep pool, each a pure function of (base, seed,
// index), so the output does not depend on the number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "model/scenario.hpp"
#include "report/rows.hpp"
#include "study/compare.hpp"
#include "study/fit.hpp"
#include "study/reproduce.hpp"
#include "study/sweep.hpp"

namespace ipistorm::study {

// One sampled parameter: the table's range, or the config file's override.
struct Dimension {
  std::string name;
  model::Distribution distribution;
  double low, high;
  bool integer;
  std::string source;
};

// Every parameter with a range, in table order. With refit, the fitted cost
// must have none (it is solved for, not sampled): InputError otherwise.
std::vector<Dimension> dimensions(const model::Config& base, bool refit);
nlohmann::json dimensions_json(const std::vector<Dimension>& dims);

// The number of samples a study accepts: 2 .. kMaxSamples (InputError).
inline constexpr std::size_t kMaxSamples = 4096;
void check_sample_count(long long n);

// u in [0, 1) to a value of the dimension (log-uniform: uniform in log;
// whole-number rows rounded to the nearest whole number).
double from_unit(const Dimension& d, double u);
// n points, row i = sample i's value per dimension: the Sobol' sequence
// (the origin, then boost::random::sobol's points), each
// coordinate XORed with a 64-bit mask per dimension drawn from
// std::mt19937_64(seed), a digital shift that keeps the net's balance.
std::vector<std::vector<double>> sobol_design(const std::vector<Dimension>& dims, std::size_t n,
                                              std::uint64_t seed);

struct Sample {
  std::vector<double> values;  // per dimension
  bool refit = false;
  FitResult fit;  // when refit (fit.result is dropped, except while evaluating)
};

// base with the sample's values set (and the fitted value, when refit).
model::Config apply_sample(const model::Config& base, const std::vector<Dimension>& dims,
                           const Sample& s);
// The configuration the fitted cost is fitted on in compare and sweep
// studies: the report's machine and scenario (Config's defaults) with the
// sample's costs and the base's seed, whatever the compared scenario.
model::Config fit_base(const model::Config& c);

struct StudyOptions {
  long long n = 0;
  bool refit = true;
  study::ReproOptions repro;  // reproduce: what the report leaves open (--pvops-cx)
  int jobs = 1;
  const std::atomic<bool>* stop = nullptr;
  study::Progress progress;  // called per sample (reproduce) or per run (compare, sweep)
};

// ---- reproduce --uncertainty --------------------------------------------------

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

struct Band {
  double p5, p50, p95;
};
// Linear interpolation between order statistics (numpy's default).
Band band(std::vector<double> v);

// {"uncertainty": {...}, "scenarios": [{name, kernel, strategy, dom0_vcpus,
//  figures: [{figure, label, reference, accepted, band: {p5, p50, p95},
//  within_tolerance_fraction}]}], "all_within_fraction", "all_within_samples",
//  "consistent_ranges": {param: [low, high]}, "samples": [...]}
nlohmann::json reproduce_uncertainty_json(const ReproUncertainty& u);
// One row per sample: sample, every dimension, the fitted cost, fit_converged,
// one column per scenario/figure, all_within.
report::Rows reproduce_uncertainty_rows(const ReproUncertainty& u);

// ---- sensitivity: one figure for many parameter vectors ------------------------

// `figures` of the reproduce scenario `scenario` (from one run per row) for
// every row of `rows` (values of the parameters `names`, whole-number rows
// rounded), each re-fitted when `refit`, on `jobs` threads: out[row][figure],
// independent of jobs. Unknown scenario, figure or parameter: InputError
// naming the accepted ones. Python's ipistorm.sensitivity() feeds OpenTURNS
// with it.
std::vector<std::vector<double>> evaluate_figures(
    const model::Config& base, const std::string& scenario, const std::vector<std::string>& figures,
    const std::vector<std::string>& names, const std::vector<std::vector<double>>& rows, bool refit,
    int jobs, const std::atomic<bool>* stop = nullptr);
// The (scenario, figure) pairs evaluate_figures accepts, in reproduce order.
std::vector<std::pair<std::string, std::string>> figure_names(const model::Config& base);

// ---- compare / sweep --uncertainty --------------------------------------------

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
nlohmann::json samples_json(const std::vector<Dimension>& dims, const std::vector<Sample>& samples);

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
