// config.hpp: reading and writing a Config (model/scenario.hpp) as JSON, and
// the one check of a whole Config before a run (resolve). The keys, flags and
// bounds are the rows of run/config_fields.hpp; every key and number is
// checked against its row where it enters, the rest by resolve().
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/params.hpp"
#include "model/scenario.hpp"
#include "run/config_fields.hpp"
#include "topology/topology.hpp"

namespace ipistorm::run {

// Apply a JSON config object (the keys of config_fields(); "params":
// {name: value}). Unknown keys, wrong types and numbers outside their
// row's range are InputErrors.
void apply_json(model::Config& c, const nlohmann::json& j);
// One field from a JSON value, checked against its row; `source` names
// where it comes from in a message ("config key", "grid key").
void read_field_json(const ConfigField& f, model::Config& c, const nlohmann::json& v,
                     const std::string& source);
// One parameter from a JSON value: a number (integral for a whole-number
// row); then ParamValues::set's range check.
void set_param_json(model::ParamValues& params, const std::string& name, const nlohmann::json& v);
// The fully resolved config as JSON (every parameter included).
nlohmann::json to_json(const model::Config& c);

// A number against its row's range: InputError "<what> must be in [min,
// max], got <v>" (with "0 (<zero>) or" where 0 stands for something and
// zero_allowed). The flags and resolve() check with it.
void check_field_number(const ConfigField& f, double v, const std::string& what, bool zero_allowed);
// The names of the kernel, strategy and placement: InputError naming an
// unknown one (build_config calls it, to fail before any output is checked).
void check_names(const model::Config& c);

// A Config checked as a whole, before any work: names, every number
// against its row (a Config built in code meets the table here), the
// topology loaded, dom0_vcpus within its CPUs, dm_vcpu and the device
// model's event channel within dom0's vCPUs, every simulated delay below
// the horizon. The config comes back with dom0_vcpus (0: one per CPU) and
// cpu_ghz (0: the topology's) filled in. Every check of a run's config is
// here, once: run() calls it, and so does the sweep's grid check.
struct Resolved {
  model::Config config;
  topo::Topology topology;  // cpu_ghz applied
};
Resolved resolve(const model::Config& c);

}  // namespace ipistorm::run
