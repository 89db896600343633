// bench_flags.cpp: the Google Benchmark 1.7.1 flags (src/benchmark.cc,
// BM_DEFINE_*) with their types and the ranges ipistorm-bench accepts.
#include "bench_flags.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace ipistorm::bench {
namespace {

enum class Kind {
  kBool,
  kString,
  kNonEmpty,
  kSeconds,
  kWarmup,
  kRepetitions,
  kFormat,
  kColor,
  kContext,
  kTimeUnit,
  kVerbosity
};

struct FlagSpec {
  const char* name;
  Kind kind;
};

constexpr FlagSpec kFlags[] = {
    {"benchmark_list_tests", Kind::kBool},
    {"benchmark_filter", Kind::kString},
    {"benchmark_min_time", Kind::kSeconds},
    {"benchmark_min_warmup_time", Kind::kWarmup},
    {"benchmark_repetitions", Kind::kRepetitions},
    {"benchmark_enable_random_interleaving", Kind::kBool},
    {"benchmark_report_aggregates_only", Kind::kBool},
    {"benchmark_display_aggregates_only", Kind::kBool},
    {"benchmark_format", Kind::kFormat},
    {"benchmark_out_format", Kind::kFormat},
    {"benchmark_out", Kind::kNonEmpty},
    {"benchmark_color", Kind::kColor},
    {"benchmark_counters_tabular", Kind::kBool},
    {"benchmark_perf_counters", Kind::kString},
    {"benchmark_context", Kind::kContext},
    {"benchmark_time_unit", Kind::kTimeUnit},
    {"v", Kind::kVerbosity},
};

bool is_bool(std::string_view v) {
  for (const char* w : {"true", "false", "yes", "no", "on", "off", "1", "0"})
    if (v == w) return true;
  return false;
}

// A whole number in [lo, hi], digits only (an optional leading '-').
bool whole_in(const std::string& v, long lo, long hi) {
  if (v.empty() || v.size() > 12) return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!(v[i] >= '0' && v[i] <= '9') && !(i == 0 && v[i] == '-' && v.size() > 1)) return false;
  const long n = std::strtol(v.c_str(), nullptr, 10);
  return n >= lo && n <= hi;
}

// A finite decimal in [lo, hi] (lo itself excluded when `open_lo`).
bool seconds_in(const std::string& v, double lo, bool open_lo, double hi) {
  if (v.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(x)) return false;
  return (open_lo ? x > lo : x >= lo) && x <= hi;
}

bool context_ok(const std::string& v) {
  if (v.empty()) return false;
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t comma = std::min(v.find(',', start), v.size());
    const std::string kv = v.substr(start, comma - start);
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    start = comma + 1;
  }
  return true;
}

std::string bad(const std::string& arg, const std::string& accepted) {
  return "bad flag '" + arg + "': " + accepted;
}

}  // namespace

std::string check_benchmark_flag(const std::string& arg) {
  // Google Benchmark parses "--name=value" only; anything else that is left
  // over is reported by benchmark::ReportUnrecognizedArguments.
  if (arg.rfind("--", 0) != 0) return "";
  const std::string body = arg.substr(2);
  const std::size_t eq = body.find('=');
  const std::string name = body.substr(0, eq);
  const bool has_value = eq != std::string::npos;
  const std::string value = has_value ? body.substr(eq + 1) : "";
  if (name.rfind("benchmark_", 0) != 0 && name != "v") return "";
  for (const FlagSpec& f : kFlags) {
    if (name != f.name) continue;
    if (!has_value && f.kind != Kind::kBool) return bad(arg, "needs a value (--" + name + "=...)");
    switch (f.kind) {
      case Kind::kBool:
        return !has_value || is_bool(value) ? "" : bad(arg, "want true|false|yes|no|on|off|1|0");
      case Kind::kString:
        return "";
      case Kind::kNonEmpty:
        return value.empty() ? bad(arg, "want a file name") : "";
      case Kind::kSeconds:
        return seconds_in(value, 0, true, 3600) ? "" : bad(arg, "want seconds in (0, 3600]");
      case Kind::kWarmup:
        return seconds_in(value, 0, false, 3600) ? "" : bad(arg, "want seconds in [0, 3600]");
      case Kind::kRepetitions:
        return whole_in(value, 1, 1000) ? "" : bad(arg, "want a whole number in [1, 1000]");
      case Kind::kFormat:
        return value == "console" || value == "json" || value == "csv"
                   ? ""
                   : bad(arg, "want console|json|csv");
      case Kind::kColor:
        return value == "auto" || is_bool(value) ? "" : bad(arg, "want auto|true|false");
      case Kind::kContext:
        return context_ok(value) ? "" : bad(arg, "want KEY=VALUE[,KEY=VALUE...]");
      case Kind::kTimeUnit:
        return value == "ns" || value == "us" || value == "ms" || value == "s"
                   ? ""
                   : bad(arg, "want ns|us|ms|s");
      case Kind::kVerbosity:
        return whole_in(value, 0, 10) ? "" : bad(arg, "want a whole number in [0, 10]");
    }
  }
  return "unknown flag '" + arg + "' (see --help)";
}

}  // namespace ipistorm::bench
