// stats.hpp: streaming statistics whose memory grows neither with the number
// of events nor with simulated time: a log-linear histogram for quantiles, a
// running mean, and per-window series (one value per window of simulated
// time, at most kMaxWindows of them) for time-weighted busy fractions and
// event rates.
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
//
// Memory stays flat in simulated time: the series holds at most
// `max_windows` slots (kMaxWindows by default). When a value lands beyond
// them, neighbouring windows are merged pairwise and the width doubles, as
// often as needed; sums stay exact, and peaks are then over the wider window
// (window() says which). A run of 1e7 s at 1 s windows keeps 39,063 slots of
// 256 s, not ten million.
//
// Adds land almost always in the window of the last one (the model's clock
// moves forward): that window's bounds are kept, so such an add is two
// compares and one sum, no division. The sums are the same, added in the
// same order, as without the shortcut.
class WindowSeries {
 public:
  static constexpr std::size_t kMaxWindows = 65536;  // 512 KiB of doubles
  explicit WindowSeries(SimTime window = kNsPerSec, std::size_t max_windows = kMaxWindows);
  // Add an interval [t0, t1) of busy time (summed, so several CPUs add up).
  void add_interval(SimTime t0, SimTime t1) {
    if (t0 >= cur_lo_ && t1 <= cur_hi_) {
      if (t1 > t0) values_[cur_] += static_cast<double>(t1 - t0);
      return;
    }
    add_interval_spanning(t0, t1);
  }
  // Add `n` events at time t.
  void add_count(SimTime t, double n = 1.0) {
    if (t >= cur_lo_ && t < cur_hi_) {
      values_[cur_] += n;
      return;
    }
    values_[slot_for(t)] += n;
  }
  // The start and the end of the window (of the current width) that holds
  // time t >= 0: what is added at times in [window_start(t), window_end(t))
  // lands in one window (one of the current width or, widened, one holding
  // it), whose sum add_count(t, sum) can add at once.
  SimTime window_start(SimTime t) const { return t / window_ * window_; }
  SimTime window_end(SimTime t) const {
    const SimTime lo = t / window_ * window_;
    return lo + (window_ < INT64_MAX - lo ? window_ : INT64_MAX - lo);
  }
  // Widen the windows, if needed, until [0, end) fits: the series of one run
  // covered to its end all have the same width.
  void cover(SimTime end);
  // The current window width: the configured one times a power of two.
  SimTime window() const { return window_; }
  const std::vector<double>& values() const { return values_; }
  // The busiest of the windows that lie fully within [0, end): its value
  // and the length (ns) it is over, the window width. The partial last
  // window is left out, so that a few nanoseconds of it cannot make a peak.
  // A run shorter than one window has only the partial one: its value over
  // its real length `end` (the peak is then the mean). {0, 0} when nothing
  // was recorded or end <= 0.
  struct Peak {
    double value = 0;
    SimTime length = 0;
  };
  Peak peak(SimTime end) const;
  double total() const;

 private:
  // Make slot i (a window of the current width) exist, widening first if
  // the slot for time t would lie beyond max_windows_. Returns its index.
  // It also makes slot i the current window.
  std::size_t slot_for(SimTime t);
  void add_interval_spanning(SimTime t0, SimTime t1);
  void merge_pairs();
  SimTime window_;
  std::size_t max_windows_;
  std::vector<double> values_;
  // The current window: slot cur_ = [cur_lo_, cur_hi_); empty until the first add.
  std::size_t cur_ = 0;
  SimTime cur_lo_ = 0, cur_hi_ = 0;
};

}  // namespace ipistorm::engine
