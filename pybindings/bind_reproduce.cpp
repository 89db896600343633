// bind_reproduce.cpp: the 2009 report's scenarios beside the report's
// figures, as `ipistorm reproduce --json` writes them (study::reproduce_json);
// ipistorm.reproduce() flattens that into one row per figure. Covered by
// tests/test_reproduce.py.
#include <pybind11/pybind11.h>

#include "errors.hpp"
#include "py_json.hpp"
#include "study/reproduce.hpp"

namespace ipistorm::py {

void bind_reproduce(pyb::module_& m) {
  // tests/test_reproduce.py: test_reproduce_matches_cli, test_formula_rows_exact
  m.def(
      "_reproduce",
      [](pyb::object base, int jobs) {
        if (jobs < 1) throw InputError("jobs must be >= 1, got " + std::to_string(jobs));
        const model::Config c = config_from_py(base);
        std::vector<study::ReproOutcome> outcomes;
        {
          pyb::gil_scoped_release release;
          outcomes = study::run_reproduce(c, jobs);
        }
        return from_json(study::reproduce_json(outcomes));
      },
      pyb::arg("base"), pyb::arg("jobs"),
      "The reproduce --json document for a base config (topology, seed, params).");
}

}  // namespace ipistorm::py
