// stats.hpp: streaming statistics whose memory does not grow with the number
// of events: a log-linear histogram for quantiles, a running mean, and
// per-window series (one value per fixed window of simulated time) for
// time-weighted busy fractions and event rates.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/simulator.hpp"

namespace ipistorm::engine {

// Quantiles of non-negative integer samples with < 1% relative error:
// 128 linear sub-buckets per power of two (HdrHistogram's layout).
class Histogram {
 public:
  void add(std::int64_t v);
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  // q in [0, 1]; returns the midpoint of the bucket holding the q-quantile.
  double quantile(double q) const;
  // The log-linear buckets: counts by index, and each index's [lo, lo + width).
  const std::vector<std::uint64_t>& buckets() const { return buckets_; }
  static double bucket_lo(std::size_t b);
  static double bucket_width(std::size_t b);

 private:
  static constexpr int kSubBits = 7;
  static std::size_t bucket_of(std::int64_t v);
  static double bucket_mid(std::size_t b);
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
};

// A quantity accumulated per window of simulated time (default 1 s): busy
// nanoseconds split exactly across window edges, or event counts.
class WindowSeries {
 public:
  explicit WindowSeries(SimTime window = kNsPerSec) : window_(window) {}
  // Add an interval [t0, t1) of busy time (summed, so several CPUs add up).
  void add_interval(SimTime t0, SimTime t1);
  // Add `n` events at time t.
  void add_count(SimTime t, double n = 1.0);
  SimTime window() const { return window_; }
  const std::vector<double>& values() const { return values_; }
  // Largest value over the windows that lie fully within [0, end).
  double peak(SimTime end) const;
  double total() const;

 private:
  double& slot(std::size_t i) {
    if (i >= values_.size()) values_.resize(i + 1, 0.0);
    return values_[i];
  }
  SimTime window_;
  std::vector<double> values_;
};

}  // namespace ipistorm::engine
