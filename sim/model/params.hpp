// params.hpp: the one cost model. Every number the simulator uses is a named
// parameter here with a unit, a default and its source; `ipistorm params`
// prints this table and `--set NAME=VALUE` overrides any entry.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ipistorm::model {

struct ParamSpec {
  const char* name;
  double value;  // default
  const char* unit;
  const char* group;   // hardware | xen | dom0 | device_model | workload
  const char* source;  // commit, paper, measurement, or "chosen because ..."
  bool fitted;         // fitted to an observation (see README "Calibration")
  bool integer;        // must be a whole number
};

// All parameters in a stable order (the order of `ipistorm params`).
const std::vector<ParamSpec>& param_specs();
const ParamSpec* find_param(const std::string& name);

// A resolved set of values. Lookup by name happens once, when a run is set
// up; the model reads the plain fields of Costs.
class ParamValues {
 public:
  ParamValues();  // the defaults
  // Throws InputError for an unknown name or a bad value (negative,
  // non-finite, or fractional where a whole number is required).
  void set(const std::string& name, double value);
  void set_from_string(const std::string& name, const std::string& text);
  double get(const std::string& name) const;
  const std::map<std::string, double>& all() const { return values_; }

 private:
  std::map<std::string, double> values_;
};

}  // namespace ipistorm::model
