// sampling.cpp: the ranged costs and their Sobol' design (see sampling.hpp).
#include "study/sampling.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <random>

#include "errors.hpp"

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

std::vector<Sample> make_samples(const std::vector<Dimension>& dims, long long n,
                                 std::uint64_t seed) {
  check_sample_count(n);
  const auto values = sobol_design(dims, static_cast<std::size_t>(n), seed);
  std::vector<Sample> samples(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) samples[i].values = values[i];
  return samples;
}

model::Config with_values(const model::Config& base, const std::vector<Dimension>& dims,
                          const std::vector<double>& values) {
  model::Config c = base;
  for (std::size_t j = 0; j < dims.size(); ++j) c.params.set(dims[j].name, values[j]);
  return c;
}

model::Config apply_sample(const model::Config& base, const std::vector<Dimension>& dims,
                           const Sample& s) {
  model::Config c = with_values(base, dims, s.values);
  if (s.refit) c.params.set(s.fit.param, s.fit.value);
  return c;
}

namespace {

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

json design_json(std::size_t samples, std::uint64_t seed, bool refit,
                 const std::vector<Dimension>& dims) {
  return {{"samples", samples},
          {"seed", seed},
          {"design", "sobol (boost::random::sobol, digital shift from std::mt19937_64(seed))"},
          {"refit", refit ? fit_target_json() : json(nullptr)},
          {"dimensions", dimensions_json(dims)}};
}

}  // namespace ipistorm::study
