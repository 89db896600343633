// stats.cpp: histogram bucketing and window accumulation.
#include "engine/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ipistorm::engine {

std::size_t Histogram::bucket_of(std::int64_t v) {
  if (v < 0) v = 0;
  const auto u = static_cast<std::uint64_t>(v);
  constexpr std::uint64_t sub = 1ULL << kSubBits;
  if (u < sub) return static_cast<std::size_t>(u);
  const int msb = 63 - __builtin_clzll(u);  // >= kSubBits
  const int shift = msb - kSubBits;
  const std::uint64_t mantissa = (u >> shift) - sub;  // 0..sub-1
  return static_cast<std::size_t>((static_cast<std::uint64_t>(shift + 1) << kSubBits) + mantissa);
}

double Histogram::bucket_lo(std::size_t b) {
  constexpr std::size_t sub = std::size_t{1} << kSubBits;
  if (b < sub) return static_cast<double>(b);
  const std::size_t shift = (b >> kSubBits) - 1;
  const std::size_t mantissa = b & (sub - 1);
  return std::ldexp(static_cast<double>(sub + mantissa), static_cast<int>(shift));
}

double Histogram::bucket_width(std::size_t b) {
  constexpr std::size_t sub = std::size_t{1} << kSubBits;
  if (b < sub) return 1.0;
  return std::ldexp(1.0, static_cast<int>((b >> kSubBits) - 1));
}

double Histogram::bucket_mid(std::size_t b) { return bucket_lo(b) + (bucket_width(b) - 1.0) / 2.0; }

void Histogram::add(std::int64_t v) {
  const std::size_t b = bucket_of(v);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  ++count_;
  sum_ += static_cast<double>(v);
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

double Histogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the q-quantile, 1-based (nearest-rank definition).
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) {
      // Clamp to observed extremes so p0/p100 are exact.
      return std::clamp(bucket_mid(b), static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

WindowSeries::WindowSeries(SimTime window, std::size_t max_windows)
    : window_(window), max_windows_(std::max<std::size_t>(max_windows, 2)) {}

void WindowSeries::merge_pairs() {
  const std::size_t n = values_.size();
  for (std::size_t i = 0; i < n / 2; ++i) values_[i] = values_[2 * i] + values_[2 * i + 1];
  if (n % 2) values_[n / 2] = values_[n - 1];
  values_.resize((n + 1) / 2);
  window_ *= 2;
  cur_lo_ = cur_hi_ = 0;  // the current window's bounds changed
}

std::size_t WindowSeries::slot_for(SimTime t) {
  while (static_cast<std::size_t>(t / window_) >= max_windows_) merge_pairs();
  const auto i = static_cast<std::size_t>(t / window_);
  if (i >= values_.size()) values_.resize(i + 1, 0.0);
  cur_ = i;
  cur_lo_ = static_cast<SimTime>(i) * window_;
  cur_hi_ = cur_lo_ + std::min(window_, INT64_MAX - cur_lo_);
  return i;
}

void WindowSeries::add_interval_spanning(SimTime t0, SimTime t1) {
  if (t1 <= t0) return;
  slot_for(t1 - 1);  // widen first: the loop below then stays within the slots
  auto w = static_cast<std::size_t>(t0 / window_);
  while (t0 < t1) {
    const SimTime edge = static_cast<SimTime>(w + 1) * window_;
    const SimTime end = std::min(edge, t1);
    values_[w] += static_cast<double>(end - t0);
    t0 = end;
    ++w;
  }
}

void WindowSeries::cover(SimTime end) {
  if (end > 0) slot_for(end - 1);
}

WindowSeries::Peak WindowSeries::peak(SimTime end) const {
  if (end <= 0 || values_.empty()) return {};
  const auto full = static_cast<std::size_t>(end / window_);
  if (full == 0) return {values_[0], end};
  double best = 0.0;
  for (std::size_t i = 0; i < values_.size() && i < full; ++i) best = std::max(best, values_[i]);
  return {best, window_};
}

double WindowSeries::total() const {
  double s = 0;
  for (double v : values_) s += v;
  return s;
}

}  // namespace ipistorm::engine
