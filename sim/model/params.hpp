// params.hpp: the one cost model. Every number the simulator uses is a named
// parameter here with a unit, a default and its source; `ipistorm params`
// prints this table and `--set NAME=VALUE` overrides any entry.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ipistorm::model {

struct Costs;

// What kind of number a parameter is. A count, an index and a state are whole
// numbers: text is parsed as an integer, never as a double then cast.
enum class ParamType {
  kReal,         // a duration, rate or size that may be fractional
  kCount,        // a whole number of things (pages, bytes, accesses)
  kIndex,        // a whole number naming one of several things
  kProbability,  // a chance, in [0, 1)
  kState,        // a whole number naming a hardware state (max_cstate)
};
const char* type_name(ParamType t);  // "real", "count", ...

// A chosen cost's plausible range for the uncertainty studies (issue 12):
// a distribution over [low, high] with the reason for it. Rows give it
// relative to their default (factor/plus_minus below), so a new default
// keeps its range around it; param_specs() resolves low and high.
enum class Distribution { kNone, kUniform, kLogUniform };
const char* distribution_name(Distribution d);                 // "none", "uniform", "log-uniform"
Distribution distribution_from_name(const std::string& name);  // InputError if unknown

struct ParamRange {
  Distribution distribution = Distribution::kNone;
  double low = 0, high = 0;
  const char* source = "";  // why this range
  double relative = 0;      // > 0: low/high from the default (see factor, plus_minus)
  bool empty() const { return distribution == Distribution::kNone; }
};
// Log-uniform over [default / f, default * f].
constexpr ParamRange factor(double f, const char* why) {
  return {Distribution::kLogUniform, 0, 0, why, f};
}
// Uniform over [default * (1 - frac), default * (1 + frac)].
constexpr ParamRange plus_minus(double frac, const char* why) {
  return {Distribution::kUniform, 0, 0, why, frac};
}
constexpr ParamRange uniform(double low, double high, const char* why) {
  return {Distribution::kUniform, low, high, why, 0};
}
constexpr ParamRange log_uniform(double low, double high, const char* why) {
  return {Distribution::kLogUniform, low, high, why, 0};
}

struct ParamSpec {
  const char* name;
  double value;  // default
  const char* unit;
  const char* group;   // hardware | xen | dom0 | device_model | workload
  const char* source;  // commit, paper, measurement, or "chosen because ..."
  bool fitted;         // fitted to an observation (see docs/model.md "Calibration")
  ParamType type;
  // The accepted range, both ends included: generous but physical. set()
  // refuses anything outside it; the model has no clamps of its own.
  double min, max;
  const char* field;  // the Costs field it sets ("boot phase ..." for the workload rows)
  // Sets `field` from a value already checked against the row (nullptr: the
  // workload rows, read by boot_phases()).
  void (*apply)(Costs& c, double v);
  // Chosen costs only; none for sourced structure (page size, PAGEVEC_SIZE),
  // scenario settings and fitted rows (the fit solves for those).
  ParamRange range{};

  bool integer() const { return type != ParamType::kReal && type != ParamType::kProbability; }
};

// All parameters in a stable order (the order of `ipistorm params`).
const std::vector<ParamSpec>& param_specs();
const ParamSpec* find_param(const std::string& name);

// A range given for `name` in a config file ("ranges"), checked against the
// row: InputError when it is inverted or empty, has low <= 0 in a
// log-uniform, or leaves the row's accepted range [min, max].
ParamRange checked_range(const std::string& name, Distribution d, double low, double high);

// A resolved set of values. Lookup by name happens once, when a run is set
// up; the model reads the plain fields of Costs.
class ParamValues {
 public:
  ParamValues();  // the defaults
  // Throws InputError for an unknown name or a value outside the row's type
  // and range, naming the value and the accepted range.
  void set(const std::string& name, double value);
  // Text as the row's type: an integer row takes only integer text.
  void set_from_string(const std::string& name, const std::string& text);
  double get(const std::string& name) const;
  // A whole-number row's value (exact: every integer row's range fits in
  // a double's 53-bit mantissa).
  std::int64_t get_count(const std::string& name) const;
  const std::map<std::string, double>& all() const { return values_; }

 private:
  std::map<std::string, double> values_;
};

}  // namespace ipistorm::model
