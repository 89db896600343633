// py_json.hpp: the bridge between Python objects and nlohmann::json, the
// simulator's one interchange format. Every binding passes configs, grids
// and metrics through here, so the Python face accepts exactly what the
// CLI's JSON files accept and returns exactly what `--json` writes.
#pragma once

#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/scenario.hpp"
#include "run/config.hpp"

namespace ipistorm::py {

namespace pyb = pybind11;

// Python -> JSON. None, bool, int (and numpy integers), float (and numpy
// floats), str, mappings with str keys, and sequences. Anything else is a
// TypeError naming `where`; an int outside 64 bits is a ValueError.
// Non-negative ints become unsigned JSON numbers, as nlohmann's parser makes
// them, so "seed" checks behave as they do for a JSON file.
nlohmann::json to_json(pyb::handle h, const std::string& where);

// JSON -> Python: dict, list, int, float, str, bool, None.
pyb::object from_json(const nlohmann::json& j);

// A Config from a Python mapping with the keys of a JSON config file (None:
// the defaults), checked by run::apply_json. Defined in bind_simulate.cpp.
model::Config config_from_py(pyb::handle config);

}  // namespace ipistorm::py

// Each area's bindings (one file per area; module.cpp calls them in order).
namespace ipistorm::py {
void bind_topology(pyb::module_& m);   // bind_topology.cpp, tests/test_topology.py
void bind_params(pyb::module_& m);     // bind_params.cpp, tests/test_params.py
void bind_simulate(pyb::module_& m);   // bind_simulate.cpp, tests/test_simulate.py
void bind_sweep(pyb::module_& m);      // bind_sweep.cpp, tests/test_sweep.py, test_dask.py
void bind_reproduce(pyb::module_& m);  // bind_reproduce.cpp, tests/test_reproduce.py
void bind_study(pyb::module_& m);      // bind_study.cpp, tests/test_fit.py
void bind_compare(pyb::module_& m);    // bind_compare.cpp, tests/test_compare.py
}  // namespace ipistorm::py
