// config.hpp: reading and writing a Config (model/scenario.hpp) as JSON.
// Every key and number is checked here, where it enters; names are checked
// by run() before any work. Declared in namespace model, as before the split.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/params.hpp"
#include "model/scenario.hpp"
#include "run/config.hpp"

namespace ipistorm::run {

// Apply a JSON config object (the keys of Config; "params": {name: value}).
// Unknown keys and wrong types are InputErrors.
void apply_json(model::Config& c, const nlohmann::json& j);
// One parameter from a JSON value: a number (integral for a whole-number
// row); then ParamValues::set's range check.
void set_param_json(model::ParamValues& params, const std::string& name, const nlohmann::json& v);
// The fully resolved config as JSON (every parameter included).
nlohmann::json to_json(const model::Config& c);

}  // namespace ipistorm::run
