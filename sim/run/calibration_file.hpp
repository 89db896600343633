// calibration_file.hpp: the one reader of a calibration file
// (`ipistorm calibrate` writes it; `validate`, `simulate/sweep/compare/fit
// --calibration` and Python's ipistorm.lab.read_calibration read it):
// {"params": {name: number, ...}, ...}, everything besides "params" being
// the fit and its provenance, which are not read. It lives with the config
// reader (run/config.hpp): its parameters are a config's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/scenario.hpp"

namespace ipistorm::run {

// The parameters, by name. Throws InputError, one line, when the text
// is not JSON (1e400 included), has no "params" object, or a value is not a
// number, or the parameter is unknown or refuses the value (the parameter
// table's own check, model::ParamValues::set). Reads no file: the entry
// point of the fuzz harness.
std::vector<std::pair<std::string, double>> parse_calibration(const std::string& text,
                                                              const std::string& origin);
// The same on a file (a regular file of at most 64 MiB).
std::vector<std::pair<std::string, double>> read_calibration(const std::string& path);
// A calibration file's parameters set in `c` (--calibration: after the
// config file, before the flags).
void apply_calibration(model::Config& c, const std::string& path);

}  // namespace ipistorm::run
