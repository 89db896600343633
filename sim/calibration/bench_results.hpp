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

#include "io/files.hpp"
#include "io/json.hpp"

namespace ipistorm::calibration {

struct BenchRecord {
  std::string name;  // run name without "/real_time"
  // One per repetition: real time per operation less the benchmark
  // thread's run delay per operation (run_delay_ns_per_op, when the run has
  // it and the thread never slept, sleeps_per_op < 0.01: time another
  // process held its CPU), and the real time as recorded.
  std::vector<double> real_time_us;
  std::vector<double> raw_real_time_us;
  std::map<std::string, std::vector<double>> counters;
  std::string label;
  bool skipped = false;
  std::string skip_reason;

  double median_us() const;
  // Coefficient of variation of the repetitions (0 for one), of real_time_us.
  double cv() const;
  // The same of the times as recorded (before the run delay was taken out).
  double raw_cv() const;
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

// Google Benchmark JSON text (from `origin`, named in messages) read back.
// Throws InputError, one line naming the benchmark and key, when the text
// is not JSON (a number such as 1e400 included), not a Google Benchmark
// output, or an iteration row has a wrong type (name, run_name, run_type,
// label, time_unit, error_message not strings; error_occurred not a bool;
// a counter not a number), a real_time that is missing, zero, negative,
// NaN/Infinity or above 10 s per operation, or a counter that is negative,
// non-finite or above 1e12. Nothing is read from a file here: the entry
// point of the fuzz harness.
BenchResults parse_bench_results(const std::string& text, const std::string& origin);
// The same on a file: a regular file of at most 64 MiB (a FIFO, a device
// or a directory is refused before it is opened for reading).
BenchResults read_bench_results(const std::string& path);

// A JSON value in a message (io/json.hpp).
using io::show_value;

// JSON text; InputError "<what> is not valid JSON (<reason>)" otherwise.
nlohmann::json parse_json_text(const std::string& text, const std::string& what);

// The text of an input file of the lab commands, with the checks above (the
// one checked reader, sim/io/files.hpp).
using io::read_input_file;

double median(std::vector<double> v);

}  // namespace ipistorm::calibration
