// bench_results.cpp
#include "calibration/bench_results.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "errors.hpp"

namespace ipistorm::calibration {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double BenchRecord::median_us() const { return median(real_time_us); }

double BenchRecord::cv() const {
  if (real_time_us.size() < 2) return 0;
  double mean = 0;
  for (double x : real_time_us) mean += x;
  mean /= static_cast<double>(real_time_us.size());
  double ss = 0;
  for (double x : real_time_us) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(real_time_us.size() - 1));
  return mean > 0 ? sd / mean : 0;
}

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

}  // namespace

BenchResults read_bench_results(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read benchmark results '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_without_nan(text.str()));
  } catch (const nlohmann::json::exception&) {
    throw InputError("benchmark results '" + path + "' are not valid JSON");
  }
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    throw InputError("'" + path + "' is not Google Benchmark JSON (no \"benchmarks\" array)");
  BenchResults r;
  r.path = path;
  r.context = j.value("context", nlohmann::json::object());
  for (const auto& b : j["benchmarks"]) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) continue;
    if (b.value("run_type", "iteration") != "iteration") continue;
    const std::string name = strip_real_time(b.contains("run_name") && b["run_name"].is_string()
                                                 ? b["run_name"].get<std::string>()
                                                 : b["name"].get<std::string>());
    BenchRecord& rec = r.records[name];
    rec.name = name;
    if (b.value("error_occurred", false)) {
      rec.skipped = true;
      rec.skip_reason = b.value("error_message", "");
      continue;
    }
    if (rec.label.empty()) rec.label = b.value("label", "");
    if (b.contains("real_time") && b["real_time"].is_number())
      rec.real_time_us.push_back(to_us(b["real_time"].get<double>(), b.value("time_unit", "ns")));
    for (const auto& [key, v] : b.items())
      if (v.is_number() && !standard_keys().count(key))
        rec.counters[key].push_back(v.get<double>());
  }
  return r;
}

}  // namespace ipistorm::calibration
