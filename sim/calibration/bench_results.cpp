// bench_results.cpp
#include "calibration/bench_results.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "errors.hpp"
#include "io/json.hpp"

namespace ipistorm::calibration {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double BenchRecord::median_us() const { return median(real_time_us); }

namespace {
double cv_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return mean > 0 ? sd / mean : 0;
}
}  // namespace

double BenchRecord::cv() const { return cv_of(real_time_us); }
double BenchRecord::raw_cv() const { return cv_of(raw_real_time_us); }

std::optional<double> BenchRecord::counter_median(const std::string& counter) const {
  auto it = counters.find(counter);
  if (it == counters.end() || it->second.empty()) return std::nullopt;
  return median(it->second);
}

std::optional<std::string> BenchRecord::label_field(const std::string& key) const {
  std::istringstream in(label);
  std::string tok;
  while (in >> tok)
    if (tok.rfind(key + "=", 0) == 0) return tok.substr(key.size() + 1);
  return std::nullopt;
}

const BenchRecord* BenchResults::find(const std::string& name) const {
  auto it = records.find(name);
  if (it == records.end() || it->second.skipped || it->second.real_time_us.empty()) return nullptr;
  return &it->second;
}

std::vector<const BenchRecord*> BenchResults::with_prefix(const std::string& prefix) const {
  std::vector<const BenchRecord*> out;
  for (const auto& [name, r] : records)
    if (name.rfind(prefix, 0) == 0) out.push_back(&r);
  return out;
}

