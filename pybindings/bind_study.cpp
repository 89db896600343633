// bind_study.cpp: the studies over many runs beyond sweep and reproduce:
// the one fitted cost (study::fit, as `ipistorm fit --json` writes it).
// Covered by tests/test_fit.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "errors.hpp"
#include "interrupt.hpp"
#include "model/scenario.hpp"
#include "py_json.hpp"
#include "study/fit.hpp"
#include "study/sampling.hpp"
#include "study/sensitivity.hpp"

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

  // tests/test_sensitivity.py: the parameters a study samples (table and
  // config "ranges"), as the JSON "dimensions" list.
  m.def(
      "_dimensions",
      [](pyb::object base, bool refit) {
        return from_json(study::dimensions_json(study::dimensions(config_from_py(base), refit)));
      },
      pyb::arg("base"), pyb::arg("refit"));
  m.def(
      "_figure_names", [](pyb::object base) { return study::figure_names(config_from_py(base)); },
      pyb::arg("base"));
  // tests/test_sensitivity.py: figures of one scenario for many parameter
  // vectors (rows x figures), the model function ipistorm.sensitivity()
  // hands to OpenTURNS.
  m.def(
      "_evaluate",
      [](pyb::object base, const std::string& scenario, const std::vector<std::string>& figures,
         const std::vector<std::string>& names, const std::vector<std::vector<double>>& rows,
         bool refit, int jobs) {
        if (jobs < 1) throw InputError("jobs must be >= 1, got " + std::to_string(jobs));
        const model::Config c = config_from_py(base);
        // Ctrl-C stays live: Python's signals are polled while the rows run,
        // and a KeyboardInterrupt stops them (interrupt.hpp).
        return call_interruptible([&](const std::atomic<bool>* stop) {
          return study::evaluate_figures(c, scenario, figures, names, rows, refit, jobs, stop);
        });
      },
      pyb::arg("base"), pyb::arg("scenario"), pyb::arg("figures"), pyb::arg("names"),
      pyb::arg("rows"), pyb::arg("refit"), pyb::arg("jobs"));
}

}  // namespace ipistorm::py
