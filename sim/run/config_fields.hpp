// config_fields.hpp: the one table of a Config's fields (model/scenario.hpp).
// A row names a field's config-file key, its run flag, its type and bounds,
// its help and the member of model::Config it is. The config file reader
// and to_json (run/config.hpp), the run flags (cli/common.cpp), the sweep
// grid's keys (study/grid.cpp) and the "did you mean" hints all read it: a
// new field is one row here and its member in Config. A value is checked
// against its row where it enters; what needs more than one field or the
// machine is checked once, by run::resolve (run/config.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::run {

// The member of model::Config a row reads and writes; its type is the row's.
using ConfigMember = std::variant<std::string model::Config::*,    // a name (or topology spec)
                                  int model::Config::*,            // a whole number in [min, max]
                                  std::uint64_t model::Config::*,  // a seed, [0, 2^64-1]
                                  double model::Config::*,         // a real number in [min, max]
                                  model::ParamValues model::Config::*,  // "params"
                                  std::map<std::string, model::ParamRange> model::Config::*>;

struct ConfigField {
  const char* key;   // the config file's key, and to_json's
  const char* flag;  // the run flag; nullptr: a config file's key only
  ConfigMember member;
  // An integer or real field's accepted range, both ends included.
  double min = 0, max = 0;
  // What 0 stands for in a config file ("one per CPU"); nullptr when 0 is
  // an ordinary value. A flag refuses such a 0: leaving it out says that.
  const char* zero = nullptr;
  // The flag's help; "{}" stands for the default (default_text).
  const char* help = "";
  // Set by each scenario of reproduce and fit: only the commands that run
  // the config as given (simulate) take its flag (cli::add_run_flags).
  bool per_scenario = false;
  // A sweep grid's key: a grid lists values for it (study/grid.hpp).
  bool swept = false;

  const char* type_name() const;  // "name", "integer", "seed", "real", "params", "ranges"
};

// Every field, in the order of the hints.
const std::vector<ConfigField>& config_fields();
// The row of `key`, or nullptr.
const ConfigField* find_config_field(const std::string& key);
// The row of a member of Config (every member has one).
const ConfigField& config_field(const ConfigMember& member);
// The keys of the rows `pick` accepts, in the table's order (the hints).
std::vector<std::string> config_keys(bool (*pick)(const ConfigField&) = nullptr);
// The default, as the help says it: "one per CPU" for a 0 that stands for
// something, else the value ("nehalem-ep", "1").
std::string default_text(const ConfigField& f);
// The help with "{}" replaced by default_text.
std::string help_text(const ConfigField& f);

}  // namespace ipistorm::run
