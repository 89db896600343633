// random.hpp: seeded random streams with distributions written here, not
// taken from <random>, whose distributions differ between standard libraries.
// Generator: xoshiro256** (Blackman & Vigna), seeded through splitmix64 from
// (seed, stream id), so each model component draws from its own stream and
// adding a draw in one component never shifts another's sequence.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/exp_ziggurat.hpp"

namespace ipistorm::engine {

inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t stream_id) {
    std::uint64_t x = seed ^ (0xd1b54a32d192ed03ULL * (stream_id + 1));
    for (auto& w : s_) w = splitmix64(x);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32
  // for the small n used here).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
  }

  // Exponential with the given mean (inverse transform).
  // 1 - u is exact (u is a multiple of 2^-53), so log() gives what log1p(-u)
  // does, at about half the cost (a draw per guest gap, per caller arrival).
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

  // The same distribution without a log() per draw, for the draws made per
  // drain target (Xen's wake jitter, dom0's page adds): a 256-layer
  // ziggurat (exp_ziggurat.hpp). One 64-bit draw gives the layer (low 8
  // bits) and a 53-bit integer j (high 53 bits); j * kW[layer] is the value
  // when it lies under the curve, 98.9 % of the draws. The rest,
  // exponential_rare(), takes the wedge test or the tail. A value above
  // kMaxStandardExponential is drawn again: the largest stays what the
  // inverse transform of a 53-bit uniform gives (model/costs.hpp bounds every
  // delay with it), a truncation of probability 2^-53.
  double fast_exponential(double mean) { return mean * standard_exponential(); }
  double standard_exponential() {
    const std::uint64_t u = next_u64();
    const auto i = static_cast<unsigned>(u & 0xff);
    const std::uint64_t j = u >> 11;
    if (j < ziggurat::kK[i]) return static_cast<double>(j) * ziggurat::kW[i];
    return exponential_rare(i, j);
  }
  // The wedge test of layer i (1..255): y < exp(-x), for x in the layer
  // ([x_(i-1), x_i)) and y in [f(x_i), f(x_(i-1))). exp(-x) is convex, so
  // the tangent at x_i lies below it and the chord over the layer above
  // it: y under the tangent accepts, y over the chord rejects, each with a
  // relative margin of 1e-12 (far above the bounds' rounding, a few 1e-16),
  // and exp() decides only the thin band between: 1.4 % of the wedge draws,
  // which are 2.2 % of all (2e7 draws of these tables simulated in numpy).
  // The decisions are exp()'s (test_random_stats.cpp checks).
  static bool wedge_accepts(unsigned i, double x, double y) {
    const double xi = ziggurat::kW[i] * 0x1.0p53;                  // x_i
    const double xa = i > 1 ? ziggurat::kW[i - 1] * 0x1.0p53 : 0;  // x_(i-1); x_0 = 0
    if (y < ziggurat::kF[i] * (1.0 + (xi - x)) * (1 - 1e-12)) return true;
    const double chord =
        ziggurat::kF[i - 1] + (ziggurat::kF[i] - ziggurat::kF[i - 1]) * ((x - xa) / (xi - xa));
    if (y >= chord * (1 + 1e-12)) return false;
    return y < std::exp(-x);
  }
  // 53 ln 2: -log(2^-53), the largest standard exponential drawn.
  static constexpr double kMaxStandardExponential = 36.7368005696771013991;

  // Standard normal (Box-Muller, one value per call for simplicity).
  double normal() {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Poisson with the given mean: Knuth's product method below 30, a rounded
  // normal approximation above (adequate for page counts, which are capped).
  std::uint64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30.0) {
      const double limit = std::exp(-mean);
      double p = uniform();
      std::uint64_t k = 0;
      while (p > limit) {
        ++k;
        p *= uniform();
      }
      return k;
    }
    const double v = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // standard_exponential() past its first test: layer i, integer j.
  [[gnu::noinline]] double exponential_rare(unsigned i, std::uint64_t j) {
    for (;;) {
      if (i == 0) {
        // The tail beyond r: r plus a standard exponential (memoryless).
        const double x = ziggurat::kR - std::log(1.0 - uniform());
        if (x <= kMaxStandardExponential) return x;
      } else {
        // The wedge of layer i between the curve and the rectangle below:
        // a uniform height in [f(x_i), f(x_(i-1))) under exp(-x) accepts x.
        const double x = static_cast<double>(j) * ziggurat::kW[i];
        const double y = ziggurat::kF[i] + uniform() * (ziggurat::kF[i - 1] - ziggurat::kF[i]);
        if (wedge_accepts(i, x, y)) return x;
      }
      const std::uint64_t u = next_u64();
      i = static_cast<unsigned>(u & 0xff);
      j = u >> 11;
      if (j < ziggurat::kK[i]) return static_cast<double>(j) * ziggurat::kW[i];
    }
  }
  std::uint64_t s_[4];
};

}  // namespace ipistorm::engine