namespace {

constexpr double kMaxRealTimeUs = 1e7;  // 10 s per operation
constexpr double kMaxCounter = 1e12;
// Fewer voluntary context switches per operation than this: the benchmark
// thread does not sleep in its operation (a few per repetition are the
// timer and the library's own bookkeeping).
constexpr double kNeverSleeps = 0.01;

double to_us(double v, const std::string& unit) {
  if (unit == "ns") return v / 1e3;
  if (unit == "us") return v;
  if (unit == "ms") return v * 1e3;
  if (unit == "s") return v * 1e6;
  throw InputError("benchmark JSON has an unknown time_unit '" + unit + "'");
}

// Keys of a Google Benchmark 1.7 run object that are not user counters.
const std::set<std::string>& standard_keys() {
  static const std::set<std::string> k = {"name",
                                          "family_index",
                                          "per_family_instance_index",
                                          "run_name",
                                          "run_type",
                                          "repetitions",
                                          "repetition_index",
                                          "threads",
                                          "iterations",
                                          "real_time",
                                          "cpu_time",
                                          "time_unit",
                                          "aggregate_name",
                                          "aggregate_unit",
                                          "label",
                                          "error_occurred",
                                          "error_message",
                                          "bytes_per_second",
                                          "items_per_second"};
  return k;
}

// Google Benchmark writes NaN and Infinity bare (e.g. the CV of a counter
// that is 0 in every repetition); JSON has no such literals. Outside
// strings, turn them into null so that a strict parser reads the file.
std::string json_without_nan(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    std::size_t j = i + (c == '-' || c == '+' ? 1 : 0);
    bool replaced = false;
    for (const char* word : {"NaN", "Infinity", "nan", "inf"}) {
      const std::size_t n = std::char_traits<char>::length(word);
      if (text.compare(j, n, word) == 0) {
        out += "null";
        i = j + n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

std::string strip_real_time(std::string n) {
  const std::string suffix = "/real_time";
  if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
    n.erase(n.size() - suffix.size());
  return n;
}

// A number of a benchmark row: finite, in [lo, hi] (lo excluded when
// `open_lo`), else the one-line reason.
double checked_number(const nlohmann::json& v, const std::string& origin, const std::string& bench,
                      const std::string& key, double lo, bool open_lo, double hi) {
  if (v.is_null())
    throw InputError("benchmark results '" + origin + "': " + bench + " has " + key +
                     " NaN or infinite");
  if (!v.is_number() || v.is_boolean())
    throw InputError("benchmark results '" + origin + "': " + bench + " has " + key + " " +
                     show_value(v) + ", want a number");
  const double x = v.get<double>();
  if (!std::isfinite(x) || (open_lo ? !(x > lo) : !(x >= lo)) || !(x <= hi)) {
    char range[96];
    std::snprintf(range, sizeof range, "%s%g, %g]", open_lo ? "(" : "[", lo, hi);
    throw InputError("benchmark results '" + origin + "': " + bench + " has " + key + " " +
                     show_value(v) + ", outside " + range);
  }
  return x;
}

const nlohmann::json* optional_key(const nlohmann::json& b, const char* key,
                                   nlohmann::json::value_t want, const std::string& origin,
                                   const std::string& bench) {
  auto it = b.find(key);
  if (it == b.end()) return nullptr;
  if (it->type() != want)
    throw InputError("benchmark results '" + origin + "': " + bench + " has \"" + key + "\" " +
                     show_value(*it) + " of the wrong type (want a " +
                     nlohmann::json(want).type_name() + ")");
  return &*it;
}

}  // namespace

nlohmann::json parse_json_text(const std::string& text, const std::string& what) {
  return io::parse_json(text, what);  // the one checked JSON parser
}

BenchResults parse_bench_results(const std::string& text, const std::string& origin) {
  const nlohmann::json j =
      parse_json_text(json_without_nan(text), "benchmark results '" + origin + "'");
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    throw InputError("'" + origin + "' is not Google Benchmark JSON (no \"benchmarks\" array)");
  BenchResults r;
  r.path = origin;
  if (j.contains("context")) {
    if (!j["context"].is_object())
      throw InputError("benchmark results '" + origin + "': \"context\" is not an object");
    r.context = j["context"];
  } else {
    r.context = nlohmann::json::object();
  }
  using vt = nlohmann::json::value_t;
  std::size_t index = 0;
  // (name, repetition_index): a repetition given twice is two runs in one
  // file (e.g. two bench.json files joined), whose numbers would be mixed.
  std::set<std::pair<std::string, std::int64_t>> repetitions_seen;
  for (const auto& b : j["benchmarks"]) {
    const std::string at = "benchmarks[" + std::to_string(index++) + "]";
    if (!b.is_object())
      throw InputError("benchmark results '" + origin + "': " + at + " is not an object");
    const auto* name_v = optional_key(b, "name", vt::string, origin, at);
    if (!name_v) throw InputError("benchmark results '" + origin + "': " + at + " has no \"name\"");
    const auto* run_type = optional_key(b, "run_type", vt::string, origin, at);
    if (run_type && *run_type != "iteration") continue;  // aggregates: recomputed here
    const auto* run_name = optional_key(b, "run_name", vt::string, origin, at);
    const std::string name =
        strip_real_time(run_name ? run_name->get<std::string>() : name_v->get<std::string>());
    if (name.empty())
      throw InputError("benchmark results '" + origin + "': " + at + " has an empty name");
    if (const auto ri = b.find("repetition_index");
        ri != b.end() && ri->is_number_integer() &&
        !repetitions_seen.insert({name, ri->get<std::int64_t>()}).second)
      throw InputError("benchmark results '" + origin + "': " + name + " repetition " +
                       std::to_string(ri->get<std::int64_t>()) +
                       " appears twice (two runs in one file?); give each repetition once");
    const auto* err = optional_key(b, "error_occurred", vt::boolean, origin, name);
    const auto* msg = optional_key(b, "error_message", vt::string, origin, name);
    const auto* label = optional_key(b, "label", vt::string, origin, name);
    const auto* unit = optional_key(b, "time_unit", vt::string, origin, name);
    BenchRecord& rec = r.records[name];
    rec.name = name;
    if (err && err->get<bool>()) {
      rec.skipped = true;
      rec.skip_reason = msg ? msg->get<std::string>() : "";
      continue;
    }
    if (rec.label.empty() && label) rec.label = label->get<std::string>();
    if (b.contains("iterations"))
      checked_number(b["iterations"], origin, name, "iterations", 1, false, 1e15);
    if (!b.contains("real_time"))
      throw InputError("benchmark results '" + origin + "': " + name + " has no real_time");
    // Per operation: above 0, and at most 10 s (the slowest benchmark here
    // takes well under a millisecond; more is a broken file, not a time).
    const std::string u = unit ? unit->get<std::string>() : "ns";
    const double us = to_us(checked_number(b["real_time"], origin, name, "real_time", 0, true,
                                           kMaxRealTimeUs / to_us(1, u)),
                            u);
    if (b.contains("cpu_time"))
      checked_number(b["cpu_time"], origin, name, "cpu_time", 0, false,
                     kMaxRealTimeUs / to_us(1, u));
    for (const auto& [key, v] : b.items()) {
      if (standard_keys().count(key)) continue;
      // User counters (ipis_per_op, wake_call_ns, ...): counts and times per
      // operation, never negative; NaN/Infinity was written as a bare word.
      if (v.is_string() || v.is_object() || v.is_array())
        throw InputError("benchmark results '" + origin + "': " + name + " has counter " + key +
                         " " + show_value(v) + ", want a number");
      rec.counters[key].push_back(checked_number(v, origin, name, key, 0, false, kMaxCounter));
    }
    // Time the benchmark thread was runnable but not running is not the
    // operation's when the thread never slept (then another process had its
    // CPU; a thread that sleeps also waits to be woken, which is part of
    // the operation): taken out of the real time and, in proportion, of the
    // split counters (mlock_ns, munlock_ns) timed on that thread in the loop.
    double op_us = us;
    const auto d = b.find("run_delay_ns_per_op");
    const auto sl = b.find("sleeps_per_op");
    if (d != b.end() && d->is_number() && sl != b.end() && sl->is_number() &&
        sl->get<double>() < kNeverSleeps) {
      const double delay_us = d->get<double>() / 1e3;
      if (delay_us < us) {
        op_us = us - delay_us;
        for (const char* split : {"mlock_ns", "munlock_ns"})
          if (b.contains(split)) rec.counters[split].back() *= op_us / us;
      }
    }
    rec.raw_real_time_us.push_back(us);
    rec.real_time_us.push_back(op_us);
  }
  return r;
}

BenchResults read_bench_results(const std::string& path) {
  return parse_bench_results(read_input_file(path, "benchmark results"), path);
}

}  // namespace ipistorm::calibration
