// test_random_stats.cpp: seeded streams and streaming statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/random.hpp"
#include "engine/stats.hpp"

using ipistorm::engine::Histogram;
using ipistorm::engine::RandomStream;
using ipistorm::engine::WindowSeries;
namespace ziggurat = ipistorm::engine::ziggurat;

TEST(Random, SameSeedAndStreamGiveSameSequence) {
  RandomStream a(42, 3), b(42, 3);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Random, StreamsAndSeedsDiffer) {
  RandomStream a(42, 3), b(42, 4), c(43, 3);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_u64();
    same_ab += x == b.next_u64();
    same_ac += x == c.next_u64();
  }
  EXPECT_EQ(same_ab, 0);
  EXPECT_EQ(same_ac, 0);
}

TEST(Random, KnownFirstValuesPinTheGenerator) {
  // Pins the generator and seeding: a change here changes every result file.
  RandomStream r(1, 0);
  const std::uint64_t first = r.next_u64();
  RandomStream again(1, 0);
  EXPECT_EQ(again.next_u64(), first);
  EXPECT_NE(first, 0u);
}

TEST(Random, DistributionsHaveTheirMeans) {
  RandomStream r(7, 1);
  const int n = 200000;
  double su = 0, se = 0, sp = 0, sp_big = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    se += r.exponential(5.0);
    sp += static_cast<double>(r.poisson(3.0));
    sp_big += static_cast<double>(r.poisson(50.0));
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 0.01);
  EXPECT_NEAR(se / n, 5.0, 0.1);
  EXPECT_NEAR(sp / n, 3.0, 0.05);
  EXPECT_NEAR(sp_big / n, 50.0, 0.3);
  EXPECT_NEAR(sn / n, 0.0, 0.02);
  EXPECT_NEAR(sn2 / n, 1.0, 0.02);
}

