// bind_study.cpp: the studies over many runs beyond sweep and reproduce:
// the one fitted cost (study::fit, as `ipistorm fit --json` writes it).
// Covered by tests/test_fit.py.
#include <pybind11/pybind11.h>

#include "model/scenario.hpp"
#include "py_json.hpp"
#include "study/fit.hpp"

namespace ipistorm::py {

void bind_study(pyb::module_& m) {
  // tests/test_fit.py: test_fit_matches_cli, test_fit_hits_target
  m.def(
      "_fit",
      [](pyb::object base) {
        const model::Config c = config_from_py(base);
        study::FitResult r;
        {
          pyb::gil_scoped_release release;
          r = study::fit(c);
        }
        return from_json(study::fit_json(r));
      },
      pyb::arg("base"), "The `ipistorm fit --json` fields for a base config.");
}

}  // namespace ipistorm::py
