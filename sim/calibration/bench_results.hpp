// bench_results.hpp: a lab run's ipistorm-bench JSON (Google Benchmark
// format) read back as one record per benchmark: its repetitions' real
// times and counters, its label and whether it was skipped. Aggregate rows
// (mean, median, stddev, cv) are ignored; medians are recomputed from the
// repetitions so that a run with any repetition count reads the same way.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ipistorm::calibration {

struct BenchRecord {
  std::string name;                  // run name without "/real_time"
  std::vector<double> real_time_us;  // one per repetition
  std::map<std::string, std::vector<double>> counters;
  std::string label;
  bool skipped = false;
  std::string skip_reason;

  double median_us() const;
  // Coefficient of variation of the repetitions (0 for one).
  double cv() const;
  std::optional<double> counter_median(const std::string& counter) const;
  // "key=value" token of the label, e.g. label_field("targets") -> "1,2".
  std::optional<std::string> label_field(const std::string& key) const;
};

struct BenchResults {
  std::string path;
  nlohmann::json context;
  std::map<std::string, BenchRecord> records;  // by name

  // A record that ran (not skipped) with at least one repetition; else null.
  const BenchRecord* find(const std::string& name) const;
  // Records whose name starts with `prefix`, in name order.
  std::vector<const BenchRecord*> with_prefix(const std::string& prefix) const;
};

// Throws InputError when the file is missing, not JSON, or not a Google
// Benchmark output.
BenchResults read_bench_results(const std::string& path);

double median(std::vector<double> v);

}  // namespace ipistorm::calibration