// fast_exponential() is a ziggurat (engine/exp_ziggurat.hpp), not the
// inverse transform of exponential(): the same distribution, tested on a
// million draws of one seeded stream (the figures are fixed by the seed; the
// bounds are the tests' critical values at 0.1 %, or 5 standard errors).
TEST(Random, ExponentialIsTheExponentialDistribution) {
  RandomStream r(11, 5);
  const int n = 1000000;
  std::vector<double> x(static_cast<std::size_t>(n));
  double sum = 0, sum2 = 0;
  int beyond_r = 0, beyond_10 = 0;
  for (double& v : x) {
    v = r.standard_exponential();
    ASSERT_GE(v, 0.0);
    ASSERT_LE(v, RandomStream::kMaxStandardExponential);
    sum += v;
    sum2 += v * v;
    beyond_r += v > ipistorm::engine::ziggurat::kR;  // drawn in the tail
    beyond_10 += v > 10.0;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 1.0, 0.005);  // standard error 0.001
  EXPECT_NEAR(var, 1.0, 0.015);   // standard error 0.0028
  // P(X > r) = exp(-r) = 4.54e-4: 454 +- 21 expected; P(X > 10): 45 +- 7.
  EXPECT_NEAR(beyond_r, n * std::exp(-ipistorm::engine::ziggurat::kR), 105);
  EXPECT_NEAR(beyond_10, n * std::exp(-10.0), 34);
  // Kolmogorov-Smirnov against 1 - exp(-x): D < 1.949 / sqrt(n) at 0.1 %.
  std::sort(x.begin(), x.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double f = 1.0 - std::exp(-x[static_cast<std::size_t>(i)]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(d, 1.949 / std::sqrt(static_cast<double>(n)));
  // Chi-square over 200 bins of equal probability (the layers' edges lie
  // across them): 199 degrees of freedom, 260.6 at 0.1 %.
  const int bins = 200;
  std::vector<int> count(bins, 0);
  for (double v : x) {
    const double u = 1.0 - std::exp(-v);  // uniform when v is exponential
    ++count[std::min(bins - 1, static_cast<int>(u * bins))];
  }
  double chi2 = 0;
  const double want = static_cast<double>(n) / bins;
  for (int c : count) chi2 += (c - want) * (c - want) / want;
  EXPECT_LT(chi2, 260.6);
  // The mean scales.
  RandomStream s(11, 5), t(11, 5);
  EXPECT_EQ(s.fast_exponential(2.5), 2.5 * t.standard_exponential());
}

// The wedge test's squeezes (RandomStream::wedge_accepts) decide as
// y < exp(-x) does, for draws all over every layer and at its edges.
TEST(Random, WedgeSqueezesDecideAsExpDoes) {
  RandomStream r(11, 3);
  std::size_t n = 0;
  for (unsigned i = 1; i < 256; ++i) {
    const double lo = ziggurat::kK[i] * ziggurat::kW[i];  // about x_(i-1)
    const double hi = ziggurat::kW[i] * 0x1.0p53;         // x_i
    for (int k = 0; k < 4000; ++k) {
      // x over the layer (its ends included), y over the wedge's height,
      // some y placed within 1e-9 of exp(-x), where a loose squeeze would err
      const double x = k == 0 ? lo : k == 1 ? std::nextafter(hi, 0) : lo + r.uniform() * (hi - lo);
      const double e = std::exp(-x);
      const double y =
          k % 3 == 2 ? e * (1 + (r.uniform() - 0.5) * 2e-9)
                     : ziggurat::kF[i] + r.uniform() * (ziggurat::kF[i - 1] - ziggurat::kF[i]);
      ASSERT_EQ(RandomStream::wedge_accepts(i, x, y), y < e) << "layer " << i << " x " << x;
      ++n;
    }
  }
  EXPECT_GT(n, 1000000u);
}

TEST(Random, BelowStaysInRange) {
  RandomStream r(9, 9);
  int hits[5] = {};
  for (int i = 0; i < 5000; ++i) ++hits[r.below(5)];
  for (int h : hits) EXPECT_GT(h, 800);
}

TEST(Stats, HistogramQuantilesWithinOnePercent) {
  Histogram h;
  for (int v = 1; v <= 100000; ++v) h.add(v);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_DOUBLE_EQ(h.mean(), 50000.5);
  EXPECT_NEAR(h.quantile(0.5), 50000, 500);
  EXPECT_NEAR(h.quantile(0.99), 99000, 990);
  EXPECT_EQ(h.quantile(0.0), 1.0);
  EXPECT_EQ(h.quantile(1.0), 100000.0);
}

TEST(Stats, HistogramSmallValuesAreExact) {
  Histogram h;
  for (int v : {3, 3, 3, 7}) h.add(v);
  EXPECT_EQ(h.quantile(0.5), 3.0);
  EXPECT_EQ(h.quantile(1.0), 7.0);
  EXPECT_EQ(h.min(), 3);
  EXPECT_EQ(h.max(), 7);
}

namespace {
// A peak's value per nanosecond of the length it is over.
double per_ns(const WindowSeries::Peak& p) { return p.value / static_cast<double>(p.length); }
}  // namespace

TEST(Stats, WindowSeriesSplitsIntervalsAtEdges) {
  WindowSeries w(100);
  w.add_interval(50, 250);  // 50 in window 0, 100 in 1, 50 in 2
  w.add_interval(90, 110);  // 10 in 0, 10 in 1
  ASSERT_EQ(w.values().size(), 3u);
  EXPECT_EQ(w.values()[0], 60);
  EXPECT_EQ(w.values()[1], 110);
  EXPECT_EQ(w.values()[2], 50);
  EXPECT_EQ(w.total(), 220);
  // Peak over the windows fully inside [0, 250): windows 0 and 1, per ns.
  EXPECT_DOUBLE_EQ(per_ns(w.peak(250)), 1.1);
  // The partial window 2 is left out even when it is the busiest.
  w.add_interval(200, 250);  // window 2: 100 busy ns in 50
  EXPECT_DOUBLE_EQ(per_ns(w.peak(250)), 1.1);
}

TEST(Stats, ARunShorterThanOneWindowPeaksAtItsMean) {
  // Two CPUs and a bit busy over a 40-ns run of 100-ns windows: the peak
  // is 212.5 %, the mean, not the 85 % that dividing by the full width gave
  // (the "mean 162 % but peak 41 %").
  WindowSeries w(100);
  w.add_interval(0, 40);
  w.add_interval(0, 40);
  w.add_interval(10, 15);
  ASSERT_EQ(w.values().size(), 1u);
  const double mean = w.total() / 40.0;
  EXPECT_DOUBLE_EQ(per_ns(w.peak(40)), mean);
  EXPECT_DOUBLE_EQ(per_ns(w.peak(40)), 2.125);
  const WindowSeries::Peak none = WindowSeries(100).peak(40);  // nothing recorded
  EXPECT_EQ(none.value, 0.0);
  EXPECT_EQ(none.length, 0);
}

TEST(Stats, WindowSeriesMemoryIsBoundedInSimulatedTime) {
  // 1e7 s of 1 s windows: the old series held ten million slots (428 MB
  // over a run's series); this one merges pairs and keeps at most 65536.
  WindowSeries busy(ipistorm::engine::kNsPerSec);
  WindowSeries ipis(ipistorm::engine::kNsPerSec);
  const ipistorm::engine::SimTime s = ipistorm::engine::kNsPerSec;
  const ipistorm::engine::SimTime end = 10'000'000 * s;
  double busy_ns = 0;
  std::size_t most = 0;
  for (ipistorm::engine::SimTime t = 0; t < end; t += 997 * s) {
    busy.add_interval(t, t + s / 2);  // half a second busy every 997 s
    busy_ns += static_cast<double>(s / 2);
    ipis.add_count(t, 3);
    most = std::max(most, busy.values().size());
  }
  busy.cover(end);
  ipis.cover(end);
  EXPECT_LE(most, WindowSeries::kMaxWindows);
  EXPECT_EQ(busy.window(), 256 * s);  // the smallest power-of-two width that fits
  EXPECT_EQ(busy.values().size(), 39063u);
  EXPECT_EQ(ipis.window(), busy.window());  // covered to one end: one width
  EXPECT_EQ(ipis.values().size(), busy.values().size());
  EXPECT_EQ(busy.total(), busy_ns);  // merging is exact
  // The peak over 256-s windows: at most one burst falls in each.
  EXPECT_DOUBLE_EQ(per_ns(busy.peak(end)), 0.5 / 256.0);
  EXPECT_DOUBLE_EQ(per_ns(ipis.peak(end)) * 1e9, 3.0 / 256.0);
}

TEST(Stats, WindowSeriesMergesNeighboursWhenFull) {
  WindowSeries w(10, 4);  // four slots of 10 ns
  for (int t = 0; t < 40; ++t) w.add_count(t);
  EXPECT_EQ(w.window(), 10);
  ASSERT_EQ(w.values().size(), 4u);
  w.add_count(45, 5);  // beyond the fourth slot: pairs merge, 20-ns windows
  EXPECT_EQ(w.window(), 20);
  EXPECT_EQ(w.values(), (std::vector<double>{20, 20, 5}));
  w.add_interval(0, 200);  // to 200 ns: 80-ns windows, the sum split exactly
  EXPECT_EQ(w.window(), 80);
  EXPECT_EQ(w.values(), (std::vector<double>{125, 80, 40}));
  EXPECT_EQ(w.total(), 245);
}

TEST(Stats, WindowSeriesCountsEvents) {
  WindowSeries w(1000);
  for (int t = 0; t < 3000; t += 10) w.add_count(t);
  ASSERT_EQ(w.values().size(), 3u);
  EXPECT_EQ(w.values()[1], 100);
}
