// sampling.hpp: the samples every uncertainty study runs under. The chosen
// costs (params rows with a plausible range) are sampled by a Sobol' design
// (Boost.Random's sobol, digitally shifted by the seed); each sample re-fits
// the one fitted cost (study::fit) and then runs the reproduce scenarios
// (study/reproduce_uncertainty.hpp), a compare grid
// (study/compare_uncertainty.hpp) or a sweep grid
// (study/points_uncertainty.hpp). Samples are independent tasks on the sweep
// pool, each a pure function of (base, seed, index), so the output does not
// depend on the number of threads. Their bands: study/bands.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "model/scenario.hpp"
#include "study/fit.hpp"
#include "study/pool.hpp"
#include "study/reproduce.hpp"

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

// check_sample_count(n), then the design's n samples (not yet fitted).
std::vector<Sample> make_samples(const std::vector<Dimension>& dims, long long n,
                                 std::uint64_t seed);
// base with `values` (per dimension) set.
model::Config with_values(const model::Config& base, const std::vector<Dimension>& dims,
                          const std::vector<double>& values);
// base with the sample's values set (and the fitted value, when refit).
model::Config apply_sample(const model::Config& base, const std::vector<Dimension>& dims,
                           const Sample& s);

// [{sample, params: {dimension: value}, fit: {value, achieved, runs,
//  converged[, reason]} or null}]
nlohmann::json samples_json(const std::vector<Dimension>& dims, const std::vector<Sample>& samples);
// A study's "uncertainty" object: {samples, seed, design, refit (the fit
// target, or null), dimensions}.
nlohmann::json design_json(std::size_t samples, std::uint64_t seed, bool refit,
                           const std::vector<Dimension>& dims);

struct StudyOptions {
  long long n = 0;
  bool refit = true;
  study::ReproOptions repro;  // reproduce: what the report leaves open (--pvops-cx)
  int jobs = 1;
  const std::atomic<bool>* stop = nullptr;
  study::Progress progress;  // called per sample (reproduce) or per run (compare, sweep)
};

}  // namespace ipistorm::study
